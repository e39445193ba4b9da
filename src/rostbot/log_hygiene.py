"""What any logger in the process may write: no ids, names, message text or tokens, bounded.

Log hygiene is a property of the handler, not of each call: python-telegram-bot logs a
whole getUpdates answer when it cannot read one (at CRITICAL, with every name and text in
it), httpx logs request URLs (the token is in the path), asyncio logs the repr of a task
and its exception, and warnings carry whatever their author put in. So every record that
reaches the root handler is written through `SafeFormatter`:

- Records from rostbot's own loggers (``rostbot`` and below) keep their message, because
  the project never logs personal data; bot tokens and digit runs of 6 or more (Telegram
  ids) are still taken out, except in arguments marked with `public` (e.g. an update id).
- Records from every other logger keep the logger name, the level and the message
  template; each %-argument becomes a placeholder of its type (``<str>``, ``<dict>``),
  except small numbers. Templates can hold data too (f-strings, asyncio's multi-line
  messages, warnings), so only their first line is kept, and quoted text and anything in
  brackets (JSON, lists, reprs) becomes ``'…'``, ``{…}``, ``[…]``, ``<…>``, unless it
  holds only arguments (``Added job "%s"``).
- Warnings (captured into the ``py.warnings`` logger) keep where and their category only.
- Exceptions become one line: the exception's type and the traceback's file, line and
  function, innermost first; the exception's own text only for rostbot's exception types,
  never locals or source lines.
- Every record is one line, the message at most 500 characters and the exception at most
  1,500; the same template from the same logger is written at most 20 times a minute, then
  counted and the count said with the next one written.

Output goes to stderr (the systemd journal) or, with ``ROSTBOT_LOG_FILE``, to a file rotated
at ``ROSTBOT_LOG_MAX_BYTES`` (default 10 MiB) keeping ``ROSTBOT_LOG_BACKUPS`` old files
(default 5). Warnings (`logging.captureWarnings`), uncaught exceptions (`sys.excepthook`,
`threading.excepthook`) and asyncio's "Task exception was never retrieved" (its default
exception handler logs to the ``asyncio`` logger) go the same way.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import re
import sys
import threading
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from rostbot.config import ConfigError
from rostbot.credentials import token_for_log_scrubbing

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_MESSAGE = 500
MAX_EXCEPTION = 1_500
MAX_FRAMES = 12
MAX_CHAINED = 3
REPEATS_PER_MINUTE = 20
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_BACKUPS = 5
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
OWN_LOGGER = "rostbot"

TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]{30,}")
DIGIT_RUN = re.compile(r"\d{6,}")
QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")
# Innermost brackets first: each becomes a stand-in character, so that the brackets around
# it are innermost in the next pass; the stand-ins are written as {…}, […], <…>.
BRACKETED = (
    (re.compile(r"\{[^{}]*\}"), "\x01", "{…}"),
    (re.compile(r"\[[^\[\]]*\]"), "\x02", "[…]"),
    (re.compile(r"<[^<>]*>"), "\x03", "<…>"),
)
UNCLOSED = re.compile(r"[\{\[].*")  # what is left after an opening bracket never closed
WORD = re.compile(r"\w")
# A %-conversion as the logging module applies it (`msg % args`).
CONVERSION = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?"
    r"(?P<spec>[#0 +\-]*(?:\d+)?(?:\.\d+)?[hlL]?)"
    r"(?P<kind>[diouxXeEfFgGcrsa%])"
)
NUMERIC = frozenset("diouxXeEfFgG")
# While a template is scrubbed, each argument and each kept piece is one character from
# Unicode's private use area, which no scrubbing rule matches.
ARGUMENT_BASE, KEPT_BASE, STAND_INS = 0xE000, 0xF000, 0x1000
STAND_IN = re.compile("[\ue000-\uefff]")
KEPT = re.compile("[\uf000-\uffff]")
PRIVATE_USE = re.compile("[\ue000-\uffff]")
# warnings.formatwarning: "<file>:<line>: <Category>: <text>"
WARNING_LINE = re.compile(r"(?P<file>[^\n]+?):(?P<line>\d+): (?P<category>\w+): ")


class Public(str):
    """An argument a rostbot log call marks as not personal: written as it is (no digit
    scrubbing), e.g. an update id. Tokens are still taken out."""


def public(value: object) -> Public:
    return Public(value)


# ---------------------------------------------------------------------------- scrubbing


class _Scrubber:
    """Takes tokens (the configured one and anything shaped like one) and digit runs out."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        self.secrets = tuple(s for s in secrets if len(s) >= 8)

    def tokens(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<token>")
        return TOKEN.sub("<token>", text)

    def text(self, text: str) -> str:
        return DIGIT_RUN.sub("<number>", self.tokens(text))

    def foreign_template(self, text: str) -> str:
        """Another library's template (its arguments already stand-ins): it may have been an
        f-string, so quoted and bracketed text goes, unless it holds only arguments (as in
        `'Added job "%s"'`)."""
        kept: list[str] = []

        def drop(shown: str) -> Any:
            def replace(match: re.Match[str]) -> str:
                inner = match[0][1:-1]
                if STAND_IN.search(inner) and not WORD.search(inner) and len(kept) < STAND_INS:
                    kept.append(match[0])
                    return chr(KEPT_BASE + len(kept) - 1)
                return shown or match[0][0] + "…" + match[0][0]

            return replace

        text = QUOTED.sub(drop(""), text)
        for _ in range(20):  # until nothing nested is left
            before = text
            for pattern, stand_in, _shown in BRACKETED:
                text = pattern.sub(drop(stand_in), text)
            if text == before:
                break
        text = UNCLOSED.sub(lambda m: m[0][0] + "…", text)  # e.g. JSON cut short
        for _pattern, stand_in, shown in BRACKETED:
            text = text.replace(stand_in, shown)
        text = self.text(text)
        for _ in range(3):  # a kept piece may hold another
            text = KEPT.sub(lambda m: kept[ord(m[0]) - KEPT_BASE], text)
        return text


def _one_line(text: str) -> str:
    return " ".join(text.split("\n")).replace("\r", " ")


def _cap(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _foreign_argument(value: object, spec: str, kind: str) -> str:
    if value is None or isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float) and kind in NUMERIC:
        try:
            return f"%{spec}{kind}" % value
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, int | float):
        return str(value) if kind != "r" else repr(value)
    return f"<{type(value).__name__}>"


