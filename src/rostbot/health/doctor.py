"""`rostbot doctor`: everything `rostbot run` needs, checked from the settings, one line each.

Each check returns findings: `ok`, `warning` (worth a look, not in the way of running) or
`fix` (must be fixed). The command prints them in order, then one summary line, and exits
0 when nothing must be fixed, else 1. No line holds the token, an answer or a person.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import aiohttp

from rostbot import credentials
from rostbot.config import (
    TELEGRAM_API_URL,
    TOKEN_PATTERN,
    ConfigError,
    Settings,
    settings_from_env,
)
from rostbot.core.flow_loader import check_flows, load_flows
from rostbot.crypto.analyst_keys import KeyFileError, load_public_keys
from rostbot.crypto.server_secret import SecretFileError, ServerSecret
from rostbot.flow_wordings import compare_read_only
from rostbot.health import key_scan
from rostbot.health.reading import known_schema, open_read_only, schema_version
from rostbot.retention import policy_for
from rostbot.store.database import StoreError

Level = Literal["ok", "warning", "fix"]
DEFAULT_MIN_FREE = 1024**3  # 1 GiB
BOT_API_TIMEOUT = 10.0  # seconds for getMe
MAX_CLOCK_SKEW = timedelta(minutes=2)
TELEGRAM_WEBHOOK_PORTS = (443, 80, 88, 8443)  # the only ports Telegram delivers webhooks to
# A clock before this day is wrong for sure (a board without a real-time clock starts in 1970).
EARLIEST_PLAUSIBLE = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Finding:
    level: Level
    text: str

    def line(self) -> str:
        return f"{self.level}: {self.text}"


def _ok(text: str) -> Finding:
    return Finding("ok", text)


def _warn(text: str) -> Finding:
    return Finding("warning", text)


def _fix(text: str) -> Finding:
    return Finding("fix", text)


def run_doctor(
    env: Mapping[str, str] | None = None,
    *,
    offline: bool = False,
    min_free: int | None = None,
    say: Callable[[str], None] = print,
) -> int:
    """Check everything, print one line per finding and a summary; 0 if nothing to fix."""
    findings: list[Finding] = []

    def note(found: list[Finding]) -> None:
        for finding in found:
            say(finding.line())
        findings.extend(found)

    env = os.environ if env is None else env
    try:
        settings = settings_from_env(env)
        policy_for(settings, env)
    except ConfigError as exc:
        note([_fix(f"settings: {exc}")])
        settings = None
    if settings is not None:
        note([_ok("settings: every ROSTBOT_* setting reads")])
        token, found = read_token(settings)
        note(found)
        if offline:
            note([_ok("Bot API: not called (--offline)")])
        else:
            note(asyncio.run(check_bot_api(settings, token, env)))
        note(check_receiving(settings))
        note(check_clock(settings))
        note(asyncio.run(check_database(settings)))
        note(check_disk(settings.db_path, DEFAULT_MIN_FREE if min_free is None else min_free))
        note(check_secret(settings.secret_file))
        note(check_public_keys(settings))
        note(check_no_private_key(settings))
        note(check_flow_files(settings.flows_dir))
        note(check_flow_wordings(settings))
        note(check_log_file(env))
        note(check_contacts(settings))
    to_fix = sum(f.level == "fix" for f in findings)
    warnings = sum(f.level == "warning" for f in findings)
    if to_fix:
        say(f"doctor: {to_fix} to fix, {warnings} warning(s)")
        return 1
    say(f"doctor: all {len(findings)} checks passed, {warnings} warning(s)")
    return 0


# ------------------------------------------------------------------------ the Bot API


def read_token(settings: Settings) -> tuple[str | None, list[Finding]]:
    """The token from ROSTBOT_TOKEN, ROSTBOT_TOKEN_FILE or the credential, and what is wrong."""
    where = f"token file {settings.token_file}" if settings.token_file else "ROSTBOT_TOKEN"
    token = settings.token
    if token is None and settings.token_file is not None:
        try:
            token = credentials.read_token_file(settings.token_file)
        except credentials.CredentialError as exc:
            return None, [_fix(str(exc))]
    if not token:
        return None, [
            _fix("ROSTBOT_TOKEN is not set (the token BotFather gave you; or ROSTBOT_TOKEN_FILE)")
        ]
    if not TOKEN_PATTERN.fullmatch(token):
        return None, [_fix(f"{where} does not look like a bot token (digits:letters)")]
    found = [_ok(f"{where} holds a token shaped like a bot token")]
    if settings.token_file is not None:
        mode = stat.S_IMODE(settings.token_file.stat().st_mode)
        if mode & 0o077:
            found.append(
                _warn(
                    f"token file {settings.token_file} has mode {mode:04o}: "
                    "make it readable by the bot's user alone (chmod 0400)"
                )
            )
    return token, found


async def check_bot_api(
    settings: Settings, token: str | None, env: Mapping[str, str]
) -> list[Finding]:
    """getMe with the token: the Bot API reachable, the token taken, the clocks agreeing."""
    where = settings.bot_api_url
    if token is None:
        return [_warn(f"Bot API at {where}: not called without a usable token")]
    url = f"{where}{token}/getMe"
    timeout = aiohttp.ClientTimeout(total=BOT_API_TIMEOUT)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(url) as answer,
        ):
            status = answer.status
            date_header = answer.headers.get("Date")
            body = await answer.json(content_type=None) if status == 200 else None
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        # the type only: aiohttp's messages hold the URL, and the URL holds the token
        return [_fix(f"cannot reach the Bot API at {where} ({type(exc).__name__})")]
    if status in (401, 403, 404):
        refused = credentials.token_source(env)
        return [_fix(f"the Bot API at {where} refused {refused} (HTTP {status})")]
    result = body.get("result") if isinstance(body, dict) and body.get("ok") else None
    if status != 200 or not isinstance(result, dict):
        return [_fix(f"the Bot API at {where} answered getMe with HTTP {status}")]
    found = [_ok(f"Bot API at {where}: reachable; the token is the bot @{result.get('username')}")]
    wanted = env.get("ROSTBOT_BOT_USERNAME", "").strip().lstrip("@")
    if wanted and wanted.lower() != str(result.get("username", "")).lower():
        found.append(
            _warn(
                f"ROSTBOT_BOT_USERNAME is @{wanted} but the token is the bot "
                f"@{result.get('username')}: invitation links would go to the wrong bot"
            )
        )
    found += _clock_against(date_header, where)
    return found


def _clock_against(date_header: str | None, where: str) -> list[Finding]:
    if not date_header:
        return []
    try:
        theirs = parsedate_to_datetime(date_header)
    except (TypeError, ValueError):
        return []
    skew = abs(datetime.now(UTC) - theirs)
    if skew > MAX_CLOCK_SKEW:
        return [
            _fix(
                f"the system clock is {int(skew.total_seconds())} s away from the Bot API's "
                f"({where}): set up time synchronisation (NTP, systemd-timesyncd)"
            )
        ]
    return [_ok("system clock agrees with the Bot API's (within 2 minutes)")]


def check_receiving(settings: Settings) -> list[Finding]:
    """Polling, or a webhook Telegram can deliver to; the health endpoint on its own port."""
    found = []
    if settings.health_listen is not None and settings.health_listen == settings.webhook_listen:
        found.append(_fix("ROSTBOT_HEALTH_LISTEN and ROSTBOT_WEBHOOK_LISTEN are the same address"))
    found.append(_webhook(settings))
    return found


def _webhook(settings: Settings) -> Finding:
    if not settings.webhook_url and settings.webhook_listen is None:
        return _ok("updates by long polling (getUpdates)")
    if not settings.webhook_url or settings.webhook_listen is None:
        return _fix(
            "webhook mode needs both ROSTBOT_WEBHOOK_URL and ROSTBOT_WEBHOOK_LISTEN "
            "(or --webhook and --listen)"
        )
    url = urlsplit(settings.webhook_url)
    port = url.port or (443 if url.scheme == "https" else 80)
    if settings.bot_api_url == TELEGRAM_API_URL and (
        url.scheme != "https" or port not in TELEGRAM_WEBHOOK_PORTS
    ):
        return _fix(
            "Telegram delivers webhooks only over https to ports 443, 80, 88 or 8443, "
            f"not to {url.scheme}://{url.hostname}:{port}"
        )
    host, listen_port = settings.webhook_listen
    return _ok(f"updates by webhook at {settings.webhook_url}, taken on {host}:{listen_port}")


# -------------------------------------------------------------------- host and files


def check_clock(settings: Settings) -> list[Finding]:
    now = datetime.now(UTC)
    if now < EARLIEST_PLAUSIBLE:
        return [_fix(f"the system clock says {now:%Y-%m-%d}: set the date and time")]
    local = now.astimezone(settings.zone)
    return [_ok(f"time zone {settings.tz}: now {local:%Y-%m-%d %H:%M} there")]


async def check_database(settings: Settings) -> list[Finding]:
    path = settings.db_path
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        return [_fix(f"database folder {folder} does not exist: create it for the bot's user")]
    if not os.access(folder, os.W_OK | os.X_OK):
        return [
            _fix(
                f"database folder {folder} is not writable by this user: the bot writes the "
                "database, its write-ahead log and its lock there"
            )
        ]
    if not path.exists():
        return [_ok(f"database {path}: not made yet; `rostbot run` makes it at the first start")]
    if not os.access(path, os.R_OK | os.W_OK):
        return [_fix(f"database {path} is not readable and writable by this user")]
    try:
        db = await open_read_only(path)
        try:
            schema = await schema_version(db)
        finally:
            await db.close()
    except StoreError as exc:
        return [_fix(f"database: {exc}")]
    newest = known_schema()
    if schema > newest:
        return [
            _fix(
                f"database {path} has schema {schema}, newer than this rostbot's {newest}: "
                "install the rostbot that wrote it"
            )
        ]
    note = "" if schema == newest else f"; `rostbot run` upgrades it to {newest}"
    return [_ok(f"database {path}: opens, schema {schema}{note}")]


def check_disk(db_path: Path, min_free: int) -> list[Finding]:
    folder = db_path.parent if str(db_path.parent) else Path(".")
    if not folder.is_dir():
        return []  # said by the database check
    free = shutil.disk_usage(folder).free
    shown = f"{free / 1024**3:.1f} GiB"
    if free < min_free:
        return [
            _warn(
                f"only {shown} free on the disk of {folder} (under {min_free / 1024**3:.1f} "
                "GiB): the bot stops writing answers when it is full"
            )
        ]
    return [_ok(f"{shown} free on the disk of {folder}")]


def check_secret(path: Path | None) -> list[Finding]:
    if path is None:
        return [_fix("ROSTBOT_SECRET_FILE is not set (make one with `rostbot secret --out`)")]
    try:
        info = path.stat()
    except FileNotFoundError:
        return [_fix(f"server secret {path} does not exist (make it with `rostbot secret --out`)")]
    except OSError as exc:
        return [_fix(f"server secret {path} cannot be read: {exc.strerror}")]
    found = []
    mode = stat.S_IMODE(info.st_mode)
    if mode not in (0o600, 0o400):
        found.append(_fix(f"server secret {path} has mode {mode:04o}: run `chmod 600 {path}`"))
    if info.st_uid != os.geteuid() and not _is_credential(path):
        found.append(
            _fix(f"server secret {path} is not owned by this user (uid {os.geteuid()}): chown it")
        )
    try:
        ServerSecret.load(path)
    except SecretFileError as exc:
        found.append(_fix(str(exc)))
    return found or [_ok(f"server secret {path}: mode {mode:04o}, owned by this user")]


def _is_credential(path: Path) -> bool:
    """A file systemd handed over ($CREDENTIALS_DIRECTORY): systemd chooses its owner."""
    directory = os.environ.get("CREDENTIALS_DIRECTORY", "").strip()
    return bool(directory) and path.resolve().parent == Path(directory).resolve()


def check_public_keys(settings: Settings) -> list[Finding]:
    if not settings.analyst_key_paths:
        return [_fix("ROSTBOT_ANALYST_KEY is not set (path to the analysts' public key)")]
    try:
        keys = load_public_keys(list(settings.analyst_key_paths))
    except KeyFileError as exc:
        return [_fix(f"analyst key: {exc}")]
    ids = ", ".join(k.key_id for k in keys)
    return [
        _ok(f"analysts' public key(s) load: {ids} (new answers are sealed to {keys[0].key_id})")
    ]


def check_no_private_key(settings: Settings) -> list[Finding]:
    folders = key_scan.folders_to_scan([*settings.analyst_key_paths, settings.secret_file])
    found = [
        _fix(
            f"DANGER: {key.path} is {key.kind}"
            + (f" (key id {key.key_id})" if key.key_id else "")
            + ": the analysts' private key must never be on the bot host; move it to the "
            "analysts' computer, then delete it here"
        )
        for folder in folders
        for key in key_scan.private_keys_in(folder)
    ]
    where = ", ".join(str(f) for f in folders) or "no key folder set"
    return found or [_ok(f"no analyst private key in {where}")]


def check_flow_files(folder: Path) -> list[Finding]:
    problems = check_flows(folder)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return [_fix(f"flows: {problems[0]}{more}; see `rostbot flows check {folder}`")]
    flows = load_flows(folder)
    return [_ok(f"{len(flows)} flow(s) load from {folder}: {', '.join(sorted(flows))}")]


def check_flow_wordings(settings: Settings) -> list[Finding]:
    """A warning per flow version whose wording changed since the database first used it."""
    if check_flows(settings.flows_dir):
        return []  # check_flow_files says what is wrong
    try:
        changes = asyncio.run(compare_read_only(settings.db_path, load_flows(settings.flows_dir)))
    except StoreError:
        return []  # check_database says why it cannot be read
    return [_warn(change.english()) for change in changes or []]


def check_log_file(env: Mapping[str, str]) -> list[Finding]:
    raw = env.get("ROSTBOT_LOG_FILE", "").strip()
    if not raw:
        return [_ok("log: to stderr (with systemd, the journal)")]
    path = Path(raw)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        return [
            _fix(f"log folder {folder} is missing or not writable by this user (rotation needs it)")
        ]
    if path.exists():
        info = path.stat()
        if info.st_uid != os.geteuid() or not os.access(path, os.W_OK):
            return [_fix(f"log file {path} is not owned and writable by this user")]
    return [_ok(f"log: {path}, rotated in a writable folder")]


def check_contacts(settings: Settings) -> list[Finding]:
    found = []
    if settings.organisation == "rostbot":
        found.append(_warn("ROSTBOT_ORGANISATION is not set: the consent text names `rostbot`"))
    if not settings.dpo:
        found.append(
            _warn("ROSTBOT_DPO is not set: people are told to reach the DPO through the contact")
        )
    if not settings.organizer_email:
        found.append(
            _warn("ROSTBOT_ORGANIZER_EMAIL is not set: calendar files name no real address")
        )
    return found
