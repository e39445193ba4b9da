"""What the sandbox Bot API accepts and how fast: Telegram's limits, its text formatting rules
(parse_mode HTML / MarkdownV2 / Markdown, turned into plain text + entities the way Telegram
does), reply markup and command validation, and token-bucket rate limiting.

Everything here is pure (no I/O, no server state) so `botapi` stays about HTTP and chat state.
Error texts follow the Bot API's where known, since bots match on them.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

JSONDict = dict[str, Any]

MAX_MESSAGE_LENGTH = 4096  # UTF-16 code units after entity parsing
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_COMMANDS = 100
MAX_COMMAND_DESCRIPTION = 256
MAX_UPDATES_LIMIT = 100
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # bots may upload up to 50 MB

COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
LANGUAGE_CODE_RE = re.compile(r"^[a-z]{2}$")

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

# Fields of an InlineKeyboardButton of which exactly one must be present.
_INLINE_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


class ApiError(Exception):
    """A Bot API error reply: HTTP status, `description`, optional `parameters`."""

    def __init__(self, status: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: Telegram measures offsets and limits this way."""
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------- text formatting


@dataclass
class _Open:
    """An entity whose start marker was seen and whose end is still to come."""

    tag: str
    type: str
    offset: int  # UTF-16 offset in the plain text
    byte_offset: int  # in the source, for error messages
    extra: JSONDict = field(default_factory=dict)


