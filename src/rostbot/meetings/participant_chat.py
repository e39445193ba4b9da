"""The participant's side of the chat: book, not this time, waitlist, cancel and rebook,
an optional alias and one optional line on needs.

Every press is checked against the store: only someone who was invited (or holds
a booking) and may still be contacted can book, whatever the button data says.
"""

from __future__ import annotations

from dataclasses import dataclass

from rostbot.core.meeting_model import Event
from rostbot.journey import callback_data as cb
from rostbot.journey import conversation
from rostbot.journey.services import Answer, Attachment, Button, Person, Reply, Services
from rostbot.meetings import booking, calendar_file, interview_wording, wording
from rostbot.meetings.office import Office, group_of
from rostbot.store import bookings, contacts, events, outbox


@dataclass(frozen=True)
class TypedDetail:
    """The participant is typing an alias ('alias'), a needs line ('needs') or, for a phone
    interview, the number to call ('reach') for an event."""

    what: str
    event_id: str


def _v(act: str, event_id: str, arg: str = "-") -> str:
    return cb.make("v", act, event_id, arg)


def cancel_button(services: Services, lang: str, event: Event) -> tuple[Button, ...]:
    return (Button(services.t(lang, "Cancel my booking"), _v("c", event.event_id)),)


def invitation_buttons(
    services: Services, lang: str, event: Event
) -> tuple[tuple[Button, ...], ...]:
    return (
        (
            Button(services.t(lang, "Book a seat"), _v("b", event.event_id)),
            Button(services.t(lang, "Not this time"), _v("n", event.event_id)),
        ),
    )


async def calendar_attachment(
    services: Services, group: list[Event], pseudonym: str, lang: str, *, cancelled: bool
) -> Attachment:
    """The person's calendar file for the group, ranked above every file sent before."""
    first = await bookings.get(services.db, group[0].event_id, pseudonym)
    content = calendar_file.make(
        group,
        lang,
        sequence_offset=first.revision if first else 0,
        cancelled=cancelled,
        description=(
            interview_wording.calendar_description(services, group[0], lang)
            if group[0].kind == "interview"
            else wording.calendar_description(services, group[0], lang)
        ),
        now=services.clock(),
        organizer_name=services.settings.organisation,
        organizer_email=services.settings.organizer_email,
    )
    return Attachment(calendar_file.filename(group[0], cancelled=cancelled), content)


async def booked_replies(
    services: Services, group: list[Event], pseudonym: str, lang: str, caption: str
) -> list[Reply]:
    """The calendar file with a caption, then what else the person may do."""
    event = group[0]
    document = await calendar_attachment(services, group, pseudonym, lang, cancelled=False)
    more = services.t(
        lang,
        "If you want, you can also:\n"
        "• tell us a name to call you. It does not have to be your real name.\n"
        "• write one line about needs, such as access or food. "
        "Only the coordinators see it. We delete it after the meeting.",
    )
    return [
        Reply(caption, document=document),
        Reply(
            more,
            (
                (
                    Button(services.t(lang, "A name to call me"), _v("a", event.event_id)),
                    Button(services.t(lang, "My needs"), _v("d", event.event_id)),
                ),
                cancel_button(services, lang, event),
            ),
        ),
    ]


def booked_caption(services: Services, group: list[Event], lang: str) -> str:
    event = group[0]
    if len(group) > 1:
        return services.t(
            lang,
            "You are booked for all {count} meetings of “{title}”. The first is {when}. "
            "The file puts them in your calendar.",
            count=len(group),
            title=event.title(lang),
            when=wording.when(event, lang),
        )
    return services.t(
        lang,
        "You are booked: “{title}”, {when}. The file puts the meeting in your calendar.",
        title=event.title(lang),
        when=wording.when(event, lang),
    )


