"""Reading `flows/*.yaml` files and reporting every problem in them, with line numbers.

This module owns the step from bytes on disk to validated `Flow` objects:

* reading a file safely (size limit, UTF-8, `yaml.SafeLoader` only, limits on nesting
  and on alias expansion, so that no input can hang the process or escape as an
  unexpected exception);
* validating with the pydantic model in `rostbot.core.flow_model` and turning
  pydantic's errors into plain English tied to the YAML line they come from;
* the checks the model cannot make on one field at a time: translations in every
  listed language, duplicate ids and codes, `show_if` references, button and
  message lengths, the flow id matching the file name, duplicate ids across files.

The shape of a flow is owned by `flow_model`; the texts of the shipped flows by
`flows/*.yaml`. Anything a flow author can get wrong is reported as a `FlowProblem`,
and the public functions raise nothing but `FlowFileError`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from rostbot.core.flow_model import (
    LANGUAGES,
    MAX_LABEL_LENGTH,
    MAX_MESSAGE_LENGTH,
    QUESTION_TYPES,
    ChoiceQuestion,
    Flow,
    MultiChoiceQuestion,
    Option,
    RatingQuestion,
    ScaleQuestion,
    ShowIf,
    TextQuestion,
    YesNoQuestion,
)

__all__ = [
    "FlowFileError",
    "FlowProblem",
    "check_flows",
    "load_flow_file",
    "load_flows",
]

FLOW_SUFFIXES: tuple[str, ...] = (".yaml", ".yml")
# A real flow is a few kilobytes; the limits only stop hostile or broken input.
MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 32  # a flow nests about 7 levels deep
MAX_NODES = 100_000  # after expanding aliases; a 10-question flow has about 1,000

LANGUAGE_NAMES: dict[str, str] = {"sv": "Swedish", "da": "Danish"}
TYPE_LIST = ", ".join(QUESTION_TYPES)

# Which keys hold a `Text`, and how the bot sends it: as a message or on a button.
_FLOW_MESSAGE_TEXTS: tuple[str, ...] = (
    "title",
    "analyst_title",
    "intro",
    "outro",
    "purpose",
    "support",
)
_QUESTION_MESSAGE_TEXTS: tuple[str, ...] = ("text", "help", "low", "high")
_TEXT_FIELDS: frozenset[str] = frozenset({*_FLOW_MESSAGE_TEXTS, *_QUESTION_MESSAGE_TEXTS, "label"})

_QUESTION_CLASSES: dict[str, type[BaseModel]] = {
    "scale": ScaleQuestion,
    "choice": ChoiceQuestion,
    "multi_choice": MultiChoiceQuestion,
    "yes_no": YesNoQuestion,
    "text": TextQuestion,
    "rating_0_10": RatingQuestion,
}

Loc = tuple[str | int, ...]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class FlowProblem:
    """One thing wrong in a flow file, phrased for the person who wrote it."""

    file: str  # path as given (relative if given relative)
    line: int | None  # 1-based line in the YAML file, when known
    path: str  # e.g. "questions[3].show_if.question" (or "" for the whole file)
    reason: str  # plain English

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


# ------------------------------------------------------------------------ public API


def load_flow_file(path: Path) -> Flow:
    """Read and check one flow file; raise `FlowFileError` listing all its problems."""
    result = _check_file(Path(path))
    if result.problems or result.flow is None:
        raise FlowFileError(result.problems or [_whole(path, "could not be read")], str(path))
    return result.flow


def load_flows(directory: Path) -> dict[str, Flow]:
    """Read every flow in a folder, keyed by flow id; raise `FlowFileError` listing all
    problems in all files (an empty or missing folder is a problem too)."""
    flows, problems = _check_directory(Path(directory))
    if problems:
        raise FlowFileError(problems, str(directory))
    return flows


def check_flows(directory: Path) -> list[FlowProblem]:
    """Every problem in every flow file of a folder; an empty list means all is well."""
    return _check_directory(Path(directory))[1]


# ------------------------------------------------------------------------- directory


def _whole(file: Path | str, reason: str) -> FlowProblem:
    return FlowProblem(str(file), None, "", reason)


def _check_directory(directory: Path) -> tuple[dict[str, Flow], list[FlowProblem]]:
    try:
        if not directory.exists():
            return {}, [_whole(directory, "the flow folder does not exist")]
        if not directory.is_dir():
            return {}, [_whole(directory, "this is a file, not a folder of flows")]
        # Hidden files are editor backups and lock files, never flows.
        files = sorted(
            p
            for p in directory.iterdir()
            if p.suffix.lower() in FLOW_SUFFIXES and not p.name.startswith(".") and not p.is_dir()
        )
    except OSError as exc:
        return {}, [_whole(directory, f"the flow folder cannot be read ({_os_reason(exc)})")]
    if not files:
        return {}, [_whole(directory, "no flow files (*.yaml or *.yml) in this folder")]

    flows: dict[str, Flow] = {}
    problems: list[FlowProblem] = []
    first_file_of: dict[str, Path] = {}
    for path in files:
        result = _check_file(path)
        problems.extend(result.problems)
        if result.flow_id is not None:
            # Checked on the raw id so that a clash is reported even in a broken file.
            if result.flow_id in first_file_of:
                problems.append(
                    FlowProblem(
                        str(path),
                        result.flow_id_line,
                        "id",
                        f"flow id '{result.flow_id}' is already used by "
                        f"{first_file_of[result.flow_id]}",
                    )
                )
            else:
                first_file_of[result.flow_id] = path
        if result.flow is not None and not result.problems:
            flows.setdefault(result.flow.id, result.flow)
    return flows, problems


# ------------------------------------------------------------------------ one file


@dataclass
class _FileResult:
    flow: Flow | None = None
    problems: list[FlowProblem] = field(default_factory=list)
    flow_id: str | None = None
    flow_id_line: int | None = None


def _check_file(path: Path) -> _FileResult:
    try:
        return _check_file_unguarded(path)
    except Exception as exc:  # the contract: nothing but FlowFileError escapes
        # Reaching this is a bug in this module, not in the flow; still, a broken flow
        # file must never crash the bot or the CLI, so report it like any problem.
        return _FileResult(
            problems=[_whole(path, f"internal error while checking this file: {exc!r}")]
        )


def _check_file_unguarded(path: Path) -> _FileResult:
    file = str(path)
    read = _read_yaml(path)
    if isinstance(read, FlowProblem):
        return _FileResult(problems=[read])
    root, data = read
    if not isinstance(root, yaml.MappingNode) or not isinstance(data, dict):
        kind = (
            "a list"
            if isinstance(root, yaml.SequenceNode)
            else "a set"
            if isinstance(data, set)
            else "a single value"
        )
        return _FileResult(
            problems=[
                FlowProblem(
                    file,
                    _line(root),
                    "",
                    f"a flow file must be a mapping of 'key: value' lines at the top, not {kind}",
                )
            ]
        )

    checker = _Checker(file, root)
    checker.check_duplicate_keys()
    flow: Flow | None = None
    try:
        flow = Flow.model_validate(data)
    except ValidationError as exc:
        checker.add_pydantic_errors(exc.errors(include_url=False, include_input=True))
    _RawChecks(checker, data, path.stem).run()

    raw_id = data.get("id")
    result = _FileResult(
        flow=flow if not checker.problems else None,
        problems=sorted(checker.problems, key=lambda p: (p.line is None, p.line or 0)),
    )
    if isinstance(raw_id, str):
        result.flow_id = raw_id
        result.flow_id_line = checker.line_of(("id",))
    return result


# ---------------------------------------------------------------------------- YAML


class _FlowYamlLoader(yaml.SafeLoader):
    """SafeLoader with two changes that matter for flow authors.

    * Only `true`/`false` are booleans (as in YAML 1.2). YAML 1.1 also reads `yes`,
      `no`, `on` and `off` as booleans, which would silently turn a show_if like
      `equals: yes` or an option code `no` into True/False. pydantic still accepts
      `yes`/`no` where a field really is a boolean, so nothing is lost.
    * Nesting is limited while composing, because PyYAML's composer is recursive and
      a deeply nested file would otherwise end in RecursionError.
    """

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML's own class-level registry
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"nested more than {MAX_DEPTH} levels deep",
                    self.peek_event().start_mark,  # type: ignore[no-untyped-call]  # stub gap
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_FlowYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)

# Hints for the YAML errors flow authors meet most; PyYAML's own words stay first.
_YAML_HINTS: dict[str, str] = {
    "mapping values are not allowed here": "a text containing ': ' needs quotes around it",
    "could not find expected ':'": "check the indentation, or a missing ':' after a key",
    "found character '\\t' that cannot start any token": "indent with spaces, not tabs",
    "found undefined alias": "an '*name' refers to an '&name' that does not exist",
    "but found another document": "a flow file holds one flow; remove the '---' line",
}


def _read_yaml(path: Path) -> tuple[yaml.Node, object] | FlowProblem:
    """The composed node tree (for line numbers) and the constructed data, or a problem."""
    file = str(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return _whole(file, f"the file cannot be read ({_os_reason(exc)})")
    if len(raw) > MAX_FILE_BYTES:
        return _whole(file, f"the file is larger than {MAX_FILE_BYTES:,} bytes; is it a flow?")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return FlowProblem(
            file,
            line,
            "",
            f"the file is not UTF-8 text (byte {raw[exc.start]:#04x} cannot be read); "
            "save it as UTF-8",
        )

    loader: _FlowYamlLoader | None = None
    try:
        loader = _FlowYamlLoader(text)  # the reader rejects control characters here
        node = loader.get_single_node()
        if node is None:
            return FlowProblem(file, 1, "", "the file is empty")
        shape_problem = _shape_problem(node)
        if shape_problem is not None:
            return FlowProblem(file, _line(node), "", shape_problem)
        data = loader.construct_document(node)
    except yaml.constructor.ConstructorError as exc:
        # Syntax was fine but a value is not plain data, e.g. a `!!python/...` tag.
        return FlowProblem(file, _mark_line(exc), "", f"a value cannot be read: {exc.problem}")
    except yaml.MarkedYAMLError as exc:
        return FlowProblem(file, _mark_line(exc), "", _yaml_reason(exc))
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        char = f"#x{exc.character:04x}" if isinstance(exc.character, int) else "?"
        return FlowProblem(
            file,
            line,
            "",
            f"the file contains a control character ({char}) that YAML does not allow",
        )
    except yaml.YAMLError as exc:
        return _whole(file, f"YAML error: {exc}")
    except (ValueError, TypeError, OverflowError) as exc:
        # SafeConstructor itself raises these for e.g. an impossible date (2024-13-45)
        # or an integer with more digits than Python converts.
        return _whole(file, f"a value cannot be read: {str(exc).split(';')[0]}")
    finally:
        if loader is not None:
            loader.dispose()
    return node, data


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _shape_problem(root: yaml.Node) -> str | None:
    """Reject alias cycles and alias 'bombs' before anything expands them.

    Aliases share nodes, so the composed graph is small, but constructing and then
    validating it visits every shared node once per reference: a few lines of
    anchors can stand for billions of values. Size and depth are computed on the
    graph with memoisation, iteratively so that no input can exhaust the stack.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        children = _children(node)
        if finished:
            open_nodes.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in children)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            if size[key] > MAX_NODES:
                return f"the file expands to more than {MAX_NODES:,} values (through aliases)"
            if depth[key] > MAX_DEPTH:
                return f"the file is nested more than {MAX_DEPTH} levels deep (through aliases)"
            continue
        if key in size:
            continue
        if key in open_nodes:
            # Entries pushed after this node was opened are its descendants.
            return "an alias (*name) refers to the value that contains it"
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in size)
    return None


