"""`rostbot doctor --processing-record`: the record of processing follows the deployment.

Every flow appears with its purpose, every table the migrations make is described, and the
retention periods printed are those the settings give the retention job.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import yaml

from export_steps import rostbot
from rostbot.crypto.analyst_keys import AnalystPrivateKey
from rostbot.health.processing_record import migration_tables
from rostbot.health.processing_words import LANGUAGES, TABLES, WORDS

REPO = Path(__file__).resolve().parents[1]


def flow_ids() -> list[str]:
    return sorted(
        yaml.safe_load(path.read_text(encoding="utf-8"))["id"]
        for path in (REPO / "flows").glob("*.yaml")
    )


def env_for(analyst_key: tuple[Path, AnalystPrivateKey], tmp_path: Path) -> dict[str, str]:
    return {
        "ROSTBOT_FLOWS": str(REPO / "flows"),
        "ROSTBOT_DB": str(tmp_path / "rostbot.sqlite3"),
        "ROSTBOT_ANALYST_KEY": str(analyst_key[0]),
        "ROSTBOT_ORGANISATION": "Testkommunen",
        "ROSTBOT_DPO": "dso@testkommunen.example",
    }


def row(record: str, table: str) -> str:
    found = re.search(rf"^\| `{table}` \|.*$", record, re.MULTILINE)
    assert found, f"no row for {table}"
    return found.group(0)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_table_is_described_and_every_language_says_the_same_things() -> None:
    for lang in LANGUAGES:
        assert set(migration_tables()) == set(TABLES[lang]), lang
        assert set(WORDS[lang]) == set(WORDS["en"]), lang
        for key, text in WORDS[lang].items():
            assert placeholders(text) == placeholders(WORDS["en"][key]), (lang, key)
        for name, table in TABLES[lang].items():
            assert placeholders(table.kept) == placeholders(TABLES["en"][name].kept)


async def test_every_flow_and_table_appears_with_the_organisations_details(
    analyst_key: tuple[Path, AnalystPrivateKey], tmp_path: Path
) -> None:
    code, record, err = await rostbot(
        "doctor", "--processing-record", env=env_for(analyst_key, tmp_path)
    )
    assert code == 0, err
    assert record.startswith("# Record of processing: Testkommunen\n")
    assert "- Data protection officer: dso@testkommunen.example" in record
    assert f"sealed to the analysts' public key(s) ({analyst_key[1].key_id})" in record
    for flow_id in flow_ids():
        assert f"| `{flow_id}` (v" in record  # in the table of purposes
        assert f"- `{flow_id}`, as told to respondents: " in record
    for table in migration_tables():
        assert "not described" not in row(record, table)


async def test_the_retention_figures_follow_the_settings(
    analyst_key: tuple[Path, AnalystPrivateKey], tmp_path: Path
) -> None:
    env = env_for(analyst_key, tmp_path)
    code, default, _ = await rostbot("doctor", "--processing-record", env=env)
    assert code == 0
    assert "until exported, then 30 days" in row(default, "sealed_answers")
    assert "unused: 365 days after it was made" in row(default, "invitations")
    assert "unfinished: 365 days after the last change" in row(default, "runs")

    out = tmp_path / "record.md"
    changed = {**env, "ROSTBOT_EXPORT_GRACE_DAYS": "12", "ROSTBOT_RETENTION_DAYS": "200"}
    code, said, err = await rostbot("doctor", "--processing-record", "--out", str(out), env=changed)
    assert (code, said, err) == (0, f"record of processing: {out}\n", "")
    record = out.read_text(encoding="utf-8")
    assert "until exported, then 12 days" in row(record, "sealed_answers")
    assert "unused: 200 days after it was made" in row(record, "invitations")
    assert "unfinished: 200 days after the last change" in row(record, "runs")
    assert "exported answers after 12 days (ROSTBOT_EXPORT_GRACE_DAYS)" in record
    assert "answers are kept 200 days" in record
    assert "365 days" not in record and "30 days" not in record


async def test_a_broken_flow_folder_is_one_line(tmp_path: Path) -> None:
    code, out, err = await rostbot(
        "doctor", "--processing-record", env={"ROSTBOT_FLOWS": str(tmp_path / "none")}
    )
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("rostbot: cannot read the flows: ")


async def test_the_record_in_swedish_follows_the_same_settings(
    analyst_key: tuple[Path, AnalystPrivateKey], tmp_path: Path
) -> None:
    env = {**env_for(analyst_key, tmp_path), "ROSTBOT_EXPORT_GRACE_DAYS": "9"}
    code, record, err = await rostbot("doctor", "--processing-record", "--lang", "sv", env=env)
    assert code == 0, err
    assert record.startswith("# Register över behandling: Testkommunen\n")
    assert "- Dataskyddsombud: dso@testkommunen.example" in record
    for flow_id in flow_ids():
        assert f"- `{flow_id}`, så som det beskrivs för de svarande: " in record
    assert "tills det exporteras, sedan 9 dagar" in row(record, "sealed_answers")
    assert "oanvänd: 365 dagar efter att den skapades" in row(record, "invitations")


async def test_the_record_in_danish_follows_the_same_settings(
    analyst_key: tuple[Path, AnalystPrivateKey], tmp_path: Path
) -> None:
    env = {**env_for(analyst_key, tmp_path), "ROSTBOT_RETENTION_DAYS": "180"}
    code, record, err = await rostbot("doctor", "--processing-record", "--lang", "da", env=env)
    assert code == 0, err
    assert record.startswith("# Fortegnelse over behandlingsaktiviteter: Testkommunen\n")
    assert "- Databeskyttelsesrådgiver: dso@testkommunen.example" in record
    for flow_id in flow_ids():
        assert f"- `{flow_id}`, som det beskrives for dem, der svarer: " in record
    assert "til det eksporteres, derefter 30 dage" in row(record, "sealed_answers")
    assert "ubrugt: 180 dage efter oprettelsen" in row(record, "invitations")


async def test_the_record_says_which_flows_ask_about_interviews(
    analyst_key: tuple[Path, AnalystPrivateKey], tmp_path: Path
) -> None:
    code, record, err = await rostbot(
        "doctor", "--processing-record", env=env_for(analyst_key, tmp_path)
    )
    assert code == 0, err
    assert "| asks to contact later | asks about interviews |" in record
    for path in (REPO / "flows").glob("*.yaml"):
        flow = yaml.safe_load(path.read_text(encoding="utf-8"))
        found = re.search(rf"^\| `{flow['id']}` \(v.*$", record, re.MULTILINE)
        assert found, flow["id"]
        cells = [c.strip() for c in found.group(0).split("|")]
        assert cells[-2] == ("yes" if flow.get("ask_interview") else "no"), flow["id"]
    assert "- Interviews: inviting people who agreed, separately, to hear about" in record
