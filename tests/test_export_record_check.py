"""A record sealed by someone who holds the public key, not by the bot, stays out of the files.

The bot host holds the analysts' public key, so whoever takes it over can seal records of
their own: formulas, junk codes, units no letter was ever sent to. The real `rostbot
export` opens them with a real key; each one that is not what the flow allows is named by
record id, written to no file and left waiting.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

from conftest import FLOWS
from export_steps import Answer, rostbot, seal_answers, waiting_count
from rostbot.crypto.analyst_keys import generate_keypair

GOOD = [
    Answer("knew_plan", "scale", "fully", indicator="information", unit="north"),
    Answer("listened", "scale", "mostly", unit="north"),
    Answer("length", "choice", "right", indicator="custom:meeting_length", unit="north"),
    Answer("come_again", "yes_no", "yes", indicator="custom:come_again", unit="north"),
    Answer("comment", "text", "Bra möte.", indicator="overall", unit="north", provider="hvb-3"),
]
LISTENED = Answer("listened", "scale", "fully", unit="north")
COMMENT = Answer("comment", "text", "Ett svar.", indicator="overall", unit="north")
FORMULA = '=HYPERLINK("http://evil.example","klicka")'

# (what is wrong, the record); each is sealed as a response of its own
FORGED: list[tuple[str, Answer]] = [
    ("the flow is not among the flow files", replace(LISTENED, flow_id="no_such_flow")),
    ("the flow has no such question", replace(LISTENED, question_id="nope")),
    ("its question type is not the question's", replace(LISTENED, question_type="text")),
    ("its indicator is not the question's", replace(LISTENED, indicator="overall")),
    ("its value is not an option of the question", replace(LISTENED, value=FORMULA)),
    ("its value is not an option of the question", replace(LISTENED, value="=1+1")),
    (
        "its value is not an option of the question",
        replace(
            LISTENED,
            question_id="come_again",
            question_type="yes_no",
            value="maybe",
            indicator="custom:come_again",
        ),
    ),
    ("its text is longer than the question allows", replace(COMMENT, value="a" * 501)),
    ("its text is empty", replace(COMMENT, value="   ")),
    ("it skips a required question", replace(LISTENED, status="skipped", value=None)),
    (
        "it declines a question that cannot be declined",
        replace(COMMENT, status="declined", value=None),
    ),
    (
        "opens but its contents are not a valid answer",
        replace(COMMENT, status="skipped", value="=1+1"),
    ),
    ("its unit is not a name `invite` gives", replace(LISTENED, unit="-1-1")),
    ("its unit is not a name `invite` gives", replace(LISTENED, unit="=cmd|' /C calc'!A0")),
    ("its unit is not a name `invite` gives", replace(LISTENED, unit="north\nsouth")),
    ("its provider is not a name `invite` gives", replace(LISTENED, provider="@SUM(1)")),
    # a version of the flow whose file is not at hand: checked by the shapes every flow keeps
    ("its value is not an option code", replace(LISTENED, flow_version=2, value="=1+1")),
    ("its indicator is not an indicator", replace(LISTENED, flow_version=2, indicator="=A1")),
    (
        "its value is not a rating from 0 to 10",
        replace(LISTENED, flow_version=2, question_type="rating_0_10", value="11"),
    ),
]


def flows_with_listened_required(tmp_path: Path) -> Path:
    """The shipped flows, with `listened` in meeting_feedback marked `required: true`."""
    flows = tmp_path / "flows"
    shutil.copytree(FLOWS, flows)
    path = flows / "meeting_feedback.yaml"
    text = path.read_text(encoding="utf-8")
    marked = text.replace("  - id: listened\n", "  - id: listened\n    required: true\n", 1)
    assert marked != text
    path.write_text(marked, encoding="utf-8")
    return flows


async def test_forged_records_are_named_kept_out_and_left_waiting(tmp_path: Path) -> None:
    db, out = tmp_path / "bot.sqlite3", tmp_path / "export"
    flows = flows_with_listened_required(tmp_path)
    key_path = tmp_path / "keys" / "analyst.key"
    public = generate_keypair(key_path)
    await seal_answers(db, public, GOOD)
    old_version = replace(LISTENED, flow_version=2, question_id="old_question", value="often")
    await seal_answers(db, public, [old_version])
    # every question can be skipped unless the flow marks it required
    skipped = [
        replace(COMMENT, status="skipped", value=None),
        replace(GOOD[0], status="skipped", value=None),
    ]
    await seal_answers(db, public, skipped)
    forged_ids = {}
    for why, answer in FORGED:
        [record_id] = await seal_answers(db, public, [answer])
        forged_ids[record_id] = why

    status, stdout, stderr = await rostbot(
        "export", "--key", str(key_path), "--out", str(out), "--db", str(db),
        "--flows", str(flows),
    )  # fmt: skip

    assert status == 0, stderr
    assert "exported 8 new answer(s)" in stdout, stderr
    reported = [line for line in stderr.splitlines() if line.endswith("it stays waiting")]
    assert len(reported) == len(FORGED), stderr
    for record_id, why in forged_ids.items():
        [line] = [line for line in reported if f"record {record_id} " in line]
        assert why in line and line.endswith("; it stays waiting"), line
    assert "evil" not in stderr and "=1+1" not in stderr and "calc" not in stderr
    assert waiting_count(db) == len(FORGED)
    every_file = "".join(
        path.read_bytes().decode("utf-8", "replace") for path in out.iterdir() if path.is_file()
    )
    for hostile in ("evil.example", "=1+1", "calc", "-1-1", "@SUM", "nope", "no_such_flow"):
        assert hostile not in every_file
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["answers"] == 8 and manifest["counts"]["responses"] == 3
    assert manifest["last_run"]["failed"] == len(FORGED)

    # the next run has only them: it says so in one line, exports nothing, marks nothing
    status, again_out, again = await rostbot(
        "export", "--key", str(key_path), "--out", str(out), "--db", str(db),
        "--flows", str(flows),
    )  # fmt: skip
    assert status == 2 and again_out == ""
    assert again.count("\n") == 1, again
    assert f"{len(FORGED)} record(s) for key" in again and "could not be exported" in again
    assert waiting_count(db) == len(FORGED)


async def test_export_without_flow_files_refuses_in_one_line(tmp_path: Path) -> None:
    db, key_path = tmp_path / "bot.sqlite3", tmp_path / "keys" / "analyst.key"
    public = generate_keypair(key_path)
    await seal_answers(db, public, [LISTENED])
    for flows, says in ((tmp_path / "missing", "--flows"), (tmp_path / "empty", "no flow files")):
        (tmp_path / "empty").mkdir(exist_ok=True)
        status, stdout, stderr = await rostbot(
            "export", "--key", str(key_path), "--out", str(tmp_path / "export"), "--db", str(db),
            "--flows", str(flows),
        )  # fmt: skip
        assert status == 2
        assert stdout == ""
        assert stderr.count("\n") == 1 and says in stderr and "Traceback" not in stderr
        assert waiting_count(db) == 1
        assert not (tmp_path / "export").exists()
