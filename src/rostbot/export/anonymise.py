"""From an opened record to an anonymised answer: keyed response id, coded value, scrubbed text.

Nothing that leaves this module carries the bot's record or response id, an exact time
or unscrubbed free text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from rostbot.core.flow_model import Flow, Question
from rostbot.crypto.export_keys import ExportIds
from rostbot.export.codes import COUNTED_TYPES, coded, is_positive
from rostbot.export.opening import OpenedAnswer
from rostbot.export.scrub import scrub
from rostbot.store.export_state import StoredAnswer


def _question(flows: Mapping[str, Flow], flow_id: str, question_id: str) -> Question | None:
    flow = flows.get(flow_id)
    if flow is None:
        return None
    try:
        return flow.question(question_id)
    except KeyError:
        return None


def anonymise(opened: OpenedAnswer, ids: ExportIds, flows: Mapping[str, Flow]) -> StoredAnswer:
    """The answer as the export folder keeps it."""
    record = opened.record
    value = coded(opened.value)
    positive: bool | None = None
    rating: int | None = None
    scrubbed: str | None = None
    if value is not None and opened.question_type == "text":
        cleaned = scrub(value)
        value = cleaned.text
        scrubbed = json.dumps(cleaned.counts, sort_keys=True) if cleaned.counts else None
    elif value is not None and opened.question_type in COUNTED_TYPES:
        question = _question(flows, record.flow_id, record.question_id)
        positive = is_positive(opened.question_type, value, question)
        if opened.question_type == "rating_0_10" and value.isdigit():
            rating = int(value)
    return StoredAnswer(
        response=ids.response(record.response_id),
        flow_id=record.flow_id,
        flow_version=record.flow_version,
        lang=opened.lang,
        unit=opened.unit,
        provider=opened.provider or "",
        question_id=record.question_id,
        question_type=opened.question_type,
        indicator=opened.indicator,
        status=opened.status,
        value=value,
        positive=positive,
        rating=rating,
        month=opened.month,
        scrubbed=scrubbed,
        cohort=opened.cohort or "",
        wave=opened.wave or "",
    )
