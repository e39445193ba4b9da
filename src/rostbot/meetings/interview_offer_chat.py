"""An interview offer in the coordinator chat: one line in the meeting list for all its
times, and its card (how many times, booked and free, the next time) with Invite and
the interviewer's day view.

Buttons are `o:w:card:<offer>` and `o:w:invite:<offer>`; the coordinator chat checks the
role before a press reaches this module. Invite opens the same choice as for a meeting
(`invite_chat`), about the offer's first time not begun: `planning.invite` sends it for
the whole offer, to people who agreed to hear about interviews only.
"""

from __future__ import annotations

from rostbot.core.meeting_model import Event
from rostbot.i18n import N_
from rostbot.journey import callback_data as cb
from rostbot.journey.services import Answer, Button, Person, Services
from rostbot.meetings import interview_plan, interviewer_chat, invite_chat, wording
from rostbot.meetings.office import Office
from rostbot.store import bookings

ACTS = frozenset({"card", "invite"})
ALL_BEGUN = N_("No time of this offer lies ahead: they have begun or are cancelled.")


def _o(act: str, series_id: str) -> str:
    return cb.make("o", "w", act, series_id)


def grouped(listed: list[Event]) -> list[Event | list[Event]]:
    """The meeting list's items in order: each meeting on its own, and the times of each
    interview offer together, where its first time is."""
    items: list[Event | list[Event]] = []
    offers: dict[str, list[Event]] = {}
    for event in listed:
        if not event.is_slot or event.series_id is None:
            items.append(event)
            continue
        if event.series_id not in offers:
            offers[event.series_id] = []
            items.append(offers[event.series_id])
        offers[event.series_id].append(event)
    return items


async def _line(services: Services, times: list[Event], lang: str) -> str:
    """'Intervju: Hur var stödet? · 3 tider, 1 bokad' (times not cancelled)."""
    scheduled = [e for e in times if e.status == "scheduled"]
    booked = 0
    for event in scheduled:
        booked += await bookings.booked_count(services.db, event.event_id)
    kind = services.t(lang, wording.KIND_NAME["interview"])
    count = services.tn(lang, "{count} time", "{count} times", len(scheduled))
    held = services.tn(lang, "{count} booked", "{count} booked", booked)
    return f"{kind}: {times[0].title(lang)} · {count}, {held}"


async def list_button(services: Services, times: list[Event], lang: str) -> Button:
    """The offer's one line in the meeting list (its times not over), opening its card."""
    assert times[0].series_id is not None
    return Button(await _line(services, times, lang), _o("card", times[0].series_id))


async def _not_over(services: Services, series_id: str) -> list[Event]:
    office = Office.of(services)
    return [
        e for e in await interview_plan.offer_times(office, series_id) if e.ends_at > office.now()
    ]


async def card(services: Services, series_id: str, lang: str, answer: Answer) -> None:
    """The offer: its line, how and how long, free times, the next time; Invite, Day view."""
    office = Office.of(services)
    times = await _not_over(services, series_id)
    if not times:
        answer.add(
            services.t(lang, ALL_BEGUN),
            ((Button(services.t(lang, "Meetings"), cb.make("o", "l", "-", "-")),),),
        )
        return
    first = times[0]
    how = services.t(lang, interviewer_chat.MODE_WORDS.get(first.details.mode, "in person"))
    free = await interview_plan.free_times(office, series_id)
    lines = [
        await _line(services, times, lang),
        f"{how} · {wording.duration(first.minutes, lang)}",
        services.t(lang, "Free times: {count}", count=len(free)),
    ]
    ahead = [e for e in times if e.status == "scheduled" and e.starts_at > office.now()]
    rows: list[tuple[Button, ...]] = []
    if ahead:
        lines.append(services.t(lang, "Next time: {when}", when=wording.when(ahead[0], lang)))
        day = ahead[0].local_start.strftime("%Y%m%d")
        rows.append(
            (
                Button(services.t(lang, "Invite"), _o("invite", series_id)),
                Button(services.t(lang, "Day view"), cb.make("o", "y", day, "-")),
            )
        )
    else:
        lines.append(services.t(lang, ALL_BEGUN))
    rows.append((Button(services.t(lang, "Meetings"), cb.make("o", "l", "-", "-")),))
    answer.add("\n".join(lines), tuple(rows))


async def on_press(
    services: Services, person: Person, act: str, series_id: str, lang: str, answer: Answer
) -> None:
    """The card, or Invite: the choice of who gets the invitation, as for a meeting."""
    times = await interview_plan.offer_times(Office.of(services), series_id)
    if not times:
        answer.toast = services.t(lang, "I do not understand that button.")
        return
    if act == "card":
        await card(services, series_id, lang, answer)
        return
    now = Office.of(services).now()
    ahead = [e for e in times if e.status == "scheduled" and e.starts_at > now]
    if not ahead:
        answer.toast = services.t(lang, ALL_BEGUN)
        return
    await invite_chat.open_choice(services, person, ahead[0], lang, answer)
