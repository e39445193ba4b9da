"""Secrets as files: ROSTBOT_TOKEN_FILE and systemd's credentials ($CREDENTIALS_DIRECTORY).

A service manager passes the token and the server secret as files (`LoadCredential=`, a
container's mounted secrets); ROSTBOT_TOKEN keeps working. A file that cannot be used stops
`rostbot run` with one line naming it; commands that do not need the token never read it.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from rostbot.config import ConfigError, Settings, require_run_settings, settings_from_env
from rostbot.credentials import token_for_log_scrubbing, token_source
from rostbot.sandbox.bot_process import BotProcess, run_env
from rostbot.sandbox.botapi import SandboxBotApi
from system_tools import need

REPO = Path(__file__).resolve().parents[1]
TOKEN = "123456789:AAH-fake_token_for_tests_0123456789"
TIMEOUT = 120  # a busy two-core machine starts a Python with all of rostbot slowly


def private_file(path: Path, text: str, mode: int = 0o400) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="ascii")
    path.chmod(mode)
    return path


def run_settings(tmp_path: Path, env: dict[str, str]) -> Settings:
    """What `rostbot run` would use, from `env` plus a key and a secret setting."""
    base = {"ROSTBOT_ANALYST_KEY": str(tmp_path / "analyst.pub")}
    if "CREDENTIALS_DIRECTORY" not in env:
        base["ROSTBOT_SECRET_FILE"] = str(tmp_path / "server.secret")
    return require_run_settings(settings_from_env({**base, **env}))


def refusal(tmp_path: Path, env: dict[str, str]) -> str:
    with pytest.raises(ConfigError) as refused:
        run_settings(tmp_path, env)
    message = str(refused.value)
    assert "\n" not in message
    assert TOKEN.split(":")[1] not in message
    return message


# ----------------------------------------------------------------------- ROSTBOT_TOKEN_FILE


@pytest.mark.parametrize("ending", ["", "\n", "\r\n"])
def test_the_token_file_holds_the_token_on_one_line(tmp_path: Path, ending: str) -> None:
    path = private_file(tmp_path / "token", TOKEN + ending)
    settings = run_settings(tmp_path, {"ROSTBOT_TOKEN_FILE": str(path)})
    assert settings.token == TOKEN
    assert settings.token_file == path


def test_the_token_variable_still_works(tmp_path: Path) -> None:
    assert run_settings(tmp_path, {"ROSTBOT_TOKEN": TOKEN}).token == TOKEN


def test_commands_that_need_no_token_never_read_its_file(tmp_path: Path) -> None:
    settings = settings_from_env({"ROSTBOT_TOKEN_FILE": str(tmp_path / "missing")})
    assert settings.token is None
    assert settings.token_file == tmp_path / "missing"


def test_the_token_and_its_file_together_are_refused(tmp_path: Path) -> None:
    path = private_file(tmp_path / "token", TOKEN)
    with pytest.raises(ConfigError) as refused:
        settings_from_env({"ROSTBOT_TOKEN": TOKEN, "ROSTBOT_TOKEN_FILE": str(path)})
    assert str(refused.value) == "set ROSTBOT_TOKEN or ROSTBOT_TOKEN_FILE, not both"


def unusable_token_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Each case: (the ROSTBOT_TOKEN_FILE, what the one line says)."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    (tmp_path / "a_folder").mkdir()
    (tmp_path / "binary").write_bytes(b"\xff\xfe\n")
    return {
        "missing": (tmp_path / "nothing", "No such file or directory"),
        "a folder": (tmp_path / "a_folder", "Is a directory"),
        "under a file": (private_file(tmp_path / "file", "x") / "token", "Not a directory"),
        "a fifo": (fifo, "is not a file"),
        "empty": (private_file(tmp_path / "empty", "\n"), "is empty"),
        "two lines": (private_file(tmp_path / "two", TOKEN + "\n" + TOKEN), "on one line"),
        "two newlines": (private_file(tmp_path / "blank", TOKEN + "\n\n"), "on one line"),
        "not a token": (private_file(tmp_path / "word", "password\n"), "does not look like"),
        "binary": (tmp_path / "binary", "does not hold a bot token"),
        "huge": (private_file(tmp_path / "huge", "1" * 5000), "too large"),
    }


def test_an_unusable_token_file_is_one_line_naming_it(tmp_path: Path) -> None:
    for case, (path, says) in unusable_token_files(tmp_path).items():
        message = refusal(tmp_path, {"ROSTBOT_TOKEN_FILE": str(path)})
        assert says in message, (case, message)
        assert str(path) in message, (case, message)


def test_a_token_file_the_bot_may_not_read_is_one_line(tmp_path: Path) -> None:
    """As the bot's own user (root reads any file: then as nobody, through setpriv)."""
    tmp_path.chmod(0o755)
    path = private_file(tmp_path / "token", TOKEN, mode=0o000)
    done = rostbot_run_line(
        tmp_path, {"ROSTBOT_TOKEN_FILE": str(path)}, as_nobody=os.geteuid() == 0
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f"rostbot: cannot read token file {path}: Permission denied"
    ]


