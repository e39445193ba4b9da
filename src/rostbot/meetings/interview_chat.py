"""The participant's side of an interview: choose a time from pages of free times,
change it, cancel it, ask to hear of a free time, and give the number to call for a
phone interview.

Buttons are `v:<act>:<id>:<arg>` as for other meetings (participant_chat routes the
interview acts here). Every press is checked against the store: only someone invited to
the offer (or holding one of its times) who still agrees to be contacted about
interviews can act, whatever the button data says.
"""

from __future__ import annotations

import phonenumbers

from rostbot.core.meeting_model import Event
from rostbot.journey import callback_data as cb
from rostbot.journey import interview_consents
from rostbot.journey.services import Answer, Button, Reply, Services
from rostbot.meetings import interview_booking, interview_plan, interview_wording, wording
from rostbot.meetings.booking import invitation_key
from rostbot.meetings.office import Office
from rostbot.meetings.participant_chat import TypedDetail, calendar_attachment
from rostbot.store import contacts, events, outbox, slots

PAGE = 6  # times per page of buttons
SERIES_ACTS = frozenset({"t", "h"})  # acts whose id is the offer's (series) id
SLOT_ACTS = frozenset({"i", "g", "p"})  # acts only an interview time has
REGION = {"Europe/Stockholm": "SE", "Europe/Copenhagen": "DK"}
EXAMPLE = {
    "Europe/Stockholm": "070 123 45 67",
    "Europe/Copenhagen": "20 12 34 56",
}  # as people write one


def _v(act: str, ident: str, arg: str = "-") -> str:
    return cb.make("v", act, ident, arg)


async def may_act(services: Services, series_id: str, pseudonym: str) -> bool:
    """Invited to the offer, or holding one of its times, and still reachable for interviews."""
    if await contacts.find(services.db, pseudonym, purpose="interview") is None:
        return False
    if await slots.held(services.db, series_id, pseudonym) is not None:
        return True
    return await outbox.exists(services.db, f"invitation:{series_id}:{pseudonym}")


def invitation_buttons(
    services: Services, lang: str, event: Event, free: int
) -> tuple[tuple[Button, ...], ...]:
    assert event.series_id is not None
    first = (
        Button(services.t(lang, "Choose a time"), _v("t", event.series_id, "0"))
        if free
        else Button(services.t(lang, "Tell me when a time is free"), _v("h", event.series_id))
    )
    return ((first,), (Button(services.t(lang, "Not this time"), _v("n", event.event_id)),))


async def invitation(services: Services, event: Event, lang: str) -> Reply:
    assert event.series_id is not None
    free = len(await interview_plan.free_times(Office.of(services), event.series_id))
    text = interview_wording.invitation(services, event, lang, free)
    return Reply(text, invitation_buttons(services, lang, event, free))


