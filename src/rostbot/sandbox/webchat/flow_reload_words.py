"""What a reload of the flows tells the page, in both of its languages.

A broken flow file's problems keep their file, line and path as `rostbot flows check`
prints them; their reasons come in Swedish and Danish from the gettext catalogs (the
reason's catalog words, `rostbot.core.flow_problems.Reason`), and in English too: a
language a reason has no catalog words for (a library's rare message) shows the English,
marked as English by the page. A flow version whose wording changed without a new
`version` is told by ids only; the page words it from texts.json.
"""

from __future__ import annotations

from typing import Any

from rostbot.core.flow_problems import FlowProblem
from rostbot.core.flow_wording import WordingChange
from rostbot.i18n import Translations

JSON = dict[str, Any]
PAGE_LANGUAGES = ("sv", "da")


def problem_json(problem: FlowProblem, texts: Translations) -> JSON:
    """The problem with its reason in English and in each page language that has words for it."""
    reasons: dict[str, str] = {}
    for lang in PAGE_LANGUAGES:
        if problem.words is None:
            break

        def template(msgid: str, lang: str = lang) -> str | None:
            return texts.text(lang, msgid) if texts.has(lang, msgid) else None

        said = problem.words.translated(template)
        if said is not None:
            reasons[lang] = said
    return {
        "file": problem.file,
        "line": problem.line,
        "path": problem.path,
        "reason": problem.reason,
        "reasons": reasons,
    }


def wording_json(change: WordingChange) -> JSON:
    """A changed wording by name: the flow, its version, and what differs (ids, no text)."""
    return {
        "flow": change.flow_id,
        "version": change.version,
        "questions": list(change.questions),
        "texts": list(change.flow_texts),
        "order": change.order,
    }
