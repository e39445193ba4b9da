"""The letter's words: the organisation's template filled with the flow's facts.

A template is text with Jinja2 placeholders (`{{ organisation }}`), read from a file
the organisation edits; the defaults are templates/sv.md and templates/da.md. After
filling, the text is read as blocks: a line beginning with `# ` is the heading, lines
beginning with `- ` are list points, and other lines are paragraphs (a blank line
between paragraphs; a single line break is kept). The invitation's link and code are
never among the values: the page puts them beside the QR code, and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from rostbot.config import Settings
from rostbot.core.flow_model import Flow
from rostbot.core.flow_time import estimated_minutes


class LetterError(Exception):
    """A letter that cannot be made (template, layout, output); the text is one line."""


BlockKind = Literal["heading", "point", "paragraph"]

# Every value a template may use; an unknown name is an error, not an empty gap.
PLACEHOLDERS: dict[str, str] = {
    "organisation": "ROSTBOT_ORGANISATION",
    "contact": "ROSTBOT_CONTACT, else the organisation",
    "support": "the flow's support line, else ROSTBOT_SUPPORT_SV / _DA (may be empty)",
    "minutes": "about how many minutes the flow takes (the consent text's figure)",
    "questions": "how many questions the flow has",
    "title": "the flow's title as respondents see it",
}


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str


def default_template(lang: str) -> str:
    return resources.files("rostbot.letters").joinpath(f"templates/{lang}.md").read_text("utf-8")


def read_template(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise LetterError(f"the template {path} is not UTF-8 text") from None
    except OSError as exc:
        raise LetterError(f"cannot read the template {path}: {exc.strerror}") from None


def letter_values(settings: Settings, flow: Flow, lang: str) -> dict[str, str | int]:
    """What the placeholders stand for, for `flow` in `lang`."""
    support = flow.support.get(lang) if flow.support is not None else settings.support(lang)
    return {
        "organisation": settings.organisation,
        "contact": settings.contact or settings.organisation,
        "support": support,
        "minutes": estimated_minutes(flow, lang),
        "questions": len(flow.questions),
        "title": flow.title.get(lang),
    }


def filled(source: str, values: dict[str, str | int], *, name: str) -> list[Block]:
    """The template `source` filled with `values`, as blocks; LetterError names the line."""
    env = SandboxedEnvironment(
        undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True
    )
    try:
        text = env.from_string(source).render(values)
    except jinja2.TemplateSyntaxError as exc:
        raise LetterError(f"{name}:{exc.lineno}: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        known = ", ".join(PLACEHOLDERS)
        raise LetterError(f"{name}: {exc.message} (the placeholders are: {known})") from None
    except jinja2.TemplateError as exc:
        raise LetterError(f"{name}: {type(exc).__name__}: {exc.message}") from None
    blocks = _blocks(text)
    if not blocks:
        raise LetterError(f"{name}: the letter is empty")
    return blocks


def _blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    paragraph: list[str] = []

    def end_paragraph() -> None:
        if paragraph:
            blocks.append(Block("paragraph", "\n".join(paragraph)))
            paragraph.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            end_paragraph()
        elif line.startswith("# "):
            end_paragraph()
            blocks.append(Block("heading", line[2:].strip()))
        elif line.startswith("- "):
            end_paragraph()
            blocks.append(Block("point", line[2:].strip()))
        else:
            paragraph.append(line)
    end_paragraph()
    return blocks
