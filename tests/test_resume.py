"""Leaving and coming back: pause, restart of the bot, and a killed bot process."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from conftest import RunningBot
from journey_steps import answer_question, open_all, start_and_consent, wait_question
from rostbot.config import Settings
from rostbot.crypto.analyst_keys import AnalystPrivateKey
from rostbot.journey.services import utc_now
from rostbot.sandbox.botapi import SandboxBotApi


async def test_pause_then_continue_after_a_bot_restart_at_the_same_question(
    api: SandboxBotApi, bot: RunningBot, analyst_key: tuple[Path, AnalystPrivateKey]
) -> None:
    [code] = await bot.invite("income_support_followup")
    user = api.user(language_code="sv")
    question = await start_and_consent(user, code, yes_text="Ja, jag vill vara med", age_yes="Ja")
    for _ in range(2):
        mark = user.mark()
        await answer_question(user, question)
        question = await wait_question(user, mark)
    assert (question.text or "").startswith("Fråga 3 av")
    mark = user.mark()
    await user.press("Paus", message=question)
    await user.wait_for_message(lambda m: "Pausat" in (m.text or ""), after=mark)

    await bot.restart()

    mark = user.mark()
    await user.send_command("/start")
    offer = await user.wait_for_message(lambda m: "Fortsätt" in m.button_texts(), after=mark)
    assert "fråga 3 av" in (offer.text or "")
    mark = user.mark()
    await user.press("Fortsätt", message=offer)
    again = await wait_question(user, mark)
    assert (again.text or "").startswith("Fråga 3 av")
    assert len(open_all(bot.settings.db_path, analyst_key[1])) == 2


BOT_COMMAND = [
    sys.executable,
    "-c",
    "from rostbot.cli import main; raise SystemExit(main(['run']))",
]


async def _start_process(api: SandboxBotApi, settings: Settings) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "ROSTBOT_TOKEN": api.token,
        "ROSTBOT_BOT_API_URL": api.base_url.rstrip("/"),
        "ROSTBOT_DB": str(settings.db_path),
        "ROSTBOT_FLOWS": str(settings.flows_dir),
        "ROSTBOT_ANALYST_KEY": ",".join(str(p) for p in settings.analyst_key_paths),
        "ROSTBOT_SECRET_FILE": str(settings.secret_file),
        "ROSTBOT_ORGANISATION": "Testkommunen",
    }
    return await asyncio.create_subprocess_exec(
        *BOT_COMMAND,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def test_killed_bot_process_loses_no_acknowledged_answer_and_the_person_continues(
    api: SandboxBotApi, settings: Settings, analyst_key: tuple[Path, AnalystPrivateKey]
) -> None:
    helper = RunningBot(api, settings, clock=utc_now)  # only used to make invitations
    [code] = await helper.invite("meeting_feedback")
    process = await _start_process(api, helper.settings)
    try:
        user = api.user(language_code="da")
        question = await start_and_consent(
            user, code, yes_text="Ja, jeg vil være med", age_yes="Ja"
        )
        given = []
        for _ in range(2):
            mark = user.mark()
            given.append(await answer_question(user, question))
            question = await wait_question(user, mark)
        # the bot acknowledged two answers by sending the third question; now it dies hard
        process.send_signal(signal.SIGKILL)
        await asyncio.wait_for(process.wait(), timeout=60)
        process = await _start_process(api, helper.settings)
        mark = user.mark()
        await user.send_command("/start")
        offer = await user.wait_for_message(
            lambda m: "Fortsæt" in m.button_texts(), after=mark, timeout=60
        )
        mark = user.mark()
        await user.press("Fortsæt", message=offer)
        again = await wait_question(user, mark)
        assert (again.text or "").startswith("Spørgsmål 3 af")
        answers = open_all(settings.db_path, analyst_key[1])
        assert len(answers) == 2
        assert len({a["question_id"] for a in answers}) == 2
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), timeout=60)
    assert process.returncode in (0, -signal.SIGTERM)
