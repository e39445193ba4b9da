"""Telegram ids for the sandbox's simulated people: never the same twice on one data folder.

The bot keeps what it knows about a person (language, consent, answers, bookings) under a
pseudonym of their Telegram id, and the database outlives a sandbox's run. A sandbox that
handed out an id again after a restart would give a new person an earlier person's data.
So the next id is kept in the data folder. Ids also start above the clock's count of
seconds, so that even without that file they stay clear of earlier runs' ids unless those
runs made more people than seconds have passed since.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

ID_FILE = "next-user-id"
# Above the simulated coordinator (7_000_000_000) and the ids the stand-in hands out itself.
CLOCK_BASE = 8_000_000_000


def new_user_id(data: Path) -> int:
    """An id no person made on this data folder had before; the next one is saved at once."""
    path = data / ID_FILE
    try:
        saved = int(path.read_text(encoding="ascii").strip())
    except (FileNotFoundError, ValueError):
        saved = 0
    user_id = max(saved, CLOCK_BASE + int(time.time()))
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(f"{user_id + 1}\n", encoding="ascii")
    os.replace(temporary, path)
    return user_id
