"""The consent dialogue: from an invitation code to a recorded consent and an open run.

Until the person says yes, nothing is written: the dialogue's state travels in
the buttons (language, invitation code), so it also survives a restart.
"""

from __future__ import annotations

import hashlib
import json
import secrets

from rostbot.core import engine
from rostbot.core.flow_model import Flow
from rostbot.core.flow_time import estimated_minutes
from rostbot.i18n import N_
from rostbot.journey import callback_data as cb
from rostbot.journey import render
from rostbot.journey.services import Answer, Button, Person, Services
from rostbot.store import invitations, respondents, runs
from rostbot.store.invitations import Invitation
from rostbot.store.runs import FlowRun

# The fixed parts of the consent dialogue, in the order they are shown (the flow's
# purpose comes second); their wording is what the consent's text hash names.
CONSENT_PARTS = (
    N_("Hello! I am a bot from {organisation}. {organisation} is responsible for your data."),
    N_("Taking part is voluntary. It never affects your case or the help you get."),
    N_(
        "Telegram is a company outside the EU. Telegram can read what is in this chat, "
        "also your answers. The chat stays on your phone until you clear it."
    ),
    N_(
        "With us, your answers are locked with a code at once. Only our analysts can open "
        "them. They report answers only for groups, never for one person."
    ),
    N_("You can stop at any time. You can see, withdraw or erase your data here in the chat."),
)

# "Read more": one line each, in this order; the optional ones only when set.
READ_MORE_TITLE = N_("More about your data:")
READ_MORE_RESPONSIBLE = N_("{organisation} is responsible for your data.")
READ_MORE_PUBLIC_TASK = N_(
    "We ask as part of our public task: to learn how our help works and make it better."
)
READ_MORE_POINTS = (
    N_(
        "Telegram is a company outside the EU. Telegram can read what is in this chat, "
        "also your answers. We send Telegram as little as possible."
    ),
    N_(
        "The chat stays on your phone until you delete it. /clear deletes what it can. "
        "Someone who uses your phone can read the chat."
    ),
    N_(
        "We store: a code made from your Telegram id, your language, your yes to this "
        "text and when, and your locked answers. We store no name and no phone number."
    ),
    N_(
        "Analysts open the answers on their own computer. They remove names and numbers "
        "before anyone reads the answers. Results for small groups are never shown."
    ),
    N_(
        "Your rights: /mydata shows what we store. /withdraw stops all contact. "
        "/erase deletes your data."
    ),
    N_("You may also object to how we use your data. Write to us: {contact}"),
)
READ_MORE_DPO = N_("Our data protection officer: {dpo}")
READ_MORE_DPO_FALLBACK = N_("You reach our data protection officer through {contact}.")
READ_MORE_COMPLAINT = N_("You can complain to {authority}.")
READ_MORE_NOTICE = N_("All about your data: {url}")
READ_MORE_SUPPORT = N_("If you want to talk to someone: {support}")

# The one-message consent after a meeting, for people who already said yes to being
# contacted (and so have read the whole consent before).
FEEDBACK_LEAD = N_("Thank you for coming to “{title}”!")
FEEDBACK_CONSENT = N_(
    "Answering is voluntary and never affects your case. As before, your answers are "
    "locked with a code at once, and Telegram can read what is in this chat. "
    "Do you want to answer?"
)


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def new_invitation_code() -> str:
    """128 random bits as 22 URL-safe characters; fits Telegram's start parameter."""
    return secrets.token_urlsafe(16)


def valid_code_shape(code: str) -> bool:
    return 8 <= len(code) <= 64 and all(c.isalnum() or c in "-_" for c in code) and code.isascii()


def _months(services: Services) -> int:
    return max(1, round(services.settings.retention_days / 30))


def keep_text(services: Services, lang: str) -> str:
    """How long answers are kept, in whole months (at least one)."""
    return services.tn(
        lang,
        "We keep your answers for at most {count} month.",
        "We keep your answers for at most {count} months.",
        _months(services),
    )


