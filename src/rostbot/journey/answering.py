"""Answering a flow: apply an input, seal and store the answer, show what comes next.

The answer is sealed and committed, together with the run's new state and the
update id, before anything is sent back: an acknowledged answer survives a
crash, and a re-delivered update is recognised and stores nothing twice.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from rostbot.core import engine
from rostbot.core.flow_model import Flow
from rostbot.crypto.sealing import SealContext, padded_json, seal
from rostbot.i18n import N_
from rostbot.journey import afterwards, consent, end_of_flow, interview_consents, render
from rostbot.journey import callback_data as cb
from rostbot.journey.services import Answer, Button, Person, Reply, Services
from rostbot.store import answers, respondents, runs, updates
from rostbot.store.answers import SealedAnswer
from rostbot.store.runs import FlowRun


@dataclass(frozen=True)
class OpenRun:
    """A run with its decrypted state."""

    run: FlowRun
    flow: Flow
    state: engine.RunState
    unit: str
    provider: str | None
    lang: str
    cohort: str | None = None  # runs begun before cohorts and waves have neither
    wave: str | None = None

    @property
    def handle(self) -> str:
        return self.run.run_id[: cb.RUN_HANDLE]


def load(services: Services, run: FlowRun) -> OpenRun | None:
    """Decrypt a run's state; None when its flow is gone from `flows/`."""
    flow = services.flows.get(run.flow_id)
    if flow is None:
        return None
    data = consent.decode_state(services, run)
    raw_engine = data["engine"]
    assert isinstance(raw_engine, dict)
    state = engine.RunState.from_json(raw_engine)
    # A flow edited since the run began keeps the run only while its questions still exist.
    ids = {q.id for q in flow.questions}
    if state.position is not None and state.position not in ids:
        return None
    if not set(state.history) <= ids:
        return None
    unit, provider, lang = data["unit"], data.get("provider"), data["lang"]
    assert isinstance(unit, str) and isinstance(lang, str)
    assert provider is None or isinstance(provider, str)
    cohort, wave = data.get("cohort"), data.get("wave")
    assert cohort is None or isinstance(cohort, str)
    assert wave is None or isinstance(wave, str)
    return OpenRun(run, flow, state, unit, provider, lang, cohort, wave)


def current_question(services: Services, open_run: OpenRun, lang: str) -> Reply:
    lang = render.flow_language(open_run.flow, lang)
    if open_run.state.position is None:
        return Reply(services.t(lang, "You have answered every question. Thank you!"))
    return render.question_reply(
        services,
        open_run.flow,
        open_run.state,
        run_handle=open_run.handle,
        step=open_run.run.step,
        lang=lang,
    )


def _sealed(services: Services, open_run: OpenRun, recorded: engine.Recorded) -> SealedAnswer:
    key = services.keys[0]
    record_id = secrets.token_urlsafe(18)
    run = open_run.run
    question = open_run.flow.question(recorded.question_id)
    context = SealContext(record_id, run.response_id, run.flow_id, run.flow_version, question.id)
    payload = {
        "v": 1,
        "record_id": record_id,
        "response_id": run.response_id,
        "flow_id": run.flow_id,
        "flow_version": run.flow_version,
        "question_id": question.id,
        "question_type": question.type,
        "indicator": question.indicator,
        "status": recorded.status,
        "value": recorded.value,
        "unit": open_run.unit,
        "provider": open_run.provider,
        "cohort": open_run.cohort,
        "wave": open_run.wave,
        "lang": open_run.lang,
        "month": services.clock().strftime("%Y-%m"),
    }
    plaintext = padded_json(json.dumps(payload, ensure_ascii=False).encode())
    blob = seal(plaintext, key, context)
    return SealedAnswer(
        record_id=record_id,
        response_id=run.response_id,
        question_id=question.id,
        flow_id=run.flow_id,
        flow_version=run.flow_version,
        key_id=key.key_id,
        sealed=blob,
        sealed_on=services.today(),
    )


async def _save(
    services: Services, person: Person, open_run: OpenRun, outcome: engine.Outcome
) -> bool:
    """Commit the outcome; False when the update was handled before or the run moved on."""
    status = "finished" if outcome.state.position is None else "open"
    kept = outcome.state
    if status == "finished":
        # the answers show_if needed are of no use any more: keep none of them
        kept = engine.RunState(None, outcome.state.history)
    payload: dict[str, object] = {
        "engine": kept.to_json(),
        "unit": open_run.unit,
        "provider": open_run.provider,
        "cohort": open_run.cohort,
        "wave": open_run.wave,
        "lang": open_run.lang,
    }
    state_blob = consent.encode_state(services, open_run.run.run_id, payload)
    sealed = _sealed(services, open_run, outcome.recorded) if outcome.recorded else None
    async with services.db.transaction() as tx:
        if not await updates.claim(tx, person.update_id, services.today()):
            return False
        if not await runs.save_state(
            tx, open_run.run, state=state_blob, status=status, today=services.today()
        ):
            return False
        if outcome.forget:
            await answers.forget(tx, open_run.run.response_id, outcome.forget)
        if sealed is not None:
            await answers.put(tx, sealed)
    return True


