"""The health endpoint of a running bot (ROSTBOT_HEALTH_LISTEN): /healthz and /metrics.

Off by default. /healthz says 200 `ok` while getUpdates answers and the database does, 503
with the reason otherwise; /metrics is Prometheus' text format, read back here with
prometheus_client's own parser, and holds no token, id or name.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import running_bot
from export_steps import rostbot
from rostbot.config import Settings
from rostbot.health import server
from rostbot.sandbox.bot_process import BotProcess, run_env
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.faults import FaultPlan, Faults

TIMEOUT = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def get(url: str) -> tuple[int, str, str]:
    """(status, body, content type); connection errors propagate."""
    async with aiohttp.ClientSession() as client, client.get(url) as answer:
        return answer.status, await answer.text(), answer.headers.get("Content-Type", "")


async def until_status(url: str, wanted: int, timeout: float = TIMEOUT) -> str:
    """The body of the first answer with status `wanted`, asking again until then."""
    seen: object = None
    try:
        async with asyncio.timeout(timeout):
            while True:
                try:
                    status, body, _ = await get(url)
                except aiohttp.ClientConnectionError as exc:
                    seen = exc  # not listening yet
                else:
                    if status == wanted:
                        return body
                    seen = (status, body)
                await asyncio.sleep(0.2)
    except TimeoutError:
        raise AssertionError(f"{url} never answered {wanted}; last: {seen!r}") from None


def samples(text: str) -> dict[str, float]:
    """Every sample as 'name{label="value"}' -> value, read by prometheus_client's parser."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
            found[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return found


async def test_a_running_bot_reports_health_and_metrics_without_personal_data(
    api: SandboxBotApi, settings: Settings, tmp_path: Path
) -> None:
    port = free_port()
    env = run_env(
        replace(settings, send_rate=0),
        api,
        ROSTBOT_LOG_LEVEL="WARNING",
        ROSTBOT_HEALTH_LISTEN=f"127.0.0.1:{port}",
    )
    base = f"http://127.0.0.1:{port}"
    async with BotProcess(env, log=tmp_path / "bot.log") as bot:
        assert await until_status(f"{base}/healthz", 200) == "ok\n"
        person = api.user(
            first_name="Astrid", last_name="Lindqvist", username="astrid_l", language_code="sv"
        )
        mark = person.mark()
        await person.send_command("/start")
        await person.wait_for_message(after=mark, timeout=TIMEOUT)

        status, text, content_type = await get(f"{base}/metrics")
        assert status == 200
        assert content_type.startswith("text/plain; version=")
        found = samples(text)
        assert found["rostbot_updates_total"] >= 1
        assert found["rostbot_handler_errors_total"] == 0
        assert found["rostbot_updates_skipped_unreadable_total"] == 0
        assert found['rostbot_bot_api_calls_failed_total{kind="refused"}'] == 0
        assert found["rostbot_outbox_due_messages"] == 0
        assert found['rostbot_outbox_messages{state="dropped"}'] == 0
        assert found["rostbot_export_queue_sealed_answers"] == 0
        assert 0 <= found["rostbot_seconds_since_getupdates"] < TIMEOUT
        for secret in (
            api.token,
            api.token.partition(":")[2],
            str(person.id),
            "Astrid",
            "Lindqvist",
            "astrid_l",
        ):
            assert secret not in text
        assert await bot.stop(timeout=TIMEOUT) == 0
    with pytest.raises(aiohttp.ClientConnectionError):
        await get(f"{base}/healthz")  # gone with the bot


@contextlib.asynccontextmanager
async def bot_with_health(api: SandboxBotApi, settings: Settings) -> AsyncIterator[str]:
    port = free_port()
    with_health = replace(settings, send_rate=0, health_listen=("127.0.0.1", port))
    async with running_bot(api, with_health):
        yield f"http://127.0.0.1:{port}"


async def test_healthz_is_503_while_getupdates_fails_and_ok_again_after(
    api: SandboxBotApi, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server, "HEALTHY_POLL_SECONDS", 1.0)
    async with bot_with_health(api, settings) as base:
        assert await until_status(f"{base}/healthz", 200) == "ok\n"
        api.faults = Faults(FaultPlan(server_error=1.0, methods=frozenset({"getUpdates"})))
        try:
            body = await until_status(f"{base}/healthz", 503)
            assert body.startswith("getUpdates has not answered for ")
            assert body.count("\n") == 1
        finally:
            api.faults = None
        assert await until_status(f"{base}/healthz", 200) == "ok\n"


async def test_a_bad_or_taken_health_address_stops_the_start_with_one_line(
    api: SandboxBotApi, settings: Settings, tmp_path: Path
) -> None:
    env = run_env(settings, api, ROSTBOT_HEALTH_LISTEN="localhost")
    code, out, err = await rostbot("run", env=env)
    assert (code, out) == (2, "")
    assert err == "rostbot: ROSTBOT_HEALTH_LISTEN must be HOST:PORT, like 127.0.0.1:8443\n"

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = run_env(settings, api, ROSTBOT_HEALTH_LISTEN=f"127.0.0.1:{port}")
        code, out, err = await rostbot("run", env=env)
    assert (code, out) == (2, "")
    assert err.startswith(f"rostbot: cannot listen on ROSTBOT_HEALTH_LISTEN 127.0.0.1:{port}: ")
    assert err.count("\n") == 1


async def test_a_bot_taking_updates_by_webhook_is_healthy_and_counts_them(
    api: SandboxBotApi, settings: Settings
) -> None:
    health = hook = free_port()
    while hook == health:
        hook = free_port()
    by_webhook = replace(
        settings,
        send_rate=0,
        health_listen=("127.0.0.1", health),
        webhook_url=f"http://127.0.0.1:{hook}/rostbot/updates",
        webhook_listen=("127.0.0.1", hook),
    )
    base = f"http://127.0.0.1:{health}"
    async with running_bot(api, by_webhook):
        await api.webhooks.wait_until_set(timeout=TIMEOUT)
        assert await until_status(f"{base}/healthz", 200) == "ok\n"  # no getUpdates to wait for
        person = api.user(first_name="Astrid", language_code="sv")
        mark = person.mark()
        await person.send_command("/start")
        await person.wait_for_message(after=mark, timeout=TIMEOUT)
        assert api.webhooks.deliveries >= 1
        status, text, _ = await get(f"{base}/metrics")
        assert status == 200
        assert samples(text)["rostbot_updates_total"] >= 1
        assert await until_status(f"{base}/healthz", 200) == "ok\n"
