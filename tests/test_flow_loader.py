"""Specification of the flow loader and of the shipped flows.

Each problem a flow author can make is written as a small broken YAML file, and the
test says which file, line, path and plain reason the loader must report.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import yaml

from rostbot.core.flow_loader import (
    FlowFileError,
    FlowProblem,
    check_flows,
    load_flow_file,
    load_flows,
)
from rostbot.core.flow_model import (
    LANGUAGES,
    MAX_LABEL_LENGTH,
    NO_POSITION_CODE,
    QUESTION_TYPES,
    STANDARD_INDICATORS,
    Flow,
    RatingQuestion,
    ScaleQuestion,
    Text,
    TextQuestion,
)
from rostbot.core.flow_time import estimated_minutes, estimated_seconds
from rostbot.export.codes import is_positive

FLOWS_DIR = Path(__file__).resolve().parents[1] / "flows"
SHIPPED = {
    "income_support_followup",
    "youth_placement",
    "foster_care_followup",
    "rehab_job_dk",
    "meeting_feedback",
}

# A small valid flow; each broken case below changes one thing in it.
BASE = """\
id: demo
version: 1
target_group: test
languages: [sv, da]
title: {sv: Titel, da: Titel}
intro: {sv: Hej, da: Hej}
outro: {sv: Tack, da: Tak}
purpose: {sv: Varför, da: Hvorfor}
questions:
  - id: q1
    type: scale
    indicator: overall
    text: {sv: Hur var det, da: Hvordan var det}
    points:
      - {code: good, label: {sv: Bra, da: Godt}}
      - {code: bad, label: {sv: Dåligt, da: Dårligt}}
  - id: q2
    type: yes_no
    indicator: custom:test
    text: {sv: Ja eller nej, da: Ja eller nej}
  - id: q3
    type: text
    indicator: overall
    optional: true
    max_length: 200
    show_if: {question: q1, equals: bad}
    text: {sv: Berätta mer, da: Fortæl mere}
