"""The logging set-up of `rostbot` (log_hygiene.configure_logging): what any logger writes.

Records come from the real libraries where that is possible: python-telegram-bot's
CRITICAL line with a whole getUpdates answer (from a real `Bot.get_updates` against the
sandbox), httpx's request line, asyncio's "Task exception was never retrieved", a warning,
an uncaught exception in a thread. Each is written to a real log file and the file is
searched for the name, the text, the Telegram id and the token that went in.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import stat
import subprocess
import sys
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from telegram import Bot

from rostbot.config import ConfigError
from rostbot.log_hygiene import (
    MAX_MESSAGE,
    RepeatLimit,
    SafeFormatter,
    configure_logging,
    public,
)
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.telegram.http_transport import AiohttpRequest

MARKER = "Qwyzzle"  # a name and a word of message text no library would write by itself
USER_ID = 7_123_456_789
TOKEN = "7212345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
SECRETS = (MARKER, str(USER_ID), TOKEN, TOKEN.split(":")[1])


@contextlib.contextmanager
def logging_to(path: Path, **env: str) -> Iterator[Path]:
    """configure_logging with ROSTBOT_LOG_FILE=path; everything put back afterwards."""
    root = logging.getLogger()
    level, hooks = root.level, (sys.excepthook, threading.excepthook)
    handler = configure_logging({"ROSTBOT_LOG_FILE": str(path), "ROSTBOT_TOKEN": TOKEN, **env})
    try:
        yield path
    finally:
        root.removeHandler(handler)
        handler.close()
        root.setLevel(level)
        logging.captureWarnings(False)
        sys.excepthook, threading.excepthook = hooks


def written(path: Path) -> str:
    files = sorted(path.parent.glob(path.name + "*"))
    return "".join(f.read_text(encoding="utf-8") for f in files)


def assert_nothing_personal(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} was written"


def malformed_message() -> dict[str, object]:
    """A message python-telegram-bot cannot read (a date that is not a number), with a
    name, a Telegram id and text inside."""
    person = {"id": USER_ID, "is_bot": False, "first_name": MARKER, "username": MARKER}
    return {
        "message": {
            "message_id": 1,
            "date": "yesterday",
            "chat": {"id": USER_ID, "type": "private", "first_name": MARKER},
            "from": person,
            "text": f"my name is {MARKER}",
        }
    }


async def test_ptb_logs_a_whole_unreadable_answer_and_only_its_template_is_written(
    tmp_path: Path,
) -> None:
    async with SandboxBotApi(token=TOKEN) as api:
        api.push_raw_update(malformed_message())
        with logging_to(tmp_path / "bot.log") as log:
            bot = Bot(api.token, base_url=api.base_url, request=AiohttpRequest())
            async with bot:
                with pytest.raises(TypeError):
                    await bot.get_updates()  # python-telegram-bot's own call, unchanged
    text = written(log)
    assert "CRITICAL telegram.Bot: Error while parsing updates! Received data was <list>" in text
    assert "[TypeError at " in text  # the exception's type and where, not its text
    assert "telegram/_message.py:" in text
    assert_nothing_personal(text)


async def test_httpx_request_line_with_the_token_in_its_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # rostbot's application quiets httpx, and another test may have built one already
    monkeypatch.setattr(logging.getLogger("httpx"), "level", logging.INFO)
    async with SandboxBotApi(token=TOKEN) as api:
        with logging_to(tmp_path / "bot.log") as log:
            async with httpx.AsyncClient() as client:
                await client.get(f"{api.base_url}{TOKEN}/getMe")
    text = written(log)
    assert "INFO httpx: HTTP Request: <str> <URL>" in text
    assert_nothing_personal(text)


def test_an_exception_keeps_its_type_and_place_but_not_its_text(tmp_path: Path) -> None:
    with logging_to(tmp_path / "bot.log") as log:
        try:
            raise KeyError(f"no person called {MARKER} ({USER_ID})")
        except KeyError:
            logging.getLogger("rostbot.telegram.handlers").exception("a handler failed")
        try:
            try:
                {}[MARKER]
            except KeyError as exc:
                raise ConfigError(f"ROSTBOT_X is wrong for {USER_ID}") from exc
        except ConfigError:
            logging.getLogger("apscheduler.executors.default").exception("Job %r failed", MARKER)
    lines = written(log).splitlines()
    assert len(lines) == 2  # one line per record, tracebacks included
    first, second = lines
    assert "ERROR rostbot.telegram.handlers: a handler failed [KeyError at " in first
    assert "test_log_hygiene.py:" in first
    assert "test_an_exception_keeps_its_type_and_place_but_not_its_text" in first
    # rostbot's own exception types keep their text (digit runs still taken out); the
    # exception it came from only its type.
    assert "Job <str> failed [ConfigError: ROSTBOT_X is wrong for <number> at " in second
    assert "; from KeyError at " in second
    assert_nothing_personal("\n".join(lines))


def test_own_records_lose_tokens_and_ids_but_keep_what_is_marked_public(tmp_path: Path) -> None:
    with logging_to(tmp_path / "bot.log") as log:
        own = logging.getLogger("rostbot.example")
        own.info("token %s, chat %d, update %s", TOKEN, USER_ID, public(123_456_789))
        own.warning("two\nlines and %s", "x" * 2000)
        own.info("a literal 100%% and %(n)d mapped", {"n": 7})
    first, second, third = written(log).splitlines()
    assert first.endswith("rostbot.example: token <token>, chat <number>, update 123456789")
    assert "two lines and xxx" in second
    assert len(second.split(": ", 1)[1]) <= MAX_MESSAGE + 1
    assert third.endswith("a literal 100% and 7 mapped")


def test_foreign_templates_lose_quoted_and_bracketed_data(tmp_path: Path) -> None:
    raw = {"update_id": 5, "message": {"from": {"first_name": MARKER, "id": USER_ID}}}
    with logging_to(tmp_path / "bot.log") as log:
        lib = logging.getLogger("somelib")
        lib.warning(f"update {raw} from '{MARKER}' [{MARKER}] <User {MARKER}>")  # an f-string
        lib.warning("parsed %s of %d in %.2f s: %r", raw, 3, 0.25, MARKER)
        lib.error(f"first line\nsecond line with {MARKER}")
        lib.error(ValueError(MARKER))  # an exception as the message
        lib.info('Added job "%s" to job store "%s" [%s] {%d}', MARKER, MARKER, MARKER, 2)
    lines = written(log).splitlines()
    assert lines[0].endswith("somelib: update {…} from '…' […] <…>")
    assert lines[1].endswith("somelib: parsed <dict> of 3 in 0.25 s: <str>")
    assert lines[2].endswith("somelib: first line …")
    assert lines[3].endswith("somelib: <ValueError>")
    assert lines[4].endswith('somelib: Added job "<str>" to job store "<str>" [<str>] {2}')
    assert_nothing_personal("\n".join(lines))


async def test_a_task_exception_never_retrieved_and_an_uncaught_thread_exception(
    tmp_path: Path,
) -> None:
    async def fails() -> None:
        raise ValueError(f"{MARKER} {USER_ID}")

    with logging_to(tmp_path / "bot.log") as log:
        task = asyncio.get_running_loop().create_task(fails())
        await asyncio.wait({task})  # done, its exception never asked for
        del task
        gc.collect()  # asyncio logs the lost exception when the task is collected
        thread = threading.Thread(target=lambda: int(f"{MARKER}"))
        thread.start()
        thread.join()
    text = written(log)
    assert "ERROR asyncio: Task exception was never retrieved … [ValueError at " in text
    assert "CRITICAL rostbot.uncaught: uncaught ValueError in a thread [ValueError at " in text
    assert_nothing_personal(text)


def test_a_warning_keeps_where_and_its_category(tmp_path: Path) -> None:
    with logging_to(tmp_path / "bot.log") as log, warnings.catch_warnings():
        logging.captureWarnings(True)  # pytest catches warnings itself inside a test
        warnings.simplefilter("always")
        warnings.warn(f"the user {MARKER} ({USER_ID}) is odd", UserWarning, stacklevel=1)
    text = written(log)
    assert "WARNING py.warnings: " in text
    assert "test_log_hygiene.py:" in text
    assert "UserWarning (its text left out)" in text
    assert_nothing_personal(text)


def test_the_same_template_is_written_twenty_times_a_minute_then_counted() -> None:
    now = [0.0]
    limit = RepeatLimit(per_minute=20, clock=lambda: now[0])

    def record(msg: str) -> logging.LogRecord:
        return logging.LogRecord("telegram.Bot", logging.CRITICAL, "", 0, msg, (), None)

    passed = [limit.filter(record("flood %s")) for _ in range(100)]
    assert sum(passed) == 20
    assert limit.filter(record("another template"))
    now[0] = 61.0
    later = record("flood %s")
    assert limit.filter(later)
    assert later.rostbot_repeats_left_out == 80
    later.args = ("x",)
    line = SafeFormatter().format(later)
    assert line.endswith(
        "telegram.Bot: flood <str> (and 80 more like it in the minute before, left out)"
    )


def test_the_log_file_rotates_at_its_size_and_keeps_its_backups(tmp_path: Path) -> None:
    with logging_to(tmp_path / "bot.log", ROSTBOT_LOG_MAX_BYTES="4096", ROSTBOT_LOG_BACKUPS="2"):
        for i in range(2000):
            logging.getLogger("rostbot.example").info("line %d %s", i, "x" * 40)  # not repeats
            logging.getLogger(f"rostbot.example{i}").info("other")
    files = sorted(p.name for p in tmp_path.glob("bot.log*"))
    assert files == ["bot.log", "bot.log.1", "bot.log.2"]
    for name in files:
        path = tmp_path / name
        assert path.stat().st_size <= 4096
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"ROSTBOT_LOG_LEVEL": "LOUD"}, "ROSTBOT_LOG_LEVEL must be one of"),
        ({"ROSTBOT_LOG_FILE": "/nonexistent/dir/bot.log"}, "cannot open ROSTBOT_LOG_FILE"),
        ({"ROSTBOT_LOG_FILE": "x.log", "ROSTBOT_LOG_MAX_BYTES": "ten"}, "whole number"),
        ({"ROSTBOT_LOG_FILE": "x.log", "ROSTBOT_LOG_BACKUPS": "0"}, "at least 1"),
    ],
)
def test_a_bad_logging_setting_is_one_line_and_status_2(
    tmp_path: Path, env: dict[str, str], said: str
) -> None:
    with pytest.raises(ConfigError, match=said):
        configure_logging(env)
    done = subprocess.run(
        [sys.executable, "-m", "rostbot", "flows", "check"],
        env={"PATH": "/usr/bin:/bin", **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith("rostbot: ") and said in line
