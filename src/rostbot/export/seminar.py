"""Which files of an export folder may leave the analysts' team, and the seminar's free text.

`publish` files hold only group-level numbers with small groups hidden (indicators.csv,
counts.csv), the codebook, and free text prepared for a seminar. `analysts` files are
pseudonymised row-level data: one row per person's response, with unit, provider and
month, also for groups of one. They are not anonymous (GDPR recital 26) and stay within
the analysts' team.

The seminar's free text drops the response id and the month (so one person's answers
cannot be lined up, nor placed in time), orders each question's answers by their text,
and shows a question's answers only when at least the minimum group wrote one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

SEMINAR_FREE_TEXT = "free_text_seminar.csv"
PUBLISH = "publish"
ANALYSTS = "analysts"
SHARING = {
    "indicators.csv": PUBLISH,
    "counts.csv": PUBLISH,
    "codebook.csv": PUBLISH,
    SEMINAR_FREE_TEXT: PUBLISH,
    "responses.csv": ANALYSTS,
    "responses.xlsx": ANALYSTS,
    "free_text.csv": ANALYSTS,
}


def seminar_free_text(
    texts: Iterable[tuple[str, str, str, str, str, str]], min_group: int
) -> Iterator[list[str]]:
    """(flow_id, question_id, lang, text) rows from the analysts' free text.

    `texts` are (response, flow_id, question_id, lang, month, text), ordered by flow and
    question, as ExportState.free_texts() gives them.
    """
    question: tuple[str, str] | None = None
    answers: list[tuple[str, str]] = []
    for _response, flow_id, question_id, lang, _month, text in texts:
        if (flow_id, question_id) != question:
            yield from _shown(question, answers, min_group)
            question, answers = (flow_id, question_id), []
        answers.append((text, lang))
    yield from _shown(question, answers, min_group)


def _shown(
    question: tuple[str, str] | None, answers: list[tuple[str, str]], min_group: int
) -> Iterator[list[str]]:
    if question is None or len(answers) < min_group:
        return
    for text, lang in sorted(answers):
        yield [question[0], question[1], lang, text]