def _mark_line(exc: yaml.MarkedYAMLError) -> int | None:
    mark = exc.problem_mark or exc.context_mark
    return None if mark is None else mark.line + 1


def _yaml_reason(exc: yaml.MarkedYAMLError) -> str:
    problem = (exc.problem or exc.context or "the YAML cannot be read").strip()
    for start, hint in _YAML_HINTS.items():
        if problem.startswith(start):
            return f"YAML syntax error: {problem} ({hint})"
    return f"YAML syntax error: {problem}"


def _os_reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _line(node: yaml.Node | None) -> int | None:
    return None if node is None else node.start_mark.line + 1


# --------------------------------------------------------------- locating problems


def _scalar_key(node: yaml.Node) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _lookup(node: yaml.MappingNode, name: str) -> tuple[yaml.Node, yaml.Node] | None:
    """The key and value node for `name`, as SafeLoader resolves it: the last of
    duplicate keys wins, and keys merged in with `<<: *anchor` come last."""
    merged: list[yaml.Node] = []
    found: tuple[yaml.Node, yaml.Node] | None = None
    for key, value in node.value:
        if _scalar_key(key) == "<<" and key.tag == "tag:yaml.org,2002:merge":
            merged.extend(value.value if isinstance(value, yaml.SequenceNode) else [value])
        elif _scalar_key(key) == name:
            found = (key, value)
    if found is not None:
        return found
    for source in merged:  # alias cycles were rejected before this runs
        if isinstance(source, yaml.MappingNode):
            found = _lookup(source, name)
            if found is not None:
                return found
    return None


