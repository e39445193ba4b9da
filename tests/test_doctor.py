"""`rostbot doctor`: a deployment checked from its settings, one line per finding, then a summary.

Real files in tmp_path (keys, secret, database, flows) and the sandbox Bot API for getMe.
Exit status 0: nothing to fix (warnings allowed); 1: something to fix; 2: bad usage.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from rostbot.crypto.analyst_keys import generate_keypair
from rostbot.crypto.server_secret import ServerSecret
from rostbot.health.doctor import check_log_file
from rostbot.health.reading import known_schema
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.store.database import Database

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 120


@dataclass(frozen=True)
class Doctor:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()

    def fixes(self) -> list[str]:
        return [line for line in self.lines if line.startswith("fix: ")]

    def warnings(self) -> list[str]:
        return [line for line in self.lines if line.startswith("warning: ")]


async def doctor(*args: str, env: dict[str, str]) -> Doctor:
    """`rostbot doctor ...` as its own process, in a clean environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ROSTBOT_")}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "rostbot",
        "doctor",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        stdin=asyncio.subprocess.DEVNULL,
        env={**clean, "PYTHONPATH": str(REPO / "src"), **env},
        cwd=REPO,
    )
    out, err = await asyncio.wait_for(process.communicate(), TIMEOUT)
    assert process.returncode is not None
    return Doctor(process.returncode, out.decode(), err.decode())


@pytest.fixture
def deployment(tmp_path: Path) -> dict[str, str]:
    """A bot host set up as docs/operations.md says: only the analysts' public key on it."""
    analysts = tmp_path / "analysts-computer"
    generate_keypair(analysts / "analyst-2026")
    etc = tmp_path / "etc"
    etc.mkdir()
    shutil.copy(analysts / "analyst-2026.pub", etc / "analyst-2026.pub")
    ServerSecret.generate(etc / "server.secret")
    (tmp_path / "data").mkdir()
    return {
        "ROSTBOT_TOKEN": "123456:sandbox-token",
        "ROSTBOT_DB": str(tmp_path / "data" / "rostbot.sqlite3"),
        "ROSTBOT_FLOWS": str(REPO / "flows"),
        "ROSTBOT_ANALYST_KEY": str(etc / "analyst-2026.pub"),
        "ROSTBOT_SECRET_FILE": str(etc / "server.secret"),
        "ROSTBOT_ORGANISATION": "Testkommunen",
        "ROSTBOT_CONTACT": "dataskydd@testkommunen.example",
        "ROSTBOT_DPO": "dso@testkommunen.example",
        "ROSTBOT_ORGANIZER_EMAIL": "kalender@testkommunen.example",
    }


def with_api(deployment: dict[str, str], api: SandboxBotApi, token: str) -> dict[str, str]:
    return {
        **deployment,
        "ROSTBOT_TOKEN": token,
        "ROSTBOT_BOT_API_URL": api.base_url.rstrip("/"),
    }


async def test_a_good_deployment_passes_every_check_and_the_token_works(
    api: SandboxBotApi, deployment: dict[str, str]
) -> None:
    env = with_api(deployment, api, api.token)
    result = await doctor(env=env)

    assert result.code == 0, result.out
    assert result.err == ""
    assert result.fixes() == [] and result.warnings() == []
    assert f"ok: Bot API at {api.base_url.rstrip('/')}: reachable; the token is the bot @" in (
        result.out
    )
    assert "ok: system clock agrees with the Bot API's (within 2 minutes)" in result.lines
    assert any(line.startswith("ok: no analyst private key in ") for line in result.lines)
    assert any(line.startswith("ok: 5 flow(s) load from ") for line in result.lines)
    assert result.lines[-1].startswith("doctor: all ")
    assert result.lines[-1].endswith(" checks passed, 0 warning(s)")
    assert api.method_counts["getMe"] == 1
    assert api.token not in result.out
    assert api.token.partition(":")[2] not in result.out


async def test_a_refused_token_and_an_unreachable_bot_api_must_be_fixed(
    api: SandboxBotApi, deployment: dict[str, str]
) -> None:
    wrong = "987654:refused-token-0123456789"
    result = await doctor(env=with_api(deployment, api, wrong))
    assert result.code == 1
    assert result.fixes() == [
        f"fix: the Bot API at {api.base_url.rstrip('/')} refused ROSTBOT_TOKEN (HTTP 401)"
    ]
    assert result.lines[-1] == "doctor: 1 to fix, 0 warning(s)"
    assert wrong.partition(":")[2] not in result.out

    closed = {
        **with_api(deployment, api, api.token),
        "ROSTBOT_BOT_API_URL": "http://127.0.0.1:9/bot",
    }
    result = await doctor(env=closed)
    assert result.code == 1
    assert [line.split(" (")[0] for line in result.fixes()] == [
        "fix: cannot reach the Bot API at http://127.0.0.1:9/bot"
    ]

    offline = await doctor("--offline", env=closed)
    assert offline.code == 0, offline.out
    assert "ok: Bot API: not called (--offline)" in offline.lines


