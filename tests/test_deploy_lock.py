"""requirements.lock: the deployment's pinned, hash-checked runtime dependencies.

The lock is made by scripts/lock.sh from pyproject.toml; its header lists the requirements it
was made from. These tests need no network: they fail when pyproject.toml's dependencies (or
build requirements) changed without a new lock, when a requirement has no pin that satisfies
it, or when a pin has no hash (`pip install --require-hashes` would refuse it). That the lock
installs into a fresh virtual environment is shown by .ci/run (deploy/ci/lock_install.sh).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[1]
LOCK = REPO / "requirements.lock"
HEADER_LINE = re.compile(r"^#   (dependencies|build-system): (.+)$")
HASH = re.compile(r"^--hash=sha256:[0-9a-f]{64}$")
STALE = "requirements.lock is out of date with pyproject.toml: run scripts/lock.sh"


@dataclass(frozen=True)
class Pin:
    requirement: Requirement
    hashes: tuple[str, ...]

    @property
    def name(self) -> str:
        return canonicalize_name(self.requirement.name)

    @property
    def version(self) -> Version:
        [spec] = self.requirement.specifier
        return Version(spec.version)


def pyproject_requirements() -> list[tuple[str, str]]:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return [("dependencies", r) for r in pyproject["project"]["dependencies"]] + [
        ("build-system", r) for r in pyproject["build-system"]["requires"]
    ]


def lock_lines() -> list[str]:
    """The lock's logical lines: continuations joined, comments left out."""
    text = LOCK.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def pins() -> list[Pin]:
    found = []
    for line in lock_lines():
        words = line.split(" --hash=")
        requirement = Requirement(words[0].strip())
        found.append(Pin(requirement, tuple("--hash=" + w.strip() for w in words[1:])))
    return found


def test_the_lock_was_made_from_pyproject_as_it_is() -> None:
    header = [
        (m[1], m[2])
        for line in LOCK.read_text(encoding="utf-8").splitlines()
        if (m := HEADER_LINE.match(line))
    ]
    assert header == pyproject_requirements(), STALE


def test_every_pin_is_one_version_with_hashes() -> None:
    found = pins()
    assert len(found) > 20
    for pin in found:
        assert [s.operator for s in pin.requirement.specifier] == ["=="], pin.requirement
        assert pin.requirement.url is None, pin.requirement
        assert pin.hashes, f"{pin.name} has no hash: pip install --require-hashes refuses it"
        assert all(HASH.fullmatch(h) for h in pin.hashes), pin.name


def test_every_requirement_of_pyproject_has_a_pin_that_satisfies_it() -> None:
    pinned: dict[str, list[Pin]] = {}
    for pin in pins():
        pinned.setdefault(pin.name, []).append(pin)
    for _, text in pyproject_requirements():
        wanted = Requirement(text)
        candidates = pinned.get(canonicalize_name(wanted.name), [])
        assert candidates, f"{wanted.name} is not in requirements.lock; {STALE}"
        for pin in candidates:  # one per Python version range, where they differ
            assert wanted.specifier.contains(pin.version, prereleases=True), (
                f"{pin.name}=={pin.version} does not satisfy {wanted}; {STALE}"
            )


def test_the_lock_holds_the_packages_of_the_extras_asked_for() -> None:
    """python-telegram-bot[rate-limiter,job-queue]: aiolimiter and APScheduler come with it."""
    names = {pin.name for pin in pins()}
    assert {"aiolimiter", "apscheduler", "python-telegram-bot", "setuptools"} <= names


@pytest.mark.parametrize("script", ["scripts/lock.sh", "deploy/ci/lock_install.sh"])
def test_the_lock_scripts_can_be_run(script: str) -> None:
    assert os.access(REPO / script, os.X_OK), script
