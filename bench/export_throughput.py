"""Export throughput and memory, against a bare HPKE-open loop over the same records.

    .venv/bin/python bench/export_throughput.py [--sizes 10000,100000] [--repeat 2]

For each size N it seals N realistic answers (responses to the shipped flows, about ten
answers each, over 12 units, 3 providers and 12 months, some free text with personal
details) straight into a bot database with the crypto module, then runs, each in a
fresh process and on a fresh copy of the database:

* **bare**: read every waiting row and open it with the private key, nothing else: the
  limit any exporter of these records can reach;
* **export**: the whole `rostbot export` pipeline (open, anonymise, scrub, state,
  responses.csv + .xlsx, free_text.csv, codebook, indicators with suppression,
  manifest, acknowledge).

It prints records per second of each, the ratio export/bare (target >= 0.5), the ratio
of CPU seconds bare/export (all processes; less sensitive to other load on the machine
than wall time, since the export uses several cores and the bare loop one), and the
peak resident memory of each process (ru_maxrss), so that 10k and 100k can be compared:
the export streams, so its memory should not grow with N.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from rostbot.core.flow_loader import load_flows  # noqa: E402
from rostbot.crypto.analyst_keys import generate_keypair  # noqa: E402
from rostbot.crypto.sealing import SealContext, seal  # noqa: E402

TEXTS = [
    "Det var bra att få prata med någon.",
    "Min handläggare Anna lyssnade, ring mig på 070-123 45 67.",
    "Jeg fik hjælp af Mette, skriv til mig på mette@example.dk.",
    "Bättre information om vad som händer sen.",
    "Mere tid til møderne, tak.",
]

_BARE = """
import json, resource, sqlite3, sys, time
from pathlib import Path
from rostbot.crypto.analyst_keys import load_private_key
from rostbot.crypto.sealing import SealContext, open_sealed
key = load_private_key(Path(sys.argv[1]))
db = sqlite3.connect(sys.argv[2])
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu0 = usage.ru_utime + usage.ru_stime
start = time.perf_counter()
cursor = db.execute(
    "SELECT record_id, response_id, flow_id, flow_version, question_id, sealed"
    " FROM sealed_answers WHERE exported_on IS NULL"
)
opened = 0
while rows := cursor.fetchmany(1000):
    for r in rows:
        open_sealed(r[5], key, SealContext(r[0], r[1], r[2], r[3], r[4]))
        opened += 1
seconds = time.perf_counter() - start
me = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"records": opened, "seconds": seconds, "maxrss_kib": me.ru_maxrss,
                  "cpu": me.ru_utime + me.ru_stime - cpu0}))
"""

_EXPORT = """
import json, resource, sys, time
from pathlib import Path
from rostbot.core.flow_loader import load_flows
from rostbot.crypto.analyst_keys import load_private_key
from rostbot.export.pipeline import ExportOptions, run_export
key = load_private_key(Path(sys.argv[1]))
flows = load_flows(Path(sys.argv[4]))
marks = {}
def cpu():
    mine = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + workers.ru_utime + workers.ru_stime
cpu0 = cpu()
start = time.perf_counter()
def checkpoint(name):
    marks[name] = round(time.perf_counter() - start, 2)
result = run_export(
    [key], ExportOptions(db=Path(sys.argv[2]), out=Path(sys.argv[3]), flows=flows),
    report=lambda line: None, checkpoint=checkpoint,
)
seconds = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"records": result.opened, "seconds": seconds, "maxrss_kib": rss,
                  "cpu": cpu() - cpu0,
                  "acknowledged": result.acknowledged, "responses": result.responses,
                  "taken_in_until": marks.get("taken_in"), "written_at": marks.get("written")}))