@pytest.mark.parametrize("mode", [0o644, 0o440, 0o604])
def test_a_token_file_others_may_read_is_used_with_a_warning(
    tmp_path: Path, mode: int, caplog: pytest.LogCaptureFixture
) -> None:
    path = private_file(tmp_path / "token", TOKEN + "\n", mode=mode)
    with caplog.at_level(logging.WARNING, logger="rostbot.credentials"):
        assert run_settings(tmp_path, {"ROSTBOT_TOKEN_FILE": str(path)}).token == TOKEN
    [warning] = [r for r in caplog.records if r.name == "rostbot.credentials"]
    assert warning.levelno == logging.WARNING
    assert str(path) in warning.getMessage()
    assert oct(mode)[2:].zfill(4) in warning.getMessage()
    assert TOKEN.split(":")[1] not in warning.getMessage()


@pytest.mark.parametrize("mode", [0o400, 0o600])
def test_a_private_token_file_gives_no_warning(
    tmp_path: Path, mode: int, caplog: pytest.LogCaptureFixture
) -> None:
    path = private_file(tmp_path / "token", TOKEN + "\n", mode=mode)
    with caplog.at_level(logging.DEBUG, logger="rostbot.credentials"):
        run_settings(tmp_path, {"ROSTBOT_TOKEN_FILE": str(path)})
    assert not [r for r in caplog.records if r.name == "rostbot.credentials"]


# ---------------------------------------------------------------- $CREDENTIALS_DIRECTORY


def credentials_directory(tmp_path: Path) -> Path:
    """The folder systemd makes for LoadCredential=token:... and server.secret:..."""
    directory = tmp_path / "credentials"
    private_file(directory / "token", TOKEN + "\n")
    private_file(directory / "server.secret", "s" * 64 + "\n")
    directory.chmod(0o500)
    return directory


def test_credentials_give_the_token_and_the_server_secret(tmp_path: Path) -> None:
    directory = credentials_directory(tmp_path)
    settings = run_settings(tmp_path, {"CREDENTIALS_DIRECTORY": str(directory)})
    assert settings.token == TOKEN
    assert settings.token_file == directory / "token"
    assert settings.secret_file == directory / "server.secret"


def test_the_settings_name_other_files_than_the_credentials(tmp_path: Path) -> None:
    directory = credentials_directory(tmp_path)
    own = private_file(tmp_path / "own_token", "987654321:AAH-another_token_0123456789\n")
    settings = run_settings(
        tmp_path,
        {
            "CREDENTIALS_DIRECTORY": str(directory),
            "ROSTBOT_TOKEN_FILE": str(own),
            "ROSTBOT_SECRET_FILE": str(tmp_path / "server.secret"),
        },
    )
    assert settings.token == "987654321:AAH-another_token_0123456789"
    assert settings.secret_file == tmp_path / "server.secret"
    by_variable = run_settings(
        tmp_path, {"CREDENTIALS_DIRECTORY": str(directory), "ROSTBOT_TOKEN": "1234:" + "b" * 20}
    )
    assert by_variable.token == "1234:" + "b" * 20
    assert by_variable.token_file is None


def test_a_credentials_directory_without_them_leaves_both_unset(tmp_path: Path) -> None:
    directory = tmp_path / "credentials"
    directory.mkdir()
    settings = settings_from_env({"CREDENTIALS_DIRECTORY": str(directory)})
    assert settings.token is None
    assert settings.token_file is None
    assert settings.secret_file is None
    assert "ROSTBOT_TOKEN_FILE, or the credential token" in refusal(
        tmp_path, {"CREDENTIALS_DIRECTORY": str(directory)}
    )


