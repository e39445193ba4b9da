"""The export queue as `rostbot export` sees it: waiting sealed records, read and acknowledged.

The export runs on the analyst's computer, on the live database file or on a copy, with
no event loop: plain `sqlite3`, one short transaction per batch, so a bot writing to the
same file (WAL) is never held up for long. Batches are read by rowid so that memory
stays the same whatever the length of the queue.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from rostbot.store.database import NewerSchema, StoreError, newest_schema_version

BATCH = 5000  # records per batch: a few MB in memory, one state commit each


class QueuedRecord(NamedTuple):
    """One sealed answer waiting for export, as its row holds it.

    A named tuple, not a dataclass: one is made, pickled to a worker and back per record,
    and a tuple is several times cheaper at both.
    """

    record_id: str
    response_id: str
    question_id: str
    flow_id: str
    flow_version: int
    key_id: str
    sealed: bytes
    position: int  # the row's rowid: where to find it again, quickly, to acknowledge it


class ExportQueue:
    """The sealed_answers table of one bot database file."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise StoreError(f"no database at {path}")
        try:
            self._connection = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=rw", uri=True, isolation_level=None
            )
            self._connection.execute("PRAGMA busy_timeout=5000")
            # An acknowledgement lost to a power cut is harmless: the folder's ledger knows
            # the records, and the next run marks them again. So no fsync per commit here.
            self._connection.execute("PRAGMA synchronous=NORMAL")
            found = self._connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sealed_answers'"
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path} is not a readable SQLite database ({exc})") from None
        if found is None:
            self._connection.close()
            raise StoreError(f"{path} is not a rostbot database (no sealed_answers table)")
        self.path = path
        self._refuse_newer()

    def _refuse_newer(self) -> None:
        """A database a newer rostbot migrated is not read: its records may differ."""
        try:
            row = self._connection.execute("SELECT max(number) FROM schema_migrations").fetchone()
        except sqlite3.Error:
            return  # a file from before numbered migrations: nothing newer about it
        if row is not None and row[0] is not None and int(row[0]) > newest_schema_version():
            self._connection.close()
            raise NewerSchema(self.path, int(row[0]))

    def close(self) -> None:
        self._connection.close()

    def waiting(self, *, with_blobs: bool = True) -> Iterator[list[QueuedRecord]]:
        """Every record not yet exported, in batches, in the order they were written.

        NOT INDEXED: walk the table in rowid order from the last batch on; the queue index
        would make SQLite sort every waiting row again for each batch.
        """
        blob = "sealed" if with_blobs else "x''"
        last = 0
        while True:
            try:
                rows = self._connection.execute(
                    "SELECT rowid, record_id, response_id, question_id, flow_id, flow_version,"
                    f" key_id, {blob} FROM sealed_answers NOT INDEXED"
                    " WHERE exported_on IS NULL AND rowid > ? ORDER BY rowid LIMIT ?",
                    (last, BATCH),
                ).fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"cannot read {self.path}: {exc}") from None
            if not rows:
                return
            last = rows[-1][0]
            yield [
                QueuedRecord(r[1], r[2], r[3], r[4], r[5], r[6], bytes(r[7]), r[0]) for r in rows
            ]

    def acknowledge(self, records: Iterable[tuple[int, str]], today: str) -> int:
        """Mark (position, record id) as exported; records marked before are left as they are."""
        # By rowid, which is quick, and by record id too: a row deleted meanwhile (the person
        # went back) may have left its rowid to a new record that nobody has exported.
        return self._mark(
            "UPDATE sealed_answers SET exported_on = ?"
            " WHERE rowid = ? AND record_id = ? AND exported_on IS NULL",
            [(today, position, record_id) for position, record_id in records],
        )

    def exported_ids(self) -> Iterator[str]:
        """Record ids this file marks as exported, in the order they were written."""
        last = 0
        while True:
            try:
                rows = self._connection.execute(
                    "SELECT rowid, record_id FROM sealed_answers NOT INDEXED"
                    " WHERE exported_on IS NOT NULL AND rowid > ? ORDER BY rowid LIMIT ?",
                    (last, BATCH),
                ).fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"cannot read {self.path}: {exc}") from None
            if not rows:
                return
            last = rows[-1][0]
            yield from (r[1] for r in rows)

    def acknowledge_ids(self, record_ids: list[str], today: str) -> int:
        """Mark records as exported by id alone (from a receipt); returns how many changed."""
        changed = 0
        for start in range(0, len(record_ids), BATCH):
            changed += self._mark(
                "UPDATE sealed_answers SET exported_on = ?"
                " WHERE record_id = ? AND exported_on IS NULL",
                [(today, record_id) for record_id in record_ids[start : start + BATCH]],
            )
        return changed

    def _mark(self, sql: str, marks: list[tuple[object, ...]]) -> int:
        """One transaction of `sql` over `marks`; how many rows it changed."""
        try:
            self._connection.execute("BEGIN IMMEDIATE")
            before = self._connection.total_changes
            self._connection.executemany(sql, marks)
            changed = self._connection.total_changes - before
            self._connection.execute("COMMIT")
        except sqlite3.Error as exc:
            if self._connection.in_transaction:
                self._connection.execute("ROLLBACK")
            raise StoreError(f"cannot mark records as exported in {self.path}: {exc}") from None
        return changed
