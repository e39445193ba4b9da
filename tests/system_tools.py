"""Debian packages some tests need: skip outside CI, saying why; fail in CI.

.ci/run installs each of them (see its DEBIAN_PACKAGES). On a developer's machine
without one, the tests that need it skip with the reason printed; in CI (the CI
environment variable set to anything but "" or "false") nothing may skip, so they fail.
"""

from __future__ import annotations

import os
import shutil

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "false", "0")


def missing(package: str, commands: tuple[str, ...]) -> str | None:
    """Why none of `commands` can run here, or None when one can."""
    if any(shutil.which(command) for command in commands):
        return None
    return (
        f"{' or '.join(commands)} is not on PATH; install the Debian package {package} "
        "(.ci/run does)"
    )


def need(package: str, *commands: str) -> str:
    """The path of the first of `commands` found; else skip (outside CI) or fail (in CI)."""
    for command in commands:
        found = shutil.which(command)
        if found is not None:
            return found
    reason = missing(package, commands) or package
    if in_ci():
        pytest.fail(f"{reason}; CI must run this test")
    pytest.skip(reason)
