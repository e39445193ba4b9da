"""The coordinator's side of the chat: a menu, a guided dialogue for a new meeting, and
per meeting: invite, who is coming, attendance, move, cancel.

"Tell people what changed" is rostbot.results.chat, reached from the menu.
The role is checked on every command, every typed answer and every press: buttons
never carry it. Anyone else gets exactly what an unknown command or a made-up
button gets, so the chat does not even reveal that these actions exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from rostbot.core.meeting_model import Event, MeetingError
from rostbot.core.when_parser import parse_when
from rostbot.i18n import N_
from rostbot.journey import callback_data as cb
from rostbot.journey import conversation
from rostbot.journey.services import Answer, Button, Person, Reply, Services
from rostbot.meetings import draft as drafting
from rostbot.meetings import (
    interview_draft_chat,
    interview_offer_chat,
    interviewer_chat,
    invite_chat,
    planning,
    roles,
    step_prompt,
    wording,
)
from rostbot.meetings.draft import Draft
from rostbot.meetings.interview_draft import InterviewDraft
from rostbot.meetings.office import Office
from rostbot.results import chat as results_chat
from rostbot.store import bookings, events

Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class MoveRequest:
    """The coordinator is typing a new time for this event."""

    event_id: str


PROMPTS = {
    "kind": N_("New meeting. What kind of meeting is it?"),
    "languages": N_("Which language is the meeting in?"),
    "title": N_("Write the title ({language})."),
    "description": N_("Write a short description ({language}): what is the meeting about?"),
    "agenda": N_("Write the agenda ({language}), one item per line."),
    "start": N_("When does it start? For example 2026-12-03 09:00, 3/12 9.00 or 3 dec 9:00."),
    "duration": N_("How long is it? Press a button or write it, for example 2,5 h or 90 min."),
    "address": N_("Where is it? Write the address."),
    "directions": N_("How do people get there ({language})? For example bus, entrance, floor."),
    "accessibility": N_("Accessibility ({language}): for example lift, ramp, hearing loop."),
    "capacity": N_("How many seats are there? Write a number."),
    "led_by": N_("Who leads the meeting? Write it {language}."),
    "series": N_("Is it one meeting, a fixed group that meets several times, or monthly?"),
    "sessions": N_("How many times? Press a button or write a number."),
    "every_weeks": N_("How many weeks between the meetings?"),
}
PROBLEMS = {
    "old": N_("That button belongs to an earlier question."),
    "use_buttons": N_("Please use the buttons for this question."),
    "empty": N_("Your message was empty. Please write your answer."),
    "not_a_date": N_("I cannot read that as a date and time. Try for example 3/12 9.00."),
    "in_the_past": N_("That date has passed. Please write a date in the future."),
    "not_a_length": N_("I cannot read that as a length. Try for example 2 h or 90 min."),
    "not_a_number": N_("Please write a whole number."),
    "too_long": N_("That is too long. Please make it shorter."),
}
CHOICE_LABELS = {
    ("kind", "focus_group"): N_("Focus group"),
    ("kind", "breakfast"): N_("Breakfast meeting"),
    ("languages", "sv"): "Svenska",
    ("languages", "da"): "Dansk",
    ("languages", "both"): N_("Both"),
    ("duration", "60"): "1 h",
    ("duration", "90"): "1,5 h",
    ("duration", "120"): "2 h",
    ("duration", "180"): "3 h",
    ("series", "single"): N_("One meeting"),
    ("series", "fixed"): N_("Fixed group"),
    ("series", "monthly"): N_("Every month"),
    ("sessions", "2"): "2",
    ("sessions", "3"): "3",
    ("sessions", "4"): "4",
    ("sessions", "6"): "6",
    ("every_weeks", "1"): N_("Every week"),
    ("every_weeks", "2"): N_("Every 2 weeks"),
    ("every_weeks", "4"): N_("Every 4 weeks"),
    ("confirm", "save"): N_("Save"),
    ("confirm", "restart"): N_("Start again"),
}
TIME_NOT_POSSIBLE = N_(
    "That time cannot be used: it has passed, or the clocks change then. Please write another time."
)
OLD_BUTTON = N_("This button is old, so nothing was changed. Use the newest message.")


def _o(act: str, a: str = "-", b: str = "-") -> str:
    return cb.make("o", act, a, b)


async def _lang(services: Services, person: Person) -> str:
    return await conversation.language_of(services, person)


def _menu(services: Services, lang: str, answer: Answer) -> None:
    answer.add(
        services.t(lang, "Coordinator menu. What do you want to do?"),
        (
            (Button(services.t(lang, "New meeting"), _o("n")),),
            (Button(services.t(lang, "New interview offer"), _o("w", "new")),),
            (Button(services.t(lang, "Meetings"), _o("l")),),
            interviewer_chat.menu_button(services, lang),
            results_chat.menu_button(services, lang),
        ),
    )


async def on_command(services: Services, person: Person, arg: str | None) -> Answer:
    """/coordinator [code]: redeem a code, or open the menu; unknown to everyone else."""
    pseudonym = services.pseudonym(person)
    if arg and await roles.redeem(services, person, arg):
        return await _welcome(services, person)
    if not await roles.is_coordinator(services, person):
        return await conversation.on_unknown_command(services, person)
    services.dialogues.pop(pseudonym, None)
    answer = Answer(lang=await _lang(services, person), coordinator=True)
    _menu(services, answer.lang, answer)
    return answer


async def on_start_code(services: Services, person: Person, code: str) -> Answer:
    """/start with a coordinator code; an unusable one is an unknown link like any other."""
    if await roles.redeem(services, person, code):
        return await _welcome(services, person)
    return await conversation.on_start(services, person, code)


async def _welcome(services: Services, person: Person) -> Answer:
    answer = Answer(lang=await _lang(services, person), coordinator=True)
    answer.add(services.t(answer.lang, "Welcome! You are now a coordinator."))
    _menu(services, answer.lang, answer)
    return answer


def _prompt(services: Services, draft: Draft, lang: str, answer: Answer) -> None:
    step = draft.current()
    kind = drafting.base(step)
    if step == "confirm":
        return
    step_prompt.show(
        services,
        lang,
        answer,
        step=step,
        prompt=PROMPTS[kind],
        choices=drafting.CHOICES.get(step, ()),
        labels=CHOICE_LABELS,
        skippable=kind in drafting.SKIPPABLE,
        data=lambda value: _o("d", step, value),
        stop=_o("q"),
    )


async def _confirm(services: Services, draft: Draft, lang: str, answer: Answer) -> None:
    office = Office.of(services)
    try:
        plan = draft.plan(services.settings.tz, services.clock().date())
        _, starts = planning.check_plan(plan, office.now())
    except MeetingError:
        # Earlier answers were checked one by one; what is left is the time (past, or
        # skipped by a clock change): ask for it again and keep the rest.
        answer.add(services.t(lang, TIME_NOT_POSSIBLE))
        draft.answers.pop("start", None)
        _prompt(services, draft, lang, answer)
        return
    preview = [
        Event(
            event_id="preview",
            kind=plan.kind,
            languages=plan.languages,
            tz=plan.tz,
            starts_at=start,
            minutes=plan.minutes,
            capacity=plan.capacity,
            details=plan.details,
            series_kind={"fixed": "fixed", "monthly": "recurring"}.get(plan.series),
        )
        for start in starts
    ]
    # In each language of the meeting, as the invitees will read it; the buttons go last.
    texts = []
    for reader in plan.languages:
        text = wording.invitation(services, preview[0], reader, preview)
        if plan.series == "monthly":
            text += "\n\n" + "\n".join(f"• {wording.when(e, reader)}" for e in preview)
        texts.append(text)
    answer.add(services.t(lang, "This is what people will read:"))
    for text in texts[:-1]:
        answer.add(text)
    answer.add(
        texts[-1],
        (
            (
                Button(services.t(lang, "Save"), _o("d", "confirm", "save")),
                Button(services.t(lang, "Start again"), _o("d", "confirm", "restart")),
            ),
            (Button(services.t(lang, "Stop"), _o("q")),),
        ),
    )


async def _save(
    services: Services, person: Person, draft: Draft, lang: str, answer: Answer
) -> None:
    office = Office.of(services)
    try:
        made = await planning.create(office, draft.plan(services.settings.tz, office.now().date()))
    except MeetingError:
        answer.add(services.t(lang, TIME_NOT_POSSIBLE))
        draft.answers.pop("start", None)
        _prompt(services, draft, lang, answer)
        return
    services.dialogues.pop(services.pseudonym(person), None)
    answer.add(services.tn(lang, "Saved: {count} meeting.", "Saved: {count} meetings.", len(made)))
    await _event_card(services, made[0], lang, answer)


async def _advance(
    services: Services, person: Person, draft: Draft, step: str, value: str, pressed: bool
) -> Answer:
    lang = await _lang(services, person)
    answer = Answer(lang=lang, coordinator=True)
    problem = drafting.give(draft, step, value, pressed=pressed, today=services.clock().date())
    if problem is not None:
        text = services.t(lang, PROBLEMS[problem])
        if pressed:
            answer.toast = text
            return answer
        answer.add(text)
        _prompt(services, draft, lang, answer)
        return answer
    if step == "confirm":
        if value == "save":
            await _save(services, person, draft, lang, answer)
        else:
            drafting.restart(draft)
            _prompt(services, draft, lang, answer)
        return answer
    if draft.current() == "confirm":
        await _confirm(services, draft, lang, answer)
    else:
        _prompt(services, draft, lang, answer)
    return answer


async def _event_card(services: Services, event: Event, lang: str, answer: Answer) -> None:
    counts = await bookings.counts(services.db, event.event_id)
    lines = [
        wording.summary_line(services, event, lang, counts["booked"], counts["waitlisted"]),
        wording.when(event, lang),
    ]
    rows: tuple[tuple[Button, ...], ...] = ()
    if event.status == "scheduled":
        e = event.event_id
        rows = (
            (
                Button(services.t(lang, "Invite"), _o("i", e)),
                Button(services.t(lang, "Who is coming"), _o("p", e)),
            ),
            (
                Button(services.t(lang, "Attendance"), _o("a", e)),
                Button(services.t(lang, "Move"), _o("v", e)),
            ),
            (Button(services.t(lang, "Cancel meeting"), _o("c", e)),),
        )
    answer.add("\n".join(lines), rows)


async def _list(services: Services, lang: str, answer: Answer) -> None:
    office = Office.of(services)
    upcoming = await events.listed(services.db, ending_after=office.now_iso())
    if not upcoming:
        answer.add(
            services.t(lang, "There are no meetings yet."),
            ((Button(services.t(lang, "New meeting"), _o("n")),),),
        )
        return
    rows = []
    for item in interview_offer_chat.grouped(upcoming)[:20]:
        if isinstance(item, list):  # an interview offer's times: one line
            rows.append((await interview_offer_chat.list_button(services, item, lang),))
            continue
        event = item
        counts = await bookings.counts(services.db, event.event_id)
        label = wording.summary_line(services, event, lang, counts["booked"], counts["waitlisted"])
        rows.append((Button(label, _o("e", event.event_id)),))
    answer.add(services.t(lang, "Meetings that are not over:"), tuple(rows))


async def _people(services: Services, event: Event, lang: str, answer: Answer) -> None:
    view = await planning.overview(Office.of(services), event.event_id)
    no_name = services.t(lang, "(no name)")
    lines = [
        services.t(
            lang,
            "Booked: {booked} of {capacity}. Invited: {invited}.",
            booked=len(view.booked),
            capacity=event.capacity,
            invited=view.invited,
        )
    ]
    # Counted down the list as it stands now: booking numbers leave gaps when people cancel.
    for place, p in enumerate(view.booked, start=1):
        needs = " — " + p.needs if p.needs else ""
        lines.append(f"{place}. {p.alias or no_name}{needs}")
    if view.waiting:
        lines += ["", services.t(lang, "Waitlist:")]
        lines += [f"{p.place}. {p.alias or no_name}" for p in view.waiting]
    answer.add("\n".join(lines))


async def _attendance(
    services: Services, event: Event, lang: str, answer: Answer, toggle: str
) -> None:
    office = Office.of(services)
    if event.starts_at > office.now():
        answer.toast = services.t(lang, "You can mark attendance when the meeting has begun.")
        return
    if toggle.isdigit():
        number = int(toggle)
        current = {p.number: p for p in (await planning.overview(office, event.event_id)).booked}
        person = current.get(number)
        if person is None:
            answer.toast = services.t(lang, "That button belongs to an earlier question.")
            return
        came = person.attended != 1
        await planning.mark_attendance(
            office, event.event_id, [number] if came else [], [] if came else [number]
        )
    view = await planning.overview(office, event.event_id)
    no_name = services.t(lang, "(no name)")
    rows = tuple(
        (
            Button(
                f"{'✅' if p.attended == 1 else '▫️'} {place}. {p.alias or no_name}"[:60],
                _o("a", event.event_id, str(p.number)),
            ),
        )
        for place, p in enumerate(view.booked, start=1)
    )
    text = services.t(lang, "Press the people who came. Press again to undo.")
    answer.replies.append(Reply(text, rows, edit=toggle.isdigit()))


async def _event_press(
    services: Services, person: Person, act: str, event: Event, arg: str, lang: str, answer: Answer
) -> None:
    office = Office.of(services)
    if act == "e" and event.is_slot and event.series_id:
        await interview_offer_chat.card(services, event.series_id, lang, answer)
    elif act == "e":
        await _event_card(services, event, lang, answer)
    elif act == "p":
        await _people(services, event, lang, answer)
    elif act == "a":
        await _attendance(services, event, lang, answer, arg)
    elif act == "i":
        await invite_chat.open_choice(services, person, event, lang, answer)
    elif act == "j":
        await invite_chat.step(services, person, event, arg, lang, answer)
    elif act == "s":
        await invite_chat.send(services, person, event, lang, answer)
    elif act == "v":
        services.dialogues[services.pseudonym(person)] = MoveRequest(event.event_id)
        answer.add(
            services.t(
                lang,
                "Write the new date and time, for example 3/12 9.00. Everyone booked will be told.",
            ),
            ((Button(services.t(lang, "Stop"), _o("q")),),),
        )
    elif act == "c" and arg != "y":
        answer.add(
            services.t(
                lang,
                "Cancel “{title}”, {when}? Everyone booked or waiting will be told.",
                title=event.title(lang),
                when=wording.when(event, lang),
            ),
            (
                (
                    Button(
                        services.t(lang, "Yes, cancel the meeting"), _o("c", event.event_id, "y")
                    ),
                    Button(services.t(lang, "No, go back"), _o("e", event.event_id)),
                ),
            ),
        )
    elif act == "c":
        cancelled = await planning.cancel(office, event.event_id)
        services.outbox_ready.set()
        people = await bookings.counts(services.db, event.event_id)
        answer.replies.append(
            Reply(
                services.t(
                    lang,
                    "Cancelled: {count} meeting(s). {people} people will be told.",
                    count=len(cancelled),
                    people=people["booked"] + people["waitlisted"],
                ),
                edit=True,
            )
        )


async def on_press(
    services: Services, person: Person, parts: tuple[str, ...], live: bool = True
) -> Answer:
    """A coordinator button; the role is checked again on every press.

    `live` is False for a button on an older message than the coordinator's newest with
    buttons: it is answered as old and changes nothing.
    """
    if not await roles.is_coordinator(services, person):
        return await conversation.on_press(services, person, None)
    act, a, b = parts
    lang = await _lang(services, person)
    answer = Answer(lang=lang, coordinator=True)
    if not live:
        answer.toast = services.t(lang, OLD_BUTTON)
        return answer
    pseudonym = services.pseudonym(person)
    try:
        if act == "n":
            draft = Draft()
            services.dialogues[pseudonym] = draft
            _prompt(services, draft, lang, answer)
        elif act == "l":
            await _list(services, lang, answer)
        elif act == "m":
            _menu(services, lang, answer)
        elif act == "r":
            await results_chat.on_press(services, person, a, b, lang, answer)
        elif act == "y":
            await interviewer_chat.on_press(services, a, b, lang, answer)
        elif act == "w":
            await interview_draft_chat.on_press(services, person, a, b, lang, answer)
        elif act == "q":
            services.dialogues.pop(pseudonym, None)
            answer.add(services.t(lang, "Stopped. Nothing was saved."))
            _menu(services, lang, answer)
        elif act == "d":
            current = services.dialogues.get(pseudonym)
            if not isinstance(current, Draft):
                answer.toast = services.t(lang, "That button belongs to an earlier question.")
            else:
                return await _advance(services, person, current, a, b, pressed=True)
        else:
            event = await events.get(services.db, a)
            if event is None:
                answer.toast = services.t(lang, "I do not understand that button.")
            else:
                await _event_press(services, person, act, event, b, lang, answer)
    except MeetingError:
        # What the CLI explains in one line: for the chat, the one thing that can change
        # between showing a button and pressing it is the meeting itself.
        answer.add(services.t(lang, "This meeting has begun, is over or is cancelled."))
    return answer


async def on_text(services: Services, person: Person, text: str) -> Answer | None:
    """A typed answer in a coordinator dialogue; None when no such dialogue is open."""
    pseudonym = services.pseudonym(person)
    current = services.dialogues.get(pseudonym)
    if not isinstance(current, Draft | MoveRequest | InterviewDraft):
        return None
    if not await roles.is_coordinator(services, person):
        services.dialogues.pop(pseudonym, None)
        return None
    if isinstance(current, InterviewDraft):
        return await interview_draft_chat.on_text(services, person, current, text)
    if isinstance(current, Draft):
        return await _advance(services, person, current, current.current(), text, pressed=False)
    lang = await _lang(services, person)
    answer = Answer(lang=lang, coordinator=True)
    office = Office.of(services)
    event = await events.get(services.db, current.event_id)
    when = parse_when(text, office.now().date())
    if event is None:
        services.dialogues.pop(pseudonym, None)
        return await on_command(services, person, None)
    if when is None:
        problem = PROBLEMS["not_a_date"]
        answer.add(services.t(lang, problem))
        return answer
    try:
        moved = await planning.move(office, event.event_id, when, None)
    except MeetingError:
        answer.add(services.t(lang, TIME_NOT_POSSIBLE))
        return answer
    services.dialogues.pop(pseudonym, None)
    services.outbox_ready.set()
    people = await bookings.counts(services.db, event.event_id)
    answer.add(
        services.tn(
            lang,
            "Moved to {when}. {count} booked person will be told.",
            "Moved to {when}. {count} booked people will be told.",
            people["booked"],
            when=wording.when(moved, lang),
        )
    )
    await _event_card(services, moved, lang, answer)
    return answer