def _render_path(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class _Checker:
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
                match = _lookup(node, str(part))
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
        return _line(key_node if key and key_node is not None else node)

    def add(self, loc: Loc, reason: str, *, key: bool = False) -> None:
        self.problems.append(
            FlowProblem(self.file, self.line_of(loc, key=key), _render_path(loc), reason)
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
                    name = _scalar_key(key_node)
                    if name is None or name == "<<":
                        continue
                    if name in keys_seen:
                        self.problems.append(
                            FlowProblem(
                                self.file,
                                _line(key_node),
                                _render_path((*loc, name)),
                                f"key '{name}' appears twice here; only the last one would count",
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
            noun = "key" if len(names) == 1 else "keys"
            self.add(parent, f"missing required {noun}: {', '.join(names)}")
        if min_age:
            self._add_min_age_errors(min_age)

    def _add_min_age_errors(self, errors: list[ErrorDetails]) -> None:
        # min_age is `int | None`: pydantic reports a failure for each branch of the
        # union, which reads as two complaints; one plain line says it better.
        if any(isinstance(e.get("input"), dict) for e in errors):
            # The old form, one age per language: the age follows the country now.
            self.add(
                ("min_age",),
                "min_age is one age for every language: the age limit follows the "
                "country whose rules apply (jurisdiction: se is 13, dk is 15), not the "
                "language; write one number like 15, or leave min_age out to use the "
                "country's age",
            )
        elif any(e["type"] in ("greater_than_equal", "less_than_equal") for e in errors):
            self.add(("min_age",), "min_age is an age between 0 and 120")
        else:
            self.add(("min_age",), "min_age must be a whole number (like 15)")

    def _add_pydantic_error(self, error: ErrorDetails) -> None:
        raw_loc = tuple(error["loc"])
        tag = _question_tag(raw_loc)
        loc = _without_tag(raw_loc)
        kind = error["type"]
        if kind == "union_tag_invalid":
            raw = error.get("input")
            given = raw.get("type") if isinstance(raw, dict) else None
            reason = (
                f"unknown question type '{given}'; use one of {TYPE_LIST}"
                if isinstance(given, str)
                else f"the question type must be one of {TYPE_LIST}"
            )
            self.add((*loc, "type"), reason)
        elif kind == "union_tag_not_found":
            self.add(loc, f"the question has no 'type'; use one of {TYPE_LIST}")
        elif kind == "extra_forbidden":
            self.add(loc, _unknown_key_reason(loc, tag), key=True)
        elif kind == "invalid_key":
            self.add(loc, "a key must be a plain word", key=True)
        elif kind == "too_short" and loc == ("questions",):
            self.add(loc, "a flow needs at least one question")
        elif kind == "value_error" and tag is not None and len(loc) == 2:
            # A question's own model validator only knows the question, not the field;
            # point at the field its message names so the line number is useful.
            message = _plain_message(error, loc)
            named = next((k for k in ("positive", "points", "options") if k in message), None)
            self.add((*loc, named) if named else loc, message)
        else:
            self.add(loc, _plain_message(error, loc))


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


def _unknown_key_reason(loc: Loc, tag: str | None) -> str:
    name = str(loc[-1])
    container = loc[:-1]
    model: type[BaseModel]
    if not container:
        model = Flow
    elif container[-1] in _TEXT_FIELDS:
        return f"unknown language '{name}'; texts can have: {', '.join(LANGUAGES)}"
    elif container[-1] == "show_if":
        model = ShowIf
    elif isinstance(container[-1], int) and len(container) >= 2 and container[-2] != "questions":
        model = Option
    elif tag is not None and len(container) == 2:
        model = _QUESTION_CLASSES[tag]
    else:
        return f"unknown key '{name}'"
    allowed = _model_keys(model)
    close = difflib.get_close_matches(name, allowed, n=1)
    if close:
        return f"unknown key '{name}'; did you mean '{close[0]}'?"
    return f"unknown key '{name}'; allowed here: {', '.join(allowed)}"


_TYPE_WORDS: dict[str, str] = {
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list (lines starting with '- ')",
    "model_type": "must be a group of 'key: value' lines",
    "model_attributes_type": "must be a group of 'key: value' lines",
    "dict_type": "must be a group of 'key: value' lines",
}


def _plain_message(error: ErrorDetails, loc: Loc) -> str:
    kind = error["type"]
    ctx = error.get("ctx", {})
    given = _short(error.get("input"))
    if kind in ("model_type", "dict_type") and loc and loc[-1] in _TEXT_FIELDS:
        return "needs one text per language, on lines like 'sv: ...' and 'da: ...'"
    raw_input = error.get("input")
    if (
        kind == "string_type"
        and isinstance(raw_input, int | float)
        and not isinstance(raw_input, bool)
    ):
        # Codes look like numbers (rating answers are 0-10) but are text everywhere.
        return f"must be text, not the number {given}; put it in quotes: '{raw_input}'"
    if kind in _TYPE_WORDS:
        return _TYPE_WORDS[kind] + (f", not {given}" if given else "")
    if kind == "literal_error":
        if loc[:1] == ("languages",):
            return f"unknown language {given}; use sv or da" if given else "use sv or da"
        return f"must be one of {ctx.get('expected', '?')}" + (f", not {given}" if given else "")
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} items"
    if kind == "too_long":
        return f"can have at most {ctx.get('max_length')} items"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}"
    message = str(error.get("msg", "is not valid"))
    return message.removeprefix("Value error, ")


def _short(value: object) -> str | None:
    """A short quote of a scalar input, to show what was found; None for the rest."""
    if value is None:
        return "empty"
    if isinstance(value, str | int | float | bool) and len(repr(value)) <= 40:
        return repr(value)
    return None


# ----------------------------------------------------------- checks across fields


def _code(value: object) -> str | None:
    """A code as the model stores it (whole numbers become text), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str | int):
        return str(value)
    return None


class _RawChecks:
    """Checks that need several fields at once, made on the raw YAML data.

    They run even when pydantic found problems, so that one run reports everything;
    that is why every access here is defensive about types.
    """

    def __init__(self, checker: _Checker, data: dict[object, object], stem: str) -> None:
        self.c = checker
        self.data = data
        self.stem = stem
        raw_languages = data.get("languages")
        self.languages: list[str] = []
        if isinstance(raw_languages, list):
            for i, lang in enumerate(raw_languages):
                if lang in LANGUAGES and lang in self.languages:
                    self.c.add(("languages", i), f"language '{lang}' is listed twice")
                elif lang in LANGUAGES:
                    self.languages.append(str(lang))
        raw_questions = data.get("questions")
        self.questions: list[tuple[int, dict[object, object]]] = (
            [(i, q) for i, q in enumerate(raw_questions) if isinstance(q, dict)]
            if isinstance(raw_questions, list)
            else []
        )

    def run(self) -> None:
        self.check_id()
        for key in _FLOW_MESSAGE_TEXTS:
            self.check_text(self.data.get(key), (key,), button=False)
        for index, question in self.questions:
            self.check_question(index, question)
        self.check_question_ids()
        for index, question in self.questions:
            self.check_show_if(index, question)

    def check_id(self) -> None:
        flow_id = self.data.get("id")
        if isinstance(flow_id, str) and flow_id != self.stem:
            self.c.add(
                ("id",),
                f"flow id '{flow_id}' must match the file name '{self.stem}' "
                f"(rename the file or change the id)",
            )

    def check_text(self, value: object, loc: Loc, *, button: bool) -> None:
        """Every listed language has a non-empty text that fits where it is shown."""
        if not isinstance(value, dict):
            return  # absent or the wrong type: pydantic reports it
        for lang in self.languages:
            text = value.get(lang)
            name = f"{LANGUAGE_NAMES[lang]} ({lang})"
            if text is None or (isinstance(text, str) and not text.strip()):
                # Point at the `text:` key line, not the first language under it.
                self.c.add((*loc, lang) if lang in value else loc, f"missing {name} text", key=True)
            elif isinstance(text, str) and button and len(text) > MAX_LABEL_LENGTH:
                self.c.add(
                    (*loc, lang),
                    f"{name} button label is {len(text)} characters; "
                    f"at most {MAX_LABEL_LENGTH} fit on a button",
                )
            elif isinstance(text, str) and len(text) > MAX_MESSAGE_LENGTH:
                self.c.add(
                    (*loc, lang),
                    f"{name} text is {len(text)} characters; "
                    f"a message can hold at most {MAX_MESSAGE_LENGTH}",
                )

    def check_question(self, index: int, question: dict[object, object]) -> None:
        loc: Loc = ("questions", index)
        for key in _QUESTION_MESSAGE_TEXTS:
            self.check_text(question.get(key), (*loc, key), button=False)
        for list_key in ("options", "points"):
            items = question.get(list_key)
            if not isinstance(items, list):
                continue
            seen: dict[str, int] = {}
            for k, item in enumerate(items):
                if not isinstance(item, dict):
                    continue
                self.check_text(item.get("label"), (*loc, list_key, k, "label"), button=True)
                code = _code(item.get("code"))
                if code is None:
                    continue
                if code in seen:
                    self.c.add(
                        (*loc, list_key, k, "code"),
                        f"code '{code}' is used twice in this question "
                        f"(also {list_key}[{seen[code]}])",
                    )
                else:
                    seen[code] = k
        if question.get("type") == "multi_choice":
            self.check_max_selected(loc, question)

    def check_max_selected(self, loc: Loc, question: dict[object, object]) -> None:
        limit = question.get("max_selected")
        options = question.get("options")
        if not isinstance(limit, int) or isinstance(limit, bool) or not isinstance(options, list):
            return
        if limit < 1:
            self.c.add((*loc, "max_selected"), "max_selected must be at least 1")
        elif limit > len(options):
            self.c.add(
                (*loc, "max_selected"),
                f"max_selected is {limit}, but the question has only {len(options)} options",
            )

    def check_question_ids(self) -> None:
        first_index: dict[str, int] = {}
        for index, question in self.questions:
            qid = question.get("id")
            if not isinstance(qid, str):
                continue
            if qid in first_index:
                self.c.add(
                    ("questions", index, "id"),
                    f"question id '{qid}' is used twice (also questions[{first_index[qid]}])",
                )
            else:
                first_index[qid] = index

    def _answer_codes(self, question: dict[object, object]) -> list[str] | None:
        """The codes a question's answer can carry; None when unknown or free text."""
        kind = question.get("type")
        if kind == "yes_no":
            return ["yes", "no"]
        if kind == "rating_0_10":
            return [str(n) for n in range(11)]
        list_key = {"scale": "points", "choice": "options", "multi_choice": "options"}.get(
            kind if isinstance(kind, str) else ""
        )
        items = question.get(list_key) if list_key else None
        if not isinstance(items, list):
            return None
        codes = [_code(i.get("code")) for i in items if isinstance(i, dict)]
        return [c for c in codes if c is not None]

    def check_show_if(self, index: int, question: dict[object, object]) -> None:
        show_if = question.get("show_if")
        if not isinstance(show_if, dict):
            return
        loc: Loc = ("questions", index, "show_if")
        target = show_if.get("question")
        if not isinstance(target, str):
            return
        own_id = question.get("id")
        position = {
            q.get("id"): i for i, q in reversed(self.questions) if isinstance(q.get("id"), str)
        }
        if target == own_id:
            self.c.add((*loc, "question"), "show_if points to the question itself")
            return
        if target not in position:
            self.c.add((*loc, "question"), f"show_if points to unknown question '{target}'")
            return
        target_index = position[target]
        if target_index > index:
            self.c.add(
                (*loc, "question"),
                f"show_if points forward to question '{target}', which comes later; "
                "it can only depend on an earlier question",
            )
            return
        target_question = dict(self.questions)[target_index]
        if target_question.get("type") == "text":
            self.c.add(
                (*loc, "question"),
                f"show_if points to free-text question '{target}'; "
                "it can only depend on a question answered with buttons",
            )
            return
        codes = self._answer_codes(target_question)
        if codes is None:
            return
        for test in ("equals", "in", "not_in"):
            given = show_if.get(test)
            items: list[tuple[Loc, object]]
            if isinstance(given, list):
                if not given:
                    self.c.add((*loc, test), f"show_if '{test}' lists no codes")
                items = [((*loc, test, k), v) for k, v in enumerate(given)]
            elif given is not None:
                items = [((*loc, test), given)]
            else:
                continue
            for item_loc, value in items:
                code = _code(value)
                if code is not None and code not in codes:
                    self.c.add(
                        item_loc,
                        f"'{code}' is not an answer code of question '{target}' "
                        f"(its codes: {', '.join(codes)})",
                    )
