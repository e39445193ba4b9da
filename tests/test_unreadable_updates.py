"""Updates python-telegram-bot cannot read are skipped, and nothing personal reaches a log.

python-telegram-bot reads a getUpdates answer as a whole: one update it cannot read (a
malformed field, or a type a newer Bot API changed) fails the batch, is logged with every
name and text in it, and the updater asks again for the same updates, for ever. rostbot's
getUpdates connection (`PollingRequest`) skips such an update when it is asked for again;
everyone else in the batch is served. The end-to-end test runs `rostbot run` in its own
process, with its real logging set-up at DEBUG, and searches everything it wrote.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from pathlib import Path

import pytest
from telegram import Bot

from rostbot.config import Settings
from rostbot.sandbox.bot_process import BotProcess, run_env
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import SandboxUser
from rostbot.telegram.http_transport import AiohttpRequest, PollingRequest

MARKER = "Qwyzzle"  # in names and texts; no library writes it by itself
TOKEN = "7212345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
STRANGER_ID = 7_999_999_123
WAIT = 120  # generous: `rostbot run` starts in its own process on a busy machine
pytestmark = pytest.mark.timeout(4 * WAIT)


def stranger() -> dict[str, object]:
    return {"id": STRANGER_ID, "is_bot": False, "first_name": MARKER, "last_name": MARKER}


def bad_date() -> dict[str, object]:
    """A message whose date is not a number."""
    return {
        "message": {
            "message_id": 1,
            "date": "yesterday",
            "chat": {"id": STRANGER_ID, "type": "private", "first_name": MARKER},
            "from": stranger(),
            "text": f"I am {MARKER}",
        }
    }


def bad_press() -> dict[str, object]:
    """A button press without its chat_instance (required)."""
    return {"callback_query": {"id": "77", "from": stranger(), "data": MARKER}}


def bad_entity(user: SandboxUser) -> dict[str, object]:
    """A message from a known person with an entity that has no offset and length."""
    return {
        "message": {
            "message_id": 999,
            "date": 1_700_000_000,
            "chat": user.chat_json(),
            "from": user.user_json(),
            "text": f"/start {MARKER}",
            "entities": [{"type": "bot_command"}],
        }
    }


def future_update() -> dict[str, object]:
    """An update kind this version of python-telegram-bot does not know: it reads it (the
    unknown field is kept aside), no handler takes it, nothing is skipped."""
    return {"future_kind": {"from": stranger(), "text": f"{MARKER} from the future"}}


async def test_polling_request_skips_an_unreadable_update_when_it_is_asked_for_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with SandboxBotApi() as api:
        user = api.user(first_name="Lina")
        first = await user.send_text("one")
        skipped = api.push_raw_update(bad_date())
        last = await user.send_text("two")
        polling = PollingRequest()
        bot = Bot(
            api.token, base_url=api.base_url, request=AiohttpRequest(), get_updates_request=polling
        )
        async with bot:
            with pytest.raises(TypeError):  # python-telegram-bot's own reading of the batch
                await bot.get_updates()
            caplog.set_level(logging.WARNING, logger="rostbot")
            updates = await bot.get_updates()  # the same offset again, as its updater asks
            assert [u.update_id for u in updates] == [first, skipped, last]
            assert [u.message.text if u.message else None for u in updates] == ["one", None, "two"]
            assert polling.skipped == 1
            assert await bot.get_updates(offset=last + 1) == ()
        assert api.pending_update_count() == 0  # confirmed: Telegram would not send it again
    [line] = [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("rostbot") and r.levelno >= logging.WARNING
    ]
    assert line == (
        f"skipped 1 update(s) the library cannot read (update_id {skipped}); 1 since the start"
    )


async def _say(user: SandboxUser, text: str) -> int:
    """Send a text; the mark to wait for the bot's reply after."""
    mark = user.mark()
    await user.send_text(text)
    return mark


