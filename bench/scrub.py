"""Scrubbing free text: texts per second, against baselines measured in the same run.

    .venv/bin/python bench/scrub.py [--texts 10000] [--repeat 3] [--old-ref REF]

The texts are the labelled set of tests/scrub_cases.py (Swedish and Danish sentences with
identity numbers, phone numbers, addresses and names, and the negatives: dates, amounts,
the bot's own texts), repeated until there are --texts of them. Timed, best of --repeat:

* baseline: `str.lower` over the same texts (what a pass over the text costs at least);
* old scrub (with --old-ref, e.g. a commit before the scrubber moved to stdnum and
  phonenumbers): `src/rostbot/export/scrub.py` at that git ref, loaded from git;
* scrub: `rostbot.export.scrub.scrub` as it is now.

The first call of each is made before timing, so loading the name lists is not counted.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from rostbot.export.scrub import scrub  # noqa: E402
from scrub_cases import cases  # noqa: E402


def texts(count: int) -> list[str]:
    positives, negatives = cases()
    pool = [c.text for c in positives] + negatives
    return [pool[i % len(pool)] for i in range(count)]


def old_scrub(ref: str) -> Callable[[str], object]:
    source = subprocess.run(
        ["git", "show", f"{ref}:src/rostbot/export/scrub.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    module = types.ModuleType("old_scrub")
    module.__dict__["__package__"] = "rostbot.export"  # its name lists: the package's own
    sys.modules["old_scrub"] = module  # dataclasses look their module up
    exec(compile(source, f"{ref}:scrub.py", "exec"), module.__dict__)
    function: Callable[[str], object] = module.__dict__["scrub"]
    return function


def best(run: Callable[[str], object], items: list[str], repeat: int) -> float:
    run(items[0])
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for text in items:
            run(text)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--old-ref", help="git ref whose scrub.py to time as well")
    args = parser.parse_args()
    items = texts(args.texts)
    rows: list[tuple[str, float]] = [("baseline: str.lower", best(str.lower, items, args.repeat))]
    if args.old_ref:
        rows.append((f"old scrub ({args.old_ref})", best(old_scrub(args.old_ref), items, 1)))
    rows.append(("scrub", best(scrub, items, args.repeat)))
    print(f"{len(items)} texts, {sum(map(len, items)) / len(items):.0f} characters on average")
    print("| | seconds | texts/s | vs. old scrub |")
    print("|---|---|---|---|")
    old = dict(rows).get(f"old scrub ({args.old_ref})")
    for label, seconds in rows:
        ratio = f"{seconds / old:.2f} x" if old else "–"
        print(f"| {label} | {seconds:.3f} | {len(items) / seconds:,.0f} | {ratio} |")


if __name__ == "__main__":
    main()