def _own_argument(value: object, spec: str, kind: str) -> str:
    try:
        return f"%{spec}{kind}" % (value,)
    except (TypeError, ValueError):
        return str(value)


def _render(record: logging.LogRecord, own: bool, scrub: _Scrubber) -> str:
    """The record's message with every argument rendered safely (as `msg % args` would
    place them); arguments that do not fit the template are left out."""
    if not own and not isinstance(record.msg, str):
        return f"<{type(record.msg).__name__}>"  # e.g. an exception logged as the message
    if not own and record.name == "py.warnings":  # a warning's text is whatever its author put
        warning = WARNING_LINE.match(str(record.msg))
        if warning is None:
            return "a warning (its text left out)"
        where = f"{_short_path(warning['file'])}:{warning['line']}"
        return f"{where}: {warning['category']} (its text left out)"
    template = PRIVATE_USE.sub("?", str(record.msg))
    if not own:
        first, _, rest = template.partition("\n")
        template = first + (" …" if rest.strip() else "")
    args = record.args
    rendered: list[str] = []
    fits = True
    if args:  # else logging applies no %-formatting: the template is the message
        mapping = args if isinstance(args, Mapping) else None
        positional: tuple[object, ...] = (mapping,) if mapping is not None else tuple(args)
        used = 0

        def argument(match: re.Match[str]) -> str:
            nonlocal used, fits
            kind, key = match["kind"], match["key"]
            if kind == "%":
                text = "%"
            elif len(rendered) >= STAND_INS:
                fits = False
                return ""
            elif key is not None and mapping is not None and key in mapping:
                text = _argument(mapping[key], match["spec"], kind, own, scrub)
            elif key is None and used < len(positional):
                text = _argument(positional[used], match["spec"], kind, own, scrub)
                used += 1
            else:
                fits = False
                text = "<?>"
            rendered.append(text)
            return chr(ARGUMENT_BASE + len(rendered) - 1)

        template = CONVERSION.sub(argument, template)
    message = scrub.text(template) if own else scrub.foreign_template(template)
    message = STAND_IN.sub(lambda m: rendered[ord(m[0]) - ARGUMENT_BASE], message)
    return message + (" (arguments left out)" if not fits else "")


