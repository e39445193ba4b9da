"""What is wrong in a flow file, said in words other languages can be given.

A `FlowProblem` carries its reason twice: as the plain English `rostbot flows check` prints,
and as `Reason`: a catalog msgid (the English template, `N_`-marked where it is written) with
the values that fill it, so the sandbox page can show the same reason in Swedish or Danish
through the project's gettext catalogs. A value may itself be a `Reason` (a language's
name, a kind of YAML value), translated with it. Words no catalog holds (a library's own
message) are `english_only` and stay English in every language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Reason:
    msgid: str  # the English template, `{name}` placeholders filled by `values`
    values: tuple[tuple[str, str | int | Reason], ...] = ()
    catalogued: bool = True  # False: a library's words, not in any catalog

    def english(self) -> str:
        return self._filled(self.msgid, {k: _english(v) for k, v in self.values})

    def translated(self, template_of: Callable[[str], str | None]) -> str | None:
        """The reason with `template_of(msgid)` for every template; None when any is missing."""
        if not self.catalogued:
            return None
        template = template_of(self.msgid)
        if template is None:
            return None
        values: dict[str, str | int] = {}
        for name, value in self.values:
            if isinstance(value, Reason):
                inner = value.translated(template_of)
                if inner is None:
                    return None
                values[name] = inner
            else:
                values[name] = value
        return self._filled(template, values)

    def _filled(self, template: str, values: dict[str, str | int]) -> str:
        return template.format(**values) if self.values else template


def _english(value: str | int | Reason) -> str | int:
    return value.english() if isinstance(value, Reason) else value


def said(msgid: str, **values: str | int | Reason) -> Reason:
    """A reason from a catalog msgid (mark the literal with `N_`) and its values."""
    return Reason(msgid, tuple(values.items()))


def english_only(text: str) -> Reason:
    """Words no catalog holds, such as a library's own message: English in every language."""
    return Reason(text, (), catalogued=False)


@dataclass(frozen=True)
class FlowProblem:
    """One thing wrong in a flow file, phrased for the person who wrote it."""

    file: str  # path as given (relative if given relative)
    line: int | None  # 1-based line in the YAML file, when known
    path: str  # e.g. "questions[3].show_if.question" (or "" for the whole file)
    reason: str  # plain English, as `rostbot flows check` prints it
    words: Reason | None = None  # the same reason as catalog words, for other languages

    @classmethod
    def of(cls, file: str, line: int | None, path: str, words: Reason) -> FlowProblem:
        return cls(file, line, path, words.english(), words)

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.path}: {self.reason}" if self.path else f"{where}: {self.reason}"


class FlowFileError(Exception):
    """One or more flow files are broken; `.problems` lists every problem found."""

    def __init__(self, problems: Sequence[FlowProblem], where: str) -> None:
        self.problems: list[FlowProblem] = list(problems)
        self.where = where
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        first = f": first: {self.problems[0]}" if self.problems else ""
        super().__init__(f"{count} {noun} in {where}{first}")


def render_path(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
