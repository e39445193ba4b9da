"""The coordinator's "Tell people what changed" in the chat: choose a flow, write the
text in each language people read, see the message and the counts, then send.

Reached from the coordinator menu (buttons `o:r:...`, so coordinator_chat checks the
role on every press); typed texts are checked here again. The unfinished message lives
in Services.dialogues, like a meeting draft: after a restart it starts again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rostbot.i18n import N_
from rostbot.journey import callback_data as cb
from rostbot.journey import conversation
from rostbot.journey.services import Answer, Button, Person, Services
from rostbot.meetings import roles
from rostbot.results import message as results
from rostbot.store import results_messages as store

_BUTTON_SAFE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
LANGUAGE_NAMES = {"sv": N_("in Swedish"), "da": N_("in Danish")}


@dataclass
class ResultsDraft:
    """A results message being written: the flow, the languages still to write, the texts."""

    flow_id: str
    languages: list[str]
    texts: dict[str, str] = field(default_factory=dict)

    def next_language(self) -> str | None:
        return next((lang for lang in self.languages if lang not in self.texts), None)


def _o(act: str, a: str = "-", b: str = "-") -> str:
    return cb.make("o", act, a, b)


def _stop(services: Services, lang: str) -> tuple[Button, ...]:
    return (Button(services.t(lang, "Stop"), _o("q")),)


def menu_button(services: Services, lang: str) -> tuple[Button, ...]:
    return (Button(services.t(lang, "Tell people what changed"), _o("r", "l")),)


async def on_press(
    services: Services, person: Person, step: str, value: str, lang: str, answer: Answer
) -> None:
    """A press inside "Tell people what changed"; the caller has checked the role."""
    if step == "l":
        _choose_flow(services, lang, answer)
    elif step == "f":
        await _start(services, person, value, lang, answer)
    elif step == "s":
        await _send(services, person, lang, answer)
    else:
        answer.toast = services.t(lang, "I do not understand that button.")


def _choose_flow(services: Services, lang: str, answer: Answer) -> None:
    rows = [
        (Button(flow.staff_title(lang)[:60], _o("r", "f", flow_id)),)
        for flow_id, flow in sorted(services.flows.items())
        if _BUTTON_SAFE.match(flow_id)
    ][:20]
    answer.add(
        services.t(lang, "Which questionnaire did the people answer?"),
        (*rows, _stop(services, lang)),
    )


async def _start(
    services: Services, person: Person, flow_id: str, lang: str, answer: Answer
) -> None:
    if flow_id not in services.flows:
        answer.toast = services.t(lang, "I do not understand that button.")
        return
    audience = await store.audience(services.db, flow_id)
    languages = [code for code in results.LANGUAGES if any(p.lang == code for p in audience)]
    if not languages:
        answer.add(
            services.t(lang, "Nobody who answered this questionnaire may be contacted."),
        )
        return
    draft = ResultsDraft(flow_id, languages)
    services.dialogues[services.pseudonym(person)] = draft
    _ask_text(services, draft, lang, answer)


def _ask_text(services: Services, draft: ResultsDraft, lang: str, answer: Answer) -> None:
    language = draft.next_language()
    assert language is not None
    answer.add(
        services.t(
            lang,
            "Write what you changed because of the answers ({language}), at most {limit} "
            "characters. People read it after a short greeting.",
            language=services.t(lang, LANGUAGE_NAMES[language]),
            limit=results.MAX_TEXT,
        ),
        (_stop(services, lang),),
    )


async def on_text(services: Services, person: Person, text: str) -> Answer | None:
    """A typed text for a results message; None when no such message is being written."""
    pseudonym = services.pseudonym(person)
    draft = services.dialogues.get(pseudonym)
    if not isinstance(draft, ResultsDraft):
        return None
    if not await roles.is_coordinator(services, person):
        services.dialogues.pop(pseudonym, None)
        return None
    lang = await conversation.language_of(services, person)
    answer = Answer(lang=lang, coordinator=True)
    if draft.next_language() is None:  # every text is written; the preview is on screen
        answer.add(services.t(lang, "Press Send, or Stop to start again."))
        return answer
    problem = results.text_problem(text)
    if problem == "empty":
        answer.add(services.t(lang, "Your message was empty. Please write your answer."))
        _ask_text(services, draft, lang, answer)
        return answer
    if problem == "too_long":
        answer.add(
            services.t(
                lang,
                "That is {length} characters; the limit is {limit}. Please make it shorter.",
                length=len(text.strip()),
                limit=results.MAX_TEXT,
            )
        )
        return answer
    language = draft.next_language()
    assert language is not None  # checked above
    draft.texts[language] = text.strip()
    if draft.next_language() is not None:
        _ask_text(services, draft, lang, answer)
        return answer
    await _preview(services, person, draft, lang, answer)
    return answer


async def _preview(
    services: Services, person: Person, draft: ResultsDraft, lang: str, answer: Answer
) -> None:
    try:
        preview = await results.prepare(services, draft.flow_id, draft.texts)
    except results.ResultsError:
        # Someone of another language became reachable meanwhile: ask for that text too.
        audience = await store.audience(services.db, draft.flow_id)
        draft.languages = [c for c in results.LANGUAGES if any(p.lang == c for p in audience)]
        if draft.next_language() is None:
            services.dialogues.pop(services.pseudonym(person), None)
            answer.add(services.t(lang, "Nobody who answered this questionnaire may be contacted."))
        else:
            _ask_text(services, draft, lang, answer)
        return
    for language in preview.message.texts:
        answer.add(
            services.t(
                lang,
                "This is what people will read {language}:",
                language=services.t(lang, LANGUAGE_NAMES[language]),
            )
        )
        answer.add(results.framed(services, preview.message, language))
    answer.add(
        _counts(services, preview, lang),
        (
            (Button(services.t(lang, "Send"), _o("r", "s")),),
            _stop(services, lang),
        ),
    )


def _counts(services: Services, preview: results.Preview, lang: str) -> str:
    text = services.tn(
        lang,
        "It will go to {count} person: {sv} in Swedish, {da} in Danish.",
        "It will go to {count} people: {sv} in Swedish, {da} in Danish.",
        preview.total,
        sv=preview.new.get("sv", 0),
        da=preview.new.get("da", 0),
    )
    if preview.already:
        text += " " + services.tn(
            lang,
            "{count} person got it already and will not get it again.",
            "{count} people got it already and will not get it again.",
            preview.already,
        )
    return text


async def _send(services: Services, person: Person, lang: str, answer: Answer) -> None:
    pseudonym = services.pseudonym(person)
    draft = services.dialogues.get(pseudonym)
    if not isinstance(draft, ResultsDraft) or draft.next_language() is not None:
        answer.toast = services.t(lang, "That button belongs to an earlier question.")
        return
    try:
        preview = await results.prepare(services, draft.flow_id, draft.texts)
    except results.ResultsError:
        await _preview(services, person, draft, lang, answer)
        return
    queued = await results.send(services, preview)
    services.dialogues.pop(pseudonym, None)
    answer.add(
        services.tn(
            lang,
            "Sent: {count} person will get it in a moment.",
            "Sent: {count} people will get it in a moment.",
            queued,
        )
    )