def _argument(value: object, spec: str, kind: str, own: bool, scrub: _Scrubber) -> str:
    if not own:
        return scrub.text(_foreign_argument(value, spec, kind))
    text = _own_argument(value, spec, kind)
    return scrub.tokens(text) if isinstance(value, Public) else scrub.text(text)


def _short_path(filename: str) -> str:
    for marker in ("/site-packages/", "/dist-packages/", "/src/"):
        if marker in filename:
            return filename.rsplit(marker, 1)[1]
    parts = Path(filename).parts
    for i, part in enumerate(parts):
        if part.startswith("python3"):
            return "/".join(parts[i + 1 :])
    return Path(filename).name


def _own_exception(exc: BaseException) -> bool:
    module = type(exc).__module__
    return module == OWN_LOGGER or module.startswith(OWN_LOGGER + ".")


def exception_line(exc: BaseException, scrub: _Scrubber | None = None) -> str:
    """One line: type (and, for rostbot's own exception types, the text), then where."""
    scrub = scrub or _Scrubber()
    pieces: list[str] = []
    current: BaseException | None = exc
    seen: set[int] = set()
    for depth in range(MAX_CHAINED):
        if current is None or id(current) in seen:
            break
        seen.add(id(current))
        name = type(current).__name__
        if _own_exception(current) and str(current):
            name += ": " + scrub.text(_one_line(str(current)))
        frames = traceback.extract_tb(current.__traceback__)[::-1][:MAX_FRAMES]
        where = " < ".join(f"{_short_path(f.filename)}:{f.lineno} {f.name}" for f in frames)
        pieces.append(("from " if depth else "") + name + (f" at {where}" if where else ""))
        cause = current.__cause__
        if cause is None and not current.__suppress_context__:
            cause = current.__context__
        current = cause
    return "; ".join(pieces)


# ---------------------------------------------------------------------------- formatter


