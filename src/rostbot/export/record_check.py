"""Checking an opened record against its flow and the invitation rules.

The bot host holds the analysts' public key, so whoever controls that host can seal
records of their own. A record is written to the export folder only if it could have
come from the bot: its flow is among the flow files, its question, type, indicator,
status and value are what that flow allows, and its unit, provider, cohort and wave have the shape
`invite` gives them. A record that fails stays waiting and is reported by id; the
message names the field that failed, never what the record holds.

Records of an older (or newer) version of a flow than the flow file are checked by
shape only (a code is 1-16 letters, digits or _, a text at most the longest any flow
allows), since that version's questions and options are not at hand.
"""

from __future__ import annotations

from collections.abc import Mapping

from rostbot.core import unit_names
from rostbot.core.flow_model import (
    CODE_PATTERN,
    ID_PATTERN,
    MAX_TEXT_LENGTH,
    STANDARD_INDICATORS,
    Flow,
    MultiChoiceQuestion,
    Question,
    TextQuestion,
)
from rostbot.export.opening import OpenedAnswer, RecordProblem


def check(opened: OpenedAnswer, flows: Mapping[str, Flow]) -> None:
    """Raise RecordProblem, naming the record and the field, if the record is not one
    the bot could have written."""
    record = opened.record
    problem = _problem(opened, flows)
    if problem is not None:
        raise RecordProblem(
            f"record {record.record_id} does not match flow {record.flow_id} "
            f"version {record.flow_version}: {problem}"
        )


def _problem(opened: OpenedAnswer, flows: Mapping[str, Flow]) -> str | None:
    record = opened.record
    flow = flows.get(record.flow_id)
    if flow is None:
        return "the flow is not among the flow files (give its folder with --flows)"
    if not unit_names.is_unit_name(opened.unit):
        return "its unit is not a name `invite` gives"
    if opened.provider is not None and not unit_names.is_unit_name(opened.provider):
        return "its provider is not a name `invite` gives"
    if opened.cohort is not None and not unit_names.is_unit_name(opened.cohort):
        return "its cohort is not a name `invite` gives"
    if opened.wave is not None and not unit_names.is_wave(opened.wave):
        return "its wave is not a name `invite` gives"
    if record.flow_version != flow.version:
        return _shape_problem(opened)
    try:
        question = flow.question(record.question_id)
    except KeyError:
        return "the flow has no such question"
    if opened.lang not in flow.languages:
        return "the flow is not offered in its language"
    if opened.question_type != question.type:
        return "its question type is not the question's"
    if opened.indicator != question.indicator:
        return "its indicator is not the question's"
    if opened.status == "skipped" and not question.skippable:
        return "it skips a required question"
    if opened.status == "declined" and not question.sensitive:
        return "it declines a question that cannot be declined"
    if opened.status != "answered":
        return None
    return _value_problem(opened.value, question)


def _value_problem(value: str | list[str] | None, question: Question) -> str | None:
    if isinstance(question, TextQuestion):
        if not isinstance(value, str) or not value.strip():
            return "its text is empty"
        if len(value) > question.max_length:
            return "its text is longer than the question allows"
        return None
    codes = question.answer_codes() or []
    if isinstance(question, MultiChoiceQuestion):
        if not isinstance(value, list) or not value:
            return "its choices are not a list of options"
        if len(set(value)) != len(value) or not set(value) <= set(codes):
            return "its choices are not options of the question"
        if question.max_selected is not None and len(value) > question.max_selected:
            return "it has more choices than the question allows"
        return None
    if not isinstance(value, str) or value not in codes:
        return "its value is not an option of the question"
    return None


def _shape_problem(opened: OpenedAnswer) -> str | None:
    """For a version whose flow file is not at hand: the shapes every flow keeps to."""
    record = opened.record
    if not ID_PATTERN.fullmatch(record.question_id):
        return "its question id is not an id"
    indicator = opened.indicator
    custom = indicator.removeprefix("custom:")
    if indicator not in STANDARD_INDICATORS and not (
        indicator.startswith("custom:") and ID_PATTERN.fullmatch(custom)
    ):
        return "its indicator is not an indicator"
    value = opened.value
    if opened.status != "answered":
        return None
    if opened.question_type == "text":
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT_LENGTH:
            return "its text is empty or longer than any question allows"
        return None
    if opened.question_type == "multi_choice":
        if not isinstance(value, list) or not value:
            return "its choices are not a list of options"
        if not all(CODE_PATTERN.fullmatch(v) for v in value):
            return "its choices are not option codes"
        return None
    if not isinstance(value, str) or not CODE_PATTERN.fullmatch(value):
        return "its value is not an option code"
    if opened.question_type == "yes_no" and value not in ("yes", "no"):
        return "its value is not yes or no"
    if opened.question_type == "rating_0_10" and value not in {str(n) for n in range(11)}:
        return "its value is not a rating from 0 to 10"
    return None
