"""Reading a flow file's YAML safely, and finding the line of any path in it.

Owns the bytes-to-data step: a size limit, UTF-8, `yaml.SafeLoader` only with YAML 1.2
booleans, limits on nesting and on alias expansion (so that no input can hang the process
or escape as an unexpected exception), and every way that can fail as a `FlowProblem` whose
reason is in catalog words (PyYAML's own message stays English inside it).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from rostbot.core.flow_problems import FlowProblem, Reason, said
from rostbot.i18n import N_

# A real flow is a few kilobytes; the limits only stop hostile or broken input.
MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 32  # a flow nests about 7 levels deep
MAX_NODES = 100_000  # after expanding aliases; a 10-question flow has about 1,000
_NESTED = "nested more than"


class FlowYamlLoader(yaml.SafeLoader):
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
                    f"{_NESTED} {MAX_DEPTH} levels deep",
                    self.peek_event().start_mark,  # type: ignore[no-untyped-call]  # stub gap
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


FlowYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


# Hints for the YAML errors flow authors meet most; PyYAML's own words are kept beside them.
_YAML_HINTS: dict[str, str] = {
    "mapping values are not allowed here": N_("a text containing ': ' needs quotes around it"),
    "could not find expected ':'": N_("check the indentation, or a missing ':' after a key"),
    "found character '\\t' that cannot start any token": N_("indent with spaces, not tabs"),
    "found undefined alias": N_("an '*name' refers to an '&name' that does not exist"),
    "but found another document": N_("a flow file holds one flow; remove the '---' line"),
}


def whole(file: Path | str, reason: Reason) -> FlowProblem:
    """A problem of the whole file or folder, at no line."""
    return FlowProblem.of(str(file), None, "", reason)


def read_yaml(path: Path) -> tuple[yaml.Node, object] | FlowProblem:
    """The composed node tree (for line numbers) and the constructed data, or a problem."""
    file = str(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return whole(file, said(N_("the file cannot be read ({error})"), error=os_reason(exc)))
    if len(raw) > MAX_FILE_BYTES:
        return whole(
            file,
            said(
                N_("the file is larger than {limit} bytes; is it a flow?"),
                limit=f"{MAX_FILE_BYTES:,}",
            ),
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return FlowProblem.of(
            file,
            line,
            "",
            said(
                N_("the file is not UTF-8 text (byte {byte} cannot be read); save it as UTF-8"),
                byte=f"{raw[exc.start]:#04x}",
            ),
        )

    loader: FlowYamlLoader | None = None
    try:
        loader = FlowYamlLoader(text)  # the reader rejects control characters here
        node = loader.get_single_node()
        if node is None:
            return FlowProblem.of(file, 1, "", said(N_("the file is empty")))
        shape_problem = _shape_problem(node)
        if shape_problem is not None:
            return FlowProblem.of(file, line_of_node(node), "", shape_problem)
        data = loader.construct_document(node)
    except yaml.constructor.ConstructorError as exc:
        # Syntax was fine but a value is not plain data, e.g. a `!!python/...` tag.
        return FlowProblem.of(file, _mark_line(exc), "", _unreadable_value(str(exc.problem)))
    except yaml.MarkedYAMLError as exc:
        return FlowProblem.of(file, _mark_line(exc), "", _yaml_reason(exc))
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        char = f"#x{exc.character:04x}" if isinstance(exc.character, int) else "?"
        return FlowProblem.of(
            file,
            line,
            "",
            said(
                N_("the file contains a control character ({char}) that YAML does not allow"),
                char=char,
            ),
        )
    except yaml.YAMLError as exc:
        return whole(file, said(N_("YAML error: {error}"), error=str(exc)))
    except (ValueError, TypeError, OverflowError) as exc:
        # SafeConstructor itself raises these for e.g. an impossible date (2024-13-45)
        # or an integer with more digits than Python converts.
        return whole(file, _unreadable_value(str(exc).split(";")[0]))
    finally:
        if loader is not None:
            loader.dispose()
    return node, data


def _unreadable_value(problem: str) -> Reason:
    return said(N_("a value cannot be read: {problem}"), problem=problem)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _shape_problem(root: yaml.Node) -> Reason | None:
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
                return said(
                    N_("the file expands to more than {limit} values (through aliases)"),
                    limit=f"{MAX_NODES:,}",
                )
            if depth[key] > MAX_DEPTH:
                return said(
                    N_("the file is nested more than {limit} levels deep (through aliases)"),
                    limit=MAX_DEPTH,
                )
            continue
        if key in size:
            continue
        if key in open_nodes:
            # Entries pushed after this node was opened are its descendants.
            return said(N_("an alias (*name) refers to the value that contains it"))
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in size)
    return None


def _mark_line(exc: yaml.MarkedYAMLError) -> int | None:
    mark = exc.problem_mark or exc.context_mark
    return None if mark is None else mark.line + 1


def _yaml_reason(exc: yaml.MarkedYAMLError) -> Reason:
    problem = (exc.problem or exc.context or "the YAML cannot be read").strip()
    if problem.startswith(_NESTED):  # our own limit, raised while composing
        return said(N_("YAML syntax error: nested more than {limit} levels deep"), limit=MAX_DEPTH)
    for start, hint in _YAML_HINTS.items():
        if problem.startswith(start):
            return said(
                N_("YAML syntax error: {problem} ({hint})"), problem=problem, hint=said(hint)
            )
    return said(N_("YAML syntax error: {problem}"), problem=problem)


def os_reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def line_of_node(node: yaml.Node | None) -> int | None:
    return None if node is None else node.start_mark.line + 1


# --------------------------------------------------------------- locating problems


def scalar_key(node: yaml.Node) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def lookup(node: yaml.MappingNode, name: str) -> tuple[yaml.Node, yaml.Node] | None:
    """The key and value node for `name`, as SafeLoader resolves it: the last of
    duplicate keys wins, and keys merged in with `<<: *anchor` come last."""
    merged: list[yaml.Node] = []
    found: tuple[yaml.Node, yaml.Node] | None = None
    for key, value in node.value:
        if scalar_key(key) == "<<" and key.tag == "tag:yaml.org,2002:merge":
            merged.extend(value.value if isinstance(value, yaml.SequenceNode) else [value])
        elif scalar_key(key) == name:
            found = (key, value)
    if found is not None:
        return found
    for source in merged:  # alias cycles were rejected before this runs
        if isinstance(source, yaml.MappingNode):
            found = lookup(source, name)
            if found is not None:
                return found
    return None