"""

Q4_AFTER_TEXT = """\
  - id: q4
    type: yes_no
    indicator: overall
    text: {sv: Fyra, da: Fire}
    show_if: {question: q3, equals: x}
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def changed(old: str, new: str, text: str = BASE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def line_with(text: str, marker: str) -> int:
    """The 1-based line of `text` on which `marker` first appears."""
    for number, line in enumerate(text.splitlines(), start=1):
        if marker in line:
            return number
    raise AssertionError(f"{marker!r} not in text")


def problems_of(path: Path) -> list[FlowProblem]:
    with pytest.raises(FlowFileError) as caught:
        load_flow_file(path)
    return caught.value.problems


def all_texts(flow: Flow) -> list[tuple[str, Text]]:
    """Every translatable text of a flow, with where it is."""
    texts = [(name, getattr(flow, name)) for name in ("title", "intro", "outro", "purpose")]
    for q in flow.questions:
        texts.append((f"{q.id}.text", q.text))
        if q.help is not None:
            texts.append((f"{q.id}.help", q.help))
        if isinstance(q, RatingQuestion):
            texts += [(f"{q.id}.low", q.low), (f"{q.id}.high", q.high)]
        for option in getattr(q, "points", None) or getattr(q, "options", None) or []:
            texts.append((f"{q.id}.{option.code}", option.label))
    return texts


# ------------------------------------------------------------------- shipped flows


@pytest.fixture(scope="module")
def shipped() -> dict[str, Flow]:
    return load_flows(FLOWS_DIR)


def test_every_shipped_flow_loads_without_problems(shipped: dict[str, Flow]) -> None:
    assert check_flows(FLOWS_DIR) == []
    assert set(shipped) == SHIPPED


def test_shipped_flows_have_swedish_and_danish_everywhere(shipped: dict[str, Flow]) -> None:
    for flow in shipped.values():
        assert flow.languages == ["sv", "da"]
        for where, text in all_texts(flow):
            for lang in LANGUAGES:
                assert text.get(lang).strip(), f"{flow.id}: {where} has no {lang} text"
            if len(text.get("sv")) > 25:  # short labels like "Ja, en del" may well match
                assert text.sv != text.da, f"{flow.id}: {where} is not translated"


def test_shipped_flows_have_5_to_10_questions_and_say_how_many(
    shipped: dict[str, Flow],
) -> None:
    for flow in shipped.values():
        assert 5 <= len(flow.questions) <= 10, flow.id
        for lang in LANGUAGES:
            assert str(len(flow.questions)) in flow.intro.get(lang), (flow.id, lang)
    assert len(shipped["meeting_feedback"].questions) <= 6


@pytest.mark.parametrize("path", sorted(FLOWS_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_flow_takes_at_most_three_minutes_and_says_so(path: Path) -> None:
    flow = load_flow_file(path)
    assert sum(isinstance(q, TextQuestion) for q in flow.questions) <= 1, "one free text"
    for lang in LANGUAGES:
        assert estimated_seconds(flow, lang) <= 180, (lang, estimated_seconds(flow, lang))
    said = {int(n) for n in re.findall(r"(\d+) minut", flow.intro.get("sv") + flow.intro.get("da"))}
    assert said <= {max(estimated_minutes(flow, lang) for lang in LANGUAGES)}, said


def test_a_dont_know_point_is_last_and_never_positive() -> None:
    points = [{"code": c, "label": {"sv": c, "da": c}} for c in ("good", "bad", "dont_know")]
    base = {"id": "q", "type": "scale", "indicator": "overall", "text": {"sv": "Q", "da": "Q"}}
    scale = ScaleQuestion.model_validate({**base, "points": points})
    assert scale.positive_codes() == ["good", "bad"]
    with pytest.raises(ValueError, match="last point"):
        ScaleQuestion.model_validate({**base, "points": points[::-1]})
    with pytest.raises(ValueError, match="neither positive nor negative"):
        ScaleQuestion.model_validate({**base, "points": points, "positive": ["dont_know"]})
    # the export counts it neither way: it stays out of n and the share of positives
    assert is_positive("scale", "dont_know", scale) is None
    assert is_positive("scale", "bad", scale) is True  # default: the top two points
    assert is_positive("scale", "good", scale) is True


def test_the_youth_safety_follow_up_says_nobody_can_help_from_it_and_where_help_is(
    shipped: dict[str, Flow],
) -> None:
    help_text = shipped["youth_placement"].question("safe_more").help
    assert help_text is not None
    assert "Ingen kan se vem som skrev" in help_text.get("sv")
    assert "Ingen kan se, hvem der skrev" in help_text.get("da")
    for lang, line in (("sv", "BRIS på 116 111"), ("da", "Børnetelefonen på 116 111")):
        assert line in help_text.get(lang) and "112" in help_text.get(lang)
    for flow_id in ("youth_placement", "foster_care_followup"):
        outro = shipped[flow_id].outro
        assert "Alla kan ringa 1177" in outro.get("sv"), flow_id  # not only under-18s
        assert "Alle kan ringe til Livslinien" in outro.get("da"), flow_id


def test_shipped_flows_with_sensitive_questions_name_where_to_get_help(
    shipped: dict[str, Flow],
) -> None:
    for flow in shipped.values():
        if flow.has_sensitive_questions():
            assert flow.support is not None, flow.id
            for lang in flow.languages:
                assert "112" in flow.support.get(lang), (flow.id, lang)


def test_shipped_change_scales_are_balanced(shipped: dict[str, Flow]) -> None:
    for flow in shipped.values():
        for q in flow.questions:
            if isinstance(q, ScaleQuestion) and q.indicator == "change":
                codes = [p.code for p in q.points if p.code != NO_POSITION_CODE]
                assert len(codes) % 2 == 1, (flow.id, q.id)
                assert len(q.positive_codes()) == len(codes) // 2, (flow.id, q.id)


def test_shipped_flows_together_use_every_feature(shipped: dict[str, Flow]) -> None:
    questions = [q for flow in shipped.values() for q in flow.questions]
    assert {q.type for q in questions} == set(QUESTION_TYPES)
    assert {q.indicator for q in questions} >= STANDARD_INDICATORS
    assert all(q.optional is None for q in questions), "shipped flows use `required`"
    assert any(q.skippable for q in questions)
    assert any(q.sensitive for q in questions)
    assert any(q.show_if is not None for q in questions)
    assert any(q.indicator.startswith("custom:") for q in questions)


def test_shipped_scales_count_the_top_two_points_as_positive(shipped: dict[str, Flow]) -> None:
    for flow in shipped.values():
        for q in flow.questions:
            if isinstance(q, ScaleQuestion):
                assert q.positive == [p.code for p in q.points[:2]], (flow.id, q.id)


def test_shipped_free_text_questions_state_their_max_length() -> None:
    for path in FLOWS_DIR.glob("*.yaml"):
        for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            if q["type"] == "text":
                assert "max_length" in q, (path.name, q["id"])


def test_shipped_minimum_ages_and_contact_questions(shipped: dict[str, Flow]) -> None:
    for flow in shipped.values():
        if flow.id == "youth_placement":
            assert flow.min_age == 15
        else:
            # The age follows the country whose rules apply, in every language.
            expected = {"se": 13, "dk": 15} if flow.id != "rehab_job_dk" else {"se": 15, "dk": 15}
            for country, age in expected.items():
                assert flow.age_limit(country) == age, (flow.id, country)
        assert flow.ask_contact is (flow.id != "meeting_feedback")


def test_shipped_button_labels_fit(shipped: dict[str, Flow]) -> None:
    for flow in shipped.values():
        for where, text in all_texts(flow):
            if where.count(".") == 1 and where.split(".")[1] not in ("text", "help", "low", "high"):
                assert all(len(text.get(lang)) <= MAX_LABEL_LENGTH for lang in LANGUAGES)


# ------------------------------------------------------------------ problem reports


def test_the_base_flow_is_valid(tmp_path: Path) -> None:
    flow = load_flow_file(write(tmp_path, "demo.yaml", BASE))
    assert [q.id for q in flow.questions] == ["q1", "q2", "q3"]


# (case id, old, new, expected path, expected reason or a fragment of it, line marker)
CASES: list[tuple[str, str, str, str, str, str]] = [
    (
        "tab",
        "  - id: q2",
        "\t- id: q2",
        "",
        "YAML syntax error: found character '\\t' that cannot start any token",
        "\t- id: q2",
    ),
    (
        "unquoted colon",
        "text: {sv: Berätta mer, da: Fortæl mere}",
        "text: Berätta: mer",
        "",
        "YAML syntax error: mapping values are not allowed here",
        "text: Berätta: mer",
    ),
    (
        "unknown key",
        "version: 1",
        "version: 1\ncolour: blue",
        "colour",
        "unknown key 'colour'",
        "colour",
    ),
    (
        "misspelt key",
        "max_length: 200",
        "max_lenght: 200",
        "questions[2].max_lenght",
        "unknown key 'max_lenght'; did you mean 'max_length'?",
        "max_lenght",
    ),
    (
        "unknown language",
        "outro: {sv: Tack, da: Tak}",
        "outro: {sv: Tack, da: Tak, en: Thanks}",
        "outro.en",
        "unknown language 'en'",
        "outro",
    ),
    ("wrong type", "version: 1", "version: one", "version", "must be a whole number", "version"),
    (
        "text not per language",
        "intro: {sv: Hej, da: Hej}",
        "intro: Hej",
        "intro",
        "needs one text per language",
        "intro",
    ),
    (
        "unknown question type",
        "type: yes_no",
        "type: slider",
        "questions[1].type",
        "unknown question type 'slider'; use one of scale, choice, multi_choice, yes_no, "
        "text, rating_0_10",
        "slider",
    ),
    (
        "no question type",
        "    type: yes_no\n",
        "",
        "questions[1]",
        "the question has no 'type'",
        "id: q2",
    ),
    (
        "bad indicator",
        "indicator: custom:test",
        "indicator: mood",
        "questions[1].indicator",
        "indicator must be one of",
        "mood",
    ),
    (
        "missing Danish question text",
        "text: {sv: Ja eller nej, da: Ja eller nej}",
        "text: {sv: Ja eller nej}",
        "questions[1].text",
        "missing Danish (da) text",
        "Ja eller nej",
    ),
    (
        "empty Danish label",
        "{code: bad, label: {sv: Dåligt, da: Dårligt}}",
        "{code: bad, label: {sv: Dåligt, da: ''}}",
        "questions[0].points[1].label.da",
        "missing Danish (da) text",
        "code: bad",
    ),
    (
        "missing Swedish intro",
        "intro: {sv: Hej, da: Hej}",
        "intro:\n  da: Hej",
        "intro",
        "missing Swedish (sv) text",
        "intro",
    ),
    (
        "missing required key",
        "target_group: test\n",
        "",
        "",
        "missing required key: target_group",
        "id: demo",
    ),
    (
        "duplicate question id",
        "  - id: q2",
        "  - id: q1  # again",
        "questions[1].id",
        "question id 'q1' is used twice (also questions[0])",
        "# again",
    ),
    (
        "duplicate option code",
        "{code: bad, label",
        "{code: good, label",
        "questions[0].points[1].code",
        "code 'good' is used twice in this question (also points[0])",
        "Dåligt",
    ),
    (
        "show_if to unknown question",
        "show_if: {question: q1, equals: bad}",
        "show_if: {question: q9, equals: bad}",
        "questions[2].show_if.question",
        "show_if points to unknown question 'q9'",
        "show_if",
    ),
    (
        "show_if to itself",
        "show_if: {question: q1, equals: bad}",
        "show_if: {question: q3, equals: bad}",
        "questions[2].show_if.question",
        "show_if points to the question itself",
        "show_if",
    ),
    (
        "show_if forward",
        "indicator: custom:test",
        "indicator: custom:test\n    show_if: {question: q3, equals: x}",
        "questions[1].show_if.question",
        "show_if points forward to question 'q3', which comes later",
        "question: q3",
    ),
    (
        "show_if on free text",
        "text: {sv: Berätta mer, da: Fortæl mere}\n",
        "text: {sv: Berätta mer, da: Fortæl mere}\n" + Q4_AFTER_TEXT,
        "questions[3].show_if.question",
        "show_if points to free-text question 'q3'",
        "question: q3",
    ),
    (
        "show_if code not an answer",
        "equals: bad",
        "equals: awful",
        "questions[2].show_if.equals",
        "'awful' is not an answer code of question 'q1' (its codes: good, bad)",
        "awful",
    ),
    (
        "show_if list code not an answer",
        "equals: bad",
        "in: [bad, worse]",
        "questions[2].show_if.in[1]",
        "'worse' is not an answer code of question 'q1'",
        "worse",
    ),
    (
        "show_if number code",
        "equals: bad",
        "in: [bad, 3]",
        "questions[2].show_if.in[1]",
        "must be text, not the number 3; put it in quotes: '3'",
        "in: [bad, 3]",
    ),
    (
        "max_selected too high",
        "type: yes_no\n    indicator: custom:test",
        "type: multi_choice\n    max_selected: 3\n    indicator: custom:test\n    options:\n"
        "      - {code: a, label: {sv: A, da: A}}\n      - {code: b, label: {sv: B, da: B}}",
        "questions[1].max_selected",
        "max_selected is 3, but the question has only 2 options",
        "max_selected",
    ),
    (
        "max_selected zero",
        "type: yes_no\n    indicator: custom:test",
        "type: multi_choice\n    max_selected: 0\n    indicator: custom:test\n    options:\n"
        "      - {code: a, label: {sv: A, da: A}}\n      - {code: b, label: {sv: B, da: B}}",
        "questions[1].max_selected",
        "max_selected must be at least 1",
        "max_selected",
    ),
    (
        "button label too long",
        "{sv: Bra, da: Godt}",
        "{sv: Bra, da: " + "G" * 41 + "}",
        "questions[0].points[0].label.da",
        "Danish (da) button label is 41 characters; at most 40 fit on a button",
        "GGG",
    ),
    (
        "message too long",
        "intro: {sv: Hej, da: Hej}",
        "intro: {sv: " + "x" * 3501 + ", da: Hej}",
        "intro.sv",
        "Swedish (sv) text is 3501 characters; a message can hold at most 3500",
        "intro",
    ),
    (
        "flow id is not the file name",
        "id: demo",
        "id: other",
        "id",
        "flow id 'other' must match the file name 'demo'",
        "id: other",
    ),
    (
        "no questions",
        BASE[BASE.index("questions:") :],
        "questions: []\n",
        "questions",
        "a flow needs at least one question",
        "questions",
    ),
    (
        "duplicate key",
        "version: 1",
        "version: 1\nversion: 2",
        "version",
        "key 'version' appears twice here; only the last one would count",
        "version: 2",
    ),
    (
        "positive not a point",
        "      - {code: bad, label: {sv: Dåligt, da: Dårligt}}",
        "      - {code: bad, label: {sv: Dåligt, da: Dårligt}}\n    positive: [good, fine]",
        "questions[0].positive",
        "positive names a code that is not one of the points",
        "positive",
    ),
    (
        "min_age per language (the old form)",
        "languages: [sv, da]",
        "languages: [sv, da]\nmin_age: {sv: 13, da: 15}",
        "min_age",
        "the age limit follows the country whose rules apply (jurisdiction: se is 13, dk is 15)",
        "min_age",
    ),
    (
        "unknown jurisdiction",
        "languages: [sv, da]",
        "languages: [sv, da]\njurisdiction: no",
        "jurisdiction",
        "",
        "jurisdiction",
    ),
    (
        "min_age not a number",
        "languages: [sv, da]",
        "languages: [sv, da]\nmin_age: teen",
        "min_age",
        "min_age must be a whole number (like 15)",
        "min_age",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "path", "reason", "marker"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_problem_is_reported_with_file_line_path_and_plain_reason(
    tmp_path: Path, old: str, new: str, path: str, reason: str, marker: str
) -> None:
    text = changed(old, new)
    file = write(tmp_path, "demo.yaml", text)

    problems = problems_of(file)

    expected_line = line_with(text, marker)
    matching = [p for p in problems if p.path == path and reason in p.reason]
    assert matching, "\n".join(map(str, problems))
    assert matching[0].file == str(file)
    assert matching[0].line == expected_line, str(matching[0])


def test_a_problem_reads_as_file_line_path_reason() -> None:
    problem = FlowProblem("flows/x.yaml", 12, "questions[3].show_if", "points forward")
    assert str(problem) == "flows/x.yaml:12: questions[3].show_if: points forward"
    assert str(FlowProblem("flows/x.yaml", None, "", "the file is empty")) == (
        "flows/x.yaml: the file is empty"
    )
    assert str(FlowProblem("flows", None, "", "no flow files")) == "flows: no flow files"


def test_file_paths_are_reported_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("flows").mkdir()
    write(Path("flows"), "demo.yaml", changed("version: 1", "version: x"))
    [problem] = check_flows(Path("flows"))
    assert problem.file == "flows/demo.yaml"
    assert str(problem).startswith("flows/demo.yaml:2: version: must be a whole number")


def test_yes_and_no_stay_words_so_show_if_on_yes_no_works(tmp_path: Path) -> None:
    text = changed("equals: bad", "equals: yes").replace("question: q1", "question: q2")
    flow = load_flow_file(write(tmp_path, "demo.yaml", text))
    condition = flow.question("q3").show_if
    assert condition is not None and condition.equals == "yes"


def test_anchors_and_merge_keys_are_allowed(tmp_path: Path) -> None:
    text = changed(
        "    points:\n",
        "    points: &agree\n",
    ) + (
        "  - id: q4\n    type: scale\n    indicator: overall\n"
        "    text: {sv: Fyra, da: Fire}\n    points: *agree\n"
    )
    flow = load_flow_file(write(tmp_path, "demo.yaml", text))
    assert flow.question("q4").answer_codes() == ["good", "bad"]


# --------------------------------------------------------------- several problems


def test_every_problem_in_every_file_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "demo.yaml", BASE)
    two = changed("version: 1", "version: x", changed("id: demo", "id: wrong"))
    write(tmp_path, "two.yaml", two)
    write(tmp_path, "broken.yml", "id: broken\n  oops: [\n")
    write(tmp_path, "notes.txt", "not a flow")
    write(tmp_path, ".#demo.yaml", "editor lock file")

    problems = check_flows(tmp_path)

    assert [(Path(p.file).name, p.line, p.path) for p in problems] == [
        ("broken.yml", 2, ""),
        ("two.yaml", 1, "id"),
        ("two.yaml", 2, "version"),
    ]
    with pytest.raises(FlowFileError) as caught:
        load_flows(tmp_path)
    assert caught.value.problems == problems
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"3 problems in {tmp_path}: first: {problems[0]}")


def test_a_flow_id_used_twice_across_files_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "demo.yaml", BASE)
    write(tmp_path, "demo.yml", BASE)
    problems = check_flows(tmp_path)
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'demo.yml'}:1: id: flow id 'demo' is already used by {tmp_path / 'demo.yaml'}"
    ]


