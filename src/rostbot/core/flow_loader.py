"""Reading `flows/*.yaml` files and reporting every problem in them, with line numbers.

This module owns the step from a folder of flow files to validated `Flow` objects, in
steps that each live in their own module:

* reading a file safely (size limit, UTF-8, `yaml.SafeLoader` only, limits on nesting
  and on alias expansion): `rostbot.core.flow_yaml`;
* validating with the pydantic model in `rostbot.core.flow_model` and turning
  pydantic's errors into plain words tied to the YAML line they come from:
  `rostbot.core.flow_checker`;
* the checks the model cannot make on one field at a time (translations in every
  listed language, duplicate ids and codes, `show_if` references, button and message
  lengths, the flow id matching the file name): `rostbot.core.flow_cross_checks`;
* here: the folder, one file through those steps, and duplicate ids across files.

The shape of a flow is owned by `flow_model`; the texts of the shipped flows by
`flows/*.yaml`. Anything a flow author can get wrong is reported as a `FlowProblem`
(`rostbot.core.flow_problems`: plain English, and the same reason as catalog words for
Swedish and Danish), and the public functions raise nothing but `FlowFileError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from rostbot.core.flow_checker import FlowChecker
from rostbot.core.flow_cross_checks import CrossChecks
from rostbot.core.flow_model import Flow
from rostbot.core.flow_problems import FlowFileError, FlowProblem, said
from rostbot.core.flow_yaml import line_of_node, os_reason, read_yaml, whole
from rostbot.i18n import N_

__all__ = [
    "FlowFileError",
    "FlowProblem",
    "check_flows",
    "load_flow_file",
    "load_flows",
]

FLOW_SUFFIXES: tuple[str, ...] = (".yaml", ".yml")


# ------------------------------------------------------------------------ public API


def load_flow_file(path: Path) -> Flow:
    """Read and check one flow file; raise `FlowFileError` listing all its problems."""
    result = _check_file(Path(path))
    if result.problems or result.flow is None:
        problems = result.problems or [whole(path, said(N_("could not be read")))]
        raise FlowFileError(problems, str(path))
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


def _check_directory(directory: Path) -> tuple[dict[str, Flow], list[FlowProblem]]:
    try:
        if not directory.exists():
            return {}, [whole(directory, said(N_("the flow folder does not exist")))]
        if not directory.is_dir():
            return {}, [whole(directory, said(N_("this is a file, not a folder of flows")))]
        # Hidden files are editor backups and lock files, never flows.
        files = sorted(
            p
            for p in directory.iterdir()
            if p.suffix.lower() in FLOW_SUFFIXES and not p.name.startswith(".") and not p.is_dir()
        )
    except OSError as exc:
        reason = said(N_("the flow folder cannot be read ({error})"), error=os_reason(exc))
        return {}, [whole(directory, reason)]
    if not files:
        return {}, [whole(directory, said(N_("no flow files (*.yaml or *.yml) in this folder")))]

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
                    FlowProblem.of(
                        str(path),
                        result.flow_id_line,
                        "id",
                        said(
                            N_("flow id '{flow_id}' is already used by {file}"),
                            flow_id=result.flow_id,
                            file=str(first_file_of[result.flow_id]),
                        ),
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
        # Reaching this is a bug in these modules, not in the flow; still, a broken flow
        # file must never crash the bot or the CLI, so report it like any problem.
        reason = said(N_("internal error while checking this file: {error}"), error=repr(exc))
        return _FileResult(problems=[whole(path, reason)])


# What the top of a file was instead of a mapping.
_NOT_A_MAPPING = {
    "list": N_("a flow file must be a mapping of 'key: value' lines at the top, not a list"),
    "set": N_("a flow file must be a mapping of 'key: value' lines at the top, not a set"),
    "value": N_(
        "a flow file must be a mapping of 'key: value' lines at the top, not a single value"
    ),
}


def _check_file_unguarded(path: Path) -> _FileResult:
    file = str(path)
    read = read_yaml(path)
    if isinstance(read, FlowProblem):
        return _FileResult(problems=[read])
    root, data = read
    if not isinstance(root, yaml.MappingNode) or not isinstance(data, dict):
        kind = (
            "list"
            if isinstance(root, yaml.SequenceNode)
            else "set"
            if isinstance(data, set)
            else "value"
        )
        problem = FlowProblem.of(file, line_of_node(root), "", said(_NOT_A_MAPPING[kind]))
        return _FileResult(problems=[problem])

    checker = FlowChecker(file, root)
    checker.check_duplicate_keys()
    flow: Flow | None = None
    try:
        flow = Flow.model_validate(data)
    except ValidationError as exc:
        checker.add_pydantic_errors(exc.errors(include_url=False, include_input=True))
    CrossChecks(checker, data, path.stem).run()

    raw_id = data.get("id")
    result = _FileResult(
        flow=flow if not checker.problems else None,
        problems=sorted(checker.problems, key=lambda p: (p.line is None, p.line or 0)),
    )
    if isinstance(raw_id, str):
        result.flow_id = raw_id
        result.flow_id_line = checker.line_of(("id",))
    return result
