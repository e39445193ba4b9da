"""Opening sealed records with the analysts' private keys.

Records are opened by the key their row names. A record for a key we were not given is
reported by key id; a record that does not open, or whose contents do not match its
row, is reported by record id. Neither stops the export of the others.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from rostbot.crypto.analyst_keys import AnalystPrivateKey
from rostbot.crypto.export_keys import ExportIds
from rostbot.crypto.sealing import SealContext, SealError, open_sealed
from rostbot.store.export_queue import QueuedRecord

TYPES = frozenset({"scale", "choice", "multi_choice", "yes_no", "text", "rating_0_10"})
STATUSES = frozenset({"answered", "skipped", "declined"})


class RecordProblem(Exception):
    """A record that cannot be exported; the message names its id and nothing it holds."""


@dataclass(frozen=True)
class OpenedAnswer:
    """The plaintext of one record, checked against its row."""

    record: QueuedRecord
    question_type: str
    indicator: str
    status: str
    value: str | list[str] | None
    unit: str
    provider: str | None
    lang: str
    month: str
    cohort: str | None = None  # records sealed before cohorts and waves have neither
    wave: str | None = None


class KeyRing:
    """The private keys given to `export`, by key id."""

    def __init__(self, keys: Sequence[AnalystPrivateKey]) -> None:
        self._keys = {k.key_id: k for k in keys}
        self.ids = {k.key_id: ExportIds.for_key(k) for k in keys}

    def holds(self, key_id: str) -> bool:
        return key_id in self._keys

    def open(self, record: QueuedRecord) -> OpenedAnswer:
        """Open and check one record; raises RecordProblem naming the record id."""
        key = self._keys[record.key_id]
        context = SealContext(
            record.record_id,
            record.response_id,
            record.flow_id,
            record.flow_version,
            record.question_id,
        )
        try:
            plaintext = open_sealed(record.sealed, key, context)
        except SealError as exc:
            raise RecordProblem(str(exc)) from None
        try:
            data = json.loads(plaintext)
            return _checked(record, data)
        except (ValueError, KeyError, TypeError):
            raise RecordProblem(
                f"record {record.record_id} opens but its contents are not a valid answer"
            ) from None


def _text(data: dict[str, object], name: str) -> str:
    value = data[name]
    if not isinstance(value, str):
        raise ValueError(name)
    return value


def _checked(record: QueuedRecord, data: dict[str, object]) -> OpenedAnswer:
    """The answer, if its fields are what the record format says (not `assert`: -O drops it)."""
    for name in ("record_id", "response_id", "flow_id", "flow_version", "question_id"):
        if data[name] != getattr(record, name):
            raise ValueError(name)
    question_type, status = _text(data, "question_type"), _text(data, "status")
    lang, month = _text(data, "lang"), _text(data, "month")
    if question_type not in TYPES or status not in STATUSES or lang not in ("sv", "da"):
        raise ValueError("type, status or lang")
    if not (len(month) == 7 and month[4] == "-" and month[:4].isdigit()):
        raise ValueError("month")
    if not (month[5:].isdigit() and 1 <= int(month[5:]) <= 12):
        raise ValueError("month")
    raw = data["value"]
    value: str | list[str] | None = None
    if status == "answered":
        if isinstance(raw, str):
            value = raw
        elif isinstance(raw, list) and all(isinstance(v, str) for v in raw):
            value = [str(v) for v in raw]
        else:
            raise ValueError("value")
    elif raw is not None:
        raise ValueError("value")  # the bot writes no value for a skipped or declined question
    provider = data["provider"]
    if provider is not None and not isinstance(provider, str):
        raise ValueError("provider")
    cohort, wave = data.get("cohort"), data.get("wave")
    if cohort is not None and not isinstance(cohort, str):
        raise ValueError("cohort")
    if wave is not None and not isinstance(wave, str):
        raise ValueError("wave")
    return OpenedAnswer(
        record,
        question_type,
        _text(data, "indicator"),
        status,
        value,
        _text(data, "unit"),
        provider,
        lang,
        month,
        cohort,
        wave,
    )
