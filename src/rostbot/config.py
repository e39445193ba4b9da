"""Settings read once from the environment and checked before anything starts."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from email.errors import HeaderParseError
from email.headerregistry import Address
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rostbot import credentials

TELEGRAM_API_URL = "https://api.telegram.org/bot"
TOKEN_PATTERN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{10,100}$")
COUNTRIES: tuple[str, ...] = ("se", "dk")
# Where a person can complain about how their data is handled, by country.
SUPERVISORY_AUTHORITIES: dict[str, str] = {
    "se": "Integritetsskyddsmyndigheten (IMY), imy.se",
    "dk": "Datatilsynet, datatilsynet.dk",
}


class ConfigError(Exception):
    """Configuration is missing or wrong; the message is one line for the operator."""


@dataclass(frozen=True)
class Settings:
    token: str | None = field(default=None, repr=False)
    # ROSTBOT_TOKEN_FILE or the credential `token`: read by require_run_settings, so that
    # commands without a need for the token never touch it (rostbot.credentials).
    token_file: Path | None = None
    bot_api_url: str = TELEGRAM_API_URL
    db_path: Path = Path("rostbot.sqlite3")
    flows_dir: Path = Path("flows")
    analyst_key_paths: tuple[Path, ...] = ()
    secret_file: Path | None = None
    coordinators: frozenset[int] = frozenset()
    tz: str = "Europe/Stockholm"
    organisation: str = "rostbot"
    # The ORGANIZER of calendar files (with the organisation's name); '' for an address
    # under the reserved .invalid domain (rostbot.meetings.calendar_file).
    organizer_email: str = ""
    contact: str = ""
    # The country whose rules apply (age limits, the supervisory authority); a flow
    # may name its own `jurisdiction`.
    country: str = "se"
    dpo: str = ""  # how to reach the data protection officer
    supervisory_authority: str = ""  # empty: the country's authority
    legal_basis_sv: str = ""  # empty: the public task, in the catalog's plain words
    legal_basis_da: str = ""
    privacy_url: str = ""  # the full privacy notice on the organisation's website
    support_sv: str = ""  # where to get help or talk to someone, e.g. a phone line
    support_da: str = ""
    retention_days: int = 365
    reminder_offsets: tuple[int, ...] = (24 * 60, 2 * 60)  # minutes before a meeting
    # Bot API calls per second into chats, across all chats: Telegram allows about 30.
    # 0 turns the pacing off (a local stand-in Bot API has no such limit).
    send_rate: float = 30.0
    # How often the chat's message numbers noted for /clear are written (one transaction
    # for everyone); a crash loses at most this many seconds of them.
    chat_log_flush_seconds: float = 2.0
    # Webhook mode (rostbot.telegram.webhook): the public URL Telegram posts updates to and
    # the address the bot listens on behind the reverse proxy; '' and None: long polling.
    webhook_url: str = ""
    webhook_listen: tuple[str, int] | None = None
    # The health endpoint's address (/healthz, /metrics: rostbot.health.server); None: off.
    health_listen: tuple[str, int] | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def authority(self) -> str:
        return self.supervisory_authority or SUPERVISORY_AUTHORITIES[self.country]

    def legal_basis(self, lang: str) -> str:
        """The organisation's own legal-basis wording in `lang`, or '' for the default."""
        return self.legal_basis_da if lang == "da" else self.legal_basis_sv

    def support(self, lang: str) -> str:
        """The organisation's support line in `lang` (else the other language's), or ''."""
        first, second = (
            (self.support_da, self.support_sv)
            if lang == "da"
            else (self.support_sv, self.support_da)
        )
        return first or second

    @property
    def bot_file_url(self) -> str:
        return self.bot_api_url.removesuffix("/bot") + "/file/bot"


def _int_list(raw: str, name: str) -> frozenset[int]:
    values: set[int] = set()
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            raise ConfigError(f"{name} must be Telegram user ids separated by commas")
        values.add(int(part))
    return frozenset(values)


def _reminder_offsets(raw: str) -> tuple[int, ...]:
    """ROSTBOT_REMINDERS, e.g. '24h,2h' or '90m': minutes before a meeting; '' for none."""
    offsets: set[int] = set()
    for part in raw.split(","):
        part = part.strip().lower()
        if not part:
            continue
        number, unit = part[:-1], part[-1]
        if unit not in "hm" or not number.isdigit() or int(number) < 1:
            raise ConfigError("ROSTBOT_REMINDERS must be times like 24h,2h or 90m")
        offsets.add(int(number) * (60 if unit == "h" else 1))
    return tuple(sorted(offsets, reverse=True))


def _organizer_email(raw: str) -> str:
    """ROSTBOT_ORGANIZER_EMAIL: one e-mail address (RFC 5322 addr-spec), or ''."""
    raw = raw.strip()
    if not raw:
        return ""
    try:
        address = Address(addr_spec=raw)
    except (ValueError, IndexError, HeaderParseError):
        address = None
    if address is None or not address.username or "." not in address.domain:
        raise ConfigError(
            "ROSTBOT_ORGANIZER_EMAIL must be one e-mail address, like kalender@kommun.example"
        )
    return raw


def webhook_url(raw: str, name: str = "ROSTBOT_WEBHOOK_URL") -> str:
    """A webhook URL: http(s)://host[:port]/path, without user, query or fragment; or ''."""
    raw = raw.strip()
    if not raw:
        return ""
    try:
        parts = urlsplit(raw)
        _ = parts.port  # raises ValueError on a bad port
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("https", "http")
        or not parts.hostname
        or parts.username is not None
        or parts.query
        or parts.fragment
        or any(c.isspace() for c in raw)
    ):
        raise ConfigError(f"{name} must be a web address like https://bot.example.org/updates")
    return raw


