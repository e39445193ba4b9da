"""Coded values, the codebook, what counts as positive, and whether a response is complete.

Everything here reads the flow files; nothing here opens a record or writes a file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from rostbot.core.flow_model import (
    NO_POSITION_CODE,
    Flow,
    MultiChoiceQuestion,
    Question,
    RatingQuestion,
    ScaleQuestion,
    TextQuestion,
    YesNoQuestion,
)

SKIPPED = "(skipped)"
DECLINED = "(declined)"
TEXT = "(text)"
CODEBOOK_COLUMNS = (
    "flow_id",
    "question_id",
    "type",
    "indicator",
    "code",
    "label_sv",
    "label_da",
    "positive",
    "question_sv",
    "question_da",
)
COUNTED_TYPES = frozenset({"scale", "yes_no", "rating_0_10"})
DEFAULT_POSITIVE_FROM = 7
YES_NO_LABELS = {"yes": ("Ja", "Ja"), "no": ("Nej", "Nej")}


def coded(value: object) -> str | None:
    """A record's value as it is stored: codes as they are, multiple choices joined by |."""
    if value is None:
        return None
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    return str(value)


def shown(status: str, value: str | None, question_type: str) -> str:
    """The value as `responses.csv` shows it."""
    if status == "skipped":
        return SKIPPED
    if status == "declined":
        return DECLINED
    if question_type == "text":
        return TEXT
    return value or ""


def is_positive(question_type: str, value: str, question: Question | None) -> bool | None:
    """Whether an answer counts as positive; None when the question does not count."""
    if question_type == "scale":
        if not isinstance(question, ScaleQuestion):
            return None  # a scale whose flow file is gone: its positive codes are unknown
        if value == NO_POSITION_CODE:
            return None  # "don't know / does not apply" counts neither way
        return value in question.positive_codes()
    if question_type == "yes_no":
        return value == "yes"
    if question_type == "rating_0_10":
        threshold = (
            question.positive_from
            if isinstance(question, RatingQuestion)
            else DEFAULT_POSITIVE_FROM
        )
        return value.isdigit() and int(value) >= threshold
    return None


def _label(text: object, lang: str) -> str:
    return str(getattr(text, lang, None) or "")


def codebook_rows(flows: Mapping[str, Flow]) -> Iterator[dict[str, str]]:
    """One row per answer code of every question, flows in alphabetical order."""
    for flow_id in sorted(flows):
        flow = flows[flow_id]
        for q in flow.questions:
            base = {
                "flow_id": flow.id,
                "question_id": q.id,
                "type": q.type,
                "indicator": q.indicator,
                "question_sv": _label(q.text, "sv"),
                "question_da": _label(q.text, "da"),
            }
            for code, sv, da in _codes(q):
                positive = code != "" and is_positive(q.type, code, q) is True
                yield {
                    **base,
                    "code": code,
                    "label_sv": sv,
                    "label_da": da,
                    "positive": "true" if positive else "false",
                }


def _codes(q: Question) -> Iterator[tuple[str, str, str]]:
    if isinstance(q, TextQuestion):
        yield ("", "", "")
    elif isinstance(q, YesNoQuestion):
        for code, (sv, da) in YES_NO_LABELS.items():
            yield (code, sv, da)
    elif isinstance(q, RatingQuestion):
        for n in range(11):
            ends = q.low if n == 0 else q.high if n == 10 else None
            yield (
                str(n),
                f"{n} {_label(ends, 'sv')}".strip(),
                f"{n} {_label(ends, 'da')}".strip(),
            )
    elif isinstance(q, ScaleQuestion):
        for p in q.points:
            yield (p.code, _label(p.label, "sv"), _label(p.label, "da"))
    else:
        assert not isinstance(q, MultiChoiceQuestion) or q.options
        for o in q.options:
            yield (o.code, _label(o.label, "sv"), _label(o.label, "da"))


def question_columns(
    flows: Mapping[str, Flow], answered: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """(flow_id, question_id) of every column: the flows' questions, then any others seen."""
    columns = [(f, q.id) for f in sorted(flows) for q in flows[f].questions]
    known = set(columns)
    columns += [pair for pair in answered if pair not in known]
    return columns


def status_of(flow: Flow | None, answers: Mapping[str, tuple[str, str | None, str]]) -> str:
    """`complete` when every question the person was shown has a record, else `partial`."""
    if flow is None:
        return "unknown"
    for q in flow.questions:
        condition = q.show_if
        if condition is not None:
            source = answers.get(condition.question)
            if source is None or source[0] != "answered" or source[1] is None:
                continue  # its question was skipped or not reached: this one was hidden
            value = source[1]
            earlier: object = value.split("|") if _is_multi(flow, condition.question) else value
            if not condition.holds(earlier):
                continue
        if q.id not in answers:
            return "partial"
    return "complete"


def _is_multi(flow: Flow, question_id: str) -> bool:
    try:
        return flow.question(question_id).type == "multi_choice"
    except KeyError:
        return False