async def _may_book(services: Services, event: Event, pseudonym: str) -> bool:
    if event.is_slot and event.series_id is not None:
        from rostbot.meetings import interview_chat  # it builds on this module

        return await interview_chat.may_act(services, event.series_id, pseudonym)
    if await contacts.find(services.db, pseudonym) is None:
        return False
    if await bookings.get(services.db, event.event_id, pseudonym) is not None:
        return True
    sessions = await group_of(services.db, event, services.clock())
    return await outbox.exists(services.db, booking.invitation_key(sessions[0], pseudonym)) or (
        await outbox.exists(services.db, booking.invitation_key(event, pseudonym))
    )


async def _booked(
    services: Services, group: list[Event], pseudonym: str, lang: str, answer: Answer
) -> None:
    answer.replies += await booked_replies(
        services, group, pseudonym, lang, booked_caption(services, group, lang)
    )


async def on_press(services: Services, person: Person, parts: tuple[str, ...]) -> Answer:
    """A participant's button under an invitation, a booking or a notice."""
    act, event_id, arg = parts
    lang = await conversation.language_of(services, person)
    answer = Answer(lang=lang)
    pseudonym = services.pseudonym(person)
    office = Office.of(services)
    from rostbot.meetings import interview_chat  # it builds on this module

    if act in interview_chat.SERIES_ACTS:
        return await interview_chat.on_series_press(services, pseudonym, lang, act, event_id, arg)
    event = await events.get(services.db, event_id)
    if event is not None and event.is_slot and act not in ("a", "k"):
        return await interview_chat.on_slot_press(services, pseudonym, lang, act, event)
    if event is None or not await _may_book(services, event, pseudonym):
        answer.toast = services.t(lang, "I do not understand that button.")
        return answer
    if event.status != "scheduled" or event.starts_at <= office.now():
        answer.toast = services.t(lang, "This meeting is cancelled or over.")
        return answer
    if act == "b":
        outcome = await booking.book(office, event, pseudonym)
        if outcome.result == "already":
            answer.toast = services.t(lang, "You are already booked.")
        elif outcome.result == "booked":
            answer.toast = services.t(lang, "Booked!")
            await _booked(services, outcome.group, pseudonym, lang, answer)
        else:
            answer.add(
                services.t(
                    lang,
                    "Sorry, all seats are taken. Do you want a place on the waitlist? "
                    "If a seat becomes free, you get it and I tell you.",
                ),
                (
                    (Button(services.t(lang, "Yes, put me on the waitlist"), _v("w", event_id)),),
                    (Button(services.t(lang, "No thanks"), _v("n", event_id, "w")),),
                ),
            )
    elif act == "w":
        outcome = await booking.wait(office, event, pseudonym)
        if outcome.result == "booked":
            await _booked(services, outcome.group, pseudonym, lang, answer)
        elif outcome.result == "waitlisted":
            place = await booking.place_on_waitlist(office, event, pseudonym)
            answer.add(
                services.t(
                    lang,
                    "You are on the waitlist as number {place}. "
                    "If a seat becomes free, you get it and I tell you.",
                    place=place,
                ),
                ((Button(services.t(lang, "Leave the waitlist"), _v("c", event_id)),),),
            )
        else:
            answer.toast = services.t(lang, "Already saved.")
    elif act == "n":
        choice = services.t(lang, "No thanks") if arg == "w" else services.t(lang, "Not this time")
        said = services.t(lang, "You said: {choice}", choice=choice)
        if arg == "w":  # no to the waitlist
            answer.replies.append(Reply(said, edit=True))
        else:
            # The invitation stays, with its Book button: changing one's mind is no dead end.
            sessions = await group_of(services.db, event, office.now())
            text = wording.invitation(services, event, lang, sessions) + "\n\n" + said
            book = (Button(services.t(lang, "Book a seat"), _v("b", event_id)),)
            answer.replies.append(Reply(text, (book,), edit=True))
        answer.add(services.t(lang, "OK. Thank you for telling us."))
    elif act == "c":
        answer.add(
            services.t(
                lang, "Do you want to cancel your place in “{title}”?", title=event.title(lang)
            ),
            (
                (
                    Button(services.t(lang, "Yes, cancel"), _v("x", event_id)),
                    Button(services.t(lang, "No, keep it"), _v("k", event_id)),
                ),
            ),
        )
    elif act == "x":
        await _cancel(services, office, event, pseudonym, lang, answer)
    elif act == "k":
        answer.replies.append(Reply(services.t(lang, "Good. Nothing has changed."), edit=True))
    elif act in ("a", "d"):
        mine = await bookings.get(services.db, event_id, pseudonym)
        if mine is None or mine.status == "cancelled":
            answer.toast = services.t(lang, "This button is old.")
            return answer
        services.dialogues[pseudonym] = TypedDetail("alias" if act == "a" else "needs", event_id)
        if act == "a":
            text = services.t(
                lang,
                "Write the name you want us to use. It does not have to be your real name. "
                "At most {limit} characters.",
                limit=booking.ALIAS_MAX,
            )
        else:
            text = services.t(
                lang,
                "Write one line about what you need, for example a ramp, a hearing loop "
                "or food without gluten. At most {limit} characters.",
                limit=booking.NEEDS_MAX,
            )
        answer.add(text)
    else:
        answer.toast = services.t(lang, "I do not understand that button.")
    return answer