class SafeFormatter(logging.Formatter):
    """Formats any record as one line without personal data (see the module's text)."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__(FORMAT)
        self.scrub = _Scrubber(secrets)

    def format(self, record: logging.LogRecord) -> str:
        try:
            return self._format(record)
        except Exception as exc:  # a log line must never raise, nor fall back to the raw record
            return (
                f"{self.formatTime(record)} {record.levelname} {record.name}: "
                f"(a record that could not be written safely: {type(exc).__name__})"
            )

    def _format(self, record: logging.LogRecord) -> str:
        own = record.name == OWN_LOGGER or record.name.startswith(OWN_LOGGER + ".")
        message = _cap(_one_line(_render(record, own, self.scrub)), MAX_MESSAGE)
        line = f"{self.formatTime(record)} {record.levelname} {record.name}: {message}"
        if record.exc_info and record.exc_info[1] is not None:
            line += " [" + _cap(exception_line(record.exc_info[1], self.scrub), MAX_EXCEPTION)
            line += "]"
        elif record.exc_info and record.exc_info[0] is not None:
            line += f" [{record.exc_info[0].__name__}]"
        if record.stack_info:
            line += " (stack left out)"
        suppressed = getattr(record, "rostbot_repeats_left_out", 0)
        if suppressed:
            line += f" (and {suppressed} more like it in the minute before, left out)"
        return line


# ---------------------------------------------------------------------------- repeats


@dataclass
class _Window:
    start: float
    written: int = 0
    left_out: int = 0


class RepeatLimit(logging.Filter):
    """At most `per_minute` records of one template from one logger per minute.

    The number left out is told with the next record of that template that is written.
    """

    def __init__(
        self,
        per_minute: int = REPEATS_PER_MINUTE,
        clock: Any = time.monotonic,
        max_templates: int = 2_000,
    ) -> None:
        super().__init__()
        self.per_minute = per_minute
        self.clock = clock
        self.max_templates = max_templates
        self._windows: dict[tuple[str, int, str], _Window] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, record.levelno, str(record.msg)[:200])
        now = self.clock()
        with self._lock:
            window = self._windows.get(key)
            if window is None or now - window.start >= 60:
                if window is not None and window.left_out:
                    record.rostbot_repeats_left_out = window.left_out
                if window is None and len(self._windows) >= self.max_templates:
                    self._forget(now)
                self._windows[key] = _Window(start=now, written=1)
                return True
            if window.written < self.per_minute:
                window.written += 1
                return True
            window.left_out += 1
            return False

    def _forget(self, now: float) -> None:
        old = [k for k, w in self._windows.items() if now - w.start >= 60]
        for k in old or list(self._windows)[: self.max_templates // 2]:
            del self._windows[k]


# ---------------------------------------------------------------------------- handlers


class _SafeErrors:
    """A handler that cannot write says so in one line, never with the record's content
    (logging's default prints the message and its arguments to stderr)."""

    def handleError(self, record: logging.LogRecord) -> None:
        error = sys.exc_info()[1]
        with contextlib.suppress(Exception):  # nowhere left to say it
            sys.stderr.write(
                f"rostbot: a log record from {record.name} could not be written "
                f"({type(error).__name__})\n"
            )


class StderrHandler(_SafeErrors, logging.StreamHandler[IO[str]]):
    """Writes to whatever sys.stderr is at the moment (as logging's last resort does)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> IO[str]:  # type: ignore[override]
        return sys.stderr


class PrivateRotatingFileHandler(_SafeErrors, logging.handlers.RotatingFileHandler):
    """Size-capped log files, readable by their owner only."""

    def _open(self) -> Any:
        return open(
            self.baseFilename,
            self.mode,
            encoding=self.encoding,
            errors=self.errors,
            opener=lambda path, flags: os.open(path, flags, 0o600),
        )


# ---------------------------------------------------------------------------- set-up


def _positive_int(env: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}")
    return value


def _level(env: Mapping[str, str]) -> int:
    raw = env.get("ROSTBOT_LOG_LEVEL", "").strip().upper() or "INFO"
    if raw not in LEVELS:
        raise ConfigError(f"ROSTBOT_LOG_LEVEL must be one of {', '.join(LEVELS)}")
    return int(getattr(logging, raw))


def _handler(env: Mapping[str, str]) -> logging.Handler:
    path = env.get("ROSTBOT_LOG_FILE", "").strip()
    if not path:
        return StderrHandler()
    max_bytes = _positive_int(env, "ROSTBOT_LOG_MAX_BYTES", DEFAULT_MAX_BYTES, 4096)
    backups = _positive_int(env, "ROSTBOT_LOG_BACKUPS", DEFAULT_BACKUPS, 1)
    try:
        return PrivateRotatingFileHandler(
            path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
        )
    except OSError as exc:
        raise ConfigError(f"cannot open ROSTBOT_LOG_FILE {path}: {exc.strerror}") from None


def _excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, tb)
        return
    logging.getLogger("rostbot.uncaught").critical(
        "uncaught %s", kind.__name__, exc_info=(kind, value, tb)
    )


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None or issubclass(args.exc_type, SystemExit):
        return
    logging.getLogger("rostbot.uncaught").critical(
        "uncaught %s in a thread",
        args.exc_type.__name__,
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
    )


def configure_logging(env: Mapping[str, str] | None = None) -> logging.Handler:
    """Set up the root logger from ROSTBOT_LOG_* (see the module's text); ConfigError for a
    bad setting. Calling it again replaces what an earlier call installed."""
    env = os.environ if env is None else env
    level = _level(env)
    handler = _handler(env)
    token = token_for_log_scrubbing(env)  # from ROSTBOT_TOKEN, its file or the credential
    handler.setFormatter(SafeFormatter((token, token.partition(":")[2]) if token else ()))
    handler.addFilter(RepeatLimit())
    handler._rostbot = True  # type: ignore[attr-defined]
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_rostbot", False)]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
    return handler
