"""The organisation's settings for the privacy notice, and the rules they choose."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FLOWS, REPO
from rostbot.config import ConfigError, settings_from_env
from rostbot.core.flow_loader import load_flow_file


def test_the_country_follows_the_time_zone_unless_set() -> None:
    assert settings_from_env({}).country == "se"
    assert settings_from_env({"ROSTBOT_TZ": "Europe/Copenhagen"}).country == "dk"
    assert (
        settings_from_env({"ROSTBOT_TZ": "Europe/Copenhagen", "ROSTBOT_COUNTRY": "se"}).country
        == "se"
    )
    with pytest.raises(ConfigError, match="ROSTBOT_COUNTRY"):
        settings_from_env({"ROSTBOT_COUNTRY": "no"})


def test_the_supervisory_authority_defaults_to_the_countrys() -> None:
    assert "imy.se" in settings_from_env({"ROSTBOT_COUNTRY": "se"}).authority
    assert "datatilsynet.dk" in settings_from_env({"ROSTBOT_COUNTRY": "dk"}).authority
    own = settings_from_env({"ROSTBOT_SUPERVISORY_AUTHORITY": "Tilsynet, example.dk"})
    assert own.authority == "Tilsynet, example.dk"


def test_legal_basis_support_and_notice_are_read_per_language() -> None:
    settings = settings_from_env(
        {
            "ROSTBOT_LEGAL_BASIS_SV": "Vi frågar enligt lag.",
            "ROSTBOT_SUPPORT_SV": "Ring 116 111",
            "ROSTBOT_PRIVACY_URL": "https://kommun.example/data",
            "ROSTBOT_DPO": "dso@kommun.example",
        }
    )
    assert settings.legal_basis("sv") == "Vi frågar enligt lag."
    assert settings.legal_basis("da") == ""  # the catalog's public-task wording is used
    assert settings.support("da") == "Ring 116 111"  # the other language's, rather than none
    assert settings.privacy_url == "https://kommun.example/data"
    assert settings.dpo == "dso@kommun.example"
    with pytest.raises(ConfigError, match="ROSTBOT_PRIVACY_URL"):
        settings_from_env({"ROSTBOT_PRIVACY_URL": "kommun.example/data"})


def test_age_limits_follow_the_jurisdiction_not_the_language() -> None:
    danish = load_flow_file(FLOWS / "rehab_job_dk.yaml")
    swedish = load_flow_file(FLOWS / "income_support_followup.yaml")
    youth = load_flow_file(FLOWS / "youth_placement.yaml")
    assert danish.jurisdiction == "dk"
    assert (danish.age_limit("se"), danish.age_limit("dk")) == (15, 15)
    assert (swedish.age_limit("se"), swedish.age_limit("dk")) == (13, 15)
    assert (youth.age_limit("se"), youth.age_limit("dk")) == (15, 15)


def _flows_check(folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ROSTBOT_")}
    return subprocess.run(
        [sys.executable, "-m", "rostbot", "flows", "check", str(folder)],
        env={**clean, "PYTHONPATH": str(REPO / "src"), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_flows_check_warns_when_sensitive_questions_have_no_support_line(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "flows"
    folder.mkdir()
    shipped = (FLOWS / "youth_placement.yaml").read_text(encoding="utf-8")
    # the shipped flow names its support lines; this copy of it does not
    text = re.sub(r"\nsupport:\n(?:[ \t]+.*\n)+", "\n", shipped)
    assert "sensitive: true" in text and "\nsupport:" in shipped and "\nsupport:" not in text
    (folder / "youth_placement.yaml").write_text(text, encoding="utf-8")

    result = _flows_check(folder, {})
    assert result.returncode == 0, result.stderr
    assert "warning: youth_placement asks sensitive questions but names no support line" in (
        result.stdout
    )

    with_org_line = _flows_check(
        folder, {"ROSTBOT_SUPPORT_SV": "Bris 116 111", "ROSTBOT_SUPPORT_DA": "116 111"}
    )
    assert with_org_line.returncode == 0 and "warning" not in with_org_line.stdout

    (folder / "youth_placement.yaml").write_text(
        text.replace(
            "\nquestions:",
            "\nsupport: {sv: Ring Bris på 116 111., da: Ring BørneTelefonen på 116 111.}"
            "\nquestions:",
            1,
        ),
        encoding="utf-8",
    )
    with_flow_line = _flows_check(folder, {})
    assert with_flow_line.returncode == 0, with_flow_line.stdout
    assert "warning" not in with_flow_line.stdout