def test_the_log_hides_a_token_read_from_a_file(tmp_path: Path) -> None:
    directory = credentials_directory(tmp_path)
    assert token_for_log_scrubbing({"CREDENTIALS_DIRECTORY": str(directory)}) == TOKEN
    path = private_file(tmp_path / "token", TOKEN + "\n")
    assert token_for_log_scrubbing({"ROSTBOT_TOKEN_FILE": str(path)}) == TOKEN
    assert token_for_log_scrubbing({"ROSTBOT_TOKEN_FILE": str(tmp_path / "none")}) == ""
    os.mkfifo(tmp_path / "fifo")  # never waited on, even before any command reads the token
    assert token_for_log_scrubbing({"ROSTBOT_TOKEN_FILE": str(tmp_path / "fifo")}) == ""


# ----------------------------------------------------------------- rostbot run, for real


def rostbot_run_line(
    tmp_path: Path, env: dict[str, str], *, as_nobody: bool = False
) -> subprocess.CompletedProcess[str]:
    """`rostbot run` with `env` and nothing else of ours; as user nobody if asked (as root)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ROSTBOT_")}
    clean.pop("CREDENTIALS_DIRECTORY", None)
    command = [sys.executable, "-m", "rostbot", "run"]
    if as_nobody:
        setpriv = need("util-linux", "setpriv")
        command = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    return subprocess.run(
        command,
        cwd=tmp_path,
        env={**clean, "PYTHONPATH": str(REPO / "src"), **env},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def test_rostbot_run_names_a_missing_token_file_in_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "etc" / "token"
    done = rostbot_run_line(tmp_path, {"ROSTBOT_TOKEN_FILE": str(missing)})
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f"rostbot: cannot read token file {missing}: No such file or directory"
    ]


def sandbox_run_env(settings: Settings, api: SandboxBotApi, **files: str) -> dict[str, str]:
    env = run_env(replace(settings, send_rate=0), api, ROSTBOT_LOG_LEVEL="WARNING", **files)
    env.pop("ROSTBOT_TOKEN")
    if "CREDENTIALS_DIRECTORY" in files:
        env.pop("ROSTBOT_SECRET_FILE")
    return env


async def first_answer(api: SandboxBotApi, env: dict[str, str], log: Path) -> str:
    """What a new person's /start gets from `rostbot run` started with `env`."""
    async with BotProcess(env, log=log) as bot:
        user = api.user(language_code="sv")
        mark = user.mark()
        await user.send_command("/start")
        answer = (await user.wait_for_message(after=mark, timeout=TIMEOUT)).content
        status = await bot.stop(timeout=TIMEOUT)
    assert status == 0, f"the bot stopped with {status}; its log: {log}"
    return answer


async def test_rostbot_run_takes_the_token_from_its_file(
    api: SandboxBotApi, settings: Settings, tmp_path: Path
) -> None:
    path = private_file(tmp_path / "secrets" / "token", api.token + "\n")
    env = sandbox_run_env(settings, api, ROSTBOT_TOKEN_FILE=str(path))
    log = tmp_path / "bot.log"
    assert "Testkommunen" in await first_answer(api, env, log)
    assert api.token.partition(":")[2] not in log.read_text()


async def test_rostbot_run_takes_both_secrets_from_systemd_credentials(
    api: SandboxBotApi, settings: Settings, tmp_path: Path
) -> None:
    assert settings.secret_file is not None
    directory = tmp_path / "credentials"
    private_file(directory / "token", api.token + "\n")
    private_file(directory / "server.secret", settings.secret_file.read_text())
    settings.secret_file.unlink()  # only the credential is left
    env = sandbox_run_env(settings, api, CREDENTIALS_DIRECTORY=str(directory))
    assert "Testkommunen" in await first_answer(api, env, tmp_path / "bot.log")


def test_a_refused_token_is_named_by_where_it_came_from(tmp_path: Path) -> None:
    named = private_file(tmp_path / "named.token", TOKEN + "\n")
    credentials = tmp_path / "credentials"
    private_file(credentials / "token", TOKEN + "\n")
    assert token_source({"ROSTBOT_TOKEN": TOKEN}) == "ROSTBOT_TOKEN"
    assert token_source({"ROSTBOT_TOKEN_FILE": str(named)}) == (
        f"the token in ROSTBOT_TOKEN_FILE ({named})"
    )
    assert token_source({"CREDENTIALS_DIRECTORY": str(credentials)}) == (
        f"the token in the credential token ({credentials / 'token'})"
    )
