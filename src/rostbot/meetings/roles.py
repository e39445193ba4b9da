"""Who coordinates: ROSTBOT_COORDINATORS (from the configuration) or a redeemed one-time code.

Configured Telegram ids never reach the database; people who redeem a code are
stored by pseudonym. Codes are printed once and stored only as hashes.
"""

from __future__ import annotations

import hashlib
import secrets

from rostbot.journey.services import Person, Services
from rostbot.store import coordinators
from rostbot.store.database import Database

CODE_PREFIX = "coord-"  # tells a coordinator code from a letter's invitation at a glance


def code_hash(code: str) -> str:
    return hashlib.sha256(f"coordinator:{code}".encode()).hexdigest()


def new_code() -> str:
    return CODE_PREFIX + secrets.token_urlsafe(16)


def looks_like_code(text: str) -> bool:
    return text.startswith(CODE_PREFIX) and 10 <= len(text) <= 64 and text.isascii()


async def make_codes(db: Database, count: int, today: str) -> list[str]:
    codes = [new_code() for _ in range(count)]
    await coordinators.add_codes(db, [code_hash(c) for c in codes], today)
    return codes


async def is_coordinator(services: Services, person: Person) -> bool:
    """Checked on every command and every press: roles are never carried in buttons."""
    if person.user_id in services.settings.coordinators:
        return True
    return await coordinators.is_coordinator(services.db, services.pseudonym(person))


async def redeem(services: Services, person: Person, code: str) -> bool:
    if not looks_like_code(code):
        return False
    async with services.db.transaction() as tx:
        return await coordinators.redeem(
            tx, code_hash(code), services.pseudonym(person), services.today()
        )
