"""Every reason the flow checker gives has Swedish and Danish words in the catalogs.

The sandbox page shows a broken flow file's problems in the page's language; `rostbot
flows check` prints the English. The same problem carries both: its English reason and
its catalog words (msgid and values). Every case the loader's own tests break a flow with
is read here again and each reason looked up in locales/sv and locales/da; only a
pydantic message the checker has no words for stays English, and says so.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rostbot.core.flow_loader import check_flows
from rostbot.core.flow_problems import FlowProblem, english_only, said
from rostbot.i18n import N_, Translations
from rostbot.sandbox.webchat.flow_reload_words import problem_json
from test_flow_loader import CASES, MALFORMED, changed, write

TEXTS = Translations.load()


def problems_in(tmp_path: Path, files: dict[str, bytes]) -> list[FlowProblem]:
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    return check_flows(tmp_path)


def assert_in_swedish_and_danish(problem: FlowProblem) -> dict[str, str]:
    shown = problem_json(problem, TEXTS)
    assert shown["reason"] == problem.reason
    assert problem.words is not None and problem.words.english() == problem.reason
    assert set(shown["reasons"]) == {"sv", "da"}, problem
    for reason in shown["reasons"].values():
        assert reason != problem.reason and not re.search(r"{\w+}", reason), reason
    return dict(shown["reasons"])


@pytest.mark.parametrize(
    ("old", "new"), [case[1:3] for case in CASES], ids=[case[0] for case in CASES]
)
def test_each_problem_of_a_flow_has_swedish_and_danish_reasons(
    tmp_path: Path, old: str, new: str
) -> None:
    write(tmp_path, "demo.yaml", changed(old, new))
    problems = check_flows(tmp_path)
    assert problems
    for problem in problems:
        assert_in_swedish_and_danish(problem)


@pytest.mark.parametrize("content", [c for c, _ in MALFORMED.values()], ids=list(MALFORMED))
def test_each_problem_of_a_malformed_file_has_swedish_and_danish_reasons(
    tmp_path: Path, content: bytes
) -> None:
    for problem in problems_in(tmp_path, {"demo.yaml": content}):
        assert_in_swedish_and_danish(problem)


def test_the_folder_problems_have_swedish_and_danish_reasons(tmp_path: Path) -> None:
    [missing] = check_flows(tmp_path / "nowhere")
    assert assert_in_swedish_and_danish(missing) == {
        "sv": "mappen med enkäter finns inte",
        "da": "mappen med spørgeskemaer findes ikke",
    }
    [empty] = check_flows(tmp_path)
    assert assert_in_swedish_and_danish(empty)["sv"] == (
        "inga enkätfiler (*.yaml eller *.yml) i den här mappen"
    )


def test_values_are_kept_and_words_inside_them_translated(tmp_path: Path) -> None:
    text = changed("text: {sv: Hur var det, da: Hvordan var det}", "text: {sv: Hur var det}")
    write(tmp_path, "demo.yaml", text)
    [problem] = check_flows(tmp_path)
    assert problem.reason == "missing Danish (da) text"
    assert assert_in_swedish_and_danish(problem) == {
        "sv": "text på danska (da) saknas",
        "da": "mangler tekst på dansk (da)",
    }


def test_a_reason_without_catalog_words_stays_english_in_every_language() -> None:
    rare = FlowProblem.of("f.yaml", 3, "version", english_only("Input should be a finite number"))
    assert problem_json(rare, TEXTS)["reasons"] == {}
    # Words missing from a catalog, even inside a value, leave the whole reason English.
    inner = FlowProblem.of(
        "f.yaml", 3, "", said(N_("missing {language} text"), language=said("Klingon (tlh)"))
    )
    assert problem_json(inner, TEXTS)["reasons"] == {}
    assert inner.reason == "missing Klingon (tlh) text"