async def test_an_analyst_private_key_on_the_bot_host_is_a_danger(
    deployment: dict[str, str], tmp_path: Path
) -> None:
    etc = tmp_path / "etc"
    shutil.copy(tmp_path / "analysts-computer" / "analyst-2026", etc / "analyst-2026")
    generate_keypair(etc / "protected", "a passphrase of some length")
    # A TLS key for a reverse proxy is not an analyst's key: left alone.
    tls = ec.generate_private_key(ec.SECP256R1())
    (etc / "proxy.key").write_bytes(
        tls.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    result = await doctor("--offline", env=deployment)

    assert result.code == 1
    danger = result.fixes()
    assert len(danger) == 2, result.out
    assert danger[0].startswith(
        f"fix: DANGER: {etc / 'analyst-2026'} is an unprotected analyst private key (key id "
    )
    assert danger[1].startswith(
        f"fix: DANGER: {etc / 'protected'} is a passphrase-protected private key (age)"
    )
    assert all("must never be on the bot host" in line for line in danger)


async def test_files_that_must_be_fixed_are_named_one_line_each(
    deployment: dict[str, str], tmp_path: Path
) -> None:
    secret = Path(deployment["ROSTBOT_SECRET_FILE"])
    os.chmod(secret, 0o644)
    flows = tmp_path / "flows"
    shutil.copytree(REPO / "flows", flows)
    broken = flows / "income_support_followup.yaml"
    broken.write_text(broken.read_text().replace("version: 2", "version: zwei"))
    env = {
        **deployment,
        "ROSTBOT_FLOWS": str(flows),
        "ROSTBOT_DB": str(tmp_path / "nowhere" / "rostbot.sqlite3"),
        "ROSTBOT_TOKEN": "not a token",
    }
    result = await doctor("--offline", env=env)

    assert result.code == 1
    assert result.fixes() == [
        "fix: ROSTBOT_TOKEN does not look like a bot token (digits:letters)",
        f"fix: database folder {tmp_path / 'nowhere'} does not exist: create it for the bot's user",
        f"fix: server secret {secret} has mode 0644: run `chmod 600 {secret}`",
        result.fixes()[3],
    ]
    assert result.fixes()[3].startswith(f"fix: flows: {broken}:")
    assert result.lines[-1] == "doctor: 4 to fix, 0 warning(s)"


async def test_a_database_from_a_newer_rostbot_must_be_fixed(deployment: dict[str, str]) -> None:
    path = Path(deployment["ROSTBOT_DB"])
    db = await Database.open(path)
    await db.close()
    result = await doctor("--offline", env=deployment)
    assert f"ok: database {path}: opens, schema {known_schema()}" in result.lines

    connection = sqlite3.connect(path)
    with connection:
        connection.execute("INSERT INTO schema_migrations VALUES (999, '999_future.sql')")
    connection.close()
    result = await doctor("--offline", env=deployment)
    assert result.code == 1
    assert result.fixes() == [
        f"fix: database {path} has schema 999, newer than this rostbot's {known_schema()}: "
        "install the rostbot that wrote it"
    ]


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
async def test_a_secret_owned_by_another_user_must_be_fixed(deployment: dict[str, str]) -> None:
    secret = Path(deployment["ROSTBOT_SECRET_FILE"])
    os.chown(secret, 65534, 65534)
    result = await doctor("--offline", env=deployment)
    assert result.code == 1
    assert result.fixes() == [
        f"fix: server secret {secret} is not owned by this user (uid 0): chown it"
    ]


async def test_warnings_do_not_fail_and_bad_settings_or_usage_do(
    deployment: dict[str, str],
) -> None:
    lean = {k: v for k, v in deployment.items() if k not in ("ROSTBOT_DPO",)}
    result = await doctor("--offline", "--min-free", "1000000T", env=lean)
    assert result.code == 0, result.out
    assert [line.split(":")[1].split()[0] for line in result.warnings()] == ["only", "ROSTBOT_DPO"]
    assert result.lines[-1].endswith("checks passed, 2 warning(s)")

    result = await doctor("--offline", env={**deployment, "ROSTBOT_RETENTION_DAYS": "a year"})
    assert result.code == 1
    assert result.lines == [
        "fix: settings: ROSTBOT_RETENTION_DAYS must be a whole number of days, 1 or more",
        "doctor: 1 to fix, 0 warning(s)",
    ]

    for args in (["--out", "x.md"], ["--min-free", "lots"]):
        result = await doctor(*args, env=deployment)
        assert result.code == 2 and result.out == ""
        assert result.err.count("\n") == 1 and result.err.startswith("rostbot: ")


def test_the_log_file_check_names_a_missing_folder(tmp_path: Path) -> None:
    assert check_log_file({})[0].line() == "ok: log: to stderr (with systemd, the journal)"
    missing = tmp_path / "no-such-folder" / "rostbot.log"
    assert check_log_file({"ROSTBOT_LOG_FILE": str(missing)})[0].level == "fix"
    fine = tmp_path / "rostbot.log"
    assert check_log_file({"ROSTBOT_LOG_FILE": str(fine)})[0].level == "ok"


async def test_a_webhook_telegram_cannot_deliver_to_must_be_fixed(
    deployment: dict[str, str],
) -> None:
    webhook = {
        **deployment,
        "ROSTBOT_WEBHOOK_URL": "https://bot.kommun.example:8080/rostbot/updates",
        "ROSTBOT_WEBHOOK_LISTEN": "127.0.0.1:8443",
        "ROSTBOT_HEALTH_LISTEN": "127.0.0.1:8443",
    }
    result = await doctor("--offline", env=webhook)
    assert result.code == 1
    assert result.fixes() == [
        "fix: ROSTBOT_HEALTH_LISTEN and ROSTBOT_WEBHOOK_LISTEN are the same address",
        "fix: Telegram delivers webhooks only over https to ports 443, 80, 88 or 8443, "
        "not to https://bot.kommun.example:8080",
    ]

    fine = {
        **webhook,
        "ROSTBOT_WEBHOOK_URL": "https://bot.kommun.example/rostbot/updates",
        "ROSTBOT_HEALTH_LISTEN": "127.0.0.1:9310",
    }
    result = await doctor("--offline", env=fine)
    assert result.code == 0, result.out
    assert (
        "ok: updates by webhook at https://bot.kommun.example/rostbot/updates, "
        "taken on 127.0.0.1:8443"
    ) in result.lines
