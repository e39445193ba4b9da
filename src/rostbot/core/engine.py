"""The flow engine: a run's state plus one input gives the next state.

Pure functions, no I/O. The state remembers where the person is, the way they
came (for Back), and only those earlier answers that a later `show_if` reads;
every other answer leaves the engine at once, to be sealed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from rostbot.core.flow_model import (
    Flow,
    MultiChoiceQuestion,
    Question,
    TextQuestion,
)

AnswerValue = str | list[str] | None
Status = Literal["answered", "skipped", "declined"]


@dataclass(frozen=True)
class RunState:
    """Where one person is in one flow."""

    position: str | None  # current question id; None once every question is behind
    history: tuple[str, ...] = ()  # questions passed, in order
    known: dict[str, AnswerValue] = field(default_factory=dict)  # only what show_if reads
    selected: tuple[str, ...] = ()  # a multi_choice selection being made

    def to_json(self) -> dict[str, object]:
        return {
            "position": self.position,
            "history": list(self.history),
            "known": self.known,
            "selected": list(self.selected),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> RunState:
        position = data.get("position")
        history = data.get("history", [])
        known = data.get("known", {})
        selected = data.get("selected", [])
        assert position is None or isinstance(position, str)
        assert isinstance(history, list) and isinstance(known, dict)
        assert isinstance(selected, list)
        return cls(position, tuple(history), dict(known), tuple(selected))


@dataclass(frozen=True)
class Choose:
    code: str


@dataclass(frozen=True)
class Toggle:
    code: str


@dataclass(frozen=True)
class Done:
    pass


@dataclass(frozen=True)
class Typed:
    text: str


@dataclass(frozen=True)
class Skip:
    pass


@dataclass(frozen=True)
class Decline:
    """'I'd rather not answer' on a sensitive question."""


@dataclass(frozen=True)
class Back:
    pass


Input = Choose | Toggle | Done | Typed | Skip | Decline | Back


@dataclass(frozen=True)
class Recorded:
    """An answer to seal and store."""

    question_id: str
    status: Status
    value: AnswerValue


@dataclass(frozen=True)
class Problem:
    """The input does not fit the question; nothing changes."""

    reason: Literal[
        "empty",
        "too_long",
        "not_an_option",
        "needs_buttons",
        "needs_text",
        "not_optional",
        "not_sensitive",
        "nothing_chosen",
        "too_many",
        "at_start",
        "finished",
    ]
    limit: int = 0
    length: int = 0


@dataclass(frozen=True)
class Outcome:
    state: RunState
    recorded: Recorded | None = None
    forget: str | None = None  # question whose stored answer Back takes away
    problem: Problem | None = None


def _visible(flow: Flow, question: Question, known: dict[str, AnswerValue]) -> bool:
    condition = question.show_if
    if condition is None:
        return True
    if condition.question not in known:
        return False  # the earlier question was skipped or hidden: its follow-up is too
    return condition.holds(known[condition.question])


def _next_position(flow: Flow, after_index: int, known: dict[str, AnswerValue]) -> str | None:
    for question in flow.questions[after_index + 1 :]:
        if _visible(flow, question, known):
            return question.id
    return None


def start(flow: Flow) -> RunState:
    """The state before the first question."""
    return RunState(position=_next_position(flow, -1, {}))


def progress(flow: Flow, state: RunState) -> tuple[int, int]:
    """(number of the current question, how many there will be) for a hint like 3/8."""
    done = len(state.history)
    if state.position is None:
        return (done, done)
    index = flow.index_of(state.position)
    ahead = 0
    for question in flow.questions[index:]:
        condition = question.show_if
        if condition is None or condition.question not in state.known:
            ahead += 1 if condition is None or flow.index_of(condition.question) >= index else 0
        elif condition.holds(state.known[condition.question]):
            ahead += 1
    return (done + 1, done + max(ahead, 1))


def _advance(flow: Flow, state: RunState, recorded: Recorded) -> Outcome:
    assert state.position is not None
    known = dict(state.known)
    if recorded.question_id in flow.condition_sources() and recorded.status == "answered":
        known[recorded.question_id] = recorded.value
    else:
        known.pop(recorded.question_id, None)
    index = flow.index_of(state.position)
    new_state = RunState(
        position=_next_position(flow, index, known),
        history=(*state.history, state.position),
        known=known,
    )
    return Outcome(new_state, recorded=recorded)


def apply(flow: Flow, state: RunState, given: Input) -> Outcome:
    """Take one input at the current question."""
    if isinstance(given, Back):
        if not state.history:
            return Outcome(state, problem=Problem("at_start"))
        previous = state.history[-1]
        known = {k: v for k, v in state.known.items() if k != previous}
        return Outcome(RunState(previous, state.history[:-1], known), forget=previous)
    if state.position is None:
        return Outcome(state, problem=Problem("finished"))
    question = flow.question(state.position)
    if isinstance(given, Skip):
        if not question.skippable:
            return Outcome(state, problem=Problem("not_optional"))
        return _advance(flow, state, Recorded(question.id, "skipped", None))
    if isinstance(given, Decline):
        if not question.sensitive:
            return Outcome(state, problem=Problem("not_sensitive"))
        return _advance(flow, state, Recorded(question.id, "declined", None))
    if isinstance(question, TextQuestion):
        if not isinstance(given, Typed):
            return Outcome(state, problem=Problem("needs_text"))
        text = given.text.strip()
        if not text:
            return Outcome(state, problem=Problem("empty"))
        if len(text) > question.max_length:
            return Outcome(
                state, problem=Problem("too_long", limit=question.max_length, length=len(text))
            )
        return _advance(flow, state, Recorded(question.id, "answered", text))
    if isinstance(given, Typed):
        return Outcome(state, problem=Problem("needs_buttons"))
    codes = question.answer_codes()
    assert codes is not None
    if isinstance(question, MultiChoiceQuestion):
        if isinstance(given, Toggle):
            if given.code not in codes:
                return Outcome(state, problem=Problem("not_an_option"))
            if given.code in state.selected:
                chosen = tuple(c for c in state.selected if c != given.code)
            else:
                limit = question.max_selected or len(codes)
                if len(state.selected) >= limit:
                    return Outcome(state, problem=Problem("too_many", limit=limit))
                chosen = (*state.selected, given.code)
            return Outcome(replace(state, selected=chosen))
        if isinstance(given, Done):
            if not state.selected:
                return Outcome(state, problem=Problem("nothing_chosen"))
            ordered = [c for c in codes if c in state.selected]
            return _advance(flow, state, Recorded(question.id, "answered", ordered))
        return Outcome(state, problem=Problem("not_an_option"))
    if not isinstance(given, Choose) or given.code not in codes:
        return Outcome(state, problem=Problem("not_an_option"))
    return _advance(flow, state, Recorded(question.id, "answered", given.code))
