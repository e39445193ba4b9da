"""The two interview consents, each a purpose of its own.

'interview': may we write to you in this chat about an interview? Asked at the end of a
flow with `ask_interview`, after the contact question (or alone), once per person. A yes
keeps the chat handle encrypted, as a yes to being contacted does. Its buttons carry the
finished run's step, which the answer claims: a double tap or a stale button stores nothing.

'quote': may we quote what you say in an interview, without your name, in seminar
material? Asked after someone books an interview. Its wording has a version of its own
(QUOTE_VERSION), stored in the consent's choices beside the text hash; a button of an
older version is old.
"""

from __future__ import annotations

import hashlib

from rostbot.core.flow_model import Flow
from rostbot.i18n import N_
from rostbot.journey import afterwards, end_of_flow
from rostbot.journey import callback_data as cb
from rostbot.journey.end_of_flow import Said
from rostbot.journey.services import Answer, Button, Person, Reply, Services
from rostbot.store import respondents, updates
from rostbot.store.database import Database, Transaction
from rostbot.store.respondents import ConsentRecord
from rostbot.store.runs import FlowRun

# One idea per message: what an interview is, then the question with its buttons. The
# text hash names both.
INTERVIEW_ABOUT = N_(
    "An interview is a talk of about an hour with one person from us. "
    "It is voluntary and never affects your case. You can stop at any time."
)
INTERVIEW_QUESTION = N_(
    "May we write to you here in the chat about an interview? "
    "Then we send you times to choose from. It is fine to say no."
)
INTERVIEW_TEXTS = (INTERVIEW_ABOUT, INTERVIEW_QUESTION)

# Bump QUOTE_VERSION whenever the wording of QUOTE_TEXT changes.
QUOTE_VERSION = 1
QUOTE_TEXT = N_(
    "May we quote what you say in the interview, in material for a seminar? "
    "We never write your name or anything that shows who you are. It is fine to say no."
)

INTERVIEW_LINE = N_("• Yes to hearing from us about an interview, on {day}")
QUOTE_LINE = N_("• Yes to being quoted without your name (text version {version}), on {day}")


