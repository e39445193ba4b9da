"""Bookings in the store: the last seat under concurrent transactions, the waitlist,
promotion, and what an invitation list may never do (twice, or to the wrong people)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from meeting_steps import FakeClock, add_reachable, plan
from rostbot.config import Settings
from rostbot.core.meeting_model import MeetingError
from rostbot.crypto.server_secret import ServerSecret
from rostbot.meetings import booking, planning
from rostbot.meetings.office import Office
from rostbot.store import bookings, outbox, respondents, runs
from rostbot.store.database import Database
from rostbot.store.runs import FlowRun


@pytest.fixture
async def office(tmp_path: Path, secret_file: Path) -> AsyncIterator[Office]:
    db = await Database.open(tmp_path / "meetings.sqlite3")
    secret = ServerSecret.load(secret_file)
    yield Office(db, secret, Settings(db_path=db.path), FakeClock())
    await db.close()


async def test_two_connections_racing_for_the_last_seat_get_exactly_one_seat(
    office: Office,
) -> None:
    [event] = await planning.create(office, plan(capacity=1))
    for who in ("anna", "bert"):
        await add_reachable(office.db, office.secret, who)
    # A second connection to the same file: SQLite, not our lock, has to keep them apart.
    other = await Database.open(office.db.path)
    try:

        async def take(db: Database, who: str) -> str:
            async with db.transaction() as tx:
                return await bookings.reserve(tx, [event.event_id], who, "2026-01-01T00:00:00Z")

        results = await asyncio.gather(take(office.db, "anna"), take(other, "bert"))
    finally:
        await other.close()
    assert sorted(results) == ["booked", "full"]
    assert await bookings.booked_count(office.db, event.event_id) == 1


async def test_many_people_pressing_at_once_never_overfill_a_meeting(office: Office) -> None:
    [event] = await planning.create(office, plan(capacity=5))
    people = [f"p{i}" for i in range(20)]
    for who in people:
        await add_reachable(office.db, office.secret, who)
    outcomes = await asyncio.gather(*(booking.book(office, event, who) for who in people))
    assert sum(o.result == "booked" for o in outcomes) == 5
    assert sum(o.result == "full" for o in outcomes) == 15
    assert await bookings.booked_count(office.db, event.event_id) == 5


async def test_cancelling_promotes_the_first_on_the_waitlist_with_a_notice(office: Office) -> None:
    [event] = await planning.create(office, plan(capacity=1))
    for who in ("anna", "bert", "cecilia"):
        await add_reachable(office.db, office.secret, who)
    assert (await booking.book(office, event, "anna")).result == "booked"
    assert (await booking.book(office, event, "bert")).result == "full"
    assert (await booking.wait(office, event, "bert")).result == "waitlisted"
    assert (await booking.wait(office, event, "cecilia")).result == "waitlisted"
    assert await booking.place_on_waitlist(office, event, "cecilia") == 2

    outcome = await booking.cancel(office, event, "anna")
    assert outcome.result == "cancelled" and outcome.promoted == 1
    assert (await bookings.get(office.db, event.event_id, "bert")).status == "booked"  # type: ignore[union-attr]
    assert await booking.place_on_waitlist(office, event, "cecilia") == 1
    kinds = [i.kind for i in await outbox.for_person(office.db, "bert")]
    assert "promoted" in kinds and "reminder" in kinds
    assert not [i for i in await outbox.for_person(office.db, "anna") if i.status == "waiting"]


async def test_a_fixed_group_is_booked_whole_and_everyone_has_a_seat_in_every_session(
    office: Office,
) -> None:
    made = await planning.create(office, plan(series="fixed", sessions=3, capacity=2))
    for who in ("anna", "bert", "cecilia"):
        await add_reachable(office.db, office.secret, who)
    assert (await booking.book(office, made[0], "anna")).result == "booked"
    assert (await booking.book(office, made[0], "bert")).result == "booked"
    assert (await booking.book(office, made[0], "cecilia")).result == "full"
    for session in made:
        assert await bookings.booked_count(office.db, session.event_id) == 2
    await booking.wait(office, made[0], "cecilia")
    await booking.cancel(office, made[0], "bert")
    for session in made:
        assert (await bookings.get(office.db, session.event_id, "cecilia")).status == "booked"  # type: ignore[union-attr]


async def test_raising_the_seats_promotes_and_lowering_below_the_booked_is_refused(
    office: Office,
) -> None:
    [event] = await planning.create(office, plan(capacity=1))
    for who in ("anna", "bert"):
        await add_reachable(office.db, office.secret, who)
    await booking.book(office, event, "anna")
    await booking.wait(office, event, "bert")
    assert await planning.set_capacity(office, event.event_id, 2) == 1
    with pytest.raises(MeetingError, match="2 people are booked"):
        await planning.set_capacity(office, event.event_id, 1)


async def test_invitations_go_once_and_only_to_people_who_may_be_contacted(
    office: Office,
) -> None:
    [event] = await planning.create(office, plan(languages=("sv", "da")))
    await add_reachable(office.db, office.secret, "anna", lang="sv")
    await add_reachable(office.db, office.secret, "dorte", lang="da")
    await add_reachable(office.db, office.secret, "withdrawn", lang="sv")
    async with office.db.transaction() as tx:
        await respondents.withdraw(tx, "withdrawn", "2026-02-01T00:00:00+00:00", "2026-02-01")
        await respondents.ensure(tx, "no-contact", "sv", "2026-01-01")  # never said yes to contact

    first = await planning.invite(office, event.event_id, planning.Audience())
    assert (first.queued, first.reachable) == (2, 2)
    again = await planning.invite(office, event.event_id, planning.Audience())
    assert (again.queued, again.already) == (0, 2)
    only_da = await planning.invite(office, event.event_id, planning.Audience(languages=("da",)))
    assert only_da.matching == 1
    invited = {i.pseudonym for i in await _all(office) if i.kind == "invitation"}
    assert invited == {"anna", "dorte"}


async def test_invitations_filter_by_flow_unit_and_provider_from_the_encrypted_run(
    office: Office,
) -> None:
    [event] = await planning.create(office, plan())
    for who, flow, unit, provider in (
        ("anna", "income_support_followup", "sodra", "hvb-3"),
        ("bert", "income_support_followup", "norra", None),
        ("cecilia", "youth_placement", "sodra", "hvb-3"),
    ):
        await add_reachable(office.db, office.secret, who)
        run_id = f"run-{who}"
        state = office.secret.encrypt(
            json.dumps({"engine": {}, "unit": unit, "provider": provider, "lang": "sv"}).encode(),
            f"run-state:{run_id}",
        )
        async with office.db.transaction() as tx:
            await runs.create(
                tx,
                FlowRun(run_id, f"resp-{who}", who, flow, 1, "finished", state, 3, "d", "d"),
                None,
            )
    audience = planning.Audience(flow="income_support_followup", unit="sodra")
    report = await planning.invite(office, event.event_id, audience)
    assert report.matching == 1
    by_provider = await planning.invite(office, event.event_id, planning.Audience(provider="hvb-3"))
    assert by_provider.matching == 2 and by_provider.queued == 1  # anna was invited already


async def test_needs_lines_are_encrypted_and_deleted_when_the_meeting_is_over(
    office: Office,
) -> None:
    [event] = await planning.create(office, plan(capacity=3))
    await add_reachable(office.db, office.secret, "anna")
    await booking.book(office, event, "anna")
    await booking.set_needs(office, [event], "anna", "Rullstol och glutenfritt")
    await booking.set_alias(office, [event], "anna", "Nina")
    raw = await bookings.get(office.db, event.event_id, "anna")
    assert raw is not None and raw.needs is not None and b"Rullstol" not in raw.needs
    assert b"Nina" not in (raw.alias or b"")
    view = await planning.overview(office, event.event_id)
    assert (view.booked[0].alias, view.booked[0].needs) == ("Nina", "Rullstol och glutenfritt")

    assert await booking.forget_needs(office) == 0  # not over yet
    assert isinstance(office.clock, FakeClock)
    office.clock.set(event.ends_at)
    assert await booking.forget_needs(office) == 1
    after = await bookings.get(office.db, event.event_id, "anna")
    assert after is not None and after.needs is None and after.alias is not None


async def _all(office: Office) -> list[outbox.OutboxItem]:
    rows = await office.db.fetch_all("SELECT pseudonym FROM outbox")
    items: list[outbox.OutboxItem] = []
    for who in {r["pseudonym"] for r in rows}:
        items += await outbox.for_person(office.db, who)
    return items
