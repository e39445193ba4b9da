"""`rostbot letters`: printable invitation letters with QR codes, and a mail-merge CSV.

The codes go into the PDF and the CSV only: never into a file name, the output or a log.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from rostbot.config import settings_from_env
from rostbot.letters.making import MAX_LETTERS, LetterRequest, make_letters
from rostbot.letters.template import LetterError

KNOWN_ERRORS: tuple[type[Exception], ...] = (LetterError,)
COMMANDS = ("letters",)


def add_parsers(commands: Any) -> None:
    """Add `letters` to the `rostbot` command (`commands`: its subparsers)."""
    letters = commands.add_parser(
        "letters", help="make printable invitation letters (PDF, one A4 page each, QR codes)"
    )
    letters.add_argument("--flow", required=True)
    letters.add_argument("--unit", required=True)
    letters.add_argument("--provider")
    letters.add_argument("--cohort", help="who is invited again each year (as for `invite`)")
    letters.add_argument("--wave", help="which round of the cohort, e.g. 2027 (as for `invite`)")
    letters.add_argument("--count", type=int, required=True, help=f"1-{MAX_LETTERS} letters")
    letters.add_argument("--lang", choices=["sv", "da"], required=True)
    letters.add_argument("--template", type=Path, help="the letter's text (default: built in)")
    letters.add_argument("--bot", help="the bot's username (default: ROSTBOT_BOT_USERNAME)")
    letters.add_argument("--out", type=Path, required=True, help="the PDF to write")
    letters.add_argument(
        "--csv", type=Path, help="also write page, link and code per letter, for mail merge"
    )


def run(args: argparse.Namespace) -> int:
    bot = args.bot or os.environ.get("ROSTBOT_BOT_USERNAME")
    if not bot:
        raise LetterError("give the bot's username with --bot or ROSTBOT_BOT_USERNAME")
    if not 1 <= args.count <= MAX_LETTERS:
        raise LetterError(f"--count must be between 1 and {MAX_LETTERS}")
    settings = settings_from_env()
    summary = make_letters(
        settings,
        LetterRequest(
            flow_id=args.flow,
            unit=args.unit,
            provider=args.provider,
            count=args.count,
            lang=args.lang,
            bot=bot,
            out=args.out,
            csv=args.csv,
            template=args.template,
            cohort=args.cohort,
            wave=args.wave,
        ),
    )
    print(
        f"letters: {summary.out} ({summary.pages} page(s), about {summary.minutes} minute(s) "
        "to answer)" + (f"; mail merge: {summary.csv}" if summary.csv else "")
    )
    if not settings.contact:
        print("note: ROSTBOT_CONTACT is not set, so the letter names only the organisation")
    return 0
