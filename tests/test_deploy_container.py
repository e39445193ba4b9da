"""The Containerfile, read with BuildKit's own parser (the `dockerfile` package): what the image
promises a municipality's server. Building it and running it read-only against the sandbox
Bot API is deploy/ci/image.sh, run by .ci/run where podman can run containers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dockerfile
import pytest

REPO = Path(__file__).resolve().parents[1]
CONTAINERFILE = REPO / "Containerfile"


@pytest.fixture(scope="module")
def commands() -> tuple[dockerfile.Command, ...]:
    return dockerfile.parse_file(str(CONTAINERFILE))


def final_stage(commands: tuple[dockerfile.Command, ...]) -> list[dockerfile.Command]:
    last_from = max(i for i, c in enumerate(commands) if c.cmd == "FROM")
    return list(commands[last_from:])


def named(commands: list[dockerfile.Command], cmd: str) -> list[dockerfile.Command]:
    return [c for c in commands if c.cmd == cmd]


def env(commands: list[dockerfile.Command]) -> dict[str, str]:
    values: dict[str, str] = {}
    for command in named(commands, "ENV"):
        pairs = iter(command.value)
        values.update(zip(pairs, pairs, strict=True))
    return values


def runs(commands: tuple[dockerfile.Command, ...]) -> Iterator[str]:
    for command in commands:
        if command.cmd == "RUN":
            yield " ".join(" ".join(command.value).split())


def test_the_base_is_a_debian_python_slim_image(commands: tuple[dockerfile.Command, ...]) -> None:
    [arg] = [c for c in commands if c.cmd == "ARG" and c.value[0].startswith("BASE_IMAGE=")]
    assert arg.value[0] == "BASE_IMAGE=docker.io/library/python:3.11-slim-bookworm"
    assert [c.value[0] for c in named(list(commands), "FROM")] == ["${BASE_IMAGE}"] * 2


def test_dependencies_come_from_the_lock_with_every_hash_checked(
    commands: tuple[dockerfile.Command, ...],
) -> None:
    steps = list(runs(commands))
    assert any("pip install --require-hashes -r /build/requirements.lock" in step for step in steps)
    assert any(
        "pip install --no-deps --no-build-isolation /build/rostbot" in step for step in steps
    )
    assert any("pip check" in step for step in steps)


def test_the_bot_runs_as_its_own_user_never_root(commands: tuple[dockerfile.Command, ...]) -> None:
    users = named(final_stage(commands), "USER")
    assert [u.value[0] for u in users] == ["10001:10001"]
    assert any("useradd --system --uid 10001" in step for step in runs(commands))


def test_it_starts_rostbot_run_and_checks_its_health(
    commands: tuple[dockerfile.Command, ...],
) -> None:
    stage = final_stage(commands)
    [entrypoint] = named(stage, "ENTRYPOINT")
    [cmd] = named(stage, "CMD")
    [health] = named(stage, "HEALTHCHECK")
    assert entrypoint.json and entrypoint.value == ("rostbot",)
    assert cmd.json and cmd.value == ("run",)
    assert health.json and health.value == ("CMD", "rostbot", "status", "--check")


def test_everything_it_writes_is_in_the_data_volume(
    commands: tuple[dockerfile.Command, ...],
) -> None:
    """So the root filesystem can be read-only (podman run --read-only)."""
    stage = final_stage(commands)
    assert [v.value for v in named(stage, "VOLUME")] == [("/var/lib/rostbot",)]
    settings = env(stage)
    assert settings["ROSTBOT_DB"] == "/var/lib/rostbot/rostbot.sqlite3"
    assert settings["HOME"] == "/var/lib/rostbot"
    assert settings["PYTHONDONTWRITEBYTECODE"] == "1"
    assert settings["MPLCONFIGDIR"].startswith("/tmp/")  # a tmpfs; only `report` draws


def test_secrets_are_files_in_run_secrets(commands: tuple[dockerfile.Command, ...]) -> None:
    settings = env(final_stage(commands))
    assert settings["CREDENTIALS_DIRECTORY"] == "/run/secrets"  # token, server.secret
    assert not {"ROSTBOT_TOKEN", "ROSTBOT_TOKEN_FILE", "ROSTBOT_SECRET_FILE"} & set(settings)


def test_the_catalogs_and_flows_are_in_the_image(commands: tuple[dockerfile.Command, ...]) -> None:
    stage = final_stage(commands)
    copied = {c.value[0]: c.value[1] for c in named(stage, "COPY") if not c.flags}
    settings = env(stage)
    assert copied["flows"] == settings["ROSTBOT_FLOWS"]
    # the catalogs are built into the package: src/rostbot/locales links to ../../locales,
    # so the build stage has them beside src, and no setting points elsewhere
    built = {c.value[0]: c.value[1] for c in named(list(commands), "COPY") if not c.flags}
    assert built["locales"] == "/build/rostbot/locales"
    assert built["src"] == "/build/rostbot/src"
    assert "ROSTBOT_LOCALES" not in settings


def test_the_build_context_holds_what_it_copies(commands: tuple[dockerfile.Command, ...]) -> None:
    """.containerignore leaves out everything (.venv, data) but what COPY takes."""
    kept = {
        line[1:]
        for line in (REPO / ".containerignore").read_text(encoding="utf-8").splitlines()
        if line.startswith("!")
    }
    for command in named(list(commands), "COPY"):
        if command.flags:  # --from=build: from the build stage, not the context
            continue
        for source in command.value[:-1]:
            assert source in kept, source
            assert (REPO / source).exists(), source
