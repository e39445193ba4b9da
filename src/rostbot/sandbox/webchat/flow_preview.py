"""Flow preview: open any flow as a new person, and reload flows after editing them.

A preview is the real thing: a fresh single-use letter link for the flow, opened by a
new simulated person whose Telegram language is the one asked for. Reloading checks the
whole folder first and swaps the running bot's flows only when nothing is wrong, so a
typo in one file never breaks the chats already going on; a flow version whose wording
changed without a new `version` is swapped in too, and told (rostbot.flow_wordings).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from rostbot.core.flow_loader import FlowFileError, load_flows
from rostbot.core.flow_model import LANGUAGES
from rostbot.flow_wordings import note_and_compare
from rostbot.sandbox.webchat.chats import ChatDesk, ChatInputError, SimulatedPerson
from rostbot.sandbox.webchat.flow_reload_words import problem_json, wording_json


@dataclass(frozen=True)
class ReloadResult:
    # each as `rostbot flows check` finds it: file, line, path; its reason in English and,
    # from the catalogs, in Swedish and Danish
    problems: list[dict[str, Any]]
    flow_ids: list[str]  # the flows the bot runs now
    # flow versions whose wording is not the one first used for them (ids, no text)
    wordings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


async def open_flow(desk: ChatDesk, flow_id: str, lang: str) -> SimulatedPerson:
    """A new respondent opens a fresh letter link for `flow_id` in `lang`."""
    flow = desk.local.services.flows.get(flow_id)
    if flow is None:
        raise ChatInputError("unknown-flow")
    if lang not in LANGUAGES or lang not in flow.languages:
        raise ChatInputError("unknown-language")
    letter = await desk.local.invitation_link(flow_id)
    person = desk.add_respondent(lang, flow_id)
    desk.add_note(person, "letter", letter)
    await person.user.send_command("/start", letter.split("?start=", 1)[1])
    return person


async def reload_flows(desk: ChatDesk) -> ReloadResult:
    """Read the flow folder again; use it only if `flows check` finds no problem."""
    services = desk.local.services
    folder = services.settings.flows_dir
    problems: list[dict[str, Any]] = []
    wordings: list[dict[str, Any]] = []
    try:
        # The same checks as `rostbot flows check`, in one read of the folder.
        services.flows = await asyncio.to_thread(load_flows, folder)
    except FlowFileError as exc:
        problems = [problem_json(problem, services.texts) for problem in exc.problems]
    else:
        changes = await note_and_compare(services.db, services.flows, services.today())
        wordings = [wording_json(change) for change in changes]
    result = ReloadResult(problems, sorted(services.flows), wordings)
    snapshot = desk.snapshot()
    desk.publish({"type": "flows", "flows": snapshot["flows"], "problems": result.problems})
    return result