def test_an_empty_or_missing_folder_is_a_problem(tmp_path: Path) -> None:
    assert [p.reason for p in check_flows(tmp_path)] == [
        "no flow files (*.yaml or *.yml) in this folder"
    ]
    missing = tmp_path / "nope"
    assert [str(p) for p in check_flows(missing)] == [f"{missing}: the flow folder does not exist"]
    with pytest.raises(FlowFileError, match="1 problem in"):
        load_flows(missing)


def test_load_flows_returns_flows_by_id(tmp_path: Path) -> None:
    write(tmp_path, "demo.yaml", BASE)
    assert list(load_flows(tmp_path)) == ["demo"]


# ----------------------------------------------------------------- malformed input


def reasons_for(tmp_path: Path, content: bytes, name: str = "demo.yaml") -> list[str]:
    path = tmp_path / name
    path.write_bytes(content)
    problems = problems_of(path)
    assert problems
    for problem in problems:
        assert problem.file == str(path)
        assert problem.line is None or problem.line >= 1
        assert "internal error" not in problem.reason, problem
    return [p.reason for p in problems]


BILLION_LAUGHS = "\n".join(
    ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    + ["questions: *a9"]
).encode()

MALFORMED: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "the file is empty"),
    "only a comment": (b"# nothing here\n", "the file is empty"),
    "list at top": (b"- id: demo\n- id: other\n", "not a list"),
    "single value": (b"hello\n", "not a single value"),
    "not UTF-8": ("title: {sv: café}\n".encode("latin-1"), "the file is not UTF-8 text"),
    "UTF-16": ("id: demo\n".encode("utf-16"), "the file is not UTF-8 text"),
    "NUL byte": (b"id: demo\ntitle: \x00\n", "control character"),
    "deep flow nesting": (b"id: " + b"[" * 50_000 + b"]" * 50_000, "nested more than"),
    "deep block nesting": (
        "".join("  " * i + f"k{i}:\n" for i in range(300)).encode(),
        "nested more than",
    ),
    "alias bomb": (BILLION_LAUGHS, "expands to more than"),
    "recursive alias": (b"a: &a [*a]\n", "refers to the value that contains it"),
    "recursive merge": (b"a: &a {<<: *a}\n", "refers to the value that contains it"),
    "undefined alias": (b"a: *nope\n", "found undefined alias"),
    "python tag": (b"id: !!python/object/apply:os.system [ls]\n", "a value cannot be read"),
    "impossible date": (b"version: 2024-13-45\n", "a value cannot be read"),
    "huge number": (b"version: " + b"9" * 5000 + b"\n", "a value cannot be read"),
    "unhashable key": (b"? [a, b]\n: c\n", "unhashable key"),
    "two documents": (b"id: a\n---\nid: b\n", "a flow file holds one flow"),
}