"""


def make_database(path: Path, key_path: Path, size: int) -> None:
    """Seal `size` answers, response by response, into a fresh bot database."""
    import asyncio

    from rostbot.crypto.analyst_keys import load_public_key
    from rostbot.store.database import Database

    async def create() -> None:
        await (await Database.open(path)).close()  # the real schema, by the real migrations

    asyncio.run(create())
    public = load_public_key(Path(str(key_path) + ".pub"))
    flows = list(load_flows(REPO / "flows").values())
    rng = random.Random(7)
    connection = sqlite3.connect(path)
    rows: list[tuple[object, ...]] = []
    made = 0
    while made < size:
        flow = rng.choice(flows)
        response_id = secrets.token_urlsafe(18)
        unit = f"unit-{rng.randrange(12)}"
        provider = rng.choice([None, "hvb-1", "hvb-2"])
        month = f"2026-{rng.randint(1, 12):02d}"
        lang = rng.choice(flow.languages)
        for question in flow.questions:
            if made >= size:
                break
            codes = question.answer_codes()
            value: object
            if codes is None:
                value = rng.choice(TEXTS)
            elif question.type == "multi_choice":
                value = codes[: rng.randint(1, 2)]
            else:
                value = rng.choice(codes)
            record_id = secrets.token_urlsafe(18)
            payload = {
                "v": 1,
                "record_id": record_id,
                "response_id": response_id,
                "flow_id": flow.id,
                "flow_version": flow.version,
                "question_id": question.id,
                "question_type": question.type,
                "indicator": question.indicator,
                "status": "answered",
                "value": value,
                "unit": unit,
                "provider": provider,
                "lang": lang,
                "month": month,
            }
            context = SealContext(record_id, response_id, flow.id, flow.version, question.id)
            blob = seal(json.dumps(payload, ensure_ascii=False).encode(), public, context)
            rows.append(
                (
                    record_id,
                    response_id,
                    question.id,
                    flow.id,
                    flow.version,
                    public.key_id,
                    blob,
                    month + "-15",
                )
            )
            made += 1
        if len(rows) >= 5000 or made >= size:
            connection.executemany(
                "INSERT INTO sealed_answers (record_id, response_id, question_id, flow_id,"
                " flow_version, key_id, sealed, sealed_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            connection.commit()
            rows.clear()
    connection.close()


def child(code: str, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"},
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure(size: int, repeat: int, work: Path) -> dict[str, dict[str, Any]]:
    key = work / "analyst.key"
    if not key.exists():
        generate_keypair(key)
    source = work / f"bot-{size}.sqlite3"
    started = time.perf_counter()
    make_database(source, key, size)
    print(f"  sealed {size} answers in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    best: dict[str, dict[str, Any]] = {}
    for round_ in range(repeat):
        for name, code in (("bare", _BARE), ("export", _EXPORT)):
            copy = work / f"copy-{size}.sqlite3"
            shutil.copy(source, copy)
            out = work / f"out-{size}-{round_}"
            args = (str(key), str(copy), str(out), str(REPO / "flows"))
            figures = child(code, *args)
            assert figures["records"] == size, figures
            if name not in best or figures["seconds"] < best[name]["seconds"]:
                best[name] = figures
            shutil.rmtree(out, ignore_errors=True)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="rostbot-bench-") as folder:
        results = {size: measure(size, args.repeat, Path(folder)) for size in sizes}
    print(
        f"{'records':>8} {'bare rec/s':>11} {'export rec/s':>13} {'ratio':>6} "
        f"{'CPU ratio':>9} {'bare MiB':>9} {'export MiB':>11}"
    )
    for size, r in results.items():
        e = r["export"]
        print(
            f"  {size}: export {e['seconds']:.2f} s: taken in by {e['taken_in_until']} s,"
            f" files written by {e['written_at']} s, then acknowledged",
            file=sys.stderr,
        )
    for size, r in results.items():
        bare = r["bare"]["records"] / r["bare"]["seconds"]
        export = r["export"]["records"] / r["export"]["seconds"]
        print(
            f"{size:>8} {bare:>11.0f} {export:>13.0f} {export / bare:>6.2f} "
            f"{r['bare']['cpu'] / r['export']['cpu']:>9.2f} "
            f"{r['bare']['maxrss_kib'] / 1024:>9.1f} {r['export']['maxrss_kib'] / 1024:>11.1f}"
        )
    if len(sizes) > 1:
        low, high = results[min(sizes)], results[max(sizes)]
        growth = high["export"]["maxrss_kib"] / low["export"]["maxrss_kib"]
        print(f"export peak memory {max(sizes)} vs {min(sizes)} records: x{growth:.2f}")


if __name__ == "__main__":
    main()