class _Builder:
    """Accumulates plain text and finished entities while a parser walks the source."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0  # UTF-16
        self.entities: list[JSONDict] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.length += utf16_len(text)

    def close(self, opened: _Open) -> None:
        length = self.length - opened.offset
        if length > 0:  # Telegram drops empty entities
            self.entities.append(
                {"type": opened.type, "offset": opened.offset, "length": length, **opened.extra}
            )

    def text(self) -> str:
        return "".join(self.parts)


def _byte_offset(src: str, index: int) -> int:
    return len(src[:index].encode("utf-8"))


def _parse_error(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_ENTITY_RE = re.compile(r"&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]+);")
_HTML_START_RE = re.compile(
    r"<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*"
    r"(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*)\s*/?>"
)
_HTML_ATTR_RE = re.compile(
    r"([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?"
)
_HTML_END_RE = re.compile(r"</\s*([a-zA-Z][a-zA-Z0-9-]*)?\s*>")


def _html_unescape(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("#x"):
            code = int(name[2:], 16)
        elif name.startswith("#"):
            code = int(name[1:])
        elif name in _HTML_NAMED:
            return _HTML_NAMED[name]
        else:
            return match.group(0)  # Telegram leaves unknown entities as they are
        return chr(code) if 0 < code <= 0x10FFFF else match.group(0)

    return _HTML_ENTITY_RE.sub(repl, text)


def _html_attrs(raw: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for match in _HTML_ATTR_RE.finditer(raw):
        value = next((v for v in match.group(2, 3, 4) if v is not None), "")
        attrs[match.group(1).lower()] = _html_unescape(value)
    return attrs


def _parse_html(src: str) -> tuple[str, list[JSONDict]]:
    out = _Builder()
    stack: list[_Open] = []
    i = 0
    while i < len(src):
        char = src[i]
        if char == "&":
            match = _HTML_ENTITY_RE.match(src, i)
            if match:
                out.add(_html_unescape(match.group(0)))
                i = match.end()
                continue
            out.add(char)
            i += 1
            continue
        if char != "<":
            start = i
            while i < len(src) and src[i] not in "<&":
                i += 1
            out.add(src[start:i])
            continue
        where = _byte_offset(src, i)
        if src.startswith("</", i):
            end = _HTML_END_RE.match(src, i)
            if end is None:
                raise _parse_error(f"Unclosed end tag at byte offset {where}")
            if not stack:
                raise _parse_error(f"Unexpected end tag at byte offset {where}")
            name = (end.group(1) or "").lower()
            top = stack.pop()
            if name and name != top.tag:
                raise _parse_error(
                    f'Unmatched end tag at byte offset {where}, expected "</{top.tag}>", '
                    f'found "</{name}>"'
                )
            if top.tag == "code" and stack and stack[-1].tag == "pre" and "language" in top.extra:
                stack[-1].extra["language"] = top.extra["language"]  # <pre><code class=...>
            elif top.type:
                out.close(top)
            i = end.end()
            continue
        start_tag = _HTML_START_RE.match(src, i)
        if start_tag is None:
            name_match = re.match(r"<([^\s>/]*)", src[i:])
            name = name_match.group(1) if name_match else ""
            raise _parse_error(f'Unsupported start tag "{name}" at byte offset {where}')
        name = start_tag.group(1).lower()
        attrs = _html_attrs(start_tag.group(2))
        if name not in _HTML_TAGS or (name == "span" and attrs.get("class") != "tg-spoiler"):
            raise _parse_error(f'Unsupported start tag "{name}" at byte offset {where}')
        opened = _Open(name, _HTML_TAGS[name], out.length, where)
        if name == "a":
            if "href" in attrs:
                opened.extra["url"] = attrs["href"]
            else:
                opened.type = ""  # <a> without href is plain text
        elif name == "code" and attrs.get("class", "").startswith("language-"):
            opened.extra["language"] = attrs["class"][len("language-") :]
        elif name == "blockquote" and "expandable" in attrs:
            opened.type = "expandable_blockquote"
        elif name == "tg-emoji":
            opened.extra["custom_emoji_id"] = attrs.get("emoji-id", "")
        stack.append(opened)
        i = start_tag.end()
    if stack:
        raise _parse_error(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    return out.text(), out.entities


_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")


def _parse_markdown_v2(src: str) -> tuple[str, list[JSONDict]]:
    out = _Builder()
    stack: list[_Open] = []
    i = 0
    at_line_start = True
    quote: _Open | None = None

    def toggle(tag: str, type_: str) -> None:
        if stack and stack[-1].tag == tag:
            out.close(stack.pop())
        elif any(o.tag == tag for o in stack):
            raise _parse_error(
                f"Can't find end of {type_.title()} entity at byte offset {_byte_offset(src, i)}"
            )
        else:
            stack.append(_Open(tag, type_, out.length, _byte_offset(src, i)))

    while i < len(src):
        char = src[i]
        line_start, at_line_start = at_line_start, False
        if char == "\\" and i + 1 < len(src) and 0 < ord(src[i + 1]) <= 126:
            out.add(src[i + 1])
            i += 2
            continue
        top = stack[-1] if stack else None
        if top is not None and top.tag in ("`", "```"):
            # Inside code only ` and \ are special.
            if top.tag == "```" and src.startswith("```", i):
                out.close(stack.pop())
                i += 3
            elif top.tag == "`" and char == "`":
                out.close(stack.pop())
                i += 1
            else:
                out.add(char)
                i += 1
            continue
        if char == "\n":
            if quote is not None and not src.startswith(">", i + 1):
                out.close(quote)
                quote = None
            out.add(char)
            at_line_start = True
            i += 1
            continue
        if char not in _MDV2_RESERVED:
            out.add(char)
            i += 1
            continue
        if char == "*":
            toggle("*", "bold")
            i += 1
        elif char == "_" and src.startswith("__", i):
            toggle("__", "underline")
            i += 2
        elif char == "_":
            toggle("_", "italic")
            i += 1
        elif char == "~":
            toggle("~", "strikethrough")
            i += 1
        elif char == "|" and src.startswith("||", i):
            toggle("||", "spoiler")
            i += 2
        elif char == "`" and src.startswith("```", i):
            newline = src.find("\n", i + 3)
            first_line = src[i + 3 : newline] if newline != -1 else ""
            opened = _Open("```", "pre", out.length, _byte_offset(src, i))
            if newline != -1 and first_line and not any(c.isspace() for c in first_line):
                opened.extra["language"] = first_line
                i = newline + 1
            else:
                i += 3
            stack.append(opened)
        elif char == "`":
            stack.append(_Open("`", "code", out.length, _byte_offset(src, i)))
            i += 1
        elif char == "[":
            stack.append(_Open("[", "text_link", out.length, _byte_offset(src, i)))
            i += 1
        elif char == "]" and stack and stack[-1].tag == "[" and src.startswith("(", i + 1):
            j = i + 2
            url: list[str] = []
            while j < len(src) and src[j] != ")":
                if src[j] == "\\" and j + 1 < len(src):
                    j += 1
                url.append(src[j])
                j += 1
            if j >= len(src):
                raise _parse_error(f"Can't find end of a URL at byte offset {_byte_offset(src, i)}")
            opened = stack.pop()
            opened.extra["url"] = "".join(url)
            out.close(opened)
            i = j + 1
        elif char == ">" and line_start:
            if quote is None:
                quote = _Open(">", "blockquote", out.length, _byte_offset(src, i))
            i += 1
        else:
            raise _parse_error(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
    if quote is not None:
        out.close(quote)
    if stack:
        raise _parse_error(
            f"Can't find end of {stack[-1].type.replace('_', ' ').title()} entity "
            f"at byte offset {stack[-1].byte_offset}"
        )
    return out.text(), out.entities


def _parse_markdown(src: str) -> tuple[str, list[JSONDict]]:
    """Legacy Markdown: no nesting, only _ * ` [ are special."""
    out = _Builder()
    i = 0
    while i < len(src):
        char = src[i]
        if char == "\\" and i + 1 < len(src) and src[i + 1] in "_*`[":
            out.add(src[i + 1])
            i += 2
            continue
        if char not in "_*`[":
            out.add(char)
            i += 1
            continue
        where = _byte_offset(src, i)
        if char == "`" and src.startswith("```", i):
            end = src.find("```", i + 3)
            if end == -1:
                raise _parse_error(f"Can't find end of the entity starting at byte offset {where}")
            body = src[i + 3 : end]
            extra: JSONDict = {}
            first, sep, rest = body.partition("\n")
            if sep and first and not any(c.isspace() for c in first):
                extra["language"] = first
                body = rest
            opened = _Open("```", "pre", out.length, where, extra)
            out.add(body)
            out.close(opened)
            i = end + 3
        elif char == "[":
            close = src.find("](", i + 1)
            end = src.find(")", close + 2) if close != -1 else -1
            if close == -1 or end == -1:
                raise _parse_error(f"Can't find end of the entity starting at byte offset {where}")
            opened = _Open("[", "text_link", out.length, where, {"url": src[close + 2 : end]})
            out.add(src[i + 1 : close])
            out.close(opened)
            i = end + 1
        else:
            end = src.find(char, i + 1)
            if end == -1:
                raise _parse_error(f"Can't find end of the entity starting at byte offset {where}")
            type_ = {"_": "italic", "*": "bold", "`": "code"}[char]
            opened = _Open(char, type_, out.length, where)
            out.add(src[i + 1 : end])
            out.close(opened)
            i = end + 1
    return out.text(), out.entities


def _strip(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
    """Telegram trims whitespace around a message and shifts entities to match."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    cut = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    kept: list[JSONDict] = []
    for entity in entities:
        start = max(0, entity["offset"] - cut)
        end = min(size, entity["offset"] + entity["length"] - cut)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def parse_text(
    text: str, parse_mode: str | None, entities: list[JSONDict] | None = None
) -> tuple[str, list[JSONDict]]:
    """Turn what the bot sent into (plain text, entities) as Telegram stores the message.

    Explicit `entities` win over `parse_mode`, as in the Bot API.
    """
    if entities is not None:
        plain, found = text, [dict(e) for e in entities]
    elif not parse_mode:
        plain, found = text, []
    else:
        mode = parse_mode.lower()
        if mode == "html":
            plain, found = _parse_html(text)
        elif mode == "markdownv2":
            plain, found = _parse_markdown_v2(text)
        elif mode == "markdown":
            plain, found = _parse_markdown(text)
        else:
            raise bad_request(f"unsupported parse_mode {parse_mode!r}")
    found.sort(key=lambda e: (e["offset"], -e["length"]))
    return _strip(plain, found)


def check_message_text(plain: str) -> None:
    if not plain:
        raise bad_request("message text is empty")
    if utf16_len(plain) > MAX_MESSAGE_LENGTH:
        raise bad_request("message is too long")


def check_caption(plain: str) -> None:
    if utf16_len(plain) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")


# Entities Telegram's clients/servers detect in what users type.
_USER_ENTITY_RE = re.compile(
    r"(?P<bot_command>(?<!\S)/[a-zA-Z0-9_]{1,64}(?:@[a-zA-Z0-9_]{3,32})?(?![\w/]))"
    r"|(?P<url>\bhttps?://[^\s]+)"
    r"|(?P<email>\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(?P<mention>(?<![\w@])@[a-zA-Z0-9_]{5,32}\b)"
    r"|(?P<hashtag>(?<![\w#])#\w*[^\W\d]\w*)"
)


def detect_entities(text: str) -> list[JSONDict]:
    """Entities Telegram attaches to a user's plain text (commands, links, mentions...)."""
    found: list[JSONDict] = []
    for match in _USER_ENTITY_RE.finditer(text):
        kind = match.lastgroup
        assert kind is not None
        found.append(
            {
                "type": kind,
                "offset": utf16_len(text[: match.start()]),
                "length": utf16_len(match.group(0)),
            }
        )
    return found


# --------------------------------------------------------------------------- reply markup


def check_reply_markup(markup: object) -> JSONDict:
    """Validate any reply_markup kind; returns it as a dict."""
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _check_inline_keyboard(markup["inline_keyboard"])
    elif "keyboard" in markup:
        _check_reply_keyboard(markup["keyboard"])
    elif not (markup.get("remove_keyboard") is True or markup.get("force_reply") is True):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return markup


def _rows(rows: object, what: str) -> list[list[object]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'field "{what}" must be an Array of Arrays')
    return rows


def _check_inline_keyboard(rows: object) -> None:
    for row in _rows(rows, "inline_keyboard"):
        for button in row:
            if not isinstance(button, dict):
                raise bad_request("can't parse inline keyboard button: Object expected")
            text = button.get("text")
            if not isinstance(text, str):
                raise bad_request(
                    'can\'t parse inline keyboard button: Field "text" must be of type String'
                )
            if not text.strip():
                raise bad_request("BUTTON_TEXT_INVALID")
            actions = [name for name in _INLINE_BUTTON_ACTIONS if name in button]
            if not actions:
                raise bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            if "callback_data" in button:
                data = button["callback_data"]
                size = len(data.encode("utf-8")) if isinstance(data, str) else 0
                if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                    raise bad_request("BUTTON_DATA_INVALID")
            if "url" in button:
                url = button["url"]
                if not isinstance(url, str) or not re.match(r"^(https?|tg)://\S+$", url):
                    raise bad_request("BUTTON_URL_INVALID")


def _check_reply_keyboard(rows: object) -> None:
    for row in _rows(rows, "keyboard"):
        for button in row:
            text = button.get("text") if isinstance(button, dict) else button
            if not isinstance(text, str) or not text.strip():
                raise bad_request("keyboard button text is empty")


def inline_keyboard(markup: JSONDict | None) -> JSONDict | None:
    """The part of a markup that Telegram keeps on the message (inline keyboards only)."""
    if markup is not None and "inline_keyboard" in markup:
        return {"inline_keyboard": markup["inline_keyboard"]}
    return None


# --------------------------------------------------------------------------- commands

COMMAND_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)


def check_commands(commands: object) -> list[JSONDict]:
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > MAX_COMMANDS:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    checked: list[JSONDict] = []
    for item in commands:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand: Object expected")
        name, description = item.get("command"), item.get("description")
        if not isinstance(name, str) or not COMMAND_RE.match(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not description.strip():
            raise bad_request("command description must be non-empty")
        if len(description) > MAX_COMMAND_DESCRIPTION:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        checked.append({"command": name, "description": description})
    return checked


def check_language_code(code: str | None) -> str:
    if not code:
        return ""
    if not LANGUAGE_CODE_RE.match(code):
        raise bad_request("invalid language code specified")
    return code


# --------------------------------------------------------------------------- rate limiting


class TokenBucket:
    """`rate` tokens per second, holding at most `capacity` (the allowed burst)."""

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.stamp = now

    def wait_time(self, now: float) -> float:
        """Seconds until one token is available (0 if it is now)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


class RateLimiter:
    """Telegram's flood control for sending: a global bucket and one per chat.

    Telegram tolerates short bursts over its rates; a burst defaults to one second's worth of
    messages (at least one), so "1 per second" refuses a second message in the same second.
    """

    def __init__(
        self,
        global_rate: float | None,
        per_chat_rate: float | None,
        *,
        global_burst: float | None = None,
        per_chat_burst: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        for rate in (global_rate, per_chat_rate):
            if rate is not None and rate <= 0:
                raise ValueError("rates must be positive (or None for unlimited)")
        self.global_rate = global_rate
        self.per_chat_rate = per_chat_rate
        self.global_burst = global_burst
        self.per_chat_burst = per_chat_burst
        self._clock = clock
        self._global: TokenBucket | None = None
        self._chats: dict[int, TokenBucket] = {}

    def _bucket(self, rate: float, burst: float | None, now: float) -> TokenBucket:
        return TokenBucket(rate, max(1.0, rate if burst is None else burst), now)

    def acquire(self, chat_id: int) -> int | None:
        """Take a send slot for `chat_id`; returns retry_after seconds instead if over the rate.

        Both buckets are checked before either is drawn from, so a refused request costs nothing.
        """
        now = self._clock()
        buckets: list[TokenBucket] = []
        if self.global_rate is not None:
            if self._global is None:
                self._global = self._bucket(self.global_rate, self.global_burst, now)
            buckets.append(self._global)
        if self.per_chat_rate is not None:
            if chat_id not in self._chats:
                self._chats[chat_id] = self._bucket(self.per_chat_rate, self.per_chat_burst, now)
            buckets.append(self._chats[chat_id])
        wait = max((bucket.wait_time(now) for bucket in buckets), default=0.0)
        if wait > 0:
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.take()
        return None