@pytest.mark.parametrize("content,reason", MALFORMED.values(), ids=list(MALFORMED))
def test_malformed_files_give_a_plain_problem(tmp_path: Path, content: bytes, reason: str) -> None:
    assert any(reason in r for r in reasons_for(tmp_path, content))


def test_a_missing_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(FlowFileError, match="cannot be read"):
        load_flow_file(tmp_path / "gone.yaml")


def test_garbage_bytes_never_raise_anything_but_flow_file_error(tmp_path: Path) -> None:
    rng = random.Random(20240601)
    for _ in range(150):
        content = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
        reasons_for(tmp_path, content)


def test_mangled_shipped_flows_never_raise_anything_but_flow_file_error(tmp_path: Path) -> None:
    sources = [p.read_bytes() for p in sorted(FLOWS_DIR.glob("*.yaml"))]
    pieces = [
        b": ",
        b"- ",
        b"&a ",
        b"*a",
        b"<<: *a",
        b"{",
        b"]",
        b"\t",
        b"\xff",
        b"'",
        b"!!binary ",
        b"!!set ",
        b"? ",
        b"---\n",
        b"~",
        b"2024-02-30",
        b"\n  ",
        b"|",
    ]
    rng = random.Random(7)
    for _ in range(250):
        data = bytearray(rng.choice(sources))
        for _ in range(rng.randint(1, 5)):
            at = rng.randrange(len(data) + 1)
            if rng.random() < 0.5:
                data[at:at] = rng.choice(pieces)
            else:
                del data[at : at + rng.randint(1, 60)]
        path = tmp_path / "income_support_followup.yaml"
        path.write_bytes(bytes(data))
        try:
            load_flow_file(path)
        except FlowFileError as exc:
            assert all("internal error" not in p.reason for p in exc.problems), exc
