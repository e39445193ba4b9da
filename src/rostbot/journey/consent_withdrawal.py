"""Taking back one consent on its own, from the buttons under /mydata: being contacted
later ('contact'), interviews ('interview') or being quoted ('quote'). Everything else
stays as it is; /withdraw still takes back everything at once.

Each step is a button: `u:<letter>:a` asks, `u:<letter>:y` takes it back, `u:<letter>:n`
changes nothing. Taking back a purpose to be written to ends what it allowed in the same
transaction: the times and seats held under it are given up (and offered to others), its
messages not yet sent are deleted. The encrypted chat handle goes when no purpose to be
written to is left.
"""

from __future__ import annotations

from typing import Literal

from rostbot.i18n import N_
from rostbot.journey import callback_data as cb
from rostbot.journey.services import Answer, Button, Person, Reply, Services
from rostbot.meetings.booking import release_seats
from rostbot.meetings.interview_booking import release_interviews
from rostbot.meetings.office import Office
from rostbot.store import outbox, respondents, results_messages, slots, updates
from rostbot.store.database import Transaction

# The letter a button carries, and the consent kind it names; in the order /mydata shows them.
KINDS: dict[str, str] = {"c": "contact", "i": "interview", "q": "quote"}
# Consents that let the bot write first; the chat handle is kept while one of them is.
WRITE_FIRST = ("contact", "interview")

LABELS = {
    "contact": N_("Take back: contact later"),
    "interview": N_("Take back: interviews"),
    "quote": N_("Take back: being quoted"),
}
QUESTIONS = {
    "contact": N_(
        "Do you want to take back your yes to being contacted later? We will no longer "
        "write to you about meetings or what we changed. Places you booked in meetings "
        "go to others."
    ),
    "interview": N_(
        "Do you want to take back your yes to interviews? We will no longer write to you "
        "about interviews. A time you booked for an interview goes to someone else."
    ),
    "quote": N_(
        "Do you want to take back your yes to being quoted? Then we will not quote what you said."
    ),
}
DONE = {
    "contact": N_("Done. We will no longer write to you about meetings or what we changed."),
    "interview": N_("Done. We will no longer write to you about interviews."),
    "quote": N_("Done. We will not quote you."),
}
Taken = Literal["done", "already", "nothing"]


async def withdrawable(services: Services, pseudonym: str) -> list[str]:
    """The kinds the person can take back now (an active consent of each), in order."""
    return [
        kind
        for kind in KINDS.values()
        if await respondents.has_active_consent(services.db, pseudonym, kind)
    ]


def keyboard(services: Services, kinds: list[str], lang: str) -> tuple[tuple[Button, ...], ...]:
    """One button per consent that can be taken back, under the /mydata message."""
    letter = {kind: letter for letter, kind in KINDS.items()}
    return tuple(
        (Button(services.t(lang, LABELS[kind]), cb.make("u", letter[kind], "a")),) for kind in kinds
    )


async def on_press(
    services: Services, person: Person, parts: tuple[str, ...], lang: str, answer: Answer
) -> None:
    """Ask, take back, or change nothing."""
    letter, act = parts
    kind = KINDS.get(letter)
    if kind is None or act not in ("a", "y", "n"):
        answer.toast = services.t(lang, "I do not understand that button.")
        return
    if act == "n":
        answer.replies.append(Reply(services.t(lang, "Good. Nothing has changed."), edit=True))
        return
    pseudonym = services.pseudonym(person)
    if act == "a":
        if not await respondents.has_active_consent(services.db, pseudonym, kind):
            answer.toast = services.t(lang, "You have taken that back already.")
            return
        answer.add(
            services.t(lang, QUESTIONS[kind]),
            (
                (
                    Button(services.t(lang, "Yes, take it back"), cb.make("u", letter, "y")),
                    Button(services.t(lang, "No, go back"), cb.make("u", letter, "n")),
                ),
            ),
        )
        return
    taken = await take_back(services, person, kind)
    if taken == "done":
        answer.replies.append(Reply(services.t(lang, DONE[kind]), edit=True))
    elif taken == "already":
        answer.toast = services.t(lang, "You have taken that back already.")
    else:
        answer.toast = services.t(lang, "This button is old.")


async def take_back(services: Services, person: Person, kind: str) -> Taken:
    """Withdraw the person's consent of this kind and end what it allowed, in one
    transaction. "already" when there was none to withdraw (a double tap, or a re-delivered
    update), "nothing" when the person is not known."""
    pseudonym = services.pseudonym(person)
    office = Office.of(services)
    freed = 0
    async with services.db.transaction() as tx:
        if await respondents.get(tx, pseudonym) is None:
            return "nothing"
        if not await updates.claim(tx, person.update_id, services.today()):
            return "already"
        if not await respondents.withdraw_consent(tx, pseudonym, kind, services.now_iso()):
            return "already"
        if kind == "interview":
            freed = await release_interviews(tx, office, pseudonym)
        elif kind == "contact":
            freed = await release_meetings(tx, office, pseudonym)
        still = [k for k in WRITE_FIRST if await respondents.has_active_consent(tx, pseudonym, k)]
        drop_handle = kind in WRITE_FIRST and not still
        if drop_handle:
            await respondents.set_contact_handle(tx, pseudonym, None)
    if freed:
        services.outbox_ready.set()
    if drop_handle:
        await services.db.drop_old_copies()  # the chat handle, gone from the file too
    return "done"


async def release_meetings(tx: Transaction, office: Office, pseudonym: str) -> int:
    """The person may no longer be written to about focus groups, breakfast meetings and
    results: every seat and waitlist place in such a meeting not yet begun is given up (a
    seat goes to the waitlist), and every message about them not yet sent is deleted.
    Interviews are left alone: they have a consent of their own.

    Returns how many people moved up from a waitlist."""
    promoted = await release_seats(tx, office, pseudonym, interviews=False)
    interviews = set(await slots.interview_event_ids(tx))
    meetings = sorted(
        {
            item.event_id
            for item in await outbox.for_person(tx, pseudonym)
            if item.status == "waiting" and item.event_id and item.event_id not in interviews
        }
    )
    if meetings:
        await outbox.drop_waiting(tx, pseudonym=pseudonym, event_ids=meetings)
    await outbox.drop_waiting(tx, pseudonym=pseudonym, kinds=(results_messages.KIND,))
    return promoted