def listen_address(raw: str, name: str = "ROSTBOT_WEBHOOK_LISTEN") -> tuple[str, int] | None:
    """HOST:PORT (an IPv6 host in brackets) for the webhook's HTTP server; or None."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        parts = urlsplit("//" + raw)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or not parts.hostname or not port or parts.path or parts.username is not None:
        raise ConfigError(f"{name} must be HOST:PORT, like 127.0.0.1:8443")
    return parts.hostname, port


def settings_from_env(env: Mapping[str, str] | None = None) -> Settings:
    """Read ROSTBOT_* variables; raise ConfigError (one line) on bad values."""
    env = os.environ if env is None else env
    tz = env.get("ROSTBOT_TZ", "Europe/Stockholm")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"ROSTBOT_TZ={tz!r} is not a known time zone") from None
    url = env.get("ROSTBOT_BOT_API_URL", TELEGRAM_API_URL).rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ConfigError("ROSTBOT_BOT_API_URL must start with http:// or https://")
    keys = tuple(
        Path(p.strip()) for p in env.get("ROSTBOT_ANALYST_KEY", "").split(",") if p.strip()
    )
    try:
        token_file = credentials.token_file(env)
        secret = credentials.secret_file(env)
    except credentials.CredentialError as exc:
        raise ConfigError(str(exc)) from None
    retention = env.get("ROSTBOT_RETENTION_DAYS", "365")
    if not retention.isdigit() or int(retention) < 1:
        raise ConfigError("ROSTBOT_RETENTION_DAYS must be a whole number of days, 1 or more")
    send_rate = env.get("ROSTBOT_SEND_RATE", "30")
    try:
        rate = float(send_rate)
    except ValueError:
        rate = -1.0
    if not 0 <= rate <= 1000:
        raise ConfigError("ROSTBOT_SEND_RATE must be a number of messages per second, 0 to 1000")
    country = env.get("ROSTBOT_COUNTRY", "dk" if tz == "Europe/Copenhagen" else "se")
    if country not in COUNTRIES:
        raise ConfigError("ROSTBOT_COUNTRY must be se (Sweden) or dk (Denmark)")
    privacy_url = env.get("ROSTBOT_PRIVACY_URL", "").strip()
    if privacy_url and not privacy_url.startswith(("https://", "http://")):
        raise ConfigError("ROSTBOT_PRIVACY_URL must be a web address starting with https://")
    return Settings(
        token=None if token_file else env.get("ROSTBOT_TOKEN") or None,
        token_file=token_file,
        bot_api_url=url,
        db_path=Path(env.get("ROSTBOT_DB", "rostbot.sqlite3")),
        flows_dir=Path(env.get("ROSTBOT_FLOWS", "flows")),
        analyst_key_paths=keys,
        secret_file=secret,
        coordinators=_int_list(env.get("ROSTBOT_COORDINATORS", ""), "ROSTBOT_COORDINATORS"),
        tz=tz,
        organisation=env.get("ROSTBOT_ORGANISATION", "rostbot"),
        organizer_email=_organizer_email(env.get("ROSTBOT_ORGANIZER_EMAIL", "")),
        contact=env.get("ROSTBOT_CONTACT", ""),
        country=country,
        dpo=env.get("ROSTBOT_DPO", "").strip(),
        supervisory_authority=env.get("ROSTBOT_SUPERVISORY_AUTHORITY", "").strip(),
        legal_basis_sv=env.get("ROSTBOT_LEGAL_BASIS_SV", "").strip(),
        legal_basis_da=env.get("ROSTBOT_LEGAL_BASIS_DA", "").strip(),
        privacy_url=privacy_url,
        support_sv=env.get("ROSTBOT_SUPPORT_SV", "").strip(),
        support_da=env.get("ROSTBOT_SUPPORT_DA", "").strip(),
        retention_days=int(retention),
        reminder_offsets=_reminder_offsets(env.get("ROSTBOT_REMINDERS", "24h,2h")),
        send_rate=rate,
        webhook_url=webhook_url(env.get("ROSTBOT_WEBHOOK_URL", "")),
        webhook_listen=listen_address(env.get("ROSTBOT_WEBHOOK_LISTEN", "")),
        health_listen=listen_address(env.get("ROSTBOT_HEALTH_LISTEN", ""), "ROSTBOT_HEALTH_LISTEN"),
    )


def require_run_settings(settings: Settings) -> Settings:
    """Fail fast when `rostbot run` lacks what it needs; the settings with the token read."""
    if settings.token is None and settings.token_file is not None:
        try:
            settings = replace(settings, token=credentials.read_token_file(settings.token_file))
        except credentials.CredentialError as exc:
            raise ConfigError(str(exc)) from None
    if not settings.token:
        raise ConfigError(
            "ROSTBOT_TOKEN is not set (the token BotFather gave you; "
            "or ROSTBOT_TOKEN_FILE, or the credential token)"
        )
    if not TOKEN_PATTERN.fullmatch(settings.token):
        where = f"token file {settings.token_file}" if settings.token_file else "ROSTBOT_TOKEN"
        raise ConfigError(f"{where} does not look like a bot token (digits:letters)")
    if not settings.analyst_key_paths:
        raise ConfigError("ROSTBOT_ANALYST_KEY is not set (path to the analysts' public key)")
    if settings.secret_file is None:
        raise ConfigError("ROSTBOT_SECRET_FILE is not set (make one with `rostbot secret --out`)")
    if bool(settings.webhook_url) != (settings.webhook_listen is not None):
        raise ConfigError(
            "webhook mode needs both a URL (--webhook or ROSTBOT_WEBHOOK_URL) and an address "
            "to listen on (--listen or ROSTBOT_WEBHOOK_LISTEN)"
        )
    return settings
