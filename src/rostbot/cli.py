"""The `rostbot` command line: every error is one line and exit status 2."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import signal
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

from rostbot import __version__, analyst_cli, backup_cli
from rostbot.config import (
    ConfigError,
    listen_address,
    require_run_settings,
    settings_from_env,
    webhook_url,
)
from rostbot.core.flow_loader import FlowFileError, check_flows, load_flows
from rostbot.core.flow_model import Flow
from rostbot.core.meeting_model import MeetingError
from rostbot.crypto import key_files, passphrases
from rostbot.crypto.analyst_keys import (
    KeyFileError,
    generate_keypair,
    private_key_format,
    rewrap_private_key,
)
from rostbot.crypto.key_files import KeyFormat
from rostbot.crypto.server_secret import SecretFileError, ServerSecret
from rostbot.flow_wordings import check_lines as wording_check_lines
from rostbot.health import cli as health_cli
from rostbot.i18n import CatalogError
from rostbot.letters import cli as letters_cli
from rostbot.log_hygiene import configure_logging
from rostbot.meetings.cli import add_parsers as add_meeting_parsers
from rostbot.meetings.cli import run as run_meeting_command
from rostbot.report.errors import ReportError
from rostbot.results import cli as results_cli
from rostbot.store.database import StoreError

EXIT_BAD = 2
KNOWN_ERRORS: tuple[type[Exception], ...] = (
    ConfigError,
    FlowFileError,
    KeyFileError,
    SecretFileError,
    StoreError,
    CatalogError,
    MeetingError,
    ReportError,
    *analyst_cli.KNOWN_ERRORS,
    *health_cli.KNOWN_ERRORS,
    *letters_cli.KNOWN_ERRORS,
    *results_cli.KNOWN_ERRORS,
)


class UsageError(Exception):
    """Bad command-line usage."""


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="rostbot", description=__doc__)
    parser.add_argument("--version", action="version", version=f"rostbot {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    run = commands.add_parser("run", help="run the bot against Telegram (or ROSTBOT_BOT_API_URL)")
    run.add_argument(
        "--webhook",
        metavar="URL",
        help="take updates at this public URL instead of polling (ROSTBOT_WEBHOOK_URL)",
    )
    run.add_argument(
        "--listen",
        metavar="HOST:PORT",
        help="where the webhook's server listens, behind a TLS reverse proxy "
        "(ROSTBOT_WEBHOOK_LISTEN)",
    )

    sandbox = commands.add_parser(
        "sandbox",
        help="run everything locally: a stand-in Bot API, the bot, a web chat page",
        description="Try rostbot on this computer, with no token and no internet: the real "
        "bot talks to a local stand-in for Telegram, and a page on 127.0.0.1 shows phone-like "
        "chats (new people opening letter links, a coordinator, what the database holds). "
        "The database, demo keys and chats stay in the data folder between runs.",
    )
    sandbox.add_argument(
        "--data",
        type=Path,
        default=Path("data/sandbox"),
        help="folder for the database and demo keys (default: data/sandbox)",
    )
    sandbox.add_argument("--flows", type=Path, default=None, help="folder of flow files")
    sandbox.add_argument(
        "--lang",
        choices=["sv", "da"],
        default="sv",
        help="the simulated person's Telegram language (--terminal)",
    )
    sandbox.add_argument(
        "--port",
        type=_port,
        default=8765,
        help="port of the web page on 127.0.0.1 (default 8765; 0: any free port)",
    )
    sandbox.add_argument(
        "--api-port", type=_port, default=0, help="port of the stand-in Bot API (default: any)"
    )
    sandbox.add_argument(
        "--no-browser", action="store_true", help="do not open the page in a browser"
    )
    sandbox.add_argument(
        "--terminal", action="store_true", help="chat in this terminal instead of a web page"
    )

    keygen = commands.add_parser(
        "keygen",
        help="make an analyst key pair (PATH and PATH.pub), or upgrade a key file (--rewrap)",
        description="Make an analyst key pair: the private key PATH (mode 0600; with a "
        "passphrase an age scrypt passphrase file, without one plain PKCS#8 PEM) and the "
        "public key PATH.pub (PEM) for the bot host. Or, with --rewrap, rewrite a private key "
        "file protected the old way (PKCS#8 with PBKDF2) as an age scrypt passphrase file: "
        "same key, same key id, PATH.pub untouched.",
    )
    target = keygen.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", type=Path, metavar="PATH", help="write a new key pair")
    target.add_argument(
        "--rewrap", type=Path, metavar="PATH", help="upgrade the protection of this private key"
    )
    protect = keygen.add_mutually_exclusive_group()
    protect.add_argument(
        "--passphrase-file",
        type=Path,
        metavar="FILE",
        help="the passphrase is FILE's UTF-8 text less one final line break",
    )
    protect.add_argument(
        "--passphrase-env", metavar="VAR", help="the passphrase is the value of VAR"
    )
    protect.add_argument(
        "--ask-passphrase", action="store_true", help="ask for the passphrase on the terminal"
    )
    renew = keygen.add_mutually_exclusive_group()
    renew.add_argument(
        "--new-passphrase-file",
        type=Path,
        metavar="FILE",
        help="with --rewrap: protect the key with another passphrase, from FILE",
    )
    renew.add_argument("--new-passphrase-env", metavar="VAR", help="... or from VAR")
    renew.add_argument(
        "--ask-new-passphrase", action="store_true", help="... or asked on the terminal"
    )

    secret = commands.add_parser("secret", help="make the server secret file")
    secret.add_argument("--out", type=Path, required=True)

    flows = commands.add_parser("flows", help="work with flow files")
    flow_commands = flows.add_subparsers(
        dest="flows_command", required=True, parser_class=OneLineParser
    )
    check = flow_commands.add_parser("check", help="validate flow files")
    check.add_argument("dir", nargs="?", type=Path, default=None)

    invite = commands.add_parser("invite", help="make invitation links for letters")
    invite.add_argument("--flow", required=True)
    invite.add_argument("--unit", required=True)
    invite.add_argument("--provider")
    invite.add_argument("--cohort", help="who is invited again each year, e.g. foster-2y")
    invite.add_argument("--wave", help="which round of the cohort, e.g. 2027 or 2027-spring")
    invite.add_argument("--count", type=int, default=1)
    invite.add_argument("--bot", help="the bot's username (default: ROSTBOT_BOT_USERNAME)")
    invite.add_argument("--out", type=Path, help="also write the links to this file")
    add_meeting_parsers(commands, OneLineParser)
    letters_cli.add_parsers(commands)

    report = commands.add_parser(
        "report", help="make the seminar report (one HTML file) from an export folder"
    )
    report.add_argument("dir", type=Path, help="the folder `rostbot export` wrote")
    report.add_argument("--lang", choices=["sv", "da"], required=True)
    report.add_argument("--out", type=Path, required=True, help="the HTML file to write")
    report.add_argument(
        "--min-group",
        type=int,
        default=None,
        help="smallest group the report may show (never below the export's --min-group)",
    )
    report.add_argument(
        "--flows", type=Path, default=None, help="flow files, for titles (default: ./flows)"
    )
    analyst_cli.add_parsers(commands)
    health_cli.add_parsers(commands)
    backup_cli.add_parsers(commands)
    results_cli.add_parsers(commands)
    return parser


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)")
    return int(text)


def _asked(prompt: str, *, twice: bool) -> str:
    first = getpass.getpass(prompt)
    if twice and first != getpass.getpass("Again: "):
        raise UsageError("the two passphrases differ")
    return passphrases.nonempty(first)


def _passphrase(
    file: Path | None, env: str | None, ask: bool, *, prompt: str, twice: bool
) -> str | None:
    """The passphrase from the one source given (docs/record-format.md, "Passphrases")."""
    if file is not None:
        return passphrases.from_file(file)
    if env is not None:
        return passphrases.from_env(env)
    if ask:
        return _asked(prompt, twice=twice)
    return None


def _cmd_keygen(args: argparse.Namespace) -> int:
    if args.rewrap is not None:
        return _cmd_rewrap(args)
    if args.new_passphrase_file or args.new_passphrase_env or args.ask_new_passphrase:
        raise UsageError("the --new-passphrase options go with --rewrap")
    passphrase = _passphrase(
        args.passphrase_file,
        args.passphrase_env,
        args.ask_passphrase,
        prompt="Passphrase: ",
        twice=True,
    )
    key = generate_keypair(args.out, passphrase)
    if passphrase is None:
        print(f"private key: {args.out} (PKCS#8 PEM, no passphrase; keep it offline, mode 0600)")
    else:
        log_n = key_files.scrypt_log_n(args.out.read_bytes())
        print(
            f"private key: {args.out} (age passphrase file, scrypt N=2^{log_n} r=8 p=1; "
            "keep it offline, mode 0600)"
        )
    print(f"public key:  {args.out}.pub (key id {key.key_id}; give this to the bot host)")
    return 0


def _cmd_rewrap(args: argparse.Namespace) -> int:
    path: Path = args.rewrap
    found = private_key_format(path)
    if found is KeyFormat.AGE:
        raise UsageError(f"{path} is an age passphrase file already; nothing to rewrap")
    if found is not KeyFormat.OLD_ENCRYPTED:
        raise UsageError(
            f"{path} is not a private key protected the old way (encrypted PKCS#8); "
            "nothing to rewrap"
        )
    asking = args.ask_passphrase or (
        not (args.passphrase_file or args.passphrase_env) and sys.stdin.isatty()
    )
    old = _passphrase(
        args.passphrase_file,
        args.passphrase_env,
        asking,
        prompt=f"Passphrase of {path}: ",
        twice=False,
    )
    if old is None:
        raise UsageError(
            f"{path} needs its passphrase: give --passphrase-file, --passphrase-env "
            "or --ask-passphrase"
        )
    new = _passphrase(
        args.new_passphrase_file,
        args.new_passphrase_env,
        args.ask_new_passphrase,
        prompt="New passphrase: ",
        twice=True,
    )
    done = rewrap_private_key(path, old, old if new is None else new)
    print(
        f"rewrapped {path}: now an age passphrase file (scrypt N=2^{done.log_n} r=8 p=1), "
        f"same key id {done.key_id}; {path}.pub untouched"
    )
    if done.was_stripped and new is None:
        print(
            "note: the old file took the passphrase without the white space at its ends; "
            "the new file takes it exactly as given"
        )
    return 0


def _cmd_secret(args: argparse.Namespace) -> int:
    ServerSecret.generate(args.out)
    print(f"server secret: {args.out} (mode 0600; back it up: pseudonyms depend on it)")
    return 0


def _cmd_flows_check(args: argparse.Namespace) -> int:
    settings = settings_from_env()
    directory = args.dir or settings.flows_dir
    problems = check_flows(directory)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return EXIT_BAD
    flows = load_flows(directory)
    print(f"{len(flows)} flow(s) OK: {', '.join(sorted(flows))}")
    for flow in sorted(flows.values(), key=lambda f: f.id):
        has_support = flow.support is not None or all(
            settings.support(lang) for lang in flow.languages
        )
        if flow.has_sensitive_questions() and not has_support:
            print(
                f"warning: {flow.id} asks sensitive questions but names no support line; "
                "add `support:` to the flow or set ROSTBOT_SUPPORT_SV / ROSTBOT_SUPPORT_DA"
            )
        print(_skip_summary(flow))
    for line in wording_check_lines(settings.db_path, flows):  # read-only; none without a db
        print(line)
    return 0


def _skip_summary(flow: Flow) -> str:
    """Which questions of a flow cannot be skipped; every other one can."""
    required = [q.id for q in flow.questions if not q.skippable]
    line = f"{flow.id}: required (cannot be skipped): {', '.join(required) or 'none'}"
    old_flag = [q.id for q in flow.questions if q.optional is not None]
    if old_flag:
        line += (
            "; `optional` is no longer needed, every question can be skipped unless it has "
            f"`required: true` ({', '.join(old_flag)})"
        )
    return line


def _cmd_invite(args: argparse.Namespace) -> int:
    from rostbot.invitations import make_invitations, withdraw

    settings = settings_from_env()
    bot = args.bot or os.environ.get("ROSTBOT_BOT_USERNAME")
    if not bot:
        raise UsageError("give the bot's username with --bot or ROSTBOT_BOT_USERNAME")
    if not 1 <= args.count <= 10_000:
        raise UsageError("--count must be between 1 and 10000")
    links = asyncio.run(
        make_invitations(
            settings,
            bot=bot,
            flow_id=args.flow,
            unit=args.unit,
            provider=args.provider,
            count=args.count,
            cohort=args.cohort,
            wave=args.wave,
        )
    )
    if args.out:
        try:
            args.out.write_text("\n".join(links) + "\n", encoding="utf-8")
        except OSError as exc:
            asyncio.run(withdraw(settings, links))  # shown nowhere, so no letter holds them
            raise UsageError(f"cannot write {args.out}: {exc.strerror}") from None
    print("\n".join(links))
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from telegram.error import InvalidToken, NetworkError

    from rostbot.credentials import token_source
    from rostbot.runtime import open_services, serve
    from rostbot.store.run_lock import running_alone

    settings = settings_from_env()
    if args.webhook is not None:
        settings = replace(settings, webhook_url=webhook_url(args.webhook, "--webhook"))
    if args.listen is not None:
        settings = replace(settings, webhook_listen=listen_address(args.listen, "--listen"))
    settings = require_run_settings(settings)  # reads ROSTBOT_TOKEN_FILE or the credential
    assert settings.token is not None

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with open_services(settings) as services:
            await serve(services, token=settings.token or "", stop=stop)

    try:
        with running_alone(settings.db_path):  # one bot per database, until this process ends
            asyncio.run(main())
    except InvalidToken:
        raise ConfigError(f"the Bot API refused {token_source(os.environ)}") from None
    except NetworkError as exc:
        raise ConfigError(
            f"cannot reach the Bot API at {settings.bot_api_url} ({type(exc).__name__})"
        ) from None
    return 0


def _cmd_sandbox(args: argparse.Namespace) -> int:
    if "ROSTBOT_LOG_LEVEL" not in os.environ:
        logging.getLogger().setLevel(logging.WARNING)  # keep the terminal readable

    if args.terminal:
        from rostbot.sandbox.terminal import run_terminal_sandbox

        return asyncio.run(
            run_terminal_sandbox(
                data=args.data, flows=args.flows, lang=args.lang, api_port=args.api_port
            )
        )
    from rostbot.sandbox.webchat.launch import run_web_sandbox

    return asyncio.run(
        run_web_sandbox(
            data=args.data,
            flows=args.flows,
            port=args.port,
            api_port=args.api_port,
            browser=not args.no_browser,
        )
    )


def _cmd_report(args: argparse.Namespace) -> int:
    from rostbot.report.making import make_report

    summary = make_report(
        args.dir, args.out, lang=args.lang, min_group=args.min_group, flows_dir=args.flows
    )
    print(
        f"report: {args.out} ({summary.flows} flow(s), {summary.indicators} indicator(s), "
        f"{summary.free_text_answers} free-text answer(s), groups under {summary.min_group} hidden)"
    )
    return 0


def _dispatch(args: argparse.Namespace) -> int:
    handled = analyst_cli.dispatch(args)
    if handled is None:
        handled = backup_cli.dispatch(args)
    if handled is None:
        handled = results_cli.dispatch(args)
    if handled is not None:
        return handled
    if args.command == "keygen":
        return _cmd_keygen(args)
    if args.command == "secret":
        return _cmd_secret(args)
    if args.command == "flows":
        return _cmd_flows_check(args)
    if args.command == "invite":
        return _cmd_invite(args)
    if args.command in ("events", "coordinators"):
        return run_meeting_command(args)
    if args.command in health_cli.COMMANDS:
        return health_cli.run(args)
    if args.command in letters_cli.COMMANDS:
        return letters_cli.run(args)
    if args.command == "run":
        return _cmd_run(args)
    if args.command == "sandbox":
        return _cmd_sandbox(args)
    if args.command == "report":
        return _cmd_report(args)
    raise UsageError(f"unknown command {args.command}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one rostbot command; print one line and return 2 on any error."""
    try:
        configure_logging()  # ROSTBOT_LOG_*: every logger's records without personal data
        args = _parser().parse_args(argv)
        return _dispatch(args)
    except UsageError as exc:
        print(f"rostbot: {exc}", file=sys.stderr)
    except FlowFileError as exc:
        print(f"rostbot: cannot start: {exc}", file=sys.stderr)
    except KNOWN_ERRORS as exc:
        print(f"rostbot: {exc}", file=sys.stderr)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a CLI never shows a traceback
        print(
            f"rostbot: unexpected error ({type(exc).__name__}); "
            "run with ROSTBOT_LOG_LEVEL=DEBUG for details",
            file=sys.stderr,
        )
        logging.getLogger(__name__).debug("unexpected error", exc_info=exc)
    return EXIT_BAD