async def _cancel(
    services: Services, office: Office, event: Event, pseudonym: str, lang: str, answer: Answer
) -> None:
    outcome = await booking.cancel(office, event, pseudonym)
    if outcome.promoted:
        services.outbox_ready.set()
    if outcome.result == "nothing":
        answer.toast = services.t(lang, "Already saved.")
        return
    answer.replies.append(
        Reply(
            services.t(lang, "You said: {choice}", choice=services.t(lang, "Yes, cancel")),
            edit=True,
        )
    )
    if outcome.result == "left_waitlist":
        answer.add(services.t(lang, "You have left the waitlist."))
        return
    document = await calendar_attachment(services, outcome.group, pseudonym, lang, cancelled=True)
    answer.replies.append(
        Reply(
            services.t(
                lang,
                "Your booking is cancelled. The file removes the meeting from your calendar.",
            ),
            ((Button(services.t(lang, "Book again"), _v("b", event.event_id)),),),
            document=document,
        )
    )


async def on_text(services: Services, person: Person, text: str) -> Answer | None:
    """A typed alias or needs line; None when the person was not asked for one."""
    pseudonym = services.pseudonym(person)
    asked = services.dialogues.get(pseudonym)
    if not isinstance(asked, TypedDetail):
        return None
    lang = await conversation.language_of(services, person)
    answer = Answer(lang=lang)
    office = Office.of(services)
    event = await events.get(services.db, asked.event_id)
    mine = await bookings.get(services.db, asked.event_id, pseudonym)
    if event is None or mine is None or mine.status == "cancelled":
        services.dialogues.pop(pseudonym, None)
        return None
    if asked.what == "reach":
        from rostbot.meetings import interview_chat  # it builds on this module

        return await interview_chat.on_typed_number(services, pseudonym, lang, event, text)
    value = " ".join(text.split())
    limit = booking.ALIAS_MAX if asked.what == "alias" else booking.NEEDS_MAX
    if not value or len(value) > limit:
        answer.add(
            services.t(
                lang,
                "Please write at most {limit} characters, on one line.",
                limit=limit,
            )
        )
        return answer
    services.dialogues.pop(pseudonym, None)
    group = await group_of(services.db, event, office.now())
    if asked.what == "alias":
        await booking.set_alias(office, group, pseudonym, value)
        answer.add(services.t(lang, "Thank you. We will call you {alias}.", alias=value))
    else:
        await booking.set_needs(office, group, pseudonym, value)
        answer.add(
            services.t(
                lang, "Thank you. The coordinators will see it. We delete it after the meeting."
            )
        )
    return answer
