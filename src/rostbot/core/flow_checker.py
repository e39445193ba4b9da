"""Collecting one flow file's problems: the YAML line of each, and pydantic's errors in words.

`FlowChecker` finds the line of any path in the composed YAML, reports keys given twice
(SafeLoader silently keeps the last) and turns pydantic's validation errors into reasons a
flow author reads, each as catalog words (`Reason`). A pydantic message this module has no
words for stays English (`english_only`).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import yaml
from pydantic import BaseModel
from pydantic_core import ErrorDetails

from rostbot.core.flow_model import (
    LANGUAGES,
    QUESTION_TYPES,
    ChoiceQuestion,
    Flow,
    FlowRuleError,
    MultiChoiceQuestion,
    Option,
    RatingQuestion,
    ScaleQuestion,
    ShowIf,
    TextQuestion,
    YesNoQuestion,
)
from rostbot.core.flow_problems import FlowProblem, Loc, Reason, english_only, render_path, said
from rostbot.core.flow_yaml import line_of_node, lookup, scalar_key
from rostbot.i18n import N_

TYPE_LIST = ", ".join(QUESTION_TYPES)

# Which keys hold a `Text`, and how the bot sends it: as a message or on a button.
FLOW_MESSAGE_TEXTS: tuple[str, ...] = (
    "title",
    "analyst_title",
    "intro",
    "outro",
    "purpose",
    "support",
)
QUESTION_MESSAGE_TEXTS: tuple[str, ...] = ("text", "help", "low", "high")
_TEXT_FIELDS: frozenset[str] = frozenset({*FLOW_MESSAGE_TEXTS, *QUESTION_MESSAGE_TEXTS, "label"})

_QUESTION_CLASSES: dict[str, type[BaseModel]] = {
    "scale": ScaleQuestion,
    "choice": ChoiceQuestion,
    "multi_choice": MultiChoiceQuestion,
    "yes_no": YesNoQuestion,
    "text": TextQuestion,
    "rating_0_10": RatingQuestion,
}


class FlowChecker:
    """Collects problems for one file and finds the YAML line of any path in it."""

    def __init__(self, file: str, root: yaml.MappingNode) -> None:
        self.file = file
        self.root = root
        self.problems: list[FlowProblem] = []

    def find(self, loc: Loc) -> tuple[yaml.Node, yaml.Node | None]:
        """The deepest node that exists on `loc`, and the key node that led to it.

        A path that does not exist (a missing key) ends at its parent, which is the
        most useful line to show."""
        node: yaml.Node = self.root
        key_node: yaml.Node | None = None
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                match = lookup(node, str(part))
                if match is None:
                    return node, key_node
                key_node, node = match
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if not 0 <= part < len(node.value):
                    return node, key_node
                key_node, node = None, node.value[part]
            else:
                return node, key_node
        return node, key_node

    def line_of(self, loc: Loc, *, key: bool = False) -> int | None:
        node, key_node = self.find(loc)
        return line_of_node(key_node if key and key_node is not None else node)

    def add(self, loc: Loc, reason: Reason, *, key: bool = False) -> None:
        self.problems.append(
            FlowProblem.of(self.file, self.line_of(loc, key=key), render_path(loc), reason)
        )

    # ---- duplicate keys: SafeLoader silently keeps the last one, which hides mistakes

    def check_duplicate_keys(self) -> None:
        seen_nodes: set[int] = set()
        stack: list[tuple[yaml.Node, Loc]] = [(self.root, ())]
        while stack:
            node, loc = stack.pop()
            if id(node) in seen_nodes:
                continue
            seen_nodes.add(id(node))
            if isinstance(node, yaml.SequenceNode):
                stack.extend((child, (*loc, i)) for i, child in enumerate(node.value))
            elif isinstance(node, yaml.MappingNode):
                keys_seen: set[str] = set()
                for key_node, value in node.value:
                    name = scalar_key(key_node)
                    if name is None or name == "<<":
                        continue
                    if name in keys_seen:
                        self.problems.append(
                            FlowProblem.of(
                                self.file,
                                line_of_node(key_node),
                                render_path((*loc, name)),
                                said(
                                    N_(
                                        "key '{name}' appears twice here; "
                                        "only the last one would count"
                                    ),
                                    name=name,
                                ),
                            )
                        )
                    keys_seen.add(name)
                    stack.append((value, (*loc, name)))

    # ---- pydantic errors in plain words

    def add_pydantic_errors(self, errors: list[ErrorDetails]) -> None:
        min_age: list[ErrorDetails] = []
        missing: dict[Loc, list[str]] = {}  # one line per place, not one per key
        for error in errors:
            if error["loc"][:1] == ("min_age",):
                min_age.append(error)  # one error per branch of the union; see below
            elif error["type"] == "missing":
                loc = _without_tag(tuple(error["loc"]))
                missing.setdefault(loc[:-1], []).append(str(loc[-1]))
            else:
                self._add_pydantic_error(error)
        for parent, names in missing.items():
            if len(names) == 1:
                self.add(parent, said(N_("missing required key: {names}"), names=names[0]))
            else:
                self.add(parent, said(N_("missing required keys: {names}"), names=", ".join(names)))
        if min_age:
            self._add_min_age_errors(min_age)

    def _add_min_age_errors(self, errors: list[ErrorDetails]) -> None:
        # min_age is `int | None`: pydantic reports a failure for each branch of the
        # union, which reads as two complaints; one plain line says it better.
        if any(isinstance(e.get("input"), dict) for e in errors):
            # The old form, one age per language: the age follows the country now.
            self.add(
                ("min_age",),
                said(
                    N_(
                        "min_age is one age for every language: the age limit follows the "
                        "country whose rules apply (jurisdiction: se is 13, dk is 15), not the "
                        "language; write one number like 15, or leave min_age out to use the "
                        "country's age"
                    )
                ),
            )
        elif any(e["type"] in ("greater_than_equal", "less_than_equal") for e in errors):
            self.add(("min_age",), said(N_("min_age is an age between 0 and 120")))
        else:
            self.add(("min_age",), said(N_("min_age must be a whole number (like 15)")))

    def _add_pydantic_error(self, error: ErrorDetails) -> None:
        raw_loc = tuple(error["loc"])
        tag = _question_tag(raw_loc)
        loc = _without_tag(raw_loc)
        kind = error["type"]
        if kind == "union_tag_invalid":
            raw = error.get("input")
            given = raw.get("type") if isinstance(raw, dict) else None
            reason = (
                said(
                    N_("unknown question type '{given}'; use one of {types}"),
                    given=given,
                    types=TYPE_LIST,
                )
                if isinstance(given, str)
                else said(N_("the question type must be one of {types}"), types=TYPE_LIST)
            )
            self.add((*loc, "type"), reason)
        elif kind == "union_tag_not_found":
            self.add(
                loc, said(N_("the question has no 'type'; use one of {types}"), types=TYPE_LIST)
            )
        elif kind == "extra_forbidden":
            self.add(loc, _unknown_key_reason(loc, tag), key=True)
        elif kind == "invalid_key":
            self.add(loc, said(N_("a key must be a plain word")), key=True)
        elif kind == "too_short" and loc == ("questions",):
            self.add(loc, said(N_("a flow needs at least one question")))
        elif kind == "value_error" and tag is not None and len(loc) == 2:
            # A question's own model validator only knows the question, not the field;
            # point at the field its message names so the line number is useful.
            reason = _plain_reason(error, loc)
            message = reason.english()
            named = next((k for k in ("positive", "points", "options") if k in message), None)
            self.add((*loc, named) if named else loc, reason)
        else:
            self.add(loc, _plain_reason(error, loc))


def _question_tag(loc: Sequence[str | int]) -> str | None:
    """The union tag pydantic puts after `questions[i]` (the question type), if any."""
    if (
        len(loc) >= 3
        and loc[0] == "questions"
        and isinstance(loc[1], int)
        and loc[2] in QUESTION_TYPES
    ):
        return str(loc[2])
    return None


def _without_tag(loc: Loc) -> Loc:
    return loc[:2] + loc[3:] if _question_tag(loc) is not None else loc


def _model_keys(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _unknown_key_reason(loc: Loc, tag: str | None) -> Reason:
    name = str(loc[-1])
    container = loc[:-1]
    model: type[BaseModel]
    if not container:
        model = Flow
    elif container[-1] in _TEXT_FIELDS:
        return said(
            N_("unknown language '{name}'; texts can have: {languages}"),
            name=name,
            languages=", ".join(LANGUAGES),
        )
    elif container[-1] == "show_if":
        model = ShowIf
    elif isinstance(container[-1], int) and len(container) >= 2 and container[-2] != "questions":
        model = Option
    elif tag is not None and len(container) == 2:
        model = _QUESTION_CLASSES[tag]
    else:
        return said(N_("unknown key '{name}'"), name=name)
    allowed = _model_keys(model)
    close = difflib.get_close_matches(name, allowed, n=1)
    if close:
        return said(N_("unknown key '{name}'; did you mean '{close}'?"), name=name, close=close[0])
    return said(
        N_("unknown key '{name}'; allowed here: {allowed}"), name=name, allowed=", ".join(allowed)
    )


# What a value must be, by pydantic's error type; each with and without what was found.
_TYPE_WORDS: dict[str, tuple[str, str, str]] = {
    "string_type": (
        N_("must be text"),
        N_("must be text, not {given}"),
        N_("must be text, not empty"),
    ),
    "int_type": (
        N_("must be a whole number"),
        N_("must be a whole number, not {given}"),
        N_("must be a whole number, not empty"),
    ),
    "bool_type": (
        N_("must be true or false"),
        N_("must be true or false, not {given}"),
        N_("must be true or false, not empty"),
    ),
    "list_type": (
        N_("must be a list (lines starting with '- ')"),
        N_("must be a list (lines starting with '- '), not {given}"),
        N_("must be a list (lines starting with '- '), not empty"),
    ),
    "model_type": (
        N_("must be a group of 'key: value' lines"),
        N_("must be a group of 'key: value' lines, not {given}"),
        N_("must be a group of 'key: value' lines, not empty"),
    ),
}
_SAME_WORDS: dict[str, str] = {
    "int_parsing": "int_type",
    "int_from_float": "int_type",
    "bool_parsing": "bool_type",
    "model_attributes_type": "model_type",
    "dict_type": "model_type",
}


def _type_reason(kind: str, raw_input: object) -> Reason | None:
    words = _TYPE_WORDS.get(_SAME_WORDS.get(kind, kind))
    if words is None:
        return None
    plain, with_given, when_empty = words
    if raw_input is None:
        return said(when_empty)
    given = _short(raw_input)
    return said(with_given, given=given) if given else said(plain)


def _plain_reason(error: ErrorDetails, loc: Loc) -> Reason:
    kind = error["type"]
    ctx = error.get("ctx", {})
    raw_input = error.get("input")
    given = _short(raw_input) if raw_input is not None else None
    if kind in ("model_type", "dict_type") and loc and loc[-1] in _TEXT_FIELDS:
        return said(N_("needs one text per language, on lines like 'sv: ...' and 'da: ...'"))
    if (
        kind == "string_type"
        and isinstance(raw_input, int | float)
        and not isinstance(raw_input, bool)
    ):
        # Codes look like numbers (rating answers are 0-10) but are text everywhere.
        return said(
            N_("must be text, not the number {given}; put it in quotes: '{number}'"),
            given=str(given),
            number=str(raw_input),
        )
    typed = _type_reason(kind, raw_input)
    if typed is not None:
        return typed
    if kind == "literal_error":
        if loc[:1] == ("languages",):
            if raw_input is None:
                return said(N_("unknown language, not given; use sv or da"))
            return (
                said(N_("unknown language {given}; use sv or da"), given=given)
                if given
                else said(N_("use sv or da"))
            )
        expected = str(ctx.get("expected", "?"))
        if raw_input is None:
            return said(N_("must be one of {expected}, not empty"), expected=expected)
        if given:
            return said(
                N_("must be one of {expected}, not {given}"), expected=expected, given=given
            )
        return said(N_("must be one of {expected}"), expected=expected)
    if kind == "too_short":
        return said(N_("needs at least {count} items"), count=str(ctx.get("min_length")))
    if kind == "too_long":
        return said(N_("can have at most {count} items"), count=str(ctx.get("max_length")))
    if kind == "greater_than_equal":
        return said(N_("must be at least {limit}"), limit=str(ctx.get("ge")))
    if kind == "less_than_equal":
        return said(N_("must be at most {limit}"), limit=str(ctx.get("le")))
    rule = ctx.get("error")
    if kind == "value_error" and isinstance(rule, FlowRuleError):
        return rule.reason  # a flow_model rule, in its own catalog words
    message = str(error.get("msg", "is not valid"))
    return english_only(message.removeprefix("Value error, "))


def _short(value: object) -> str | None:
    """A short quote of a scalar input, to show what was found; None for the rest."""
    if isinstance(value, str | int | float | bool) and len(repr(value)) <= 40:
        return repr(value)
    return None
