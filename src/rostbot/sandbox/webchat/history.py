"""The page's chats kept in the data folder, so that a restarted sandbox shows them again.

A phone keeps its chats when the bot restarts, and so does the page: `ChatHistoryFile` writes
what the page shows (its people, their chats, the bot's messages with their buttons) as JSON
a moment after each change and once more when the sandbox stops, and a sandbox started on the
same folder reads it back. Like the chat on a person's phone it is in clear; it holds demo
chats only, and "Start over" empties it. The bot's database is not touched here.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

JSON = dict[str, Any]
HISTORY_FILE = "page-chats.json"
VERSION = 1
SAVE_DELAY = 0.3  # seconds: many changes in a burst (a flow's first messages) make one write


class ChatHistoryFile:
    """One JSON file of the page's chats: read once at start, written soon after changes."""

    def __init__(self, path: Path, record: Callable[[], JSON]) -> None:
        self.path = path
        self._record = record  # what to write: the page's chats as they are now
        self._pending: asyncio.Task[None] | None = None

    def load(self) -> JSON | None:
        """The chats saved last time; None when there are none or they cannot be read."""
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            log.warning("sandbox page: the saved chats could not be read; the page starts empty")
            return None
        if not isinstance(saved, dict) or saved.get("version") != VERSION:
            return None
        return saved

    def changed(self) -> None:
        """Write the chats a moment from now (once for a burst of changes)."""
        if self._pending is None or self._pending.done():
            self._pending = asyncio.ensure_future(self._save_soon())

    async def _save_soon(self) -> None:
        await asyncio.sleep(SAVE_DELAY)
        text = self._text()
        await asyncio.to_thread(self._write, text)

    def _text(self) -> str:
        return json.dumps({"version": VERSION, **self._record()}, ensure_ascii=False)

    def _write(self, text: str) -> None:
        try:
            handle, temporary = tempfile.mkstemp(prefix=".page-chats.", dir=self.path.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
            os.replace(temporary, self.path)  # mkstemp made it readable by its owner alone
        except OSError as exc:
            log.warning("sandbox page: the chats could not be saved (%s)", exc.strerror)

    async def close(self) -> None:
        """Write what is unsaved now (the sandbox is stopping)."""
        if self._pending is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._pending  # a write under way ends before the last one starts
        self._write(self._text())
