"""The analysts' and operators' commands: `rostbot export`, `acknowledge`, `retention`.

`rostbot.cli` owns the parser and the one-line error handling; this module adds these
sub-commands to it and runs them.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rostbot.config import settings_from_env
from rostbot.core.flow_loader import load_flows
from rostbot.crypto import passphrases
from rostbot.crypto.export_keys import load_private_keys
from rostbot.export.pipeline import FORMATS, ExportError, ExportOptions, run_export
from rostbot.export.receipt import ReceiptError, read_receipt
from rostbot.export.writer import OutputError
from rostbot.retention import policy_for, run_once
from rostbot.store.database import Database, StoreError
from rostbot.store.export_queue import ExportQueue


class ExportUsageError(Exception):
    """Bad options to export or retention; one line."""


KNOWN_ERRORS: tuple[type[Exception], ...] = (
    ExportError,
    OutputError,
    ExportUsageError,
    ReceiptError,
)


def add_parsers(commands: Any) -> None:
    """Add export, acknowledge and retention to `rostbot`'s sub-commands."""
    export = commands.add_parser(
        "export", help="open, anonymise and write the waiting answers (on the analysts' computer)"
    )
    export.add_argument(
        "--key", type=Path, action="append", required=True, help="private key (repeatable)"
    )
    export.add_argument("--out", type=Path, required=True, help="the export folder")
    export.add_argument("--db", type=Path, help="bot database file or a copy (default ROSTBOT_DB)")
    export.add_argument("--flows", type=Path, help="folder of flow files (default ROSTBOT_FLOWS)")
    export.add_argument("--format", default="csv,xlsx", help="csv, xlsx or csv,xlsx")
    export.add_argument(
        "--min-group",
        type=int,
        default=5,
        help="smallest group the publishable files show (default 5)",
    )
    export.add_argument(
        "--receipt",
        type=Path,
        help="also write the ids of the exported records, for `rostbot acknowledge` on the "
        "bot host (when exporting a copy)",
    )
    export.add_argument(
        "--no-bom",
        dest="bom",
        action="store_false",
        help="write the CSV files without the UTF-8 byte-order mark (by default they have "
        "one, so that spreadsheets opened by double-click read UTF-8)",
    )
    secret = export.add_mutually_exclusive_group()
    secret.add_argument("--passphrase-file", type=Path)
    secret.add_argument("--passphrase-env", metavar="VAR")

    acknowledge = commands.add_parser(
        "acknowledge", help="mark the records of an export receipt as exported (on the bot host)"
    )
    acknowledge.add_argument("receipt", type=Path, help="the receipt `export --receipt` wrote")
    acknowledge.add_argument("--db", type=Path, help="bot database file (default ROSTBOT_DB)")

    clean = commands.add_parser("retention", help="delete what the retention rules say is due")
    clean.add_argument("--db", type=Path, help="bot database file (default ROSTBOT_DB)")


def dispatch(args: argparse.Namespace) -> int | None:
    """Run the command if it is one of ours; None otherwise."""
    if args.command == "export":
        return _export(args)
    if args.command == "acknowledge":
        return _acknowledge(args)
    if args.command == "retention":
        return asyncio.run(_retention(args))
    return None


def _passphrase_source(args: argparse.Namespace) -> Any:
    def ask(path: Path) -> str | None:
        # the same text as keygen takes: docs/record-format.md, "Passphrases"
        if args.passphrase_file:
            return passphrases.from_file(args.passphrase_file)
        if args.passphrase_env:
            return passphrases.from_env(args.passphrase_env)
        if not sys.stdin.isatty():
            raise ExportUsageError(
                f"{path} needs its passphrase: give --passphrase-file or --passphrase-env"
            )
        return getpass.getpass(f"Passphrase for {path}: ") or None

    return ask


def _export(args: argparse.Namespace) -> int:
    formats = frozenset(f.strip() for f in args.format.split(",") if f.strip())
    if not formats or not formats <= FORMATS:
        raise ExportUsageError("--format takes csv, xlsx or csv,xlsx")
    if args.min_group < 1:
        raise ExportUsageError("--min-group must be 1 or more")
    settings = settings_from_env()
    db = args.db or settings.db_path
    flows_dir = args.flows or settings.flows_dir
    flows = load_flows(flows_dir) if flows_dir.is_dir() else {}
    if not flows:
        raise ExportUsageError(
            f"no flow files in {flows_dir}; export checks every answer against its flow: "
            "give the folder of flow files with --flows"
        )
    keys = load_private_keys(args.key, _passphrase_source(args), hint=_say)
    options = ExportOptions(
        db=db,
        out=args.out,
        flows=flows,
        formats=formats,
        min_group=args.min_group,
        today=datetime.now(UTC).date().isoformat(),
        receipt=args.receipt,
        bom=args.bom,
    )
    result = run_export(
        keys, options, report=lambda line: print(f"rostbot: {line}", file=sys.stderr)
    )
    print(
        f"exported {result.opened} new answer(s) into {args.out} "
        f"({result.responses} response(s) in the folder); "
        f"marked {result.acknowledged} record(s) as exported in {db}"
    )
    if args.receipt is not None:
        print(
            f"receipt: {args.receipt} ({result.receipt_records} record(s)); on the bot host run "
            f"`rostbot acknowledge {args.receipt.name}`"
        )
    return 0


def _acknowledge(args: argparse.Namespace) -> int:
    """Mark a receipt's records as exported in the bot's database (counted from today)."""
    day, record_ids = read_receipt(args.receipt)
    db = args.db or settings_from_env().db_path
    queue = ExportQueue(db)
    try:
        changed = queue.acknowledge_ids(record_ids, datetime.now(UTC).date().isoformat())
    finally:
        queue.close()
    print(
        f"marked {changed} record(s) as exported in {db} (receipt of {day}: "
        f"{len(record_ids)} record(s); {len(record_ids) - changed} marked before or gone)"
    )
    return 0


def _say(line: str) -> None:
    print(f"rostbot: {line}", file=sys.stderr)


async def _open_existing(path: Path) -> Database:
    # retention reads the bot's file: never create an empty one by mistake
    if not path.is_file():  # noqa: ASYNC240
        raise StoreError(f"no database at {path}")
    return await Database.open(path)


async def _retention(args: argparse.Namespace) -> int:
    settings = settings_from_env()
    policy = policy_for(settings)
    db = await _open_existing(args.db or settings.db_path)
    try:
        done = await run_once(db, policy, datetime.now(UTC).date())
    finally:
        await db.close()
    print(
        f"deleted {done.exported_answers} exported answers (older than {policy.grace_days} days), "
        f"{done.unfinished_runs} unfinished runs and {done.unused_invitations} unused "
        f"invitations (older than {policy.keep_days} days)"
    )
    return 0
