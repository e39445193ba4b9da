"""Opening and anonymising records on several cores, in order, with bounded memory.

Opening (HPKE) and anonymising are pure work per record, so they run in worker
processes while the main process reads the queue and writes the folder's state. The
workers are forked before any database is opened (SQLite connections must never cross a
fork) and inherit the keys and flows, so no key is ever pickled or sent down a pipe. At
most a few chunks are in flight at once, so memory does not grow with the queue. Once
the state is complete, `submit` hands the workers other whole jobs (a file to write, on
a connection of their own). Where fork is not available, in a process with other
threads, or with one worker, everything runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType
from typing import TypeVar

from rostbot.core.flow_model import Flow
from rostbot.export import record_check
from rostbot.export.anonymise import anonymise
from rostbot.export.opening import KeyRing, RecordProblem
from rostbot.store.export_queue import QueuedRecord
from rostbot.store.export_state import StoredAnswer

# (ledger entry, key id, answer, the record's position in the queue, its record id)
Taken = tuple[str, str, StoredAnswer, int, str]
Outcome = Taken | str  # or the one-line problem of a record that failed
Chunk = list[tuple[str, QueuedRecord]]  # (ledger entry, record)
T = TypeVar("T")
# Chunks handed out beyond one per worker: enough for the workers to keep busy while the
# main process stores a batch (5000 records, ten chunks) in the folder's state, and few
# enough that memory stays small (a chunk is about 350 kB of sealed records).
AHEAD = 12

# Set in the parent just before the workers are forked; the workers read them.
_ring: KeyRing | None = None
_flows: Mapping[str, Flow] = {}


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def open_chunk(records: list[QueuedRecord]) -> list[StoredAnswer | str]:
    """Open, check and anonymise records; one that fails becomes its problem line."""
    ring = _ring
    assert ring is not None, "open_chunk runs only inside an Opener"
    outcomes: list[StoredAnswer | str] = []
    for record in records:
        try:
            opened = ring.open(record)
            record_check.check(opened, _flows)
        except RecordProblem as exc:
            outcomes.append(str(exc))
            continue
        outcomes.append(anonymise(opened, ring.ids[record.key_id], _flows))
    return outcomes


def _outcomes(chunk: Chunk, opened: list[StoredAnswer | str]) -> list[Outcome]:
    """Each answer with its record's ledger entry, key id, position and id.

    These stay in this process, so they do not travel to the worker and back.
    """
    return [
        answer
        if isinstance(answer, str)
        else (entry, record.key_id, answer, record.position, record.record_id)
        for (entry, record), answer in zip(chunk, opened, strict=True)
    ]


def _ready() -> None:
    return None


def _follow_parent(parent: int) -> None:
    """Make a worker end when the export that forked it is gone (even by SIGKILL).

    The workers hold the task pipe open themselves, so they would never see it close.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="follow-parent", daemon=True).start()


class Opener:
    """Runs `open_chunk` over chunks, in order, on `workers` processes (or in this one)."""

    def __init__(self, ring: KeyRing, flows: Mapping[str, Flow], workers: int) -> None:
        self._ring, self._flows = ring, flows
        # Fork only a process that has no other threads (the `rostbot export` command): a
        # thread elsewhere (a running bot, aiosqlite) may hold a lock the child would inherit
        # locked. Callers inside such a process get the work done in-process instead.
        forkable = "fork" in multiprocessing.get_all_start_methods()
        alone = threading.active_count() == 1
        self._workers = workers if forkable and alone else 1
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Opener:
        global _ring, _flows
        _ring, _flows = self._ring, self._flows
        if self._workers > 1:
            self._pool = ProcessPoolExecutor(
                self._workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_follow_parent,
                initargs=(os.getpid(),),
            )
            self._pool.submit(_ready).result()  # fork now, before any database is open
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        global _ring, _flows
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        _ring, _flows = None, {}

    def submit(self, work: Callable[..., T], *args: object) -> Future[T]:
        """Run `work(*args)` on a worker (or here and now, without workers)."""
        if self._pool is not None:
            return self._pool.submit(work, *args)
        done: Future[T] = Future()
        try:
            done.set_result(work(*args))
        except Exception as exc:  # handed over as a worker's would be, by .result()
            done.set_exception(exc)
        return done

    def run(self, chunks: Iterable[Chunk]) -> Iterator[list[Outcome]]:
        """The outcomes of each chunk, in the order of the chunks."""
        if self._pool is None:
            for chunk in chunks:
                yield _outcomes(chunk, open_chunk([record for _, record in chunk]))
            return
        in_flight: deque[tuple[Chunk, Future[list[StoredAnswer | str]]]] = deque()
        for chunk in chunks:
            records = [record for _, record in chunk]
            in_flight.append((chunk, self._pool.submit(open_chunk, records)))
            if len(in_flight) > AHEAD + self._workers:
                done, opened = in_flight.popleft()
                yield _outcomes(done, opened.result())
        while in_flight:
            done, opened = in_flight.popleft()
            yield _outcomes(done, opened.result())
