"""Making invitation codes for letters: codes are printed once and stored only as hashes."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from rostbot.config import ConfigError, Settings
from rostbot.core import unit_names
from rostbot.core.flow_loader import load_flows
from rostbot.journey.consent import code_hash, new_invitation_code
from rostbot.store import invitations
from rostbot.store.database import Database

BOT_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")


def link(bot: str, code: str) -> str:
    return f"https://t.me/{bot}?start={code}"


def code_of(deep_link: str) -> str:
    """The invitation code in a deep link (its `start` parameter)."""
    return parse_qs(urlsplit(deep_link).query)["start"][0]


async def make_invitations(
    settings: Settings,
    *,
    bot: str,
    flow_id: str,
    unit: str,
    provider: str | None,
    count: int,
    cohort: str | None = None,
    wave: str | None = None,
) -> list[str]:
    """Create `count` single-use codes for a flow and unit; return their deep links."""
    bot = bot.removeprefix("@")
    if not BOT_PATTERN.fullmatch(bot):
        raise ConfigError(f"{bot!r} is not a Telegram bot username")
    check_names(unit=unit, provider=provider, cohort=cohort, wave=wave)
    flows = load_flows(settings.flows_dir)
    if flow_id not in flows:
        raise ConfigError(
            f"no flow {flow_id!r} in {settings.flows_dir} (there are: {', '.join(sorted(flows))})"
        )
    db = await Database.open(settings.db_path)
    try:
        codes = await issue_codes(
            db,
            flow_id=flow_id,
            unit=unit,
            provider=provider,
            count=count,
            cohort=cohort,
            wave=wave,
        )
    finally:
        await db.close()
    return [link(bot, c) for c in codes]


def check_names(
    *, unit: str, provider: str | None, cohort: str | None = None, wave: str | None = None
) -> None:
    """Raise ConfigError (one line, naming the option) for a name `invite` does not take."""
    for name, value in (("unit", unit), ("provider", provider), ("cohort", cohort)):
        if value is not None and not unit_names.is_unit_name(value):
            raise ConfigError(f"--{name} must be {unit_names.RULE}")
    if wave is not None and not unit_names.is_wave(wave):
        raise ConfigError(f"--wave must be {unit_names.WAVE_RULE}, e.g. 2027 or 2027-spring")


async def issue_codes(
    db: Database,
    *,
    flow_id: str,
    unit: str,
    provider: str | None,
    count: int,
    cohort: str | None = None,
    wave: str | None = None,
) -> list[str]:
    """Store `count` new single-use codes (as hashes) in an open database; return the codes.

    The caller has checked the flow id and the names (`check_names`); the sandbox uses
    this with the running bot's database and flows. `cohort` and `wave` travel with the
    answers into the export, as unit and provider do.
    """
    codes = [new_invitation_code() for _ in range(count)]
    await invitations.add_batch(
        db,
        [code_hash(c) for c in codes],
        flow_id=flow_id,
        unit=unit,
        provider=provider,
        cohort=cohort,
        wave=wave,
        batch_id=secrets.token_hex(6),
        today=datetime.now(UTC).date().isoformat(),
    )
    return codes


async def withdraw(settings: Settings, links: Sequence[str]) -> int:
    """Delete the not yet used invitations behind `links` (no letter holds them); how many."""
    db = await Database.open(settings.db_path)
    try:
        return await invitations.remove_unused(db, [code_hash(code_of(li)) for li in links])
    finally:
        await db.close()
