"""How long a flow takes to answer: the one estimate the consent text and checks use.

A person reads each question at about 150 words a minute, then needs about
6 seconds to press a button or about 40 seconds to write a free-text answer.
Every question counts, also those shown only after certain answers, so the
figure is what the longest way through the flow takes.
"""

from __future__ import annotations

import math

from rostbot.core.flow_model import Flow, TextQuestion

WORDS_PER_MINUTE = 150
SECONDS_PER_BUTTON_ANSWER = 6
SECONDS_PER_TEXT_ANSWER = 40


def estimated_seconds(flow: Flow, lang: str) -> int:
    """Seconds to read and answer every question of `flow` in `lang` (rounded up)."""
    total = 0.0
    for question in flow.questions:
        words = len(question.text.get(lang).split())
        total += words * 60 / WORDS_PER_MINUTE
        if isinstance(question, TextQuestion):
            total += SECONDS_PER_TEXT_ANSWER
        else:
            total += SECONDS_PER_BUTTON_ANSWER
    return math.ceil(total)


def estimated_minutes(flow: Flow, lang: str) -> int:
    """Whole minutes, rounded up: the figure promised before the person says yes."""
    return max(1, math.ceil(estimated_seconds(flow, lang) / 60))
