"""docs/record-format.md's "Opening a record" example, run as it is printed.

It runs in a folder holding `analyst.key` and `rostbot.sqlite3`, as the docs name them,
against records sealed to two keys (a key rotation): it must print the records of its
own key, in full, and name how many belong to the other key, not stop at the first.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import age_files
from conftest import REPO
from export_steps import Answer, seal_answers
from rostbot.crypto.analyst_keys import generate_keypair

DOC = REPO / "docs" / "record-format.md"
ANSWERS = [
    Answer("listened", "scale", "fully"),
    Answer("knew_plan", "scale", "mostly", indicator="information"),
]


def example() -> str:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Opening a record\n") : text.index("## Key rotation\n")]
    [code] = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    return code


def run_example(folder: Path, stdin: str = "") -> list[str]:
    (folder / "example.py").write_text(example(), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "example.py"],
        cwd=folder,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        start_new_session=True,  # no terminal: getpass reads the passphrase from stdin
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.mark.parametrize("passphrase", [None, " lösenord åäö æø"])
async def test_the_documented_example_opens_its_records_and_skips_the_others(
    tmp_path: Path, passphrase: str | None
) -> None:
    pytest.importorskip("pyhpke", reason="pyhpke (the dev extra) is not installed")
    key_path = tmp_path / "analyst.key"
    mine = generate_keypair(key_path)
    if passphrase is not None:  # an age file at a tiny work factor: the example reads it
        key_path.write_bytes(age_files.armored(key_path.read_bytes(), passphrase, 10))
    other = generate_keypair(tmp_path / "other" / "other.key")
    db = tmp_path / "rostbot.sqlite3"
    # the other key's records first: the rowid order puts them before ours
    theirs = await seal_answers(db, other, ANSWERS)
    ours = await seal_answers(db, mine, ANSWERS)
    theirs += await seal_answers(db, other, ANSWERS[:1])

    lines = run_example(tmp_path, stdin=f"{passphrase}\n" if passphrase else "")

    *records, last = lines
    opened = [json.loads(line) for line in records]
    assert sorted(r["record_id"] for r in opened) == sorted(ours)
    assert {r["question_id"] for r in opened} == {"listened", "knew_plan"}
    assert last == f"{len(theirs)} record(s) are sealed to other keys: open them with those keys"