def length_text(services: Services, flow: Flow, lang: str) -> str:
    """How many questions and how long, said before the person says yes."""
    count, minutes = len(flow.questions), estimated_minutes(flow, lang)
    questions = services.tn(
        lang, "There is {count} question.", "There are {count} questions.", count
    )
    time = services.tn(
        lang, "It takes about {count} minute.", "It takes about {count} minutes.", minutes
    )
    return f"{questions} {time}"


def consent_texts(services: Services, flow: Flow, lang: str) -> list[str]:
    org = services.settings.organisation
    parts = [services.t(lang, p, organisation=org) for p in CONSENT_PARTS]
    # The number of questions and the time go with "voluntary", before the yes.
    parts[1] = f"{length_text(services, flow, lang)} {parts[1]}"
    parts[3] = f"{parts[3]} {keep_text(services, lang)}"
    return [parts[0], flow.purpose.get(lang), *parts[1:]]


def read_more_text(services: Services, flow: Flow, lang: str) -> str:
    """The longer notice behind "Read more": who, why, Telegram, rights, where to turn."""
    settings = services.settings
    contact = settings.contact or settings.organisation
    why = settings.legal_basis(lang) or services.t(lang, READ_MORE_PUBLIC_TASK)
    lines = [
        services.t(lang, READ_MORE_RESPONSIBLE, organisation=settings.organisation) + " " + why
    ]
    lines += [services.t(lang, p, contact=contact) for p in READ_MORE_POINTS]
    if settings.dpo:
        lines.append(services.t(lang, READ_MORE_DPO, dpo=settings.dpo))
    else:
        lines.append(services.t(lang, READ_MORE_DPO_FALLBACK, contact=contact))
    lines.append(services.t(lang, READ_MORE_COMPLAINT, authority=settings.authority))
    if settings.privacy_url:
        lines.append(services.t(lang, READ_MORE_NOTICE, url=settings.privacy_url))
    support = flow.support.get(lang) if flow.support is not None else settings.support(lang)
    if support:
        lines.append(services.t(lang, READ_MORE_SUPPORT, support=support))
    title = services.t(lang, READ_MORE_TITLE)
    return title + "\n\n" + "\n".join(f"• {line}" for line in lines)


def feedback_consent_texts(services: Services, flow: Flow, lang: str) -> list[str]:
    """The fixed parts of the one-message consent: why, how long, voluntary, Telegram."""
    return [
        flow.purpose.get(lang),
        length_text(services, flow, lang),
        services.t(lang, FEEDBACK_CONSENT),
    ]


def feedback_consent_text(services: Services, flow: Flow, lang: str, title: str) -> str:
    lead = services.t(lang, FEEDBACK_LEAD, title=title)
    return lead + "\n\n" + " ".join(feedback_consent_texts(services, flow, lang))


def feedback_consent_hash(services: Services, flow: Flow, lang: str) -> str:
    """Names the one-message consent's wording (the meeting's title aside)."""
    return _hash(lang, flow, feedback_consent_texts(services, flow, lang))


def consent_text_hash(services: Services, flow: Flow, lang: str) -> str:
    """Names the exact wording agreed to (language, flow version, every message)."""
    return _hash(lang, flow, consent_texts(services, flow, lang))


