"""The flow engine as a specification: one state plus one input gives the next state.

Small flows are built here with the pydantic model; at the end every shipped flow in
`flows/` is walked from the first question to the end.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_args, get_type_hints

import pytest

from rostbot.core import engine
from rostbot.core.engine import (
    Back,
    Choose,
    Decline,
    Done,
    Input,
    Outcome,
    Problem,
    Recorded,
    RunState,
    Skip,
    Toggle,
    Typed,
    apply,
    progress,
    start,
)
from rostbot.core.flow_loader import load_flows
from rostbot.core.flow_model import Flow, MultiChoiceQuestion, TextQuestion

FLOWS = Path(__file__).resolve().parents[1] / "flows"

# --------------------------------------------------------------------------- builders


def _text(words: str) -> dict[str, str]:
    return {"sv": words, "da": words}


def _options(*codes: str) -> list[dict[str, Any]]:
    return [{"code": c, "label": _text(c)} for c in codes]


def q(qid: str, qtype: str = "yes_no", **extra: Any) -> dict[str, Any]:
    """One question of the given type, with the fields that type needs."""
    question: dict[str, Any] = {
        "id": qid,
        "type": qtype,
        "indicator": "overall",
        "text": _text(f"Question {qid}?"),
    }
    if qtype == "scale":
        question["points"] = _options("good", "ok", "bad")
    elif qtype in ("choice", "multi_choice"):
        question["options"] = _options("a", "b", "c")
    elif qtype == "rating_0_10":
        question["low"] = _text("low")
        question["high"] = _text("high")
    question.update(extra)
    return question


def make_flow(*questions: dict[str, Any]) -> Flow:
    return Flow.model_validate(
        {
            "id": "spec",
            "version": 3,
            "target_group": "testers",
            "title": _text("Spec"),
            "languages": ["sv", "da"],
            "intro": _text("Hello"),
            "outro": _text("Bye"),
            "purpose": _text("Testing"),
            "questions": list(questions),
        }
    )


def run(flow: Flow, *inputs: Input) -> Outcome:
    """Apply inputs from the start; every one must be accepted."""
    state = start(flow)
    outcome = Outcome(state)
    for given in inputs:
        outcome = apply(flow, state, given)
        assert outcome.problem is None, (given, outcome.problem)
        state = outcome.state
    return outcome


def rejected(flow: Flow, state: RunState, given: Input) -> Problem:
    """Apply an input that must be refused, and check that nothing changed."""
    outcome = apply(flow, state, given)
    assert outcome.problem is not None, given
    assert outcome.state == state
    assert outcome.recorded is None and outcome.forget is None
    return outcome.problem


ALL_TYPES = ("scale", "choice", "multi_choice", "yes_no", "text", "rating_0_10")


# ----------------------------------------------------------------------------- start


def test_start_is_the_first_question_with_nothing_behind() -> None:
    flow = make_flow(q("one"), q("two"))
    state = start(flow)
    assert state == RunState(position="one")
    assert state.history == () and state.known == {} and state.selected == ()


def test_start_skips_a_first_question_whose_condition_cannot_hold() -> None:
    # Its source was never answered, so the follow-up is hidden.
    flow = make_flow(q("follow", show_if={"question": "later", "equals": "yes"}), q("later"))
    assert start(flow).position == "later"


# ------------------------------------------------------------------ answers by type


@pytest.mark.parametrize(
    ("qtype", "given", "value"),
    [
        ("scale", Choose("ok"), "ok"),
        ("choice", Choose("c"), "c"),
        ("yes_no", Choose("no"), "no"),
        ("rating_0_10", Choose("10"), "10"),
        ("rating_0_10", Choose("0"), "0"),
        ("text", Typed("  Some words \n"), "Some words"),
    ],
)
def test_one_input_answers_and_moves_on(qtype: str, given: Input, value: str) -> None:
    flow = make_flow(q("first", qtype), q("second"))
    outcome = apply(flow, start(flow), given)
    assert outcome.problem is None
    assert outcome.recorded == Recorded("first", "answered", value)
    assert outcome.forget is None
    assert outcome.state == RunState(position="second", history=("first",))


def test_answering_the_last_question_finishes() -> None:
    flow = make_flow(q("only", "scale"))
    outcome = run(flow, Choose("bad"))
    assert outcome.state.position is None
    assert outcome.state.history == ("only",)
    assert outcome.recorded == Recorded("only", "answered", "bad")


def test_multi_choice_toggles_then_done_records_in_option_order() -> None:
    flow = make_flow(q("many", "multi_choice"), q("after"))
    state = start(flow)
    for code in ("c", "a", "b"):
        outcome = apply(flow, state, Toggle(code))
        assert outcome.problem is None and outcome.recorded is None
        assert outcome.state.position == "many"
        state = outcome.state
    assert state.selected == ("c", "a", "b")
    state = apply(flow, state, Toggle("b")).state  # a second press takes it away
    assert state.selected == ("c", "a")
    outcome = apply(flow, state, Done())
    assert outcome.recorded == Recorded("many", "answered", ["a", "c"])
    assert outcome.state == RunState(position="after", history=("many",))


def test_multi_choice_max_selected_is_the_limit() -> None:
    flow = make_flow(q("many", "multi_choice", max_selected=2))
    state = run(flow, Toggle("a"), Toggle("b")).state
    assert rejected(flow, state, Toggle("c")) == Problem("too_many", limit=2)
    # Taking one away is always possible, and then another fits.
    state = apply(flow, state, Toggle("a")).state
    assert apply(flow, state, Toggle("c")).state.selected == ("b", "c")


def test_multi_choice_without_max_allows_every_option() -> None:
    flow = make_flow(q("many", "multi_choice"))
    outcome = run(flow, Toggle("a"), Toggle("b"), Toggle("c"), Done())
    assert outcome.recorded == Recorded("many", "answered", ["a", "b", "c"])


def test_text_at_the_limit_is_accepted_after_stripping() -> None:
    flow = make_flow(q("words", "text", max_length=10))
    outcome = apply(flow, start(flow), Typed("   " + "x" * 10 + "   "))
    assert outcome.recorded == Recorded("words", "answered", "x" * 10)


# --------------------------------------------------------------------- skip, decline


@pytest.mark.parametrize("qtype", ALL_TYPES)
def test_skip_on_any_question_that_is_not_required(qtype: str) -> None:
    flow = make_flow(q("first", qtype), q("second"))
    outcome = apply(flow, start(flow), Skip())
    assert outcome.recorded == Recorded("first", "skipped", None)
    assert outcome.state == RunState(position="second", history=("first",))


@pytest.mark.parametrize("qtype", ALL_TYPES)
def test_skip_on_a_required_question_is_refused(qtype: str) -> None:
    flow = make_flow(q("first", qtype, required=True), q("second"))
    assert rejected(flow, start(flow), Skip()) == Problem("not_optional")


@pytest.mark.parametrize(
    ("marks", "skippable"),
    [({}, True), ({"required": True}, False), ({"required": False}, True),
     ({"optional": True}, True), ({"optional": False}, False)],
)  # fmt: skip
def test_the_old_optional_flag_is_still_read(marks: dict[str, bool], skippable: bool) -> None:
    assert make_flow(q("first", **marks)).questions[0].skippable is skippable


def test_required_and_optional_together_are_refused() -> None:
    with pytest.raises(ValueError, match="give `required` only"):
        make_flow(q("first", required=True, optional=True))


@pytest.mark.parametrize("qtype", ALL_TYPES)
def test_decline_on_a_sensitive_question(qtype: str) -> None:
    flow = make_flow(q("first", qtype, sensitive=True), q("second"))
    outcome = apply(flow, start(flow), Decline())
    assert outcome.recorded == Recorded("first", "declined", None)
    assert outcome.state == RunState(position="second", history=("first",))


@pytest.mark.parametrize("qtype", ALL_TYPES)
def test_decline_on_an_ordinary_question_is_not_sensitive(qtype: str) -> None:
    flow = make_flow(q("first", qtype), q("second"))
    assert rejected(flow, start(flow), Decline()) == Problem("not_sensitive")


def test_skip_drops_a_half_made_multi_choice_selection() -> None:
    flow = make_flow(q("many", "multi_choice"), q("after"))
    state = run(flow, Toggle("a")).state
    outcome = apply(flow, state, Skip())
    assert outcome.recorded == Recorded("many", "skipped", None)
    assert outcome.state.selected == ()


# --------------------------------------------------------------------------- problems


def test_empty_text() -> None:
    flow = make_flow(q("words", "text"))
    for blank in ("", "   ", "\n\t "):
        assert rejected(flow, start(flow), Typed(blank)) == Problem("empty")


def test_too_long_text_names_limit_and_length() -> None:
    flow = make_flow(q("words", "text", max_length=20))
    problem = rejected(flow, start(flow), Typed("y" * 25))
    assert problem == Problem("too_long", limit=20, length=25)


def test_too_long_counts_the_stripped_text() -> None:
    flow = make_flow(q("words", "text", max_length=20))
    problem = rejected(flow, start(flow), Typed("  " + "y" * 21 + "  "))
    assert (problem.reason, problem.limit, problem.length) == ("too_long", 20, 21)


@pytest.mark.parametrize(
    ("qtype", "code"),
    [
        ("scale", "great"),
        ("choice", "d"),
        ("yes_no", "maybe"),
        ("rating_0_10", "11"),
        ("rating_0_10", "-1"),
        ("yes_no", "Yes"),  # codes are exact
    ],
)
def test_choose_an_unknown_code_is_not_an_option(qtype: str, code: str) -> None:
    flow = make_flow(q("first", qtype))
    assert rejected(flow, start(flow), Choose(code)) == Problem("not_an_option")


@pytest.mark.parametrize("qtype", ["scale", "choice", "yes_no", "rating_0_10"])
@pytest.mark.parametrize("given", [Toggle("a"), Done()])
def test_multi_choice_inputs_on_a_single_answer_question(qtype: str, given: Input) -> None:
    flow = make_flow(q("first", qtype))
    assert rejected(flow, start(flow), given) == Problem("not_an_option")


def test_multi_choice_refuses_choose_and_unknown_toggle() -> None:
    flow = make_flow(q("many", "multi_choice"))
    assert rejected(flow, start(flow), Choose("a")) == Problem("not_an_option")
    assert rejected(flow, start(flow), Toggle("z")) == Problem("not_an_option")


@pytest.mark.parametrize("qtype", ["scale", "choice", "multi_choice", "yes_no", "rating_0_10"])
def test_typing_at_a_button_question_needs_buttons(qtype: str) -> None:
    flow = make_flow(q("first", qtype))
    assert rejected(flow, start(flow), Typed("ok")) == Problem("needs_buttons")


@pytest.mark.parametrize("given", [Choose("a"), Toggle("a"), Done()])
def test_buttons_at_a_text_question_need_text(given: Input) -> None:
    flow = make_flow(q("words", "text"))
    assert rejected(flow, start(flow), given) == Problem("needs_text")


def test_done_with_nothing_chosen() -> None:
    flow = make_flow(q("many", "multi_choice"))
    assert rejected(flow, start(flow), Done()) == Problem("nothing_chosen")
    # Choosing and un-choosing leaves nothing chosen again.
    state = run(flow, Toggle("a"), Toggle("a")).state
    assert rejected(flow, state, Done()) == Problem("nothing_chosen")


def test_back_at_the_first_question_is_at_start() -> None:
    flow = make_flow(q("one"), q("two"))
    assert rejected(flow, start(flow), Back()) == Problem("at_start")


@pytest.mark.parametrize(
    "given", [Choose("yes"), Toggle("a"), Done(), Typed("x"), Skip(), Decline()]
)
def test_every_input_after_the_end_is_finished(given: Input) -> None:
    flow = make_flow(q("only", sensitive=True))
    state = run(flow, Choose("yes")).state
    assert state.position is None
    assert rejected(flow, state, given) == Problem("finished")


def test_problem_reasons_are_exactly_those_the_bot_has_texts_for() -> None:
    from rostbot.journey.answering import PROBLEM_TEXTS

    reasons = set(get_args(get_type_hints(Problem)["reason"]))
    assert reasons == set(PROBLEM_TEXTS)


# ------------------------------------------------------------------------------- Back


def test_back_returns_to_the_previous_question_and_forgets_its_answer() -> None:
    flow = make_flow(q("one", "scale"), q("two", "text"), q("three"))
    state = run(flow, Choose("good"), Typed("hello")).state
    assert state.position == "three"
    outcome = apply(flow, state, Back())
    assert outcome.problem is None and outcome.recorded is None
    assert outcome.forget == "two"
    assert outcome.state == RunState(position="two", history=("one",))
    outcome = apply(flow, outcome.state, Back())
    assert outcome.forget == "one"
    assert outcome.state == RunState(position="one")


def test_back_from_the_end_reopens_the_last_question() -> None:
    flow = make_flow(q("one"), q("two"))
    state = run(flow, Choose("yes"), Choose("no")).state
    outcome = apply(flow, state, Back())
    assert outcome.forget == "two"
    assert outcome.state == RunState(position="two", history=("one",))


def test_back_forgets_the_known_value_of_a_condition_source() -> None:
    flow = make_flow(
        q("source"),
        q("follow", "text", show_if={"question": "source", "equals": "yes"}),
        q("last"),
    )
    state = run(flow, Choose("yes")).state
    assert state.known == {"source": "yes"}
    outcome = apply(flow, state, Back())
    assert outcome.forget == "source"
    assert outcome.state.known == {}
    # Answering differently now hides the follow-up.
    after = apply(flow, outcome.state, Choose("no"))
    assert after.state.position == "last"
    assert after.state.known == {"source": "no"}


def test_back_over_a_hidden_question_lands_on_the_one_really_shown() -> None:
    flow = make_flow(
        q("source"),
        q("follow", show_if={"question": "source", "equals": "yes"}),
        q("last"),
    )
    state = run(flow, Choose("no")).state
    assert state.position == "last"
    outcome = apply(flow, state, Back())
    assert outcome.state.position == "source"
    assert outcome.forget == "source"


def test_back_drops_a_half_made_selection() -> None:
    flow = make_flow(q("one"), q("many", "multi_choice"))
    state = run(flow, Choose("yes"), Toggle("a")).state
    assert state.selected == ("a",)
    outcome = apply(flow, state, Back())
    assert outcome.state == RunState(position="one")


@pytest.mark.parametrize("qtype", ALL_TYPES)
def test_back_works_at_every_question_type(qtype: str) -> None:
    flow = make_flow(q("first"), q("second", qtype))
    state = run(flow, Choose("yes")).state
    assert state.position == "second"
    outcome = apply(flow, state, Back())
    assert outcome.problem is None
    assert outcome.state == RunState(position="first")


# ---------------------------------------------------------------------------- show_if


def _conditional(condition: dict[str, Any], source_type: str = "choice") -> Flow:
    return make_flow(
        q("source", source_type, sensitive=True),
        q("follow", "text", show_if={"question": "source", **condition}),
        q("last"),
    )


@pytest.mark.parametrize(
    ("condition", "answer", "shown"),
    [
        ({"equals": "a"}, "a", True),
        ({"equals": "a"}, "b", False),
        ({"in": ["a", "b"]}, "b", True),
        ({"in": ["a", "b"]}, "c", False),
        ({"not_in": ["a"]}, "b", True),
        ({"not_in": ["a"]}, "a", False),
        ({"not_in": ["a", "b", "c"]}, "c", False),
    ],
)
def test_show_if_on_a_single_answer(condition: dict[str, Any], answer: str, shown: bool) -> None:
    flow = _conditional(condition)
    state = run(flow, Choose(answer)).state
    assert state.position == ("follow" if shown else "last")


@pytest.mark.parametrize(
    ("condition", "chosen", "shown"),
    [
        ({"equals": "b"}, ["a", "b"], True),
        ({"equals": "b"}, ["a", "c"], False),
        ({"in": ["b", "c"]}, ["a", "c"], True),
        ({"in": ["b"]}, ["a", "c"], False),
        ({"not_in": ["a"]}, ["b", "c"], True),
        ({"not_in": ["a"]}, ["a", "c"], False),
    ],
)
def test_show_if_on_a_multi_choice_answer(
    condition: dict[str, Any], chosen: list[str], shown: bool
) -> None:
    flow = _conditional(condition, "multi_choice")
    state = run(flow, *(Toggle(c) for c in chosen), Done()).state
    assert state.position == ("follow" if shown else "last")


@pytest.mark.parametrize("condition", [{"equals": "a"}, {"in": ["a", "b"]}, {"not_in": ["a"]}])
@pytest.mark.parametrize("way", [Skip(), Decline()])
def test_show_if_hides_the_follow_up_when_the_source_was_not_answered(
    condition: dict[str, Any], way: Input
) -> None:
    # Even `not_in`, which any answer outside the list passes, needs an answer.
    flow = _conditional(condition)
    outcome = run(flow, way)
    assert outcome.state.position == "last"
    assert outcome.state.known == {}


def test_show_if_on_a_hidden_question_is_hidden_too() -> None:
    flow = make_flow(
        q("first"),
        q("second", show_if={"question": "first", "equals": "yes"}),
        q("third", "text", show_if={"question": "second", "equals": "yes"}),
        q("last"),
    )
    assert run(flow, Choose("no")).state.position == "last"
    assert run(flow, Choose("yes"), Choose("yes")).state.position == "third"


def test_show_if_with_a_rating_and_numeric_codes() -> None:
    flow = make_flow(
        q("score", "rating_0_10"),
        q("why", "text", show_if={"question": "score", "in": ["0", "1", "2"]}),
    )
    assert run(flow, Choose("2")).state.position == "why"
    assert run(flow, Choose("3")).state.position is None


def test_only_condition_sources_are_known() -> None:
    flow = make_flow(
        q("plain", "scale"),
        q("source"),
        q("words", "text"),
        q("follow", show_if={"question": "source", "equals": "yes"}),
    )
    state = run(flow, Choose("good"), Choose("yes"), Typed("secret words")).state
    assert state.known == {"source": "yes"}
    assert "secret words" not in json.dumps(state.to_json())


# --------------------------------------------------------------------------- progress


def test_progress_counts_a_follow_up_until_its_source_rules_it_out() -> None:
    flow = make_flow(
        q("one"),
        q("maybe", show_if={"question": "one", "equals": "yes"}),
        q("three"),
    )
    state = start(flow)
    assert progress(flow, state) == (1, 3)
    said_yes = apply(flow, state, Choose("yes")).state
    assert progress(flow, said_yes) == (2, 3)
    assert progress(flow, apply(flow, said_yes, Choose("no")).state) == (3, 3)
    said_no = apply(flow, state, Choose("no")).state
    assert progress(flow, said_no) == (2, 2)
    assert progress(flow, apply(flow, said_no, Choose("no")).state) == (2, 2)


def test_progress_after_a_skipped_source_leaves_out_the_follow_up() -> None:
    flow = make_flow(
        q("one"),
        q("two"),
        q("maybe", show_if={"question": "one", "in": ["yes", "no"]}),
        q("four"),
    )
    state = start(flow)
    assert progress(flow, state) == (1, 4)
    state = apply(flow, state, Skip()).state
    assert progress(flow, state) == (2, 3)
    state = apply(flow, state, Choose("yes")).state
    assert state.position == "four"
    assert progress(flow, state) == (3, 3)


def test_progress_goes_back_with_back() -> None:
    flow = make_flow(
        q("one"),
        q("maybe", show_if={"question": "one", "equals": "yes"}),
        q("three"),
    )
    state = run(flow, Choose("no")).state
    assert progress(flow, state) == (2, 2)
    state = apply(flow, state, Back()).state
    assert progress(flow, state) == (1, 3)


def test_progress_at_the_end_is_answered_of_answered() -> None:
    flow = make_flow(q("one"), q("two"))
    state = run(flow, Choose("yes"), Skip()).state
    assert progress(flow, state) == (2, 2)


def test_progress_does_not_move_while_toggling() -> None:
    flow = make_flow(q("one"), q("many", "multi_choice"), q("three"))
    state = run(flow, Choose("yes")).state
    before = progress(flow, state)
    assert progress(flow, apply(flow, state, Toggle("b")).state) == before == (2, 3)


# ---------------------------------------------------------------------- (de)serialise


def test_run_state_json_round_trip() -> None:
    state = RunState(
        position="follow",
        history=("one", "many"),
        known={"one": "yes", "many": ["a", "c"], "gone": None},
        selected=("b", "a"),
    )
    data = json.loads(json.dumps(state.to_json()))
    assert RunState.from_json(data) == state
    assert RunState.from_json(data).history == ("one", "many")
    assert RunState.from_json(data).selected == ("b", "a")


def test_finished_state_json_round_trip() -> None:
    flow = make_flow(q("one"), q("many", "multi_choice"))
    state = run(flow, Choose("no"), Toggle("b"), Done()).state
    assert state.position is None
    assert RunState.from_json(json.loads(json.dumps(state.to_json()))) == state


def test_a_run_continues_the_same_after_a_round_trip() -> None:
    flow = make_flow(
        q("source", "multi_choice"),
        q("follow", show_if={"question": "source", "in": ["c"]}),
        q("last"),
    )
    state = run(flow, Toggle("c")).state
    restored = RunState.from_json(json.loads(json.dumps(state.to_json())))
    assert apply(flow, restored, Done()) == apply(flow, state, Done())


def test_from_json_of_an_empty_state() -> None:
    assert RunState.from_json({"position": None}) == RunState(position=None)


# ------------------------------------------------------------------------ shipped flows


def _shipped() -> dict[str, Flow]:
    return load_flows(FLOWS)


def _walk(flow: Flow, pick: int) -> list[Recorded]:
    """Answer option `pick` (0 = first, -1 = last) everywhere until the end."""
    state = start(flow)
    recorded: list[Recorded] = []
    totals: list[int] = []
    for _ in range(3 * len(flow.questions) + 2):
        if state.position is None:
            break
        number, total = progress(flow, state)
        assert number == len(recorded) + 1 <= total
        totals.append(total)
        question = flow.question(state.position)
        if isinstance(question, TextQuestion):
            steps: list[Input] = [Typed("Ett svar / Et svar")]
        elif isinstance(question, MultiChoiceQuestion):
            steps = [Toggle(question.answer_codes()[pick]), Done()]
        else:
            codes = question.answer_codes()
            assert codes
            steps = [Choose(codes[pick])]
        for given in steps:
            outcome = apply(flow, state, given)
            assert outcome.problem is None, (flow.id, question.id, given, outcome.problem)
            state = outcome.state
        assert outcome.recorded is not None and outcome.recorded.question_id == question.id
        assert outcome.recorded.status == "answered"
        recorded.append(outcome.recorded)
    assert state.position is None, f"{flow.id} did not finish"
    assert progress(flow, state) == (len(recorded), len(recorded))
    # The total is never too small and only shrinks as follow-ups are ruled out (a
    # follow-up of the current question still counts until it is answered).
    assert totals == sorted(totals, reverse=True)
    assert totals[-1] >= len(recorded)
    assert apply(flow, state, Choose("x")).problem == Problem("finished")
    return recorded


def test_there_are_shipped_flows() -> None:
    assert len(_shipped()) >= 1


@pytest.mark.parametrize("flow_id", sorted(load_flows(FLOWS)))
def test_walk_each_shipped_flow_with_the_first_option(flow_id: str) -> None:
    flow = _shipped()[flow_id]
    recorded = _walk(flow, 0)
    ids = [r.question_id for r in recorded]
    assert len(ids) == len(set(ids))
    assert ids == [q.id for q in flow.questions if q.id in ids]  # in flow order
    unconditional = [q.id for q in flow.questions if q.show_if is None]
    assert set(unconditional) <= set(ids)


@pytest.mark.parametrize("flow_id", sorted(load_flows(FLOWS)))
def test_walk_each_shipped_flow_with_the_last_option_and_back_again(flow_id: str) -> None:
    flow = _shipped()[flow_id]
    recorded = _walk(flow, -1)
    # Walk back to the start from a finished run: every answer is forgotten in turn.
    state = start(flow)
    for r in recorded:
        question = flow.question(r.question_id)
        if isinstance(question, MultiChoiceQuestion):
            assert isinstance(r.value, list)
            for code in r.value:
                state = apply(flow, state, Toggle(code)).state
            state = apply(flow, state, Done()).state
        elif isinstance(question, TextQuestion):
            assert isinstance(r.value, str)
            state = apply(flow, state, Typed(r.value)).state
        else:
            assert isinstance(r.value, str)
            state = apply(flow, state, Choose(r.value)).state
    assert state.position is None
    forgotten = []
    while state.history:
        outcome = apply(flow, state, Back())
        assert outcome.forget is not None
        forgotten.append(outcome.forget)
        state = outcome.state
    assert forgotten == [r.question_id for r in reversed(recorded)]
    assert state == start(flow)


def test_engine_module_is_pure() -> None:
    source = Path(engine.__file__).read_text(encoding="utf-8")
    for word in ("import asyncio", "import sqlite", "aiosqlite", "telegram", "open("):
        assert word not in source