def text_hash(services: Services, msgids: tuple[str, ...], lang: str) -> str:
    """Names the wording agreed to, as consent.consent_text_hash_for does for one message."""
    text = "\n\n".join(services.t(lang, msgid) for msgid in msgids)
    return hashlib.sha256(f"{lang}\x00{text}".encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- interviews


async def should_ask(services: Services, flow: Flow, pseudonym: str) -> bool:
    """Whether the end of this flow asks about interviews: the flow says so, and the person
    has not said yes already."""
    return flow.ask_interview and not await respondents.has_active_consent(
        services.db, pseudonym, "interview"
    )


def ask(services: Services, handle: str, step: int, lang: str, answer: Answer) -> None:
    """What an interview is, then the question with its Yes / No buttons."""
    answer.add(services.t(lang, INTERVIEW_ABOUT))
    answer.add(
        services.t(lang, INTERVIEW_QUESTION),
        (
            (
                Button(
                    services.t(lang, "Yes, you may write to me"), cb.make("i", handle, step, "y")
                ),
            ),
            (Button(services.t(lang, "No, thank you"), cb.make("i", handle, step, "n")),),
        ),
    )


async def record_interview_consent(
    services: Services, person: Person, lang: str, agreed: bool, run: FlowRun, flow: Flow | None
) -> Said:
    """Store the answer to the interview question (see end_of_flow.record)."""
    return await end_of_flow.record(
        services,
        person,
        run,
        flow,
        agreed=agreed,
        kind="interview",
        text_hash=text_hash(services, INTERVIEW_TEXTS, lang),
        lang=lang,
        choices={"interview": True},
    )


async def on_interview_press(
    services: Services, person: Person, parts: tuple[str, ...], lang: str, answer: Answer
) -> None:
    """Yes or no to the interview question, checked against the finished run's step."""
    handle, step_text, choice = parts
    run = await end_of_flow.pressed_run(
        services, person, handle, step_text, lang, answer, valid=choice in ("y", "n")
    )
    if run is None:
        return
    flow = services.flows.get(run.flow_id)
    agreed = choice == "y"
    said = await record_interview_consent(services, person, lang, agreed, run, flow)
    if said != "saved":
        answer.toast = end_of_flow.said_toast(services, lang, said)
        return
    if agreed:
        text = services.t(
            lang,
            "You said yes: we may write to you about an interview. "
            "You can take it back with /mydata.",
        )
    else:
        text = services.t(lang, "You said no. We will not write to you about interviews.")
    answer.replies.append(Reply(text, edit=True))
    if flow is not None:
        afterwards.closing(services, flow, lang, answer)


# --------------------------------------------------------------------------- quotes


async def may_quote(db: Database | Transaction, pseudonym: str) -> bool:
    """Whether the person's words may be quoted, without their name, in seminar material."""
    return await respondents.has_active_consent(db, pseudonym, "quote")


async def quote_question(services: Services, pseudonym: str, lang: str) -> Reply | None:
    """The question with Yes / No buttons; None when the person has said yes already."""
    if await may_quote(services.db, pseudonym):
        return None
    return Reply(
        services.t(lang, QUOTE_TEXT),
        (
            (Button(services.t(lang, "Yes, you may quote me"), cb.make("q", QUOTE_VERSION, "y")),),
            (Button(services.t(lang, "No, thank you"), cb.make("q", QUOTE_VERSION, "n")),),
        ),
    )


async def record_quote_consent(services: Services, person: Person, lang: str, agreed: bool) -> Said:
    """Store a yes to being quoted (a no stores nothing). "already" when the person said
    yes before (a double tap, or No pressed after Yes: the first press answered) or the
    update was handled before; "old" when the person is no longer known or has withdrawn."""
    pseudonym = services.pseudonym(person)
    async with services.db.transaction() as tx:
        who = await respondents.get(tx, pseudonym)
        if who is None or who.withdrawn_on is not None:  # erased, or withdrew since asked
            return "old"
        if not await updates.claim(tx, person.update_id, services.today()):
            return "already"
        if await may_quote(tx, pseudonym):
            return "already"
        if agreed:
            await respondents.add_consent(
                tx,
                pseudonym,
                kind="quote",
                flow_id=None,
                flow_version=None,
                text_hash=text_hash(services, (QUOTE_TEXT,), lang),
                lang=lang,
                choices={"quote": True, "version": QUOTE_VERSION},
                given_at=services.now_iso(),
            )
    return "saved"


async def on_quote_press(
    services: Services, person: Person, parts: tuple[str, ...], lang: str, answer: Answer
) -> None:
    """Yes or no to being quoted."""
    version, choice = parts
    if choice not in ("y", "n"):
        answer.toast = services.t(lang, "I do not understand that button.")
        return
    if version != str(QUOTE_VERSION):
        # Asked in a wording that has changed since: ask again in today's.
        answer.toast = services.t(lang, "This button is old.")
        fresh = await quote_question(services, services.pseudonym(person), lang)
        if fresh is not None:
            answer.replies.append(fresh)
        return
    agreed = choice == "y"
    said = await record_quote_consent(services, person, lang, agreed)
    if said != "saved":
        answer.toast = end_of_flow.said_toast(services, lang, said)
        return
    if agreed:
        text = services.t(
            lang,
            "You said yes: we may quote you without your name. You can take it back with /mydata.",
        )
    else:
        text = services.t(lang, "You said no. We will not quote you.")
    answer.replies.append(Reply(text, edit=True))


# --------------------------------------------------------------------------- /mydata


def my_data_line(services: Services, record: ConsentRecord, day: str, lang: str) -> str | None:
    """The /mydata line of an interview or quote consent; None for other kinds."""
    if record.kind == "interview":
        return services.t(lang, INTERVIEW_LINE, day=day)
    if record.kind == "quote":
        version = record.choices.get("version", 1)
        return services.t(lang, QUOTE_LINE, version=version, day=day)
    return None