def _hash(lang: str, flow: Flow, texts: list[str]) -> str:
    payload = json.dumps(
        {"lang": lang, "flow": flow.id, "version": flow.version, "texts": texts},
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def consent_text_hash_for(services: Services, msgid: str, lang: str) -> str:
    """Names the wording of a one-message consent (such as being contacted later)."""
    text = services.t(lang, msgid)
    return hashlib.sha256(f"{lang}\x00{text}".encode()).hexdigest()[:16]


def about(services: Services, lang: str, answer: Answer) -> None:
    """What the bot is, for a bare /start or an unusable link; stores nothing."""
    answer.add(
        services.t(
            lang,
            "Hello! I am a feedback bot from {organisation}. "
            "I ask short questions to people who want to help us get better.",
            organisation=services.settings.organisation,
        )
    )
    answer.add(
        services.t(
            lang,
            "To take part, open the link in the letter you got. "
            "I store nothing about you unless you say yes.",
        ),
        (render.language_buttons(services),),
    )


def present(services: Services, flow: Flow, code: str, lang: str, answer: Answer) -> None:
    """Show the consent dialogue for this invitation, with Yes / No thanks / Read more."""
    lang = render.flow_language(flow, lang)
    texts = consent_texts(services, flow, lang)
    for text in texts[:-1]:
        answer.add(text)
    other = "da" if lang == "sv" else "sv"
    buttons = (
        (Button(services.t(lang, "Yes, I want to take part"), cb.make("c", lang, "y", code)),),
        (Button(services.t(lang, "No thanks"), cb.make("c", lang, "n", code)),),
        (
            Button(services.t(lang, "Read more"), cb.make("c", lang, "m", code)),
            Button("Dansk" if other == "da" else "Svenska", cb.make("c", other, "l", code)),
        ),
    )
    answer.add(texts[-1], buttons)


async def usable_invitation(services: Services, code: str) -> Invitation | None:
    if not valid_code_shape(code):
        return None
    invitation = await invitations.find(services.db, code_hash(code))
    if invitation is None or invitation.flow_id not in services.flows:
        return None
    return invitation


def ask_age(services: Services, flow: Flow, code: str, lang: str, age: int, answer: Answer) -> None:
    answer.add(
        services.t(lang, "Are you {age} years or older?", age=age),
        (
            (
                Button(services.t(lang, "Yes"), cb.make("c", lang, "a", code)),
                Button(services.t(lang, "No"), cb.make("c", lang, "u", code)),
            ),
        ),
    )


def encode_state(services: Services, run_id: str, payload: dict[str, object]) -> bytes:
    return services.secret.encrypt(json.dumps(payload).encode(), f"run-state:{run_id}")


def decode_state(services: Services, run: FlowRun) -> dict[str, object]:
    data = json.loads(services.secret.decrypt(run.state, f"run-state:{run.run_id}"))
    assert isinstance(data, dict)
    return data


async def accept(
    services: Services,
    person: Person,
    flow: Flow,
    invitation: Invitation,
    lang: str,
    age_confirmed: int | None,
    text_hash: str | None = None,
) -> FlowRun | None:
    """Record the consent and open a run; None when the code was used by someone else.

    `text_hash` names the wording agreed to when it was not the whole consent dialogue.
    """
    pseudonym = services.pseudonym(person)
    hashed = invitation.code_hash
    run_id = secrets.token_urlsafe(18)
    today = services.today()
    state = engine.start(flow)
    payload: dict[str, object] = {
        "engine": state.to_json(),
        "unit": invitation.unit,
        "provider": invitation.provider,
        "cohort": invitation.cohort,
        "wave": invitation.wave,
        "lang": lang,
    }
    run = FlowRun(
        run_id=run_id,
        response_id=secrets.token_urlsafe(18),
        pseudonym=pseudonym,
        flow_id=flow.id,
        flow_version=flow.version,
        status="open",
        state=encode_state(services, run_id, payload),
        step=0,
        started_on=today,
        updated_on=today,
    )
    choices: dict[str, object] = {"participate": True}
    if age_confirmed is not None:
        choices["age_confirmed_at_least"] = age_confirmed
    async with services.db.transaction() as tx:
        if not await invitations.mark_used(tx, hashed, today):
            return None
        await respondents.ensure(tx, pseudonym, lang, today)
        await respondents.clear_decline(tx, pseudonym, flow.id)
        await respondents.add_consent(
            tx,
            pseudonym,
            kind="participation",
            flow_id=flow.id,
            flow_version=flow.version,
            text_hash=text_hash or consent_text_hash(services, flow, lang),
            lang=lang,
            choices=choices,
            given_at=services.now_iso(),
        )
        await runs.create(tx, run, hashed)
    services.pending_language.pop(pseudonym, None)
    return run