async def times_page(
    services: Services, series_id: str, pseudonym: str, lang: str, page: int, *, edit: bool
) -> Reply:
    """One page of free times as buttons, with the way to earlier and later pages."""
    office = Office.of(services)
    mine = await slots.held(services.db, series_id, pseudonym)
    free = await interview_plan.free_times(office, series_id)
    pages = max(1, -(-len(free) // PAGE))
    page = min(max(page, 0), pages - 1)
    lines = []
    if mine is not None:
        held = await events.get(services.db, mine.event_id)
        if held is not None:
            lines.append(services.t(lang, "Your time now: {when}", when=wording.when(held, lang)))
    if not free:
        lines.append(services.t(lang, "No other time is free right now."))
        wait = Button(services.t(lang, "Tell me when a time is free"), _v("h", series_id))
        return Reply("\n".join(lines), ((wait,),), edit=edit)
    lines.append(services.t(lang, "Choose a time that suits you."))
    if pages > 1:
        lines.append(services.t(lang, "Page {page} of {pages}.", page=page + 1, pages=pages))
    rows: list[tuple[Button, ...]] = [
        (Button(interview_wording.time_label(e, lang), _v("i", e.event_id)),)
        for e in free[page * PAGE : (page + 1) * PAGE]
    ]
    nav: list[Button] = []
    if page > 0:
        nav.append(Button(services.t(lang, "‹ Earlier times"), _v("t", series_id, f"p{page - 1}")))
    if page < pages - 1:
        nav.append(Button(services.t(lang, "Later times ›"), _v("t", series_id, f"p{page + 1}")))
    if nav:
        rows.append(tuple(nav))
    rows.append((Button(services.t(lang, "None of these suits me"), _v("h", series_id)),))
    return Reply("\n".join(lines), tuple(rows), edit=edit)


async def on_series_press(
    services: Services, pseudonym: str, lang: str, act: str, series_id: str, arg: str
) -> Answer:
    answer = Answer(lang=lang)
    times = await events.in_series(services.db, series_id)
    if not times or not times[0].is_slot or not await may_act(services, series_id, pseudonym):
        answer.toast = services.t(lang, "I do not understand that button.")
        return answer
    if act == "t":
        number = arg[1:] if arg.startswith("p") else arg
        page = int(number) if number.isdigit() else 0
        answer.replies.append(
            await times_page(services, series_id, pseudonym, lang, page, edit=arg.startswith("p"))
        )
        return answer
    # 'h': hear when a time becomes free
    mine = await slots.held(services.db, series_id, pseudonym)
    if mine is not None:
        held = await events.get(services.db, mine.event_id)
        when = wording.when(held, lang) if held else ""
        answer.add(services.t(lang, "You already have a time: {when}", when=when))
        return answer
    office = Office.of(services)
    if not await interview_booking.wait_for_time(office, series_id, pseudonym):
        answer.toast = services.t(lang, "Already saved.")
        return answer
    answer.add(
        services.t(
            lang,
            "Good. I will write to you when a time becomes free. "
            "Then the first person to press gets it.",
        )
    )
    return answer


def _time_buttons(services: Services, lang: str, event: Event) -> tuple[tuple[Button, ...], ...]:
    rows: list[tuple[Button, ...]] = []
    if event.details.mode == "phone":
        rows.append((Button(services.t(lang, "Give the number to call"), _v("p", event.event_id)),))
    rows.append((Button(services.t(lang, "A name to call me"), _v("a", event.event_id)),))
    rows.append(
        (
            Button(services.t(lang, "Change the time"), _v("g", event.event_id)),
            Button(services.t(lang, "Cancel the interview"), _v("c", event.event_id)),
        )
    )
    return tuple(rows)


def time_buttons(services: Services, lang: str, event: Event) -> tuple[tuple[Button, ...], ...]:
    """Under a reminder or a notice: change or cancel the time."""
    return (
        (
            Button(services.t(lang, "Change the time"), _v("g", event.event_id)),
            Button(services.t(lang, "Cancel the interview"), _v("c", event.event_id)),
        ),
    )


async def booked_replies(
    services: Services, event: Event, pseudonym: str, lang: str, caption: str
) -> list[Reply]:
    """The calendar file with a caption, what the day needs, and what the person may add."""
    document = await calendar_attachment(services, [event], pseudonym, lang, cancelled=False)
    details = interview_wording.booked_details(services, event, lang)
    more = [details]
    if event.details.mode == "phone":
        more += ["", services.t(lang, "Please give the phone number the interviewer should call.")]
    more += [
        "",
        services.t(
            lang,
            "If you want, tell us a name to call you. It does not have to be your real name.",
        ),
    ]
    return [
        Reply(caption, document=document),
        Reply("\n".join(more), _time_buttons(services, lang, event)),
    ]


async def on_slot_press(
    services: Services, pseudonym: str, lang: str, act: str, event: Event
) -> Answer:
    """A press about one time of an offer: take it, change, cancel, the number to call."""
    answer = Answer(lang=lang)
    office = Office.of(services)
    assert event.series_id is not None
    if not await may_act(services, event.series_id, pseudonym):
        answer.toast = services.t(lang, "I do not understand that button.")
        return answer
    over = event.status != "scheduled" or event.starts_at <= office.now()
    if act == "i":
        if over:
            answer.toast = services.t(lang, "This time is not free any more.")
            answer.replies.append(
                await times_page(services, event.series_id, pseudonym, lang, 0, edit=False)
            )
            return answer
        taken = await interview_booking.take(office, event, pseudonym)
        if taken.result == "already":
            answer.toast = services.t(lang, "This is your time already.")
        elif taken.result == "taken":
            answer.add(services.t(lang, "Sorry, someone else took that time just now."))
            answer.replies.append(
                await times_page(services, event.series_id, pseudonym, lang, 0, edit=False)
            )
        else:
            if taken.result == "moved" and taken.was is not None:
                old_file = await calendar_attachment(
                    services, [taken.was], pseudonym, lang, cancelled=True
                )
                answer.replies.append(
                    Reply(
                        services.t(
                            lang,
                            "Your old time {when} is given up. "
                            "The file removes it from your calendar.",
                            when=wording.when(taken.was, lang),
                        ),
                        document=old_file,
                    )
                )
                services.outbox_ready.set()  # the freed time may go to someone waiting
            answer.toast = services.t(lang, "Booked!")
            caption = services.t(
                lang,
                "You are booked for an interview: {when}. The file puts it in your calendar.",
                when=wording.when(event, lang),
            )
            answer.replies += await booked_replies(services, event, pseudonym, lang, caption)
            answer.replies += await _after_booking(services, pseudonym, lang)
        return answer
    if over:
        answer.toast = services.t(lang, "This meeting is cancelled or over.")
        return answer
    if act == "g":
        answer.replies.append(
            await times_page(services, event.series_id, pseudonym, lang, 0, edit=False)
        )
    elif act == "c":
        answer.add(
            services.t(
                lang,
                "Do you want to cancel your interview on {when}?",
                when=wording.when(event, lang),
            ),
            (
                (
                    Button(services.t(lang, "Yes, cancel"), _v("x", event.event_id)),
                    Button(services.t(lang, "No, keep it"), _v("k", event.event_id)),
                ),
            ),
        )
    elif act == "x":
        await _give_up(services, office, event, pseudonym, lang, answer)
    elif act == "n":
        said = services.t(lang, "You said: {choice}", choice=services.t(lang, "Not this time"))
        offer = await invitation(services, event, lang)
        answer.replies.append(Reply(offer.text + "\n\n" + said, offer.buttons[:1], edit=True))
        answer.add(services.t(lang, "OK. Thank you for telling us."))
    elif act == "p":
        mine = await slots.held(services.db, event.series_id, pseudonym)
        if mine is None or mine.event_id != event.event_id:
            answer.toast = services.t(lang, "This button is old.")
            return answer
        services.dialogues[pseudonym] = TypedDetail("reach", event.event_id)
        answer.add(
            services.t(
                lang,
                "Write the phone number the interviewer should call. "
                "We delete it after the interview.",
            )
        )
    else:
        answer.toast = services.t(lang, "I do not understand that button.")
    return answer


async def _give_up(
    services: Services, office: Office, event: Event, pseudonym: str, lang: str, answer: Answer
) -> None:
    if not await interview_booking.give_up(office, event, pseudonym):
        answer.toast = services.t(lang, "Already saved.")
        return
    services.outbox_ready.set()  # the freed time may go to someone waiting
    answer.replies.append(
        Reply(
            services.t(lang, "You said: {choice}", choice=services.t(lang, "Yes, cancel")),
            edit=True,
        )
    )
    assert event.series_id is not None
    document = await calendar_attachment(services, [event], pseudonym, lang, cancelled=True)
    answer.replies.append(
        Reply(
            services.t(
                lang,
                "Your interview is cancelled. The file removes it from your calendar.",
            ),
            ((another_time_button(services, lang, event.series_id),),),
            document=document,
        )
    )


def another_time_button(services: Services, lang: str, series_id: str) -> Button:
    return Button(services.t(lang, "Choose another time"), _v("t", series_id, "0"))


async def _after_booking(services: Services, pseudonym: str, lang: str) -> list[Reply]:
    """The separate, optional question about being quoted, if not agreed to already."""
    asked = await interview_consents.quote_question(services, pseudonym, lang)
    return [asked] if asked is not None else []


def phone_number(text: str, event: Event) -> str | None:
    """The number in international form, or None when it cannot be a phone number."""
    try:
        parsed = phonenumbers.parse(text, REGION.get(event.tz, "SE"))
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


async def on_typed_number(
    services: Services, pseudonym: str, lang: str, event: Event, text: str
) -> Answer:
    answer = Answer(lang=lang)
    number = phone_number(text, event)
    if number is None:
        answer.add(
            services.t(
                lang,
                "That does not look like a phone number. Please write it again, "
                "for example {example}.",
                example=EXAMPLE.get(event.tz, EXAMPLE["Europe/Stockholm"]),
            )
        )
        return answer
    services.dialogues.pop(pseudonym, None)
    if not await interview_booking.set_reach(Office.of(services), event, pseudonym, number):
        answer.add(services.t(lang, "This time is no longer yours, so I did not save the number."))
        return answer
    answer.add(
        services.t(
            lang,
            "Thank you. The interviewer will call {number}. We delete it after the interview.",
            number=number,
        )
    )
    return answer


async def free_time_notice(services: Services, event: Event, lang: str) -> Reply:
    """To the first person waiting: a time became free; the first to press gets it."""
    assert event.series_id is not None
    text = services.t(
        lang,
        "A time for the interview “{title}” is free: {when}. Do you want it? "
        "The first person to press gets it.",
        title=event.title(lang),
        when=wording.when(event, lang),
    )
    return Reply(
        text,
        (
            (Button(services.t(lang, "Yes, book this time"), _v("i", event.event_id)),),
            (Button(services.t(lang, "Show all free times"), _v("t", event.series_id, "0")),),
        ),
    )


def invited_key(event: Event, pseudonym: str) -> str:
    return invitation_key(event, pseudonym)