async def test_rostbot_run_skips_unreadable_updates_serves_everyone_else_and_logs_nothing_personal(
    settings: Settings, tmp_path: Path
) -> None:
    log_file = tmp_path / "logs" / "rostbot.log"
    log_file.parent.mkdir()
    max_bytes, backups = 8 * 1024, 3  # the run writes more: the log rotates
    async with SandboxBotApi(token=TOKEN) as api:
        env = run_env(
            replace(settings, send_rate=0),
            api,
            ROSTBOT_LOG_LEVEL="DEBUG",  # every library's most talkative records
            ROSTBOT_LOG_FILE=str(log_file),
            ROSTBOT_LOG_MAX_BYTES=str(max_bytes),
            ROSTBOT_LOG_BACKUPS=str(backups),
        )
        alice = api.user(first_name=f"Alice{MARKER}", last_name=MARKER, username=f"a_{MARKER}")
        bob = api.user(first_name=MARKER, username=f"b_{MARKER}")
        async with BotProcess(env, log=tmp_path / "stderr.txt") as bot:
            await api.wait_until_long_polling(timeout=WAIT)
            mark = await _say(alice, "/start")
            await alice.wait_for_message(after=mark, timeout=WAIT)

            # One getUpdates answer: two unreadable updates, an unknown kind, a huge text
            # from someone with a marked name, and Alice. Nothing between the pushes waits,
            # so the sandbox hands them on together.
            await api.wait_until_long_polling(timeout=WAIT)
            first_bad = [api.push_raw_update(bad_date())]
            api.push_raw_update(future_update())
            first_bad.append(api.push_raw_update(bad_press()))
            bob_mark = await _say(bob, (MARKER + " ") * 512)  # 4,096 characters
            alice_mark = await _say(alice, f"hej, jag heter {MARKER}")
            assert api.pending_update_count() == 5
            await alice.wait_for_message(after=alice_mark, timeout=WAIT)
            await bob.wait_for_message(after=bob_mark, timeout=WAIT)

            # An answer with only an unreadable update, then one with Alice again.
            await api.wait_until_long_polling(timeout=WAIT)
            alone = api.push_raw_update(bad_entity(alice))
            await api.wait_until_delivered(alone, timeout=WAIT)
            await api.wait_until_long_polling(timeout=WAIT)
            last_bad = api.push_raw_update(bad_date())
            mark = await _say(alice, "/start")
            await alice.wait_for_message(after=mark, timeout=WAIT)
            await api.wait_until_long_polling(timeout=WAIT)
            assert api.pending_update_count() == 0  # all confirmed, none to be sent again
            assert await bot.stop() == 0

    ids = [alice.id, bob.id, STRANGER_ID]
    check_what_was_written(tmp_path, log_file, settings.db_path, max_bytes, backups, ids)
    skipped = [
        (int(m[1]), [int(i) for i in m[2].split(", ")], int(m[3]))
        for m in re.finditer(
            r"skipped (\d+) update\(s\) .*\(update_id ([\d, ]+)\); (\d+) since", log_text(log_file)
        )
    ]
    assert skipped == [
        (2, first_bad, 2),
        (1, [alone], 3),
        (1, [last_bad], 4),
    ]
    # python-telegram-bot's failed reading is logged once per answer, not in a loop.
    assert log_text(log_file).count("Error while parsing updates! Received data was <list>") == 3


def log_text(log_file: Path) -> str:
    """The log file and its rotated copies, oldest first."""
    logs = sorted(log_file.parent.iterdir(), reverse=True)
    return "".join(p.read_text(encoding="utf-8") for p in logs)


def check_what_was_written(
    tmp_path: Path, log_file: Path, db_path: Path, max_bytes: int, backups: int, ids: list[int]
) -> None:
    """Bounded logs, one line a record; no name, text, id or token in logs, stderr or db."""
    logs = sorted(log_file.parent.iterdir())
    assert 2 <= len(logs) <= backups + 1  # rotated, and no more old files than asked for
    assert all(p.stat().st_size <= max_bytes for p in logs)
    stamp = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ \S+: ")
    for line in log_text(log_file).splitlines():
        assert stamp.match(line) and len(line) < 2_200, line[:200]
    stderr = (tmp_path / "stderr.txt").read_bytes()
    assert stderr == b""  # with ROSTBOT_LOG_FILE everything goes to the file
    database = [p for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)]
    assert database
    secrets = [MARKER.encode(), TOKEN.encode(), TOKEN.split(":")[1].encode()]
    secrets += [str(i).encode() for i in ids]
    secrets += [i.to_bytes(n, "big") for i in ids for n in (6, 8)]  # SQLite's integers
    for path in [*logs, *database]:
        content = path.read_bytes()
        for secret in secrets:
            assert secret not in content, f"{secret!r} in {path.name}"
