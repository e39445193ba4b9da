"""What an outbox row becomes when it is sent: the message, or a reason not to send it.

Rows are rendered at send time, from the store as it is then, and every row is
checked again: nobody who withdrew, cancelled or only waits gets a reminder; no
reminder is sent once the meeting has begun; nothing goes to someone who can no
longer be contacted. A reason to drop is a short code, never personal data.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from rostbot.core.meeting_model import Event
from rostbot.journey import callback_data as cb
from rostbot.journey.consent import code_hash, feedback_consent_text, new_invitation_code
from rostbot.journey.services import Button, Reply, Services
from rostbot.meetings import interview_chat, interview_wording, participant_chat, wording
from rostbot.meetings.office import group_of
from rostbot.store import bookings, contacts, events, invitations, slots
from rostbot.store.outbox import OutboxItem

FEEDBACK_FLOW = "meeting_feedback"


@dataclass(frozen=True)
class Outgoing:
    chat_id: int
    reply: Reply


@dataclass(frozen=True)
class Dropped:
    reason: str  # a short code for the log, e.g. 'not_booked', 'too_late'


async def render(services: Services, item: OutboxItem) -> Outgoing | Dropped:
    """The message for this row now, or why it must not be sent."""
    event = await events.get(services.db, item.event_id) if item.event_id else None
    if event is None:
        return Dropped("no_event")
    purpose = "interview" if event.kind == "interview" else "contact"
    contact = await contacts.find(services.db, item.pseudonym, purpose=purpose)
    if contact is None:
        return Dropped("not_reachable")
    chat_id = int(services.secret.decrypt(contact.handle, f"contact:{item.pseudonym}"))
    lang = contact.lang
    now = services.clock()
    mine = await bookings.get(services.db, event.event_id, item.pseudonym)
    status = mine.status if mine else None
    if item.kind == "cancelled":
        return Outgoing(chat_id, await _cancelled(services, event, item, lang))
    if item.kind == "feedback":
        if mine is None or mine.attended != 1:
            return Dropped("not_attended")
        reply = await _feedback(services, event, lang)
        return Outgoing(chat_id, reply) if reply else Dropped("no_feedback_flow")
    if event.status != "scheduled":
        return Dropped("event_cancelled")
    if event.starts_at <= now:
        return Dropped("too_late")
    if event.is_slot:
        return await _interview(services, event, item, lang, chat_id)
    if item.kind == "invitation":
        if status in ("booked", "waitlisted"):
            return Dropped("booked_already")
        sessions = await group_of(services.db, event, now)
        text = wording.invitation(services, event, lang, sessions)
        return Outgoing(
            chat_id, Reply(text, participant_chat.invitation_buttons(services, lang, event))
        )
    if status != "booked":
        return Dropped("not_booked")
    if item.kind == "reminder":
        text = wording.reminder(services, event, lang)
        keyboard = (participant_chat.cancel_button(services, lang, event),)
        return Outgoing(chat_id, Reply(text, keyboard))
    if item.kind == "promoted":
        group = await group_of(services.db, event, now)
        caption = services.t(
            lang,
            "Good news! A seat became free in “{title}”, {when}. It is yours now. "
            "The file puts the meeting in your calendar. If you cannot come, "
            "press Cancel my booking.",
            title=event.title(lang),
            when=wording.when(event, lang),
        )
        document = await participant_chat.calendar_attachment(
            services, group, item.pseudonym, lang, cancelled=False
        )
        keyboard = (participant_chat.cancel_button(services, lang, event),)
        return Outgoing(chat_id, Reply(caption, keyboard, document=document))
    if item.kind == "moved":
        caption = services.t(
            lang,
            "New time for “{title}”: {when}. Your seat is kept. The file updates your calendar.",
            title=event.title(lang),
            when=wording.when(event, lang),
        )
        document = await participant_chat.calendar_attachment(
            services, [event], item.pseudonym, lang, cancelled=False
        )
        keyboard = (participant_chat.cancel_button(services, lang, event),)
        return Outgoing(chat_id, Reply(caption, keyboard, document=document))
    return Dropped("unknown_kind")


async def _interview(
    services: Services, event: Event, item: OutboxItem, lang: str, chat_id: int
) -> Outgoing | Dropped:
    """An interview's invitation, reminder, new time, or the note that a time is free."""
    assert event.series_id is not None
    held = await slots.held(services.db, event.series_id, item.pseudonym)
    if item.kind == "invitation":
        if held is not None:
            return Dropped("booked_already")
        return Outgoing(chat_id, await interview_chat.invitation(services, event, lang))
    if item.kind == "slot_free":
        if held is not None:
            return Dropped("booked_already")
        if event.event_id not in await slots.free(services.db, event.series_id, item.due_at):
            return Dropped("taken")
        return Outgoing(chat_id, await interview_chat.free_time_notice(services, event, lang))
    if held is None or held.event_id != event.event_id:
        return Dropped("not_booked")
    keyboard = interview_chat.time_buttons(services, lang, event)
    if item.kind == "reminder":
        return Outgoing(chat_id, Reply(interview_wording.reminder(services, event, lang), keyboard))
    if item.kind == "moved":
        caption = services.t(
            lang,
            "New time for your interview “{title}”: {when}. The file updates your calendar.",
            title=event.title(lang),
            when=wording.when(event, lang),
        )
        document = await participant_chat.calendar_attachment(
            services, [event], item.pseudonym, lang, cancelled=False
        )
        return Outgoing(chat_id, Reply(caption, keyboard, document=document))
    return Dropped("unknown_kind")


async def _cancelled(services: Services, event: Event, item: OutboxItem, lang: str) -> Reply:
    text = services.t(
        lang,
        "“{title}” on {when} is cancelled. We are sorry.",
        title=event.title(lang),
        when=wording.when(event, lang),
    )
    if item.payload.get("was") != "booked":
        return Reply(text + " " + services.t(lang, "You were on the waitlist."))
    document = await participant_chat.calendar_attachment(
        services, [event], item.pseudonym, lang, cancelled=True
    )
    caption = text + " " + services.t(lang, "The file removes it from your calendar.")
    if event.is_slot and event.series_id is not None:
        # An interview time called off: the offer's other free times are a press away.
        another = interview_chat.another_time_button(services, lang, event.series_id)
        return Reply(caption, ((another,),), document=document)
    return Reply(caption, document=document)


async def _feedback(services: Services, event: Event, lang: str) -> Reply | None:
    """Thanks, and the short feedback flow: a fresh single-use code, a one-message consent."""
    flow = services.flows.get(FEEDBACK_FLOW)
    if flow is None:
        return None
    code = new_invitation_code()
    await invitations.add_batch(
        services.db,
        [code_hash(code)],
        flow_id=flow.id,
        unit=event.event_id,
        provider=event.kind,
        batch_id=secrets.token_hex(6),
        today=services.today(),
    )
    # The person said yes to being contacted after reading the whole consent: one
    # message says what is asked, how long, and that it is voluntary (acts q / z).
    flow_lang = lang if lang in flow.languages else flow.languages[0]
    text = feedback_consent_text(services, flow, flow_lang, event.title(flow_lang))
    return Reply(
        text,
        (
            (
                Button(
                    services.t(flow_lang, "Yes, I will answer"),
                    cb.make("c", flow_lang, "q", code),
                ),
            ),
            (Button(services.t(flow_lang, "No thanks"), cb.make("c", flow_lang, "z", code)),),
        ),
    )
