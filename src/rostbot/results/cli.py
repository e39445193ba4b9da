"""`rostbot results-message`: tell the people who answered a flow what changed.

Without --send it only shows the message in each language and how many people it
would go to; with --send it queues it in the outbox, which the running bot sends.
Every problem is one line on stderr and exit status 2 (ResultsError is known to
`rostbot.cli`).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from rostbot.config import ConfigError, Settings, settings_from_env
from rostbot.core.flow_loader import load_flows
from rostbot.crypto.server_secret import ServerSecret
from rostbot.i18n import Translations
from rostbot.journey.services import Services
from rostbot.results import message as results
from rostbot.results.message import ResultsError
from rostbot.store.database import Database

COMMAND = "results-message"
KNOWN_ERRORS: tuple[type[Exception], ...] = (ResultsError,)


def add_parsers(commands: Any) -> None:
    """Add `results-message` to the `rostbot` command (`commands`: its subparsers)."""
    parser = commands.add_parser(
        COMMAND,
        help="tell the people who answered a flow and may be contacted what changed",
    )
    parser.add_argument("--flow", required=True, help="the flow the people answered")
    parser.add_argument("--sv", type=Path, metavar="FILE", help="the text in Swedish (UTF-8)")
    parser.add_argument("--da", type=Path, metavar="FILE", help="the text in Danish (UTF-8)")
    parser.add_argument(
        "--send", action="store_true", help="queue it (without: show it and the counts only)"
    )


def _read(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ResultsError(f"{path} is not UTF-8 text") from None
    except OSError as exc:
        raise ResultsError(f"cannot read {path}: {exc.strerror or exc}") from None


def dispatch(args: argparse.Namespace) -> int | None:
    """Run the command if it is this module's; None for any other command."""
    if args.command != COMMAND:
        return None
    texts = {"sv": _read(args.sv), "da": _read(args.da)}
    for lang, text in texts.items():
        if getattr(args, lang) is not None and results.text_problem(text) == "empty":
            raise ResultsError(f"{getattr(args, lang)} is empty")
    settings = settings_from_env()
    asyncio.run(_run(settings, args.flow, texts, send=args.send))
    sys.stdout.flush()
    return 0


async def _run(settings: Settings, flow_id: str, texts: dict[str, str], *, send: bool) -> None:
    if settings.secret_file is None:
        raise ConfigError("ROSTBOT_SECRET_FILE is not set (make one with `rostbot secret --out`)")
    secret = ServerSecret.load(settings.secret_file)
    flows = load_flows(settings.flows_dir)
    db = await Database.open(settings.db_path)
    try:
        # The analysts' keys seal answers; a results message needs none of them.
        services = Services(settings, db, flows, secret, [], Translations.load())
        preview = await results.prepare(services, flow_id, texts)
        for lang in preview.message.texts:
            print(f"--- {lang} ---")
            print(results.framed(services, preview.message, lang))
        print("---")
        counts = ", ".join(f"{preview.new[lang]} in {lang}" for lang in preview.new)
        print(f"message {preview.message.message_id}: {preview.total} people ({counts})")
        if preview.already:
            print(f"{preview.already} people had it already and will not get it again")
        if not send:
            print("nothing sent: add --send to send it")
            return
        queued = await results.send(services, preview)
        print(f"queued for {queued} people; the running bot sends it")
    finally:
        await db.close()
