"""When Telegram has a bad day: 500s, 429s with retry_after, slow answers, dropped connections.

The sandbox Bot API injects seeded faults (rostbot.sandbox.faults) into every method the bot
calls, getUpdates included. People still get through their flows, every answer is stored once
and as given, and the bot keeps running.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from telegram.error import NetworkError

from conftest import RunningBot
from journey_steps import answer_question, open_all, start_and_consent, wait_question
from reliability_steps import (
    FLOW_FILES,
    ErrorLog,
    assert_each_walk_stored_once,
    respondents,
    stored_answers,
)
from rostbot.crypto.analyst_keys import AnalystPrivateKey
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.faults import FaultPlan, Faults

# PTB reads retry_after in its deprecated int form while it retries after a 429.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def test_fault_plans_are_seeded_and_repeatable() -> None:
    plan = FaultPlan(server_error=0.2, too_many_requests=0.1, slow=0.1, drop_after=0.1, seed=42)
    first, second = Faults(plan), Faults(plan)
    methods = ["sendMessage", "getUpdates", "editMessageText"] * 100
    assert [first.draw(m) for m in methods] == [second.draw(m) for m in methods]
    assert set(first.counts) == {"server_error", "too_many_requests", "slow", "drop_after"}
    only_sends = Faults(FaultPlan(server_error=1.0, methods=frozenset({"sendMessage"}), limit=2))
    assert only_sends.draw("getUpdates") is None
    assert [only_sends.draw("sendMessage") for _ in range(3)] == ["server_error"] * 2 + [None]


def test_a_fault_plan_with_impossible_shares_is_refused() -> None:
    with pytest.raises(ValueError, match="add up"):
        FaultPlan(server_error=0.7, slow=0.5)


async def test_people_finish_their_flows_while_telegram_fails_and_nothing_is_lost_or_doubled(
    api: SandboxBotApi, fast_bot: RunningBot, analyst_key: tuple[Path, AnalystPrivateKey]
) -> None:
    flow = FLOW_FILES["meeting_feedback"]
    people = respondents(api, flow, 24, reply_timeout=6.0)
    codes = await fast_bot.invite(flow.id, count=len(people))
    faults = Faults(
        FaultPlan(
            server_error=0.04,
            too_many_requests=0.01,
            slow=0.05,
            delay=0.2,
            drop_before=0.03,
            drop_after=0.03,
            seed=20261123,
        )
    )
    api.faults = faults
    with ErrorLog() as errors:
        walks = await asyncio.wait_for(
            asyncio.gather(*(p.run(c) for p, c in zip(people, codes, strict=True))), timeout=600
        )
    api.faults = None

    assert all(walk.finished for walk in walks)
    for kind in ("server_error", "too_many_requests", "slow", "drop_before", "drop_after"):
        assert faults.counts[kind] > 0, f"no {kind} was injected: the test proved nothing"
    assert sum(walk.recoveries for walk in walks) > 0  # some replies really were lost
    stored = stored_answers(fast_bot.settings.db_path, analyst_key[1])
    assert_each_walk_stored_once(walks, stored)
    # What failed was only ever the network; the bot's own logic never did.
    assert errors.errors, "no handler saw a fault"
    assert all(isinstance(error, NetworkError) for error in errors.errors), errors.errors
    assert fast_bot._task is not None and not fast_bot._task.done()  # the bot never exited


async def test_a_lost_next_question_after_a_saved_answer_is_found_again_with_start(
    api: SandboxBotApi, fast_bot: RunningBot, analyst_key: tuple[Path, AnalystPrivateKey]
) -> None:
    [code] = await fast_bot.invite("meeting_feedback")
    user = api.user(language_code="sv")
    question = await start_and_consent(user, code, yes_text="Ja, jag vill vara med", age_yes="Ja")
    assert (question.text or "").startswith("Fråga 1 av")
    # The next two sendMessage fail: the answer is saved and the question edited, but the
    # next question, and the bot's "something went wrong", never arrive.
    lost = Faults(FaultPlan(server_error=1.0, methods=frozenset({"sendMessage"}), limit=2))
    api.faults = lost
    with ErrorLog() as errors:
        mark = user.mark()
        await answer_question(user, question)
        await user.wait_for_message(lambda m: m is question and "✓" in m.content, after=0)
        await errors.wait()
        await lost.wait_for(2)
    assert user.mark() == mark  # nothing new reached the person
    assert len(open_all(fast_bot.settings.db_path, analyst_key[1])) == 1

    api.faults = None
    mark = user.mark()
    await user.send_command("/start")
    offer = await user.wait_for_message(lambda m: "Fortsätt" in m.button_texts(), after=mark)
    assert "fråga 2 av" in (offer.text or "")
    mark = user.mark()
    await user.press("Fortsätt", message=offer)
    again = await wait_question(user, mark)
    assert (again.text or "").startswith("Fråga 2 av")
    assert len(open_all(fast_bot.settings.db_path, analyst_key[1])) == 1


async def test_when_only_the_next_question_is_lost_the_apology_offers_continue(
    api: SandboxBotApi, fast_bot: RunningBot, analyst_key: tuple[Path, AnalystPrivateKey]
) -> None:
    [code] = await fast_bot.invite("meeting_feedback")
    user = api.user(language_code="da")
    question = await start_and_consent(user, code, yes_text="Ja, jeg vil være med", age_yes="Ja")
    api.faults = Faults(FaultPlan(server_error=1.0, methods=frozenset({"sendMessage"}), limit=1))
    mark = user.mark()
    await answer_question(user, question)
    sorry = await user.wait_for_message(lambda m: "Fortsæt" in m.button_texts(), after=mark)
    assert sorry.content.startswith("Undskyld")
    assert not any(m.content.startswith("Spørgsmål 2 af") for m in user.inbox)
    mark = user.mark()
    await user.press("Fortsæt", message=sorry)
    again = await wait_question(user, mark)
    assert (again.text or "").startswith("Spørgsmål 2 af")
    assert len(open_all(fast_bot.settings.db_path, analyst_key[1])) == 1


async def test_the_bot_keeps_polling_through_a_getupdates_outage(
    api: SandboxBotApi, fast_bot: RunningBot
) -> None:
    outage = Faults(FaultPlan(server_error=0.5, drop_after=0.5, methods=frozenset({"getUpdates"})))
    api.faults = outage
    user = api.user(language_code="da")
    mark = user.mark()
    await user.send_command("/start")
    await outage.wait_for(3, timeout=60)  # three failed polls
    api.faults = None
    reply = await user.wait_for_message(after=mark, timeout=60)
    assert "Testkommunen" in reply.content  # what the bot is, in Danish
    assert fast_bot._task is not None and not fast_bot._task.done()
