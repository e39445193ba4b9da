"""The time estimate promised before a person says yes."""

from __future__ import annotations

from rostbot.core.flow_model import Flow
from rostbot.core.flow_time import estimated_minutes, estimated_seconds


def _flow(questions: list[dict[str, object]]) -> Flow:
    text = {"sv": "x", "da": "x"}
    return Flow.model_validate(
        {
            "id": "timed",
            "version": 1,
            "target_group": "test",
            "title": text,
            "languages": ["sv", "da"],
            "intro": text,
            "outro": text,
            "purpose": text,
            "questions": questions,
        }
    )


def test_button_questions_take_six_seconds_plus_reading_time() -> None:
    # Ten words read at 150 words a minute: 4 seconds; a press: 6 seconds.
    words = " ".join(["ord"] * 10)
    flow = _flow(
        [{"id": "a", "type": "yes_no", "indicator": "overall", "text": {"sv": words, "da": words}}]
    )
    assert estimated_seconds(flow, "sv") == 10
    assert estimated_minutes(flow, "sv") == 1


def test_free_text_takes_forty_seconds_and_minutes_round_up() -> None:
    questions: list[dict[str, object]] = [
        {
            "id": f"q{i}",
            "type": "text",
            "indicator": "overall",
            "text": {"sv": "Vad?", "da": "Hvad?"},
        }
        for i in range(2)
    ]
    flow = _flow(questions)
    # Two questions of one word each: 2 * (0.4 + 40) = 80.8 seconds, so 81; 2 minutes.
    assert estimated_seconds(flow, "da") == 81
    assert estimated_minutes(flow, "da") == 2
