"""The questions asked after a flow's last one (being contacted later, interviews): each
answer claims the finished run's step, so a double tap or a stale button stores nothing.
"""

from __future__ import annotations

from typing import Any, Literal

from rostbot.core.flow_model import Flow
from rostbot.journey.services import Answer, Person, Services
from rostbot.store import respondents, runs, updates
from rostbot.store.runs import FlowRun

# "saved"; "already": a double tap or a re-delivered update; "old": the person is no
# longer known, or withdrew since they were asked.
Said = Literal["saved", "already", "old"]


def said_toast(services: Services, lang: str, said: Said) -> str:
    """What a press that stored nothing says."""
    if said == "already":
        return services.t(lang, "Already saved.")
    return services.t(lang, "This button is old.")


async def pressed_run(
    services: Services,
    person: Person,
    handle: str,
    step_text: str,
    lang: str,
    answer: Answer,
    *,
    valid: bool = True,
) -> FlowRun | None:
    """The finished run a press on an end-of-flow question belongs to, if the press is for
    its current step; else None, with the toast said (`valid`: the rest of the data is)."""
    run = await runs.find_by_prefix(services.db, services.pseudonym(person), handle)
    if run is None or run.status != "finished" or not step_text.isdigit():
        answer.toast = services.t(lang, "This button is old.")
        return None
    if int(step_text) == run.step - 1:  # a double tap: the first one was answered
        answer.toast = services.t(lang, "Already saved.")
        return None
    if int(step_text) != run.step or not valid:
        answer.toast = services.t(lang, "This button is old.")
        return None
    return run


async def record(
    services: Services,
    person: Person,
    run: FlowRun,
    flow: Flow | None,
    *,
    agreed: bool,
    kind: str,
    text_hash: str,
    lang: str,
    choices: dict[str, Any],
) -> Said:
    """Store the answer: a yes as a consent of `kind` with the encrypted chat handle, a
    no as nothing."""
    pseudonym = services.pseudonym(person)
    handle = services.secret.encrypt(str(person.chat_id).encode(), f"contact:{pseudonym}")
    async with services.db.transaction() as tx:
        who = await respondents.get(tx, pseudonym)
        if who is None or who.withdrawn_on is not None:  # erased, or withdrew since asked
            return "old"
        if not await updates.claim(tx, person.update_id, services.today()):
            return "already"
        # The run's step is the claim: one of two taps on the same buttons moves it.
        if not await runs.claim_finished_step(tx, run, services.today()):
            return "already"
        if not agreed:
            return "saved"
        await respondents.add_consent(
            tx,
            pseudonym,
            kind=kind,
            flow_id=flow.id if flow else None,
            flow_version=flow.version if flow else None,
            text_hash=text_hash,
            lang=lang,
            choices=choices,
            given_at=services.now_iso(),
        )
        await respondents.set_contact_handle(tx, pseudonym, handle)
    return "saved"
