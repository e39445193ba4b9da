"""`rostbot sandbox --terminal`: embedded defaults, a terminal chat that reaches the real bot."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import pytest

from rostbot.cli import main
from rostbot.sandbox.local_bot import COORDINATOR_ID, local_bot
from rostbot.sandbox.user_ids import new_user_id
from rostbot.sandbox.webchat.chats import ChatDesk
from rostbot.sandbox.webchat.flow_preview import open_flow
from rostbot.sandbox.webchat.history import HISTORY_FILE
from rostbot.sandbox.webchat.server import static_folder

SANDBOX = [sys.executable, "-m", "rostbot", "sandbox", "--terminal", "--data", "data"]


class Terminal:
    """The sandbox process, with a way to wait for a line it prints."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []

    async def expect(self, fragment: str, timeout: float = 20) -> str:
        async with asyncio.timeout(timeout):
            for line in self.lines:
                if fragment in line:
                    return line
            assert self.process.stdout is not None
            while True:
                raw = await self.process.stdout.readline()
                if not raw:
                    raise AssertionError(
                        f"sandbox ended before printing {fragment!r}: {self.lines}"
                    )
                line = raw.decode()
                self.lines.append(line)
                if fragment in line:
                    return line

    async def type(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write((line + "\n").encode())
        await self.process.stdin.drain()


async def test_sandbox_makes_its_own_keys_and_chats_with_the_real_bot(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROSTBOT_")}
    process = await asyncio.create_subprocess_exec(
        *SANDBOX,
        cwd=tmp_path,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    terminal = Terminal(process)
    try:
        await terminal.expect("-- ready")
        assert (tmp_path / "data" / "analyst-demo.key").exists()
        assert (tmp_path / "data" / "analyst-demo.key.pub").exists()
        assert (tmp_path / "data" / "server.secret").exists()
        await terminal.type("/start")
        await terminal.expect("brevet")
        await terminal.type(":invite meeting_feedback")
        await terminal.expect("[1] Ja, jag vill vara med")
        await terminal.type("1")
        await terminal.expect("13 år eller äldre")
        await terminal.type("1")
        await terminal.expect("Fråga 1 av")
        await terminal.type(":quit")
        await terminal.expect("-- sandbox stopped")
        assert await asyncio.wait_for(process.wait(), timeout=60) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


WEB_SANDBOX = [sys.executable, "-m", "rostbot", "sandbox", "--no-browser", "--data", "data"]


def clean_env() -> dict[str, str]:
    # No display: the sandbox must not try to open a browser, whatever the developer has.
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ROSTBOT_") and k not in ("DISPLAY", "WAYLAND_DISPLAY")
    }


async def test_sandbox_serves_the_page_by_default_and_stops_cleanly_on_ctrl_c(
    tmp_path: Path,
) -> None:
    process = await asyncio.create_subprocess_exec(
        *WEB_SANDBOX,
        "--port",
        "0",
        cwd=tmp_path,
        env=clean_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    terminal = Terminal(process)
    try:
        line = await terminal.expect("open http://127.0.0.1:")
        url = line.split("open ", 1)[1].split()[0]
        await terminal.expect("-- ready")
        assert (tmp_path / "data" / "analyst-demo.key").exists()
        async with aiohttp.ClientSession() as client:
            async with client.get(url) as page:
                assert page.status == 200
                html = await page.text()
                assert '<html lang="sv">' in html and "/static/chat.js" in html
                assert "default-src 'self'" in page.headers["Content-Security-Policy"]
            async with client.get(url + "events") as stream:
                first = await stream.content.readline()
                snapshot = json.loads(first.decode().removeprefix("data: "))
                assert snapshot["type"] == "snapshot"
                assert "income_support_followup" in {f["id"] for f in snapshot["flows"]}
            # Another web site open in the same browser cannot drive the sandbox.
            async with client.post(
                url + "api/reset", json={}, headers={"Origin": "http://evil.example"}
            ) as refused:
                assert refused.status == 403
            async with client.post(
                url + "api/respondents", json={"flow": "no_such_flow", "lang": "sv"}
            ) as bad:
                assert bad.status == 400
                assert await bad.json() == {"error": "unknown-flow"}
        process.send_signal(signal.SIGINT)
        await terminal.expect("-- sandbox stopped")
        assert await asyncio.wait_for(process.wait(), timeout=60) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_a_page_port_in_use_is_one_line_and_status_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = await asyncio.create_subprocess_exec(
            *WEB_SANDBOX,
            "--port",
            str(port),
            cwd=tmp_path,
            env=clean_env(),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1, lines
    assert f"127.0.0.1:{port}" in lines[0] and "--port" in lines[0]
    assert "Traceback" not in out.decode()


def test_the_page_needs_nothing_from_the_internet_and_no_build_step() -> None:
    static = static_folder()
    files = sorted(p.name for p in static.iterdir())
    assert files == ["chat.css", "chat.js", "index.html", "texts.json"]
    for name in files:
        text = (static / name).read_text(encoding="utf-8")
        assert "://" not in text, f"{name} refers to another host"


def test_every_page_text_is_in_swedish_and_danish() -> None:
    texts = json.loads((static_folder() / "texts.json").read_text(encoding="utf-8"))
    assert set(texts) == {"sv", "da"}
    assert set(texts["sv"]) == set(texts["da"])
    for key in texts["sv"]:
        sv, da = texts["sv"][key], texts["da"][key]
        assert sv.strip() and da.strip(), key
        assert re.findall(r"{\w+}", sv) == re.findall(r"{\w+}", da), key
    html = (static_folder() / "index.html").read_text(encoding="utf-8")
    for key in re.findall(r'data-t="([^"]+)"', html):
        assert key in texts["sv"], f"index.html uses {key!r}, which texts.json lacks"
    script = (static_folder() / "chat.js").read_text(encoding="utf-8")
    for key in re.findall(r'\bt\("([\w-]+)"\s*[,)]', script):
        assert key in texts["sv"], f"chat.js uses {key!r}, which texts.json lacks"


def test_a_bad_port_is_one_line_and_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", "--no-browser", "--port", "http"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("rostbot: argument --port: 'http' is not a port number")


def test_a_file_given_as_the_data_folder_is_one_line_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("notes\n", encoding="utf-8")
    assert main(["sandbox", "--no-browser", "--port", "0", "--data", str(not_a_folder)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert (
        err[0] == f"rostbot: --data {not_a_folder} is a file: name a folder (it is made if missing)"
    )
    assert not_a_folder.read_text(encoding="utf-8") == "notes\n"


def test_sandbox_help_says_what_the_sandbox_is(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["sandbox", "--help"])
    assert done.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "no token and no internet" in text
    assert "The database, demo keys and chats stay in the data folder between runs." in text


def test_a_new_person_never_gets_an_id_given_before_on_the_folder(tmp_path: Path) -> None:
    first_run = [new_user_id(tmp_path) for _ in range(3)]
    # A later run on the same folder (the counter is read from the folder each time).
    second_run = [new_user_id(tmp_path) for _ in range(3)]
    given = first_run + second_run
    assert len(set(given)) == len(given)
    assert given == sorted(given)
    assert min(given) > COORDINATOR_ID


async def test_saved_chats_that_cannot_be_read_leave_the_page_empty_and_the_sandbox_running(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / HISTORY_FILE).write_text('{"version": 1, "people": [{"key": "p1"}]}', "utf-8")
    async with local_bot(data=data, flows=None) as local:
        desk = ChatDesk(local)
        assert desk.people == {}
        assert "the saved chats could not be read" in caplog.text
        person = await open_flow(desk, "meeting_feedback", "sv")
        await person.user.wait_for_message(lambda m: "Ja, jag vill vara med" in m.button_texts())
        await desk.close()
    saved = json.loads((data / HISTORY_FILE).read_text("utf-8"))
    assert [p["key"] for p in saved["people"]] == [person.key]
