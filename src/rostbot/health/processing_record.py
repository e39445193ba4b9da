"""The record of processing (GDPR art. 30) for a deployment, written from what it runs with.

Everything that differs between deployments comes from the settings, the flow files and the
code: who is responsible, the purposes (one per flow), the keys answers are sealed to, and
every retention period (from `rostbot.retention` and `rostbot.store.retention`, never typed
in). The words, in English, Swedish and Danish, are in rostbot.health.processing_words; a table that
a migration adds without a description there is listed as undescribed, so the record never
silently leaves one out. The organisation checks the record and completes it.
"""

from __future__ import annotations

import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

from rostbot.config import Settings
from rostbot.core.flow_loader import FlowFileError, load_flows
from rostbot.core.flow_model import Flow
from rostbot.crypto.analyst_keys import KeyFileError, load_public_keys
from rostbot.health.processing_words import LANGUAGES, TABLES, WORDS, TableRecord
from rostbot.journey.chat_log import DELETABLE
from rostbot.retention import policy_for
from rostbot.store import database
from rostbot.store.retention import CHAT_MESSAGES_KEPT, RetentionPolicy


class RecordError(Exception):
    """The record cannot be written; one line."""


def migration_tables() -> list[str]:
    """Every table the migrations create, in order, from an empty in-memory database."""
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute("CREATE TABLE schema_migrations (number INTEGER PRIMARY KEY, name TEXT)")
        for _, _, sql in database._migrations():
            connection.executescript(sql)
        return [
            str(row[0])
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid"
            )
        ]
    finally:
        connection.close()


def kept_text(table: TableRecord, policy: RetentionPolicy) -> str:
    """How long the table is kept, with the periods of this deployment filled in."""
    return table.kept.format(
        grace=policy.grace_days,
        keep=policy.keep_days,
        chat_days=CHAT_MESSAGES_KEPT.days,
        deletable=int(DELETABLE.total_seconds() // 3600),
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _title(flow: Flow) -> str:
    shown = flow.analyst_title or flow.title
    return " / ".join(getattr(shown, lang) for lang in ("sv", "da") if getattr(shown, lang))


def _text_lang(lang: str, country: str) -> tuple[str, str]:
    """The flow languages to quote, best first: the record's own, else the country's."""
    first = lang if lang in ("sv", "da") else ("da" if country == "dk" else "sv")
    return first, "da" if first == "sv" else "sv"


def _purpose(flow: Flow, order: tuple[str, str]) -> str:
    return next(str(getattr(flow.purpose, lang)) for lang in order if getattr(flow.purpose, lang))


def render(
    settings: Settings,
    flows: dict[str, Flow],
    policy: RetentionPolicy,
    today: str,
    lang: str = "en",
) -> str:
    """The record as Markdown, in `lang` (en, sv or da)."""
    words = WORDS[lang]

    def say(key: str, **values: object) -> str:
        return words[key].format(**values)

    try:
        keys = ", ".join(k.key_id for k in load_public_keys(list(settings.analyst_key_paths)))
    except KeyFileError as exc:
        keys = say("keys_unreadable", reason=exc)
    ordered = sorted(flows.values(), key=lambda f: f.id)
    meetings = bool(settings.coordinators) or any(
        f.target_group == "meeting_participants" or f.ask_interview for f in ordered
    )
    out = [
        say("title", organisation=settings.organisation),
        "",
        say("made_by", today=today, flow_count=len(flows), flows_dir=settings.flows_dir),
        "",
        say("controller_heading"),
        "",
        say("controller", organisation=settings.organisation),
        say(
            "contact",
            contact=settings.contact or say("contact_unset", organisation=settings.organisation),
        ),
        say("dpo", dpo=settings.dpo or say("dpo_unset")),
        say("rules", country=say(settings.country), authority=settings.authority),
        say(
            "legal_basis",
            legal_basis=settings.legal_basis(_text_lang(lang, settings.country)[0])
            or settings.legal_basis(_text_lang(lang, settings.country)[1])
            or say("legal_basis_default"),
        ),
        say("privacy_notice", privacy_url=settings.privacy_url or say("privacy_unset")),
        "",
        say("purposes_heading"),
        "",
        say("purposes"),
        "",
        say("flow_columns"),
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for flow in ordered:
        age = flow.age_limit(settings.country)
        out.append(
            f"| `{flow.id}` (v{flow.version}) | {_cell(_title(flow))} | {flow.target_group} | "
            f"{', '.join(flow.languages)} | {age if age is not None else say('not_asked')} | "
            f"{len(flow.questions)} | {say('yes' if flow.has_sensitive_questions() else 'no')} "
            f"| {say('yes' if flow.ask_contact else 'no')} "
            f"| {say('yes' if flow.ask_interview else 'no')} |"
        )
    out.append("")
    order = _text_lang(lang, settings.country)
    out += [say("purpose", flow_id=f.id, purpose=_cell(_purpose(f, order))) for f in ordered]
    if meetings:
        out.append(say("meetings"))
    out += [
        "",
        say("subjects_heading"),
        "",
        say("subjects_clients"),
        say("subjects_staff"),
        "",
        say("stored_heading"),
        "",
        say("stored", db_path=settings.db_path, keys=keys, secret_file=settings.secret_file),
        "",
        say("table_columns"),
        "|---|---|---|---|",
    ]
    for name in migration_tables():
        table = TABLES[lang].get(name)
        if table is None:
            out.append(f"| `{name}` | {say('not_described')} | | |")
            continue
        out.append(
            f"| `{name}` | {_cell(table.holds)} | {_cell(table.form)} | "
            f"{_cell(kept_text(table, policy))} |"
        )
    out += [
        "",
        say(
            "retention",
            grace=policy.grace_days,
            keep=policy.keep_days,
            chat_days=CHAT_MESSAGES_KEPT.days,
            told_days=settings.retention_days,
        ),
        "",
        say("readers_heading"),
        "",
        say("readers_host"),
        say("readers_analysts"),
        say("readers_coordinators"),
        "",
        say("recipients_heading"),
        "",
        say("recipients_telegram"),
        say("recipients_api", bot_api=settings.bot_api_url.removesuffix("/bot")),
        say("recipients_none"),
        "",
        say("security_heading"),
        "",
        say("security_sealing"),
        say("security_at_rest"),
        say("security_logs"),
        say("security_doctor"),
        "",
    ]
    return "\n".join(out)


def write_record(settings: Settings, *, lang: str, out: Path | None) -> int:
    """Write the record to `out` or stdout; RecordError (one line) if it cannot be made."""
    if lang not in LANGUAGES:
        raise RecordError(f"the record of processing is written in {' or '.join(LANGUAGES)}")
    try:
        flows = load_flows(settings.flows_dir)
    except FlowFileError as exc:
        raise RecordError(f"cannot read the flows: {exc}") from None
    today = datetime.now(UTC).date().isoformat()
    text = render(settings, flows, policy_for(settings), today, lang)
    if out is None:
        sys.stdout.write(text)
        return 0
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise RecordError(f"cannot write {out}: {exc.strerror}") from None
    print(f"record of processing: {out}")
    return 0
