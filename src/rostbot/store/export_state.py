"""An export folder's working state: anonymised answers and the ledger of records taken in.

Lives in `<out>/.rostbot-export/state.sqlite3` on the analyst's computer. It holds only
what the anonymised files hold (coded values, scrubbed texts, keyed response ids) plus
the ledger: keyed hashes of the record ids already taken in, so that a rerun after a
crash, or an export of a later copy of the bot's database, never takes a record twice.
Every batch commits with its ledger entries in one synced transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from rostbot.store.database import StoreError

SCHEMA = """
CREATE TABLE IF NOT EXISTS ledger (
    entry   TEXT PRIMARY KEY,        -- HMAC of the record id under the key's export secret
    key_id  TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS keys (key_id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS responses (
    response      TEXT PRIMARY KEY,  -- keyed id, as in responses.csv
    flow_id       TEXT NOT NULL,
    flow_version  INTEGER NOT NULL,
    lang          TEXT NOT NULL,
    unit          TEXT NOT NULL,
    provider      TEXT NOT NULL,     -- '' when the invitation named none
    month         TEXT NOT NULL,     -- month of the first answer
    cohort        TEXT NOT NULL DEFAULT '',  -- '' when the invitation named none
    wave          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS responses_in_order ON responses (flow_id, month, response);
CREATE TABLE IF NOT EXISTS answers (
    response       TEXT NOT NULL,
    question_id    TEXT NOT NULL,
    question_type  TEXT NOT NULL,
    indicator      TEXT NOT NULL,
    status         TEXT NOT NULL,    -- answered, skipped, declined
    value          TEXT,             -- coded value; the scrubbed text for free text
    positive       INTEGER,          -- 1/0 for counted answers, NULL when not counted
    rating         INTEGER,          -- 0-10 for rating questions
    month          TEXT NOT NULL,
    scrubbed       TEXT,             -- JSON {kind: count} for scrubbed free text
    PRIMARY KEY (response, question_id)
) WITHOUT ROWID;
"""


class StoredAnswer(NamedTuple):
    """One anonymised answer, ready for the state (a named tuple: cheap to make and pickle)."""

    response: str
    flow_id: str
    flow_version: int
    lang: str
    unit: str
    provider: str
    question_id: str
    question_type: str
    indicator: str
    status: str
    value: str | None
    positive: bool | None
    rating: int | None
    month: str
    scrubbed: str | None
    cohort: str = ""
    wave: str = ""


@dataclass(frozen=True)
class ResponseRow:
    response: str
    flow_id: str
    flow_version: int
    lang: str
    unit: str
    provider: str
    month: str
    answers: dict[str, tuple[str, str | None, str]]  # question_id -> (status, value, type)
    cohort: str = ""
    wave: str = ""


@dataclass(frozen=True)
class CountedAnswer:
    """An answer that counts in indicators.csv."""

    flow_id: str
    indicator: str
    unit: str
    provider: str
    month: str
    response: str
    question_type: str
    positive: bool
    rating: int | None
    cohort: str = ""
    wave: str = ""


class ExportState:
    """The state database of one export folder."""

    def __init__(self, folder: Path) -> None:
        path = folder / ".rostbot-export" / "state.sqlite3"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            # Ledger entries and response ids are random, so inserts land all over the
            # b-trees: a page cache of fixed size (32 MB, not growing with the data) keeps
            # them from going to the file for every row once the folder holds ~100k answers.
            self._db.execute("PRAGMA cache_size=-32000")
            self._db.executescript(SCHEMA)
            _add_cohort_and_wave(self._db)
            self._db.execute(
                "CREATE TEMP TABLE acknowledge (position INTEGER PRIMARY KEY, record_id TEXT)"
            )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the export state in {path.parent}: {exc}") from None
        self.path = path

    def close(self) -> None:
        self._db.close()

    def to_acknowledge(self, records: Iterable[tuple[int, str]]) -> None:
        """Note (queue position, record id) of waiting records the ledger holds, for this run.

        A temporary table (a file of SQLite's, not memory) of this connection: it lives as
        long as the run, so acknowledging needs no second pass over the queue, and a crash
        forgets it (the next run finds the records in the ledger and notes them again).
        """
        try:
            self._db.executemany(
                "INSERT OR IGNORE INTO temp.acknowledge (position, record_id) VALUES (?, ?)",
                records,
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write the export state {self.path}: {exc}") from None

    def acknowledgements(self, batch: int) -> Iterator[list[tuple[int, str]]]:
        """What `to_acknowledge` noted, in queue order, `batch` at a time."""
        last = -1
        while rows := self._db.execute(
            "SELECT position, record_id FROM temp.acknowledge WHERE position > ?"
            " ORDER BY position LIMIT ?",
            (last, batch),
        ).fetchall():
            last = rows[-1][0]
            yield rows

    def ledger_is_empty(self) -> bool:
        """Whether the folder has taken in nothing yet (a first export into it)."""
        return self._db.execute("SELECT 1 FROM ledger LIMIT 1").fetchone() is None

    def known(self, entries: Iterable[str]) -> set[str]:
        """Which of these ledger entries the folder holds already."""
        wanted = list(entries)
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            marks = ",".join("?" * len(part))
            found.update(
                row[0]
                for row in self._db.execute(
                    f"SELECT entry FROM ledger WHERE entry IN ({marks})", part
                )
            )
        return found

    def take_in(self, answers: list[tuple[str, str, StoredAnswer, int, str]]) -> None:
        """Store a batch of (ledger entry, key id, answer, position, record id), synced.

        Rows go in sorted by primary key: the keys are random, and in order each b-tree
        page is visited once per batch instead of once per row.
        """
        # by key only, and stable: of two answers to one question (the person went back),
        # the later in the queue still replaces the earlier
        in_order = sorted((t[2] for t in answers), key=lambda a: (a.response, a.question_id))
        earliest = {  # one row per response of the batch, with its earliest month
            a.response: (
                a.response,
                a.flow_id,
                a.flow_version,
                a.lang,
                a.unit,
                a.provider,
                a.month,
                a.cohort,
                a.wave,
            )
            for a in sorted(in_order, key=lambda a: a.month, reverse=True)
        }
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(
                "INSERT OR IGNORE INTO ledger (entry, key_id) VALUES (?, ?)",
                sorted((t[0], t[1]) for t in answers),
            )
            self._db.executemany(
                "INSERT OR IGNORE INTO keys (key_id) VALUES (?)",
                {(t[1],) for t in answers},
            )
            self._db.executemany(
                "INSERT INTO responses (response, flow_id, flow_version, lang, unit, provider,"
                " month, cohort, wave) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (response) DO UPDATE SET month = min(month, excluded.month)",
                [earliest[response] for response in sorted(earliest)],
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO answers (response, question_id, question_type,"
                " indicator, status, value, positive, rating, month, scrubbed)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        a.response,
                        a.question_id,
                        a.question_type,
                        a.indicator,
                        a.status,
                        a.value,
                        None if a.positive is None else int(a.positive),
                        a.rating,
                        a.month,
                        a.scrubbed,
                    )
                    for a in in_order
                ],
            )
            self._db.executemany(
                "INSERT OR IGNORE INTO temp.acknowledge (position, record_id) VALUES (?, ?)",
                [(t[3], t[4]) for t in answers],
            )
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise StoreError(f"cannot write the export state {self.path}: {exc}") from None

    def key_ids(self) -> list[str]:
        return [row[0] for row in self._db.execute("SELECT key_id FROM keys ORDER BY key_id")]

    def question_ids(self) -> list[tuple[str, str]]:
        """Every (flow_id, question_id) with an answer in the folder."""
        return list(
            self._db.execute(
                "SELECT DISTINCT r.flow_id, a.question_id FROM answers a"
                " JOIN responses r USING (response) ORDER BY 1, 2"
            )
        )

    def responses(self) -> Iterator[ResponseRow]:
        """Every response with its answers, ordered by flow, month, response id."""
        cursor = self._db.execute(
            "SELECT r.response, r.flow_id, r.flow_version, r.lang, r.unit, r.provider, r.month,"
            " a.question_id, a.status, a.value, a.question_type, r.cohort, r.wave"
            " FROM responses r JOIN answers a USING (response)"
            " ORDER BY r.flow_id, r.month, r.response"
        )
        current: ResponseRow | None = None
        for row in cursor:
            if current is None or current.response != row[0]:
                if current is not None:
                    yield current
                current = ResponseRow(
                    row[0], row[1], row[2], row[3], row[4], row[5], row[6], {}, row[11], row[12]
                )
            current.answers[row[7]] = (row[8], row[9], row[10])
        if current is not None:
            yield current

    def free_texts(self) -> Iterator[tuple[str, str, str, str, str, str]]:
        """(response, flow_id, question_id, lang, month, text) of every written answer."""
        yield from self._db.execute(
            "SELECT a.response, r.flow_id, a.question_id, r.lang, a.month, a.value"
            " FROM answers a JOIN responses r USING (response)"
            " WHERE a.question_type = 'text' AND a.status = 'answered'"
            " ORDER BY r.flow_id, a.question_id, a.month, a.response"
        )

    def counted_answers(self) -> Iterator[CountedAnswer]:
        """Answers that count in indicators, grouped by response."""
        for row in self._db.execute(
            "SELECT r.flow_id, a.indicator, r.unit, r.provider, r.month, a.response,"
            " a.question_type, a.positive, a.rating, r.cohort, r.wave"
            " FROM answers a JOIN responses r"
            " USING (response) WHERE a.status = 'answered' AND a.positive IS NOT NULL"
            " ORDER BY a.response"
        ):
            yield CountedAnswer(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                row[5],
                row[6],
                bool(row[7]),
                row[8],
                row[9],
                row[10],
            )

    def scrub_counts(self) -> Iterator[str]:
        """The JSON scrub counts of every free-text answer held."""
        for (counts,) in self._db.execute(
            "SELECT scrubbed FROM answers WHERE scrubbed IS NOT NULL"
        ):
            yield counts

    def totals(self) -> dict[str, int]:
        row = self._db.execute(
            "SELECT (SELECT count(*) FROM responses), (SELECT count(*) FROM answers),"
            " (SELECT count(*) FROM answers WHERE question_type = 'text'"
            " AND status = 'answered')"
        ).fetchone()
        return {"responses": row[0], "answers": row[1], "free_text": row[2]}

    def month_range(self) -> tuple[str | None, str | None]:
        row = self._db.execute("SELECT min(month), max(month) FROM answers").fetchone()
        return (row[0], row[1])


def _add_cohort_and_wave(db: sqlite3.Connection) -> None:
    """Give a folder exported by a rostbot without cohorts and waves their columns."""
    have = {row[1] for row in db.execute("PRAGMA table_info(responses)")}
    for column in ("cohort", "wave"):
        if column not in have:
            db.execute(f"ALTER TABLE responses ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
