"""The manifest's scrub counts are the markers in the files, through a real export.

Free texts from the labelled set (identity numbers, phones, addresses, names) and some
negatives are sealed with a real key as answers to a real flow; `rostbot export` opens,
checks and scrubs them. The markers found in `free_text.csv` are then counted by kind
and must equal `manifest.json`'s `scrubbed`, and no planted identifier may be left.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from stdnum.dk import cpr
from stdnum.se import personnummer

from export_steps import Answer, read_csv, rostbot, seal_answers
from rostbot.crypto.analyst_keys import generate_keypair
from rostbot.export.scrub import KINDS
from scrub_cases import cases

MARKER = re.compile(r"\[(" + "|".join(KINDS) + r")\]")


async def test_manifest_counts_equal_the_markers_in_free_text_csv(tmp_path: Path) -> None:
    positives, negatives = cases()
    texts = [c.text for c in positives[::6]] + negatives[::20]
    texts = [t for t in texts if t.strip() and len(t) <= 500]  # what the question accepts
    assert len(texts) >= 100
    db, out = tmp_path / "bot.sqlite3", tmp_path / "export"
    key_path = tmp_path / "keys" / "analyst.key"
    public = generate_keypair(key_path)
    for text in texts:
        await seal_answers(
            db, public, [Answer("comment", "text", text, indicator="overall", unit="north")]
        )

    status, _, stderr = await rostbot(
        "export", "--key", str(key_path), "--out", str(out), "--db", str(db)
    )

    assert status == 0, stderr
    written = [row["text"] for row in read_csv(out / "free_text.csv")]
    assert len(written) == len(texts)
    markers = Counter(m.group(1) for text in written for m in MARKER.finditer(text))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["scrubbed"] == {kind: markers[kind] for kind in KINDS}
    assert sum(markers.values()) >= len(positives[::6])
    # and what python-stdnum recognises is gone from every text written
    for text in written:
        for word in re.findall(r"\d[\d +-]{8,13}\d", text):
            assert not personnummer.is_valid(word) and not cpr.is_valid(word), word
