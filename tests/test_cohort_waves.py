"""Cohorts and waves: named on the invitation, checked, sealed with every answer, and
read back by the export, also from records and export folders made before them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import FLOWS
from export_steps import Answer, read_csv, rostbot, seal_answers
from rostbot.crypto.analyst_keys import AnalystPrivateKey, load_public_key
from rostbot.export import indicators
from rostbot.report.export_folder import INDICATOR_COLUMNS
from rostbot.report.making import make_report
from rostbot.store import export_state
from rostbot.store.database import Database
from rostbot.store.export_state import CountedAnswer
from test_cli import rostbot as rostbot_cli
from test_report import FLOWS as REPORT_FLOWS
from test_report import Node, figures, parse, section_of
from test_report_folder import INCOME, ExportSpec, Row, cell, write_export_folder

SCALE = Answer("listened", "scale", "fully")


def test_invite_keeps_the_cohort_and_wave_with_the_letter(tmp_path: Path) -> None:
    env = {"ROSTBOT_FLOWS": str(FLOWS), "ROSTBOT_DB": "rostbot.sqlite3"}
    result = rostbot_cli(
        "invite", "--flow", "meeting_feedback", "--unit", "u1", "--bot", "rost_bot",
        "--cohort", "foster-2y", "--wave", "2027-spring", "--count", "2",
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert result.code == 0, result
    with sqlite3.connect(tmp_path / "rostbot.sqlite3") as connection:
        rows = connection.execute("SELECT unit, cohort, wave FROM invitations").fetchall()
    assert rows == [("u1", "foster-2y", "2027-spring")] * 2


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--cohort", "=1+1"], "--cohort must be"),
        (["--cohort", "foster 2y"], "--cohort must be"),
        (["--wave", "2027 spring"], "--wave must be"),
        (["--wave", "-2027"], "--wave must be"),
        (["--wave", "2027-spring-and-autumn"], "--wave must be"),
    ],
)
def test_invite_refuses_a_cohort_or_wave_of_another_shape_in_one_line(
    tmp_path: Path, args: list[str], says: str
) -> None:
    env = {"ROSTBOT_FLOWS": str(FLOWS), "ROSTBOT_DB": "rostbot.sqlite3"}
    result = rostbot_cli(
        "invite", "--flow", "meeting_feedback", "--unit", "u1", "--bot", "rost_bot", *args,
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1 and says in result.err, result


def test_cohort_and_wave_are_optional(tmp_path: Path) -> None:
    env = {"ROSTBOT_FLOWS": str(FLOWS), "ROSTBOT_DB": "rostbot.sqlite3"}
    result = rostbot_cli(
        "invite", "--flow", "meeting_feedback", "--unit", "u1", "--bot", "rost_bot",
        "--wave", "2027", cwd=tmp_path, env=env,
    )  # fmt: skip
    assert result.code == 0, result
    with sqlite3.connect(tmp_path / "rostbot.sqlite3") as connection:
        rows = connection.execute("SELECT cohort, wave FROM invitations").fetchall()
    assert rows == [(None, "2027")]


async def export(db: Path, key: Path, out: Path, *more: str) -> tuple[int, str, str]:
    return await rostbot(
        "export", "--key", str(key), "--db", str(db), "--flows", str(FLOWS),
        "--out", str(out), "--format", "csv", "--min-group", "1", *more,
    )  # fmt: skip


async def test_records_sealed_before_cohorts_and_waves_still_open(
    tmp_path: Path, analyst_key: tuple[Path, AnalystPrivateKey]
) -> None:
    public, _ = analyst_key
    public_key = load_public_key(public)
    db = tmp_path / "rostbot.sqlite3"
    await (await Database.open(db)).close()
    await seal_answers(db, public_key, [SCALE])  # no cohort or wave in the record
    await seal_answers(db, public_key, [Answer("listened", "scale", "fully", cohort="c1")])
    await seal_answers(
        db, public_key, [Answer("listened", "scale", "fully", cohort="c1", wave="2027")]
    )
    code, _, err = await export(db, Path(str(public).removesuffix(".pub")), tmp_path / "out")
    assert code == 0, err
    rows = read_csv(tmp_path / "out" / "responses.csv")
    assert sorted((r["cohort"], r["wave"]) for r in rows) == [("", ""), ("c1", ""), ("c1", "2027")]
    header = (tmp_path / "out" / "responses.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("response,flow_id,flow_version,lang,unit,provider,cohort,wave,month")


@pytest.mark.parametrize(
    ("cohort", "wave", "says"),
    [("=SUM()", None, "its cohort is not a name"), (None, "a b", "its wave is not a name")],
)
async def test_a_record_naming_a_cohort_or_wave_invite_never_gives_is_not_exported(
    tmp_path: Path,
    analyst_key: tuple[Path, AnalystPrivateKey],
    cohort: str | None,
    wave: str | None,
    says: str,
) -> None:
    public, _ = analyst_key
    public_key = load_public_key(public)
    db = tmp_path / "rostbot.sqlite3"
    await (await Database.open(db)).close()
    await seal_answers(
        db, public_key, [Answer("listened", "scale", "fully", cohort=cohort, wave=wave)]
    )
    code, _, err = await export(db, Path(str(public).removesuffix(".pub")), tmp_path / "out")
    assert code == 2 and len(err.splitlines()) == 1
    assert says in err, err


async def test_an_export_folder_made_before_cohorts_takes_new_records_in(
    tmp_path: Path, analyst_key: tuple[Path, AnalystPrivateKey]
) -> None:
    public, _ = analyst_key
    public_key = load_public_key(public)
    key = Path(str(public).removesuffix(".pub"))
    db, out = tmp_path / "rostbot.sqlite3", tmp_path / "out"
    # the folder's state as an earlier rostbot made it: responses without cohort and wave
    state = out / ".rostbot-export" / "state.sqlite3"
    state.parent.mkdir(parents=True)
    old_schema = export_state.SCHEMA.replace(
        "month         TEXT NOT NULL,     -- month of the first answer", "month TEXT NOT NULL"
    )
    old_schema = "\n".join(
        line for line in old_schema.splitlines() if not line.strip().startswith(("cohort", "wave"))
    )
    with sqlite3.connect(state) as connection:
        connection.executescript(old_schema)
        columns = {row[1] for row in connection.execute("PRAGMA table_info(responses)")}
    assert "cohort" not in columns
    await (await Database.open(db)).close()
    await seal_answers(db, public_key, [SCALE])
    await seal_answers(
        db, public_key, [Answer("listened", "scale", "fully", cohort="c1", wave="2027")]
    )
    code, _, err = await export(db, key, out)
    assert code == 0, err
    rows = read_csv(out / "responses.csv")
    assert sorted((r["cohort"], r["wave"]) for r in rows) == [("", ""), ("c1", "2027")]


def counted(cohort: str, wave: str, count: int, first: int) -> list[CountedAnswer]:
    return [
        CountedAnswer(
            "f",
            "treatment",
            "u1",
            "",
            "2026-03",
            f"r{first + i:04d}",
            "scale",
            i % 2 == 0,
            None,
            cohort,
            wave,
        )
        for i in range(count)
    ]


def test_without_cohorts_or_waves_indicators_have_no_such_rows() -> None:
    rows = indicators.publish(indicators.tally(counted("", "", 10, 0)), 5).rows
    assert {(r.as_csv()["cohort"], r.as_csv()["wave"]) for r in rows} == {("*", "*")}
    assert {r.as_csv()["period_type"] for r in rows} == {"year", "quarter", "month"}


def test_waves_are_published_side_by_side_with_small_ones_hidden_in_pairs() -> None:
    answers = counted("c1", "2026", 6, 0) + counted("c1", "2027", 6, 100)
    answers += counted("c1", "2028", 2, 200) + counted("c2", "2027", 7, 300)
    published = [r.as_csv() for r in indicators.publish(indicators.tally(answers), 5).rows]
    by_group = {(r["cohort"], r["wave"]): r for r in published if r["period_type"] == "all"}
    assert set(by_group) == {
        ("c1", "*"), ("c1", "2026"), ("c1", "2027"), ("c1", "2028"), ("c2", "*"), ("c2", "2027")
    }  # fmt: skip
    assert by_group[("c1", "2028")]["suppressed"] == "true"
    # a second wave of c1 (or c1 itself) is hidden too, or c1 minus the rest gives 2028
    others = [by_group[("c1", w)]["suppressed"] for w in ("*", "2026", "2027")]
    assert others.count("true") >= 1
    assert by_group[("c2", "2027")]["n"] == "7"


def wave_row(cohort: str, wave: str, n: int | None = None, share: float | None = None) -> Row:
    """A cohort's (wave `*`) or a wave's row of indicators.csv; no n: suppressed."""
    return cell(INCOME, "information", "*", "*", "all", "all", n, share) | {
        "cohort": cohort,
        "wave": wave,
    }


def report_of(tmp_path: Path, rows: list[Row], lang: str = "sv") -> Node:
    spec = ExportSpec()
    spec.indicators = [r | {"cohort": "*", "wave": "*"} for r in spec.indicators] + rows
    spec.indicator_columns = (*INDICATOR_COLUMNS, "cohort", "wave")
    folder = write_export_folder(tmp_path / "export", spec)
    make_report(folder, tmp_path / "report.html", lang=lang, flows_dir=REPORT_FLOWS)
    return parse((tmp_path / "report.html").read_text(encoding="utf-8"))


WAVES = [
    wave_row("foster-2y", "*", 40, 0.65),
    wave_row("foster-2y", "2026", 20, 0.6),
    wave_row("foster-2y", "2027", 14, 0.7),
    wave_row("foster-2y", "2028"),  # n = 2
    wave_row("foster-2y", ""),  # complementary
]


@pytest.mark.parametrize(("lang", "caption"), [("sv", "Per omgång, "), ("da", "Pr. runde, ")])
def test_the_report_shows_a_cohorts_waves_side_by_side_hidden_ones_marked(
    tmp_path: Path, lang: str, caption: str
) -> None:
    page = report_of(tmp_path, WAVES, lang)
    information = section_of(page, "Information")
    (per_wave,) = [f for f in figures(information) if f.caption == caption + "foster-2y"]
    no_wave = "(ingen omgång)" if lang == "sv" else "(ingen runde)"
    assert list(per_wave.rows)[1:] == [
        "2026",
        "2027",
        "2028",
        no_wave,
        "Alla" if lang == "sv" else "Alle",
    ]
    assert per_wave.rows["2026"] == ["20", "60 %"]
    assert per_wave.rows["2027"] == ["14", "70 %"]
    for hidden in ("2028", no_wave):
        (only,) = per_wave.rows[hidden]
        assert only.startswith("Dolt" if lang == "sv" else "Skjult")
    assert per_wave.svg is not None


def test_one_wave_gets_no_chart_of_waves(tmp_path: Path) -> None:
    page = report_of(
        tmp_path, [wave_row("foster-2y", "*", 40, 0.65), wave_row("foster-2y", "2027", 40, 0.65)]
    )
    captions = [f.caption for f in figures(section_of(page, "Information"))]
    assert not [c for c in captions if c.startswith("Per omgång")], captions
