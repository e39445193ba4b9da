"""The wording of a flow version: every text a person reads in it, as one fingerprint.

The consent's text hash and the export's codebook name a flow by its id and `version`,
so one (id, version) must always mean one wording. A `FlowWording` holds a SHA-256 of
the canonical JSON of every text a respondent reads in the flow (title, intro, outro,
purpose, support; per question its text, help, the ends of a rating and each option's
code with its label), per language, in the order shown; and one SHA-256 per part, so a
difference can be named by question id without keeping any text.

Texts are compared as Unicode NFC, so an editor that stores the same letters in another
normal form changes nothing; any other change of a character, space or line counts.
Settings-made texts (the organisation's name, the consent dialogue's own words) are the
catalogs' and the settings', not the flow's, and are not part of it.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from rostbot.core.flow_model import LANGUAGES, Flow, Option, Question, Text

# The flow's own texts a person reads, in the order they meet them.
FLOW_TEXTS: tuple[str, ...] = ("title", "intro", "purpose", "support", "outro")
QUESTION_TEXTS: tuple[str, ...] = ("text", "help", "low", "high")
QUESTION_PART = "question:"  # a question's part is named by its id after this prefix
ORDER_PART = "order"  # the order of the questions


@dataclass(frozen=True)
class FlowWording:
    flow_id: str
    version: int
    fingerprint: str  # SHA-256 (hex) of the canonical JSON of every text a person reads
    parts: Mapping[str, str]  # "title", ..., "question:<id>", "order" -> SHA-256 (hex)


@dataclass(frozen=True)
class WordingChange:
    """A flow version whose wording is not the one first used for it (names only, no text)."""

    flow_id: str
    version: int
    questions: tuple[str, ...]  # ids of questions changed, added or removed
    flow_texts: tuple[str, ...]  # title, intro, purpose, support, outro
    order: bool  # the questions are in another order

    def english(self) -> str:
        """One line for the operator: what differs, by name, and what to do."""
        what = []
        if self.questions:
            what.append(f"questions {', '.join(self.questions)}")
        if self.flow_texts:
            what.append(f"the flow's {', '.join(self.flow_texts)}")
        if self.order:
            what.append("the order of the questions")
        return (
            f"flow {self.flow_id} version {self.version}: the wording differs from the one "
            f"this database first used for version {self.version} ({'; '.join(what)}); "
            "answers and consents of both would carry the same version: raise `version` "
            "in the flow file"
        )


def _text(value: Text | None) -> dict[str, str]:
    if value is None:
        return {}
    return {
        lang: unicodedata.normalize("NFC", str(getattr(value, lang)))
        for lang in LANGUAGES
        if getattr(value, lang)
    }


def _options(question: Question) -> list[list[object]]:
    items: list[Option] = list(getattr(question, "options", None) or ())
    items += list(getattr(question, "points", None) or ())
    return [[o.code, _text(o.label)] for o in items]


def _question_texts(question: Question) -> dict[str, object]:
    texts: dict[str, object] = {k: _text(getattr(question, k, None)) for k in QUESTION_TEXTS}
    texts["options"] = _options(question)
    return texts


def _digest(value: object) -> str:
    canonical = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def wording_of(flow: Flow) -> FlowWording:
    """The fingerprint of everything a person reads in this flow version."""
    flow_texts = {name: _text(getattr(flow, name)) for name in FLOW_TEXTS}
    questions = [{"id": q.id, **_question_texts(q)} for q in flow.questions]
    parts = {name: _digest(texts) for name, texts in flow_texts.items()}
    for question, texts in zip(flow.questions, questions, strict=True):
        parts[QUESTION_PART + question.id] = _digest(texts)
    parts[ORDER_PART] = _digest([q.id for q in flow.questions])
    fingerprint = _digest({"flow": flow_texts, "questions": questions})
    return FlowWording(flow.id, flow.version, fingerprint, parts)


def change_between(first: FlowWording, now: FlowWording) -> WordingChange | None:
    """What differs between the wording first used and this one; None if nothing does."""
    if first.fingerprint == now.fingerprint:
        return None
    names = sorted(set(first.parts) | set(now.parts))
    differ = [n for n in names if first.parts.get(n) != now.parts.get(n)]
    question_ids = [n.removeprefix(QUESTION_PART) for n in differ if n.startswith(QUESTION_PART)]
    # Questions in the flow's order (parts keep it); removed ones last.
    position = {name: i for i, name in enumerate(now.parts)}
    question_ids.sort(key=lambda qid: (position.get(QUESTION_PART + qid, len(position)), qid))
    same_questions = _questions(first) == _questions(now)
    return WordingChange(
        flow_id=now.flow_id,
        version=now.version,
        questions=tuple(question_ids),
        flow_texts=tuple(n for n in FLOW_TEXTS if n in differ),
        # Added or removed questions explain a new order themselves.
        order=ORDER_PART in differ and same_questions,
    )


def _questions(wording: FlowWording) -> set[str]:
    return {name for name in wording.parts if name.startswith(QUESTION_PART)}
