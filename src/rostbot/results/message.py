"""A results message: checked texts, who it will go to (counts per language), queuing.

The coordinator writes one text per language; each person gets the text in their
language inside a plain frame (what they answered, why they get this, how to stop).
A message is identified by its flow and texts, so sending the same texts again, from
the chat or the CLI, reaches nobody twice; a new text for the same flow is a new
message and goes once to each person.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from rostbot.core.meeting_model import iso_utc
from rostbot.i18n import N_
from rostbot.journey import render
from rostbot.journey.services import Services
from rostbot.store import outbox
from rostbot.store import results_messages as store
from rostbot.store.results_messages import ResultsMessage

LANGUAGES = ("sv", "da")
# Telegram takes 4,096 characters in one message; the frame, a long flow title and the
# stop line take well under 700 of them.
MAX_TEXT = 3000

FRAME_START = N_("You answered our questions about “{title}”. This is what we changed:")
FRAME_END = N_(
    "You get this because you said we may contact you. Send /withdraw if you want no more messages."
)


class ResultsError(Exception):
    """A results message cannot be made or sent as asked; one line for the coordinator."""


@dataclass(frozen=True)
class Preview:
    """What sending would do: new recipients per language, and those who had it already."""

    message: ResultsMessage
    new: dict[str, int]  # language -> people who get it now
    already: int  # people it was queued for before: never again

    @property
    def total(self) -> int:
        return sum(self.new.values())


def message_id(flow_id: str, texts: dict[str, str]) -> str:
    digest = hashlib.sha256(flow_id.encode())
    for lang in LANGUAGES:
        digest.update(b"\0" + texts.get(lang, "").encode())
    return digest.hexdigest()[:16]


def text_problem(text: str) -> str | None:
    """'empty' or 'too_long' for a text the coordinator gave, else None."""
    if not text.strip():
        return "empty"
    if len(text.strip()) > MAX_TEXT:
        return "too_long"
    return None


def framed(services: Services, message: ResultsMessage, lang: str) -> str:
    """The whole message a person reads, in their language."""
    flow = services.flows.get(message.flow_id)
    title = render.screen_title(services, flow, lang) if flow else message.flow_id
    return "\n\n".join(
        (
            services.t(lang, FRAME_START, title=title),
            message.texts[lang],
            services.t(lang, FRAME_END),
        )
    )


async def prepare(services: Services, flow_id: str, texts: dict[str, str]) -> Preview:
    """Check the texts against who would get them; raise ResultsError with one line."""
    if flow_id not in services.flows:
        raise ResultsError(f"there is no flow {flow_id!r} (see the flows folder)")
    texts = {lang: text.strip() for lang, text in texts.items() if text.strip()}
    for lang, text in texts.items():
        if text_problem(text) == "too_long":
            raise ResultsError(
                f"the {lang} text has {len(text)} characters; the limit is {MAX_TEXT}"
            )
    made = iso_utc(services.clock())
    message = ResultsMessage(message_id(flow_id, texts), flow_id, texts, made)
    had = await store.already_for(services.db, message.message_id)
    new = {lang: 0 for lang in LANGUAGES}
    for person in await store.audience(services.db, flow_id):
        if person.pseudonym not in had:
            new[person.lang] = new.get(person.lang, 0) + 1
    missing = [lang for lang in LANGUAGES if new[lang] and lang not in texts]
    if missing:
        names = " and ".join({"sv": "Swedish", "da": "Danish"}[m] for m in missing)
        raise ResultsError(
            f"{sum(new[m] for m in missing)} of the people read {names}: give that text too"
        )
    if not texts:
        raise ResultsError("give the message's text in Swedish and/or Danish")
    return Preview(message, {lang: n for lang, n in new.items() if lang in texts}, len(had))


async def send(services: Services, preview: Preview) -> int:
    """Queue the message for everyone who may get it and has not; how many were queued.

    Who may get it is computed again inside the transaction, so someone who withdrew or
    erased their data since the preview is left out; the outbox's dedupe key keeps each
    person to one copy of a message, however often this runs.
    """
    message = preview.message
    queued = 0
    due = iso_utc(services.clock())
    async with services.db.transaction() as tx:
        await store.save(tx, message)
        for person in await store.audience(tx, message.flow_id):
            if person.lang not in message.texts:
                continue
            if await outbox.add(
                tx,
                key=store.dedupe_key(message.message_id, person.pseudonym),
                pseudonym=person.pseudonym,
                event_id=None,
                kind=store.KIND,
                due_at=due,
                payload={"message": message.message_id},
            ):
                queued += 1
    services.outbox_ready.set()
    return queued
