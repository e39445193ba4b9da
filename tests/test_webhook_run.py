"""`rostbot run --webhook URL --listen HOST:PORT`: the real bot taking updates by webhook.

The bot runs in its own process against the sandbox Bot API, which POSTs each update to the
bot's endpoint on 127.0.0.1 as Telegram does (with the secret token header, one at a time,
again after a failure). One person goes through a flow; requests without the secret token
change nothing; an unreadable update is skipped; after a stop, plain `rostbot run` takes over
by polling and gets what waited meanwhile. One bot process runs at a time.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest

from conftest import RunningBot
from journey_steps import (
    answer_question,
    database_bytes,
    open_all,
    start_and_consent,
    wait_question,
)
from rostbot.cli import main as rostbot_main
from rostbot.config import Settings
from rostbot.crypto.analyst_keys import AnalystPrivateKey
from rostbot.crypto.server_secret import ServerSecret
from rostbot.journey.services import utc_now
from rostbot.sandbox.bot_process import ROSTBOT_RUN, BotProcess, run_env
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import SandboxUser
from rostbot.telegram.application import ALLOWED_UPDATES
from rostbot.telegram.webhook import SECRET_HEADER

MARKER = "Qwyzzle"  # in names and texts; no library writes it by itself
WAIT = 120  # `rostbot run` starts in its own process on a busy machine
pytestmark = pytest.mark.timeout(6 * WAIT)


async def free_port() -> int:
    """A port nothing listens on now (the bot takes it a moment later)."""
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = int(server.sockets[0].getsockname()[1])
    server.close()
    await server.wait_closed()
    return port


def forged_start(stranger: SandboxUser) -> bytes:
    """A /start as Telegram would deliver it, from someone who never wrote to the bot."""
    return json.dumps(
        {
            "update_id": 999_000_001,
            "message": {
                "message_id": 1,
                "date": 1_700_000_000,
                "chat": stranger.chat_json(),
                "from": stranger.user_json(),
                "text": "/start",
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            },
        }
    ).encode()


async def webhook_info(api: SandboxBotApi) -> dict[str, object]:
    async with (
        aiohttp.ClientSession() as client,
        client.post(f"{api.base_url}{api.token}/getWebhookInfo") as answer,
    ):
        body = await answer.json()
    info: dict[str, object] = body["result"]
    return info


async def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    async with (
        aiohttp.ClientSession() as client,
        client.post(url, data=body, headers={"Content-Type": "application/json", **headers}) as r,
    ):
        return r.status


def unreadable() -> dict[str, object]:
    """A message whose date is not a number: python-telegram-bot cannot read it."""
    return {
        "message": {
            "message_id": 1,
            "date": "yesterday",
            "chat": {"id": 7_999_999_123, "type": "private", "first_name": MARKER},
            "from": {"id": 7_999_999_123, "is_bot": False, "first_name": MARKER},
            "text": f"I am {MARKER}",
        }
    }


async def test_rostbot_run_by_webhook_then_by_polling(
    api: SandboxBotApi,
    settings: Settings,
    tmp_path: Path,
    analyst_key: tuple[Path, AnalystPrivateKey],
) -> None:
    settings = replace(settings, send_rate=0)
    [code] = await RunningBot(api, settings, utc_now).invite("meeting_feedback")
    log_file = tmp_path / "logs" / "rostbot.log"
    log_file.parent.mkdir()
    env = run_env(settings, api, ROSTBOT_LOG_LEVEL="INFO", ROSTBOT_LOG_FILE=str(log_file))
    port = await free_port()
    url = f"http://127.0.0.1:{port}/rostbot/updates"
    by_webhook = (*ROSTBOT_RUN, "--webhook", url, "--listen", f"127.0.0.1:{port}")
    secret = ServerSecret.load(settings.secret_file or Path()).webhook_secret_token(api.token)
    user = api.user(first_name=MARKER, username=f"u_{MARKER}")
    stranger = api.user(first_name=MARKER)

    async with BotProcess(env, command=by_webhook, log=tmp_path / "stderr.txt") as bot:
        webhook = await api.webhooks.wait_until_set(timeout=WAIT)
        assert webhook.url == url
        assert webhook.secret_token == secret  # derived from the server secret: stable
        info = await webhook_info(api)
        assert info["allowed_updates"] == ALLOWED_UPDATES

        # A person starts a flow and answers, every update delivered by webhook.
        question = await start_and_consent(
            user, code, yes_text="Ja, jag vill vara med", age_yes="Ja"
        )
        mark = user.mark()
        await answer_question(user, question)
        question = await wait_question(user, mark)
        assert (question.text or "").startswith("Fråga 2 av")

        # Without the secret token, nothing is taken: 403, and no answer to anyone.
        deliveries = api.webhooks.deliveries
        for headers in ({}, {SECRET_HEADER: "guessed"}, {SECRET_HEADER: secret[:-1]}):
            assert await post(url, forged_start(stranger), headers) == 403
        other_path = f"http://127.0.0.1:{port}/rostbot/other"
        assert await post(other_path, forged_start(stranger), {SECRET_HEADER: secret}) == 403

        # An update the bot cannot read is confirmed (answered 200) and service goes on.
        skipped = api.push_raw_update(unreadable())
        await api.wait_until_delivered(skipped, timeout=WAIT)
        mark = user.mark()
        await answer_question(user, question)
        question = await wait_question(user, mark)
        assert (question.text or "").startswith("Fråga 3 av")
        assert stranger.inbox == []  # the forged /start was never handled
        assert api.webhooks.deliveries > deliveries
        assert api.webhooks.failures == 0
        assert api.method_counts["getUpdates"] == 0
        assert await bot.stop(timeout=WAIT) == 0

    # Stopped: the webhook stays set and Telegram keeps what comes meanwhile.
    assert api.webhooks.active
    api.webhooks.max_attempts = 1_000_000  # keep trying while the bot is away
    mark = user.mark()
    await answer_question(user, question)
    assert api.pending_update_count() == 1

    # Plain `rostbot run` polls: it deletes the webhook and gets the waiting answer.
    async with BotProcess(env, log=tmp_path / "stderr.txt") as bot:
        await api.webhooks.wait_until_deleted(timeout=WAIT)
        question = await wait_question(user, mark)
        assert (question.text or "").startswith("Fråga 4 av")
        assert await bot.stop(timeout=WAIT) == 0
    assert (await webhook_info(api))["url"] == ""
    assert len(open_all(settings.db_path, analyst_key[1])) == 3

    log = log_file.read_text(encoding="utf-8")
    assert f"(update_id {skipped}); 1 since the start" in log
    assert log.count("refused a request to the webhook endpoint") == 4
    assert (tmp_path / "stderr.txt").read_text(encoding="utf-8") == ""  # all in the log file
    written = log.encode() + database_bytes(settings.db_path)
    for never in (MARKER, secret, api.token, api.token.split(":")[1], str(user.id)):
        assert never.encode() not in written


# ------------------------------------------------------------------------ the command line


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        (["--webhook", "https://bot.example.org/u"], {}, "needs both a URL"),
        (["--listen", "127.0.0.1:8443"], {}, "needs both a URL"),
        ([], {"ROSTBOT_WEBHOOK_URL": "https://bot.example.org/u"}, "needs both a URL"),
        (["--webhook", "bot.example.org/u", "--listen", "127.0.0.1:8443"], {}, "--webhook must"),
        (["--webhook", "https://bot.example.org/u?x=1", "--listen", ":1"], {}, "--webhook must"),
        (["--webhook", "https://bot.example.org/u", "--listen", "8443"], {}, "--listen must"),
        (["--webhook", "https://bot.example.org/u", "--listen", "h:0"], {}, "--listen must"),
        ([], {"ROSTBOT_WEBHOOK_LISTEN": "127.0.0.1"}, "ROSTBOT_WEBHOOK_LISTEN must"),
    ],
)
def test_a_wrong_webhook_setting_is_one_line_and_status_2(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    env: dict[str, str],
    says: str,
) -> None:
    monkeypatch.setenv("ROSTBOT_TOKEN", "123456:sandbox-token")
    monkeypatch.setenv("ROSTBOT_ANALYST_KEY", str(settings.analyst_key_paths[0]))
    monkeypatch.setenv("ROSTBOT_SECRET_FILE", str(settings.secret_file))
    monkeypatch.setenv("ROSTBOT_DB", str(settings.db_path))
    monkeypatch.setenv("ROSTBOT_BOT_API_URL", "http://127.0.0.1:9/bot")  # never reached
    for name in ("ROSTBOT_WEBHOOK_URL", "ROSTBOT_WEBHOOK_LISTEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert rostbot_main(["run", *args]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    [line] = err.splitlines()
    assert line.startswith("rostbot: ") and says in line, line
