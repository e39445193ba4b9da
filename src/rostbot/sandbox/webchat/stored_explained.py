"""What each table of the "what is stored" panel holds, how each column is protected, how long.

The per-table words are the record of processing's (rostbot.health.processing_words), so the
page and `rostbot doctor --processing-record` never say two different things; the retention
periods are filled in from the settings the sandbox runs with (rostbot.retention.policy_for),
never typed in. `PROTECTION` says, per column, what a reader of the database file needs to
read it; a column missing there shows as "not described", never as protected.
"""

from __future__ import annotations

from typing import Any

from rostbot.config import ConfigError, Settings
from rostbot.health.processing_record import kept_text
from rostbot.health.processing_words import TABLES
from rostbot.retention import policy_for

JSON = dict[str, Any]
PAGE_LANGUAGES = ("sv", "da")

# What protects a column in the file.
SEALED = "sealed"  # HPKE to the analysts' public key: only their private key opens it
SECRET = "secret"  # ChaCha20-Poly1305, key derived from the server secret: the bot host opens it
PSEUDONYM = "pseudonym"  # HMAC-SHA256 of the Telegram user id keyed by the server secret
HASH = "hash"  # SHA-256 of a code or a text, no key: whoever has the code can test it
PLAIN = "plain"  # readable by anyone holding the file
UNDESCRIBED = "undescribed"

PROTECTION: dict[str, dict[str, str]] = {
    "invitations": {"code_hash": HASH},
    "respondents": {"pseudonym": PSEUDONYM, "contact_handle": SECRET},
    "consents": {"pseudonym": PSEUDONYM, "text_hash": HASH},
    "declines": {"pseudonym": PSEUDONYM},
    "runs": {"pseudonym": PSEUDONYM, "invitation_hash": HASH, "state": SECRET},
    "sealed_answers": {"sealed": SEALED},
    "coordinators": {"pseudonym": PSEUDONYM},
    "coordinator_codes": {"code_hash": HASH},
    "bookings": {"pseudonym": PSEUDONYM, "alias": SECRET, "needs": SECRET, "reach": SECRET},
    "slot_waitlist": {"pseudonym": PSEUDONYM},
    "outbox": {"pseudonym": PSEUDONYM},
    "chat_messages": {"pseudonym": PSEUDONYM, "ids": SECRET},
    "flow_wordings": {"fingerprint": HASH, "parts": HASH},
}
# Columns of each table that are plain on purpose; any other column is "not described".
PLAIN_COLUMNS: dict[str, frozenset[str]] = {
    "invitations": frozenset(
        {"flow_id", "unit", "provider", "batch_id", "created_on", "used_on", "cohort", "wave"}
    ),
    "respondents": frozenset({"lang", "created_on", "withdrawn_on"}),
    "consents": frozenset(
        {"id", "kind", "flow_id", "flow_version", "lang", "choices", "given_at", "withdrawn_at"}
    ),
    "declines": frozenset({"flow_id"}),
    "runs": frozenset(
        {"run_id", "response_id", "flow_id", "flow_version", "status", "step", "started_on"}
        | {"updated_on"}
    ),
    "sealed_answers": frozenset(
        {"record_id", "response_id", "question_id", "flow_id", "flow_version", "key_id"}
        | {"sealed_on", "exported_on"}
    ),
    "handled_updates": frozenset({"update_id", "handled_on"}),
    "coordinators": frozenset({"added_on"}),
    "coordinator_codes": frozenset({"created_on", "redeemed_on"}),
    "series": frozenset({"series_id", "kind", "rule", "created_on"}),
    "events": frozenset(
        {"event_id", "kind", "series_id", "session", "details", "languages", "tz"}
        | {"starts_at", "ends_at", "capacity", "status", "sequence", "created_on"}
    ),
    "bookings": frozenset(
        {"event_id", "status", "number", "queue", "revision", "attended", "updated_at"}
    ),
    "outbox": frozenset(
        {"id", "dedupe_key", "event_id", "kind", "payload", "due_at", "status", "attempts"}
        | {"message_id", "done_at"}
    ),
    "chat_messages": frozenset({"updated_at"}),
    "results_messages": frozenset({"message_id", "flow_id", "text_sv", "text_da", "created_at"}),
    "slot_waitlist": frozenset({"series_id", "queue", "added_at"}),
    "flow_wordings": frozenset({"flow_id", "version", "first_used_on"}),
}


def protection(table: str, column: str) -> str:
    """What a reader of the file needs to read this column."""
    kind = PROTECTION.get(table, {}).get(column)
    if kind is not None:
        return kind
    return PLAIN if column in PLAIN_COLUMNS.get(table, frozenset()) else UNDESCRIBED


def explain(table: str, columns: list[str], settings: Settings) -> JSON:
    """The table's words in the page's languages, and each column's protection."""
    try:
        policy = policy_for(settings)
    except ConfigError:
        policy = None
    words: JSON = {}
    for lang in PAGE_LANGUAGES:
        record = TABLES[lang].get(table)
        if record is None:
            continue
        kept = kept_text(record, policy) if policy is not None else ""
        words[lang] = {"holds": record.holds, "form": record.form, "kept": kept}
    return {"words": words, "protection": {c: protection(table, c) for c in columns}}