# The wording names every kind of message a yes lets the bot send; a consent given to
# it records {"results": true}, so results messages (rostbot.results) go only to people
# who agreed to a wording that named them.
CONTACT_TEXT = N_(
    "One more thing, and it is up to you: may we write to you later about a focus group, "
    "a breakfast meeting or what we changed after the answers? It is fine to say no. "
    "Your answers are saved either way."
)

PROBLEM_TEXTS = {
    "empty": N_("Your message was empty. Please write your answer."),
    "too_long": N_(
        "Your text has {length} characters. The limit is {limit}. "
        "Please make it shorter and send it again."
    ),
    "not_an_option": N_("That button does not belong to this question."),
    "needs_buttons": N_("Please answer with the buttons under the question."),
    "needs_text": N_("Please write your answer as a message."),
    "not_optional": N_("This question cannot be skipped."),
    "not_sensitive": N_("Please choose one of the answers."),
    "nothing_chosen": N_("Choose at least one answer first, or press Skip if you can."),
    "too_many": N_("You can choose at most {limit}."),
    "at_start": N_("This is the first question. There is nothing to go back to."),
    "finished": N_("You have answered every question. Thank you!"),
}


async def give(
    services: Services,
    person: Person,
    open_run: OpenRun,
    given: engine.Input,
    lang: str,
    answer: Answer,
    *,
    pressed: bool,
) -> None:
    """Apply one input to the run and describe what the person sees next."""
    lang = render.flow_language(open_run.flow, lang)
    outcome = engine.apply(open_run.flow, open_run.state, given)
    # A re-delivered update was acted on already: not a problem to explain, just nothing to do.
    handled_before = await updates.was_handled(services.db, person.update_id)
    if outcome.problem is not None and not handled_before:
        problem = outcome.problem
        text = services.t(
            lang, PROBLEM_TEXTS[problem.reason], limit=problem.limit, length=problem.length
        )
        if pressed:
            answer.toast = text[:200]
        else:
            answer.add(text)
            answer.replies.append(current_question(services, open_run, lang))
        return
    if handled_before or not await _save(services, person, open_run, outcome):
        # A re-delivered update or a double tap: nothing new is stored; show where the
        # person really is now.
        answer.toast = services.t(lang, "Already saved.")
        fresh = await runs.get(services.db, open_run.run.run_id)
        reloaded = load(services, fresh) if fresh and fresh.status == "open" else None
        if not pressed and reloaded is not None:
            answer.replies.append(current_question(services, reloaded, lang))
        return
    new_run = OpenRun(
        run=FlowRun(**{**open_run.run.__dict__, "step": open_run.run.step + 1}),
        flow=open_run.flow,
        state=outcome.state,
        unit=open_run.unit,
        provider=open_run.provider,
        lang=open_run.lang,
        cohort=open_run.cohort,
        wave=open_run.wave,
    )
    old_question = current_question(services, open_run, lang)
    if isinstance(given, engine.Toggle):
        refreshed = current_question(services, new_run, lang)
        answer.replies.append(Reply(refreshed.text, refreshed.buttons, edit=True))
        return
    if pressed and outcome.recorded is not None:
        line = render.confirmation(services, open_run.flow, outcome.recorded, lang)
        answer.replies.append(Reply(old_question.text + "\n\n" + line, edit=True))
    elif pressed:
        answer.replies.append(Reply(old_question.text, edit=True))
    if outcome.state.position is not None:
        answer.replies.append(current_question(services, new_run, lang))
        return
    await finish(services, person, new_run, lang, answer)


async def finish(
    services: Services, person: Person, open_run: OpenRun, lang: str, answer: Answer
) -> None:
    """Thank the person and, if the flow asks them, offer the separate contact consent and
    the interview consent (one after the other: the contact question's answer asks the next)."""
    answer.add(open_run.flow.outro.get(lang))
    pseudonym = services.pseudonym(person)
    if open_run.flow.ask_contact and not await respondents.has_active_consent(
        services.db, pseudonym, "contact"
    ):
        answer.add(
            services.t(lang, CONTACT_TEXT),
            (
                (
                    Button(
                        services.t(lang, "Yes, you may contact me"),
                        cb.make("k", open_run.handle, open_run.run.step, "y"),
                    ),
                ),
                (
                    Button(
                        services.t(lang, "No, thank you"),
                        cb.make("k", open_run.handle, open_run.run.step, "n"),
                    ),
                ),
            ),
        )
    elif await interview_consents.should_ask(services, open_run.flow, pseudonym):
        interview_consents.ask(services, open_run.handle, open_run.run.step, lang, answer)
    else:
        afterwards.closing(services, open_run.flow, lang, answer)


async def record_contact_consent(
    services: Services, person: Person, lang: str, agreed: bool, run: FlowRun, flow: Flow | None
) -> end_of_flow.Said:
    """Store the answer to the contact question (see end_of_flow.record)."""
    return await end_of_flow.record(
        services,
        person,
        run,
        flow,
        agreed=agreed,
        kind="contact",
        text_hash=consent.consent_text_hash_for(services, CONTACT_TEXT, lang),
        lang=lang,
        choices={"contact": True, "results": True},
    )
