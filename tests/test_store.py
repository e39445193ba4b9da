"""The SQLite store: migrations, WAL, transactions and the guards the journey relies on."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path

import pytest

from rostbot.store import answers, invitations, respondents, runs, updates
from rostbot.store.answers import SealedAnswer
from rostbot.store.database import Database, StoreError
from rostbot.store.runs import FlowRun

TODAY = "2025-03-14"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "store" / "rostbot.sqlite3")
    try:
        yield database
    finally:
        await database.close()


def _migration_count() -> int:
    folder = resources.files("rostbot.store") / "migrations"
    return sum(1 for entry in folder.iterdir() if entry.name.endswith(".sql"))


def _answer(record_id: str, question_id: str = "q1", sealed: bytes = b"x" * 60) -> SealedAnswer:
    return SealedAnswer(
        record_id=record_id,
        response_id="resp-1",
        question_id=question_id,
        flow_id="meeting_feedback",
        flow_version=1,
        key_id="0123456789abcdef",
        sealed=sealed,
        sealed_on=TODAY,
    )


async def _count(db: Database, table: str) -> int:
    row = await db.fetch_one(f"SELECT count(*) AS n FROM {table}")
    assert row is not None
    return int(row["n"])


async def _a_run(db: Database, step: int = 0) -> FlowRun:
    run = FlowRun(
        run_id="run-1",
        response_id="resp-1",
        pseudonym="p1",
        flow_id="meeting_feedback",
        flow_version=1,
        status="open",
        state=b"state-0",
        step=step,
        started_on=TODAY,
        updated_on=TODAY,
    )
    async with db.transaction() as tx:
        await respondents.ensure(tx, "p1", "sv", TODAY)
        await runs.create(tx, run, None)
    return run


# -------------------------------------------------------------------------- migrations


async def test_migrations_run_once(tmp_path: Path) -> None:
    path = tmp_path / "rostbot.sqlite3"
    first = await Database.open(path)
    version = await first.schema_version()
    assert version >= 1
    async with first.transaction() as tx:
        await tx.execute(
            "INSERT INTO handled_updates (update_id, handled_on) VALUES (?, ?)", (7, TODAY)
        )
    await first.close()

    second = await Database.open(path)
    try:
        assert await second.schema_version() == version
        rows = await second.fetch_all("SELECT number, name FROM schema_migrations ORDER BY number")
        assert len(rows) == _migration_count()
        assert [r["number"] for r in rows] == sorted({r["number"] for r in rows})
        assert await _count(second, "handled_updates") == 1  # the data survived, untouched
    finally:
        await second.close()


async def test_every_table_exists(db: Database) -> None:
    rows = await db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")
    names = {r["name"] for r in rows}
    assert {
        "invitations",
        "respondents",
        "consents",
        "declines",
        "runs",
        "sealed_answers",
        "handled_updates",
        "schema_migrations",
    } <= names


async def test_wal_and_foreign_keys_are_on(db: Database) -> None:
    mode = await db.fetch_one("PRAGMA journal_mode")
    assert mode is not None and mode[0] == "wal"
    keys = await db.fetch_one("PRAGMA foreign_keys")
    assert keys is not None and keys[0] == 1
    secure = await db.fetch_one("PRAGMA secure_delete")
    assert secure is not None and secure[0] == 1


async def test_a_file_where_the_database_should_be(tmp_path: Path) -> None:
    (tmp_path / "not_a_db").write_text("hello, I am text\n" * 100, encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        await Database.open(tmp_path / "not_a_db")
    assert "\n" not in str(caught.value)


async def test_a_database_in_a_folder_that_cannot_exist(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(StoreError, match="cannot open database"):
        await Database.open(tmp_path / "file" / "rostbot.sqlite3")


@pytest.mark.parametrize("kind", ["a folder", "a text file"])
async def test_a_failed_open_leaves_no_thread_behind(tmp_path: Path, kind: str) -> None:
    """The connection's thread has ended when the error arrives: a command that stops on it
    closes its event loop, and a thread still answering on that loop would print a traceback
    after the one line."""
    path = tmp_path / "rostbot.sqlite3"
    if kind == "a folder":
        path.mkdir()
    else:
        path.write_text("hello, I am text\n" * 100, encoding="utf-8")
    before = set(threading.enumerate())
    with pytest.raises(StoreError, match=r"cannot (open|prepare) database"):
        await Database.open(path)
    left = [
        t
        for t in set(threading.enumerate()) - before
        if t.is_alive() and not t.name.startswith("asyncio_")  # the loop's own executor
    ]
    assert left == []


# ------------------------------------------------------------------------ transactions


async def test_a_transaction_commits(db: Database) -> None:
    async with db.transaction() as tx:
        assert await updates.claim(tx, 1, TODAY)
        assert await tx.fetch_one("SELECT 1 FROM handled_updates WHERE update_id = 1")
    assert await updates.was_handled(db, 1)


async def test_a_transaction_rolls_back_on_error(db: Database) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        async with db.transaction() as tx:
            await updates.claim(tx, 1, TODAY)
            await answers.put(tx, _answer("rec-1"))
            raise Boom
    assert not await updates.was_handled(db, 1)
    assert await _count(db, "sealed_answers") == 0
    # The connection is usable afterwards.
    async with db.transaction() as tx:
        assert await updates.claim(tx, 1, TODAY)
    assert await updates.was_handled(db, 1)


async def test_a_failing_statement_rolls_back_the_whole_transaction(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as tx:
            await updates.claim(tx, 5, TODAY)
            # No respondent "ghost": the foreign key refuses the run.
            await runs.create(
                tx,
                FlowRun("r", "resp", "ghost", "f", 1, "open", b"s", 0, TODAY, TODAY),
                None,
            )
    assert not await updates.was_handled(db, 5)


async def test_bad_sql_is_a_store_error(db: Database) -> None:
    with pytest.raises(StoreError):
        await db.fetch_one("SELECT * FROM no_such_table")
    with pytest.raises(StoreError):
        async with db.transaction() as tx:
            await tx.execute("UPDATE no_such_table SET x = 1")
    assert await _count(db, "handled_updates") == 0


# ----------------------------------------------------------------------------- answers


async def test_put_replaces_an_unexported_answer(db: Database) -> None:
    async with db.transaction() as tx:
        await answers.put(tx, _answer("rec-1", sealed=b"first"))
    async with db.transaction() as tx:
        await answers.put(tx, _answer("rec-2", sealed=b"second"))
    stored = await answers.all_for_response(db, "resp-1")
    assert [(a.record_id, a.sealed) for a in stored] == [("rec-2", b"second")]
    assert await _count(db, "sealed_answers") == 1
    assert await answers.counts(db, ["resp-1"]) == (1, 0)


async def test_put_keeps_answers_to_other_questions(db: Database) -> None:
    async with db.transaction() as tx:
        await answers.put(tx, _answer("rec-1", "q1"))
        await answers.put(tx, _answer("rec-2", "q2"))
        await answers.put(tx, _answer("rec-3", "q1"))
    stored = await answers.all_for_response(db, "resp-1")
    assert sorted((a.question_id, a.record_id) for a in stored) == [
        ("q1", "rec-3"),
        ("q2", "rec-2"),
    ]


async def test_forget_and_delete_leave_exported_answers_alone(db: Database) -> None:
    async with db.transaction() as tx:
        await answers.put(tx, _answer("rec-1", "q1"))
        await answers.put(tx, _answer("rec-2", "q2"))
        await tx.execute(
            "UPDATE sealed_answers SET exported_on = ? WHERE record_id = 'rec-1'", (TODAY,)
        )
    async with db.transaction() as tx:
        await answers.forget(tx, "resp-1", "q1")
        await answers.forget(tx, "resp-1", "q2")
    assert [a.record_id for a in await answers.all_for_response(db, "resp-1")] == ["rec-1"]
    assert await answers.counts(db, ["resp-1"]) == (0, 1)
    async with db.transaction() as tx:
        assert await answers.delete_unexported(tx, ["resp-1"]) == 0
    assert await answers.counts(db, ["resp-1"]) == (0, 1)
    assert await answers.counts(db, []) == (0, 0)


# -------------------------------------------------------------------------------- runs


async def test_save_state_refuses_a_stale_step(db: Database) -> None:
    run = await _a_run(db)
    async with db.transaction() as tx:
        assert await runs.save_state(tx, run, state=b"state-1", status="open", today=TODAY)
    # The same (now stale) run again: a double tap or a re-delivered update.
    async with db.transaction() as tx:
        assert not await runs.save_state(tx, run, state=b"state-X", status="open", today=TODAY)
    stored = await runs.get(db, run.run_id)
    assert stored is not None
    assert (stored.step, stored.state) == (1, b"state-1")
    # With the fresh step it goes on.
    async with db.transaction() as tx:
        assert await runs.save_state(tx, stored, state=b"state-2", status="finished", today=TODAY)
    stored = await runs.get(db, run.run_id)
    assert stored is not None
    assert (stored.step, stored.state, stored.status) == (2, b"state-2", "finished")


async def test_save_state_refuses_a_run_stopped_meanwhile(db: Database) -> None:
    run = await _a_run(db)
    async with db.transaction() as tx:
        assert await runs.stop_open(tx, "p1", TODAY) == 1
    async with db.transaction() as tx:
        assert not await runs.save_state(tx, run, state=b"late", status="open", today=TODAY)
    stored = await runs.get(db, run.run_id)
    assert stored is not None and stored.status == "stopped"


async def test_find_a_run_by_its_short_handle(db: Database) -> None:
    run = await _a_run(db)
    found = await runs.find_by_prefix(db, "p1", "run-")
    assert found is not None and found.run_id == run.run_id
    assert await runs.find_by_prefix(db, "someone-else", "run-") is None
    assert await runs.find_by_prefix(db, "p1", "nur-") is None


# ----------------------------------------------------------------------------- updates


async def test_claim_is_idempotent(db: Database) -> None:
    async with db.transaction() as tx:
        assert await updates.claim(tx, 42, TODAY)
        assert not await updates.claim(tx, 42, TODAY)  # within one transaction
    async with db.transaction() as tx:
        assert not await updates.claim(tx, 42, TODAY)  # and later
        assert await updates.claim(tx, 43, TODAY)
    assert await _count(db, "handled_updates") == 2


async def test_prune_forgets_old_updates(db: Database) -> None:
    async with db.transaction() as tx:
        await updates.claim(tx, 1, "2025-01-01")
        await updates.claim(tx, 2, TODAY)
    assert await updates.prune(db, "2025-02-01") == 1
    assert not await updates.was_handled(db, 1)
    assert await updates.was_handled(db, 2)


# ------------------------------------------------------------------------- invitations


async def test_an_invitation_is_used_once(db: Database) -> None:
    await invitations.add_batch(
        db, ["h1", "h2"], flow_id="f", unit="u", provider=None, batch_id="b", today=TODAY
    )
    assert await invitations.count_unused(db) == 2
    async with db.transaction() as tx:
        assert await invitations.mark_used(tx, "h1", TODAY)
    async with db.transaction() as tx:
        assert not await invitations.mark_used(tx, "h1", TODAY)
        assert not await invitations.mark_used(tx, "unknown", TODAY)
    found = await invitations.find(db, "h1")
    assert found is not None and found.used_on == TODAY
    assert await invitations.count_unused(db) == 1


async def test_a_new_answer_after_the_old_one_was_exported(db: Database) -> None:
    async with db.transaction() as tx:
        await answers.put(tx, _answer("rec-1"))
        await tx.execute("UPDATE sealed_answers SET exported_on = ?", (TODAY,))
    async with db.transaction() as tx:
        await answers.put(tx, _answer("rec-2"))
    assert await answers.counts(db, ["resp-1"]) == (1, 1)
