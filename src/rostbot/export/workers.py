"""Opening and anonymising records on several cores, in order, with bounded memory.

Opening (HPKE) and anonymising are pure work per record, so they run in worker
processes while the main process reads the queue and writes the folder's state. The
workers are forked before any database is opened (SQLite connections must never cross a
fork) and inherit the keys and flows, so no key is ever pickled or sent down a pipe. At
most a few chunks are in flight at once, so memory does not grow with the queue. Where
fork is not available, in a process with other threads, or with one worker, everything
runs in this process.
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
from rostbot.export.anonymise import anonymise
from rostbot.export.opening import KeyRing, RecordProblem
from rostbot.store.export_queue import QueuedRecord
from rostbot.store.export_state import StoredAnswer

# (ledger entry, key id, answer, the record's position in the queue, its record id)
Taken = tuple[str, str, StoredAnswer, int, str]
Outcome = Taken | str  # or the one-line problem of a record that did not open
Chunk = list[tuple[str, QueuedRecord]]  # (ledger entry, record)
T = TypeVar("T")

# Set in the parent just before the workers are forked; the workers read them.
_ring: KeyRing | None = None
_flows: Mapping[str, Flow] = {}


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def open_chunk(chunk: Chunk) -> list[Outcome]:
    """Open and anonymise records; a record that does not open becomes its problem line."""
    ring = _ring
    assert ring is not None, "open_chunk runs only inside an Opener"
    outcomes: list[Outcome] = []
    for entry, record in chunk:
        try:
            opened = ring.open(record)
        except RecordProblem as exc:
            outcomes.append(str(exc))
            continue
        answer = anonymise(opened, ring.ids[record.key_id], _flows)
        outcomes.append((entry, record.key_id, answer, record.position, record.record_id))
    return outcomes


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
                yield open_chunk(chunk)
            return
        in_flight: deque[Future[list[Outcome]]] = deque()
        for chunk in chunks:
            in_flight.append(self._pool.submit(open_chunk, chunk))
            if len(in_flight) > 2 * self._workers:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()
