"""One export run: take waiting records in, write the folder, then acknowledge.

1. Stream the queue in batches. Records for keys we were not given are counted by key
   id; records already in the folder's ledger are skipped; the rest are opened,
   anonymised and stored with their ledger entries, one synced transaction per batch.
2. Write every file of the folder from its state (durably), `manifest.json` last.
3. Mark as exported, in the bot's database, every waiting record the ledger holds.

A crash anywhere loses nothing (unmarked records stay waiting) and doubles nothing
(the ledger remembers what was taken in). `checkpoint(name)` is called after each step
so that tests can stop the run exactly there.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rostbot import __version__
from rostbot.core.flow_model import Flow
from rostbot.crypto.analyst_keys import AnalystPrivateKey
from rostbot.export import codes, counts, indicators
from rostbot.export.opening import KeyRing
from rostbot.export.receipt import write_receipt
from rostbot.export.scrub import KINDS
from rostbot.export.seminar import SEMINAR_FREE_TEXT, SHARING, seminar_free_text
from rostbot.export.workers import Chunk, Opener, Taken, default_workers
from rostbot.export.writer import OutputError, write_csv, write_manifest, write_xlsx
from rostbot.store.export_queue import ExportQueue
from rostbot.store.export_state import ExportState

RESPONSE_COLUMNS = (
    "response",
    "flow_id",
    "flow_version",
    "lang",
    "unit",
    "provider",
    "cohort",
    "wave",
    "month",
)
FORMATS = frozenset({"csv", "xlsx"})
CHUNK = 500  # records per task for a worker
STATE_BATCH = 5000  # records per synced transaction of the folder's state
ACK_BATCH = 5000  # records marked as exported per transaction of the bot's database


class ExportError(Exception):
    """Nothing could be exported; the message is one line for the analyst."""


@dataclass(frozen=True)
class ExportOptions:
    db: Path
    out: Path
    flows: Mapping[str, Flow]
    formats: frozenset[str] = FORMATS
    min_group: int = 5
    today: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%d"))
    workers: int = field(default_factory=default_workers)  # processes opening records
    receipt: Path | None = None  # write the ids this copy marks as exported, for the host
    bom: bool = True  # CSV files begin with a UTF-8 byte-order mark (for spreadsheets)


@dataclass
class ExportResult:
    opened: int = 0
    already_in_folder: int = 0
    acknowledged: int = 0
    receipt_records: int = 0
    other_keys: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    responses: int = 0

    @property
    def waiting(self) -> int:
        return (
            self.opened
            + self.already_in_folder
            + sum(self.other_keys.values())
            + len(self.problems)
        )


def _no_checkpoint(name: str) -> None:
    return None


def run_export(
    keys: Sequence[AnalystPrivateKey],
    options: ExportOptions,
    *,
    report: Callable[[str], None],
    checkpoint: Callable[[str], None] = _no_checkpoint,
) -> ExportResult:
    """Export what the keys open; `report` gets one line per record that could not be."""
    ring = KeyRing(keys)
    result = ExportResult()
    with Opener(ring, options.flows, options.workers) as opener:
        return _run(opener, ring, options, result, report, checkpoint)


def _run(
    opener: Opener,
    ring: KeyRing,
    options: ExportOptions,
    result: ExportResult,
    report: Callable[[str], None],
    checkpoint: Callable[[str], None],
) -> ExportResult:
    queue = ExportQueue(options.db)
    try:
        options.out.mkdir(parents=True, exist_ok=True)
        state = ExportState(options.out)
        try:
            _take_in(opener, queue, state, ring, result, checkpoint)
            if result.waiting and not (result.opened or result.already_in_folder):
                raise ExportError(_nothing_done(result, ring))
            for problem in result.problems:
                report(f"{problem}; it stays waiting")
            for key_id, count in sorted(result.other_keys.items()):
                report(
                    f"{count} record(s) wait for key {key_id}; "
                    "give its private key with --key to export them"
                )
            _write_folder(opener, state, options, result)
            checkpoint("written")
            result.acknowledged = _acknowledge(queue, state, options.today)
            checkpoint("acknowledged")
            if options.receipt is not None:
                result.receipt_records = _write_receipt(queue, options)
        finally:
            state.close()
    finally:
        queue.close()
    return result


def _nothing_done(result: ExportResult, ring: KeyRing) -> str:
    """One line for a run that could export nothing at all."""
    given = ", ".join(sorted(ring.ids))
    if len(result.problems) == 1 and not result.other_keys:
        return f"nothing exported: {result.problems[0]}"
    if result.problems:
        return (
            f"nothing exported: {len(result.problems)} record(s) for key {given} "
            "could not be exported"
            f" (the first: {result.problems[0]})"
        )
    waiting_for = ", ".join(sorted(result.other_keys))
    return (
        f"nothing exported: none of the {result.waiting} waiting record(s) is sealed to key "
        f"{given} (they are sealed to {waiting_for})"
    )


def _take_in(
    opener: Opener,
    queue: ExportQueue,
    state: ExportState,
    ring: KeyRing,
    result: ExportResult,
    checkpoint: Callable[[str], None],
) -> None:
    taken: list[Taken] = []
    for outcomes in opener.run(_to_open(queue, state, ring, result)):
        for outcome in outcomes:
            if isinstance(outcome, str):
                result.problems.append(outcome)
            else:
                taken.append(outcome)
        if len(taken) >= STATE_BATCH:
            _store(state, taken, result, checkpoint)
    _store(state, taken, result, checkpoint)


def _store(
    state: ExportState,
    taken: list[Taken],
    result: ExportResult,
    checkpoint: Callable[[str], None],
) -> None:
    if taken:
        state.take_in(taken)
        result.opened += len(taken)
        taken.clear()
        checkpoint("taken_in")


def _to_open(
    queue: ExportQueue, state: ExportState, ring: KeyRing, result: ExportResult
) -> Iterator[Chunk]:
    """Chunks of waiting records that the keys open and the folder does not hold yet."""
    # Into a folder that held nothing at the start, every record is new (record ids are
    # unique in the queue), so the ledger need not be asked batch by batch.
    fresh = state.ledger_is_empty()
    for batch in queue.waiting():
        ours = [r for r in batch if ring.holds(r.key_id)]
        result.other_keys.update(r.key_id for r in batch if not ring.holds(r.key_id))
        entries = [(ring.ids[r.key_id].ledger_entry(r.record_id), r) for r in ours]
        known = set() if fresh else state.known(entry for entry, _ in entries)
        todo = [(entry, r) for entry, r in entries if entry not in known]
        result.already_in_folder += len(entries) - len(todo)
        state.to_acknowledge((r.position, r.record_id) for entry, r in entries if entry in known)
        for start in range(0, len(todo), CHUNK):
            yield todo[start : start + CHUNK]


def _response_rows(
    state: ExportState, flows: Mapping[str, Flow], columns: list[tuple[str, str]]
) -> Iterator[list[object]]:
    for response in state.responses():
        row: list[object] = [
            response.response,
            response.flow_id,
            response.flow_version,
            response.lang,
            response.unit,
            response.provider,
            response.cohort,
            response.wave,
            response.month,
            codes.status_of(flows.get(response.flow_id), response.answers),
        ]
        for flow_id, question_id in columns:
            given = response.answers.get(question_id) if flow_id == response.flow_id else None
            if given is None:
                row.append("")
                continue
            status, value, question_type = given
            row.append(codes.shown(status, value, question_type))
        yield row


def _write_folder(
    opener: Opener, state: ExportState, options: ExportOptions, result: ExportResult
) -> None:
    """Every file, durably, manifest.json last.

    responses.xlsx and indicators.csv are written by workers, each reading the folder's
    state on its own connection, while this process writes the CSV files: the state is
    complete and no longer written to, so they read the same data.
    """
    out, flows = options.out, options.flows
    columns = codes.question_columns(flows, state.question_ids())
    header = [*RESPONSE_COLUMNS, "status", *(f"{f}.{q}" for f, q in columns)]
    if "xlsx" in options.formats:
        xlsx = opener.submit(_write_responses, out, "xlsx", flows, header, columns)
    else:
        (out / "responses.xlsx").unlink(missing_ok=True)  # never leave a stale copy
    published = opener.submit(_write_indicators, out, options.min_group, options.bom)
    written: list[str] = []
    tallied = Tallied()
    if "csv" in options.formats:
        result.responses, tallied = _write_responses(
            out, "csv", flows, header, columns, state, bom=options.bom
        )
        written.append("responses.csv")
    else:
        (out / "responses.csv").unlink(missing_ok=True)
    if "xlsx" in options.formats:
        result.responses, tallied = xlsx.result()
        written.append("responses.xlsx")
    write_csv(
        out,
        "free_text.csv",
        ("response", "flow_id", "question_id", "lang", "month", "text"),
        state.free_texts(),
        bom=options.bom,
    )
    write_csv(
        out,
        SEMINAR_FREE_TEXT,
        ("flow_id", "question_id", "lang", "text"),
        seminar_free_text(state.free_texts(), options.min_group),
        bom=options.bom,
    )
    write_csv(
        out,
        "codebook.csv",
        codes.CODEBOOK_COLUMNS,
        ([row[c] for c in codes.CODEBOOK_COLUMNS] for row in codes.codebook_rows(flows)),
        bom=options.bom,
    )
    cells, total_hidden = published.result()
    write_csv(
        out,
        "counts.csv",
        counts.COLUMNS,
        counts.count_rows(tallied.counts, total_hidden, options.min_group),
        bom=options.bom,
    )
    written += ["free_text.csv", SEMINAR_FREE_TEXT, "codebook.csv", "indicators.csv", "counts.csv"]
    write_manifest(
        out,
        _manifest(state, options, result, tallied.statuses, cells),
        {name: SHARING[name] for name in written},
    )


@dataclass
class Tallied:
    """What writing responses counted: statuses, and responses per flow and breakdown."""

    statuses: Counter[str] = field(default_factory=Counter)
    counts: Counter[tuple[str, str, str]] = field(default_factory=Counter)


def _write_responses(
    out: Path,
    fmt: str,
    flows: Mapping[str, Flow],
    header: list[str],
    columns: list[tuple[str, str]],
    state: ExportState | None = None,
    *,
    bom: bool = True,
) -> tuple[int, Tallied]:
    """responses.csv or .xlsx: the number of rows, and what they counted.

    Without `state` (on a worker) it reads the folder's state on a connection of its own.
    """
    own = state is None
    reading = ExportState(out) if state is None else state
    tallied = Tallied()

    def counted_rows() -> Iterator[list[object]]:
        for row in _response_rows(reading, flows, columns):
            status, flow_id = str(row[len(RESPONSE_COLUMNS)]), str(row[1])
            tallied.statuses[status] += 1
            tallied.counts[(flow_id, "status", status)] += 1
            tallied.counts[(flow_id, "lang", str(row[3]))] += 1
            tallied.counts[(flow_id, "flow_version", str(row[2]))] += 1
            yield row

    try:
        if fmt == "csv":
            count = write_csv(out, "responses.csv", header, counted_rows(), bom=bom)
        else:
            count = write_xlsx(out, "responses.xlsx", "responses", header, counted_rows())
    finally:
        if own:
            reading.close()
    return count, tallied


def _write_indicators(
    out: Path, min_group: int, bom: bool = True
) -> tuple[Counter[str], dict[str, bool]]:
    """indicators.csv, from the folder's state on a connection of its own.

    Returns the cells counted (all, hidden) and which flows' all-time totals are hidden.
    """
    cells = Counter[str]()
    state = ExportState(out)
    try:
        publication = indicators.publish(indicators.tally(state.counted_answers()), min_group)
    finally:
        state.close()

    def indicator_rows() -> Iterator[list[str]]:
        for row in publication.rows:
            cells["all"] += 1
            if row.tally is None:
                cells["hidden"] += 1
            as_csv = row.as_csv()
            yield [as_csv[c] for c in indicators.COLUMNS]

    write_csv(out, "indicators.csv", indicators.COLUMNS, indicator_rows(), bom=bom)
    return cells, publication.total_hidden


def _manifest(
    state: ExportState,
    options: ExportOptions,
    result: ExportResult,
    statuses: Counter[str],
    cells: Counter[str],
) -> dict[str, object]:
    scrubbed: Counter[str] = Counter()
    for counts_of_text in state.scrub_counts():
        scrubbed.update(json.loads(counts_of_text))
    first, last = state.month_range()
    totals = state.totals()
    return {
        "format": "rostbot-export/1",
        "software": f"rostbot {__version__}",
        "written_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "key_ids": state.key_ids(),
        "min_group": options.min_group,
        "time_range": {"first_month": first, "last_month": last},
        "counts": {
            "responses": totals["responses"],
            "complete": statuses["complete"],
            "partial": statuses["partial"],
            "unknown": statuses["unknown"],
            "answers": totals["answers"],
            "free_text": totals["free_text"],
            "indicator_cells": cells["all"],
            "indicator_cells_hidden": cells["hidden"],
        },
        "last_run": {
            "opened": result.opened,
            "already_in_folder": result.already_in_folder,
            "not_opened_by_key": dict(sorted(result.other_keys.items())),
            "failed": len(result.problems),
        },
        "scrubbed": {kind: scrubbed[kind] for kind in KINDS},
    }


def _write_receipt(queue: ExportQueue, options: ExportOptions) -> int:
    """Every record the database file marks as exported: this run's and any before."""
    assert options.receipt is not None
    folder = options.receipt.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write {options.receipt}: {exc.strerror or exc}") from None
    return write_receipt(folder, options.receipt.name, options.today, queue.exported_ids())


def _acknowledge(queue: ExportQueue, state: ExportState, today: str) -> int:
    """Mark as exported every waiting record the ledger holds, batch by batch.

    Those are the records noted during the take-in (already known, or stored with their
    ledger entries), so the queue is not read and hashed a second time.
    """
    done = 0
    for batch in state.acknowledgements(ACK_BATCH):
        done += queue.acknowledge(batch, today)
    return done
