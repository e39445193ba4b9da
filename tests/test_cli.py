"""The `rostbot` command, run as a real process: what an operator types and sees.

Every failure is exactly one line on stderr, never a traceback, and exit status 2.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from rostbot.crypto.analyst_keys import KeyFileError, generate_keypair, load_private_key
from rostbot.crypto.server_secret import ServerSecret

REPO = Path(__file__).resolve().parents[1]
FLOWS = REPO / "flows"
LINK = re.compile(r"^https://t\.me/(?P<bot>[A-Za-z0-9_]+)\?start=(?P<code>[A-Za-z0-9_-]{1,64})$")
GOOD_TOKEN = "123456789:AAH-fake_token_for_tests_0123456789"


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    @property
    def error_line(self) -> str:
        """The one line a failure prints; fails the test if there is not exactly one."""
        assert self.code == 2, self
        assert "Traceback" not in self.err, self.err
        lines = self.err.splitlines()
        assert len(lines) == 1, self.err
        assert lines[0].startswith("rostbot: "), lines[0]
        return lines[0]


def _env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """A clean environment: no ROSTBOT_* from the developer's shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROSTBOT_")}
    env["PYTHONPATH"] = str(REPO / "src")
    env.pop("PYTHONWARNINGS", None)
    env.update(extra or {})
    return env


def rostbot(
    *args: str | Path, cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 30
) -> Result:
    done = subprocess.run(
        [sys.executable, "-m", "rostbot", *map(str, args)],
        cwd=cwd,
        env=_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return Result(done.returncode, done.stdout, done.stderr)


# ------------------------------------------------------------------ keygen, secret


def test_keygen(tmp_path: Path) -> None:
    result = rostbot("keygen", "--out", "keys/analyst.key", cwd=tmp_path)
    assert result.code == 0, result
    private = tmp_path / "keys" / "analyst.key"
    public = tmp_path / "keys" / "analyst.key.pub"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    key = load_private_key(private)
    assert key.key_id in result.out
    assert public.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    # A second run never overwrites the key.
    before = private.read_bytes()
    again = rostbot("keygen", "--out", "keys/analyst.key", cwd=tmp_path)
    assert "exists already" in again.error_line
    assert private.read_bytes() == before


def test_keygen_with_a_passphrase_from_the_environment(tmp_path: Path) -> None:
    env = {"ANALYST_PASSPHRASE": "lång lösenfras"}
    result = rostbot(
        "keygen", "--out", "a.key", "--passphrase-env", "ANALYST_PASSPHRASE", cwd=tmp_path, env=env
    )
    assert result.code == 0, result
    assert "lång" not in result.out + result.err
    with pytest.raises(KeyFileError, match="needs its passphrase"):
        load_private_key(tmp_path / "a.key")
    assert load_private_key(tmp_path / "a.key", "lång lösenfras").key_id in result.out


def test_keygen_with_an_empty_passphrase_variable(tmp_path: Path) -> None:
    result = rostbot(
        "keygen", "--out", "a.key", "--passphrase-env", "NOT_SET_ANYWHERE", cwd=tmp_path
    )
    assert "NOT_SET_ANYWHERE" in result.error_line
    assert not (tmp_path / "a.key").exists()


def test_secret(tmp_path: Path) -> None:
    result = rostbot("secret", "--out", "server.secret", cwd=tmp_path)
    assert result.code == 0, result
    path = tmp_path / "server.secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    ServerSecret.load(path)
    before = path.read_bytes()
    assert rostbot("secret", "--out", "server.secret", cwd=tmp_path).error_line
    assert path.read_bytes() == before


# ------------------------------------------------------------------------- flows check


def test_flows_check_on_the_shipped_flows(tmp_path: Path) -> None:
    result = rostbot("flows", "check", FLOWS, cwd=tmp_path)
    assert result.code == 0, result
    shipped = sorted(p.stem for p in FLOWS.glob("*.yaml"))
    assert f"{len(shipped)} flow(s) OK: {', '.join(shipped)}" in result.out
    # Without a folder it takes ROSTBOT_FLOWS.
    assert rostbot("flows", "check", cwd=tmp_path, env={"ROSTBOT_FLOWS": str(FLOWS)}).code == 0


def _broken_flows(folder: Path) -> Path:
    folder.mkdir()
    good = (FLOWS / "meeting_feedback.yaml").read_text(encoding="utf-8")
    assert "type: choice" in good and "indicator: treatment" in good
    (folder / "meeting_feedback.yaml").write_text(
        good.replace("type: choice", "type: choise", 1).replace(
            "indicator: treatment", "indicator: kindness", 1
        ),
        encoding="utf-8",
    )
    (folder / "renamed.yaml").write_text(
        (FLOWS / "youth_placement.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (folder / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    return folder


def test_flows_check_on_a_broken_flow_dir(tmp_path: Path) -> None:
    folder = _broken_flows(tmp_path / "flows")
    result = rostbot("flows", "check", "flows", cwd=tmp_path)
    assert result.code == 2
    assert "Traceback" not in result.out + result.err
    lines = result.out.splitlines()
    assert len(lines) >= 4
    for line in lines:
        assert re.match(r"^flows/[a-z_]+\.yaml:\d+: \S", line), line
    files = {line.split(":")[0] for line in lines}
    assert files == {f"flows/{p.name}" for p in folder.iterdir()}
    assert any("choise" in line for line in lines)
    assert any(".indicator: " in line for line in lines)
    assert result.err.strip() == f"{len(lines)} problem(s) found"


def test_flows_check_lists_required_questions_and_refuses_required_with_optional(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "flows"
    folder.mkdir()
    good = (FLOWS / "meeting_feedback.yaml").read_text(encoding="utf-8")
    marked = good.replace("  - id: listened\n", "  - id: listened\n    required: true\n", 1)
    assert marked != good
    (folder / "meeting_feedback.yaml").write_text(marked, encoding="utf-8")
    result = rostbot("flows", "check", "flows", cwd=tmp_path)
    assert result.code == 0, result
    assert "meeting_feedback: required (cannot be skipped): listened" in result.out

    both = marked.replace("    required: true\n", "    required: true\n    optional: true\n", 1)
    (folder / "meeting_feedback.yaml").write_text(both, encoding="utf-8")
    result = rostbot("flows", "check", "flows", cwd=tmp_path)
    assert result.code == 2
    [line] = result.out.splitlines()
    assert re.match(r"^flows/meeting_feedback\.yaml:\d+: questions\[\d\]", line), line
    assert "give `required` only" in line


def test_flows_check_on_a_missing_folder(tmp_path: Path) -> None:
    result = rostbot("flows", "check", "nowhere", cwd=tmp_path)
    assert result.code == 2
    assert "nowhere" in result.out and "Traceback" not in result.out + result.err


# ------------------------------------------------------------------------------ invite


def _db_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


def test_invite(tmp_path: Path) -> None:
    env = {"ROSTBOT_FLOWS": str(FLOWS), "ROSTBOT_DB": "data/rostbot.sqlite3"}
    result = rostbot(
        "invite",
        "--flow",
        "meeting_feedback",
        "--unit",
        "unit-a.north",
        "--provider",
        "care_co",
        "--count",
        "7",
        "--bot",
        "@Rost_test_bot",
        "--out",
        "links.txt",
        cwd=tmp_path,
        env=env,
    )
    assert result.code == 0, result
    links = result.out.splitlines()
    assert len(links) == 7
    matches = [LINK.match(link) for link in links]
    assert all(matches), links
    codes = [m.group("code") for m in matches if m]
    assert {m.group("bot") for m in matches if m} == {"Rost_test_bot"}
    assert len(set(codes)) == 7
    assert (tmp_path / "links.txt").read_text(encoding="utf-8").splitlines() == links

    db = tmp_path / "data" / "rostbot.sqlite3"
    stored = _db_bytes(db)
    for code in codes:
        assert code.encode() not in stored
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT code_hash, flow_id, unit, provider, used_on FROM invitations"
        ).fetchall()
    connection.close()
    assert sorted(r[0] for r in rows) == sorted(
        hashlib.sha256(c.encode()).hexdigest() for c in codes
    )
    assert {r[1:] for r in rows} == {("meeting_feedback", "unit-a.north", "care_co", None)}


def test_invite_takes_the_bot_from_the_environment(tmp_path: Path) -> None:
    env = {
        "ROSTBOT_FLOWS": str(FLOWS),
        "ROSTBOT_DB": "rostbot.sqlite3",
        "ROSTBOT_BOT_USERNAME": "rostbot_demo_bot",
    }
    result = rostbot("invite", "--flow", "youth_placement", "--unit", "u1", cwd=tmp_path, env=env)
    assert result.code == 0, result
    (link,) = result.out.splitlines()
    match = LINK.match(link)
    assert match and match.group("bot") == "rostbot_demo_bot"


@pytest.mark.parametrize(
    ("args", "extra_env", "says"),
    [
        (["--flow", "no_such_flow", "--unit", "u1", "--bot", "rost_bot"], {}, "no_such_flow"),
        (["--flow", "meeting_feedback", "--unit", "unit a!", "--bot", "rost_bot"], {}, "--unit"),
        (["--flow", "meeting_feedback", "--unit", "u1"], {}, "ROSTBOT_BOT_USERNAME"),
        (["--flow", "meeting_feedback", "--unit", "u1", "--bot", "x y"], {}, "bot username"),
        (
            ["--flow", "meeting_feedback", "--unit", "u1", "--bot", "rost_bot", "--count", "0"],
            {},
            "count",
        ),
        (["--flow", "meeting_feedback", "--bot", "rost_bot"], {}, "--unit"),
        (["--flow", "meeting_feedback", "--unit", "u1\n", "--bot", "rost_bot"], {}, "--unit"),
        # names a spreadsheet would read as formulas
        (["--flow", "meeting_feedback", "--unit=-1-1", "--bot", "rost_bot"], {}, "--unit"),
        (["--flow", "meeting_feedback", "--unit=+46", "--bot", "rost_bot"], {}, "--unit"),
        (["--flow", "meeting_feedback", "--unit==1+1", "--bot", "rost_bot"], {}, "--unit"),
        (["--flow", "meeting_feedback", "--unit=@SUM", "--bot", "rost_bot"], {}, "--unit"),
        (
            ["--flow", "meeting_feedback", "--unit", "u1", "--bot", "rost_bot", "--provider=-p"],
            {},
            "--provider",
        ),
        (["--flow", "meeting_feedback", "--unit", "u1", "--bot", "rost_bot\n"], {}, "bot username"),
        (
            ["--flow", "meeting_feedback", "--unit", "u1", "--bot", "rost_bot", "--out", "n/l"],
            {},
            "cannot write n/l",
        ),
        (
            ["--flow", "meeting_feedback", "--unit", "u1", "--bot", "rost_bot", "--provider", ""],
            {},
            "--provider",
        ),
        (
            ["--flow", "meeting_feedback", "--unit", "u1"],
            {"ROSTBOT_BOT_USERNAME": "rost_bot", "ROSTBOT_FLOWS": "missing"},
            "missing",
        ),
    ],
)
def test_invite_errors(
    tmp_path: Path, args: list[str], extra_env: dict[str, str], says: str
) -> None:
    env = {"ROSTBOT_FLOWS": str(FLOWS), "ROSTBOT_DB": "rostbot.sqlite3", **extra_env}
    result = rostbot("invite", *args, cwd=tmp_path, env=env)
    assert says in result.error_line
    assert result.out == ""
    db = tmp_path / "rostbot.sqlite3"
    if db.exists():
        with sqlite3.connect(db) as connection:
            assert connection.execute("SELECT count(*) FROM invitations").fetchone() == (0,)
        connection.close()


# --------------------------------------------------------------------------------- run


RUN_CASES: dict[str, tuple[dict[str, str | None], str]] = {
    "missing token": ({"ROSTBOT_TOKEN": None}, "ROSTBOT_TOKEN"),
    "bad token": ({"ROSTBOT_TOKEN": "not-a-token"}, "ROSTBOT_TOKEN"),
    "token with a newline after": ({"ROSTBOT_TOKEN": GOOD_TOKEN + "\n"}, "ROSTBOT_TOKEN"),
    "missing key setting": ({"ROSTBOT_ANALYST_KEY": None}, "ROSTBOT_ANALYST_KEY"),
    "missing key file": ({"ROSTBOT_ANALYST_KEY": "{tmp}/nothing.pub"}, "nothing.pub"),
    "private key as analyst key": ({"ROSTBOT_ANALYST_KEY": "{tmp}/analyst.key"}, "private key"),
    "same key twice": (
        {"ROSTBOT_ANALYST_KEY": "{tmp}/analyst.key.pub,{tmp}/analyst.key.pub"},
        "twice",
    ),
    "missing secret setting": ({"ROSTBOT_SECRET_FILE": None}, "ROSTBOT_SECRET_FILE"),
    "missing secret file": ({"ROSTBOT_SECRET_FILE": "{tmp}/nothing.secret"}, "nothing.secret"),
    "short secret": ({"ROSTBOT_SECRET_FILE": "{tmp}/short.secret"}, "too short"),
    "broken flow dir": ({"ROSTBOT_FLOWS": "{tmp}/broken_flows"}, "problems"),
    "missing flow dir": ({"ROSTBOT_FLOWS": "{tmp}/no_flows"}, "no_flows"),
    "bad time zone": ({"ROSTBOT_TZ": "Europe/Atlantis"}, "ROSTBOT_TZ"),
    "database in a file's place": ({"ROSTBOT_DB": "{tmp}/server.secret/db"}, "database"),
}


def run_at_most(
    jobs: Mapping[str, tuple[Sequence[str | Path], Path, Mapping[str, str]]],
    *,
    at_once: int = 2,
    timeout: float = 120,
) -> dict[str, Result]:
    """Run each `rostbot` command (args, folder, environment), at most `at_once` at a time.

    A busy two-core machine starts a dozen Pythons slowly: bounded, each gets its turn.
    """

    def one(job: tuple[Sequence[str | Path], Path, Mapping[str, str]]) -> Result:
        args, cwd, env = job
        return rostbot(*args, cwd=cwd, env=env, timeout=timeout)

    with ThreadPoolExecutor(max_workers=at_once) as pool:
        done = {name: pool.submit(one, job) for name, job in jobs.items()}
        return {name: future.result() for name, future in done.items()}


def _run_folder(tmp: Path) -> dict[str, str]:
    """Keys, a secret and flows in `tmp`; the environment of a `rostbot run` that would start."""
    generate_keypair(tmp / "analyst.key")
    ServerSecret.generate(tmp / "server.secret")
    (tmp / "short.secret").write_text("too short\n", encoding="utf-8")
    _broken_flows(tmp / "broken_flows")
    return {
        "ROSTBOT_TOKEN": GOOD_TOKEN,
        "ROSTBOT_ANALYST_KEY": str(tmp / "analyst.key.pub"),
        "ROSTBOT_SECRET_FILE": str(tmp / "server.secret"),
        "ROSTBOT_FLOWS": str(FLOWS),
        "ROSTBOT_DB": str(tmp / "rostbot.sqlite3"),
        # Never Telegram: should a case get past its checks, it meets a closed port.
        "ROSTBOT_BOT_API_URL": "http://127.0.0.1:9/bot",
    }


def _changed(env: dict[str, str], change: Mapping[str, str | None], tmp: Path) -> dict[str, str]:
    changed = dict(env)
    for name, value in change.items():
        if value is None:
            changed.pop(name)
        else:
            changed[name] = value.format(tmp=tmp)
    return changed


@pytest.fixture(scope="module")
def run_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    """`rostbot run` once per case, each in its own folder, two at a time."""
    jobs = {}
    for case, (change, _) in RUN_CASES.items():
        tmp = tmp_path_factory.mktemp("run")
        jobs[case] = (["run"], tmp, _changed(_run_folder(tmp), change, tmp))
    return run_at_most(jobs)


@pytest.mark.parametrize("case", sorted(RUN_CASES))
def test_run_refuses_to_start(run_results: dict[str, Result], case: str) -> None:
    result = run_results[case]
    line = result.error_line
    assert RUN_CASES[case][1] in line, line
    assert result.out == ""
    assert GOOD_TOKEN.split(":")[1] not in line  # the token never shows


DATABASE_CASES: dict[str, tuple[str, str]] = {
    # case: (ROSTBOT_DB, what the one line says)
    "a folder as the database": ("{tmp}/a_folder", "cannot open database"),
    "a text file as the database": ("{tmp}/text.sqlite3", "not a database"),
    "a database under a file": ("{tmp}/server.secret/rostbot.sqlite3", "cannot open database"),
    "a path nothing can be written to": ("/proc/self/rostbot.sqlite3", "cannot open database"),
    # the folder is made; the start then fails further on, at the closed port
    "a database in a missing folder": ("{tmp}/new/folder/rostbot.sqlite3", "Bot API"),
}
DATABASE_RUNS = 4  # of each case: 20 in all


def test_an_unusable_database_is_one_line_every_time(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """No thread of the database's outlives the failed start to print its traceback."""
    jobs = {}
    for case, (db, _) in DATABASE_CASES.items():
        for run in range(DATABASE_RUNS):
            tmp = tmp_path_factory.mktemp("db")
            env = _run_folder(tmp)
            (tmp / "a_folder").mkdir()
            (tmp / "text.sqlite3").write_text("not SQLite, a note\n" * 50, encoding="utf-8")
            jobs[f"{case} #{run}"] = (["run"], tmp, _changed(env, {"ROSTBOT_DB": db}, tmp))
    results = run_at_most(jobs)
    assert len(results) == 20
    for name, result in results.items():
        case = name.split(" #")[0]
        line = result.error_line  # exit status 2, exactly one line, no traceback
        assert DATABASE_CASES[case][1] in line, (name, line)
        assert result.out == ""


# -------------------------------------------------------------------------------- usage


@pytest.mark.parametrize(
    "args",
    [
        ["frobnicate"],
        [],
        ["flows"],
        ["flows", "lint"],
        ["keygen"],
        ["invite", "--flow"],
        ["--no-such-option"],
    ],
)
def test_bad_usage_is_one_line(tmp_path: Path, args: list[str]) -> None:
    result = rostbot(*args, cwd=tmp_path)
    line = result.error_line
    assert "--help" in line
    assert result.out == ""


def test_version_and_help(tmp_path: Path) -> None:
    version = rostbot("--version", cwd=tmp_path)
    assert version.code == 0 and version.out.startswith("rostbot ")
    helped = rostbot("--help", cwd=tmp_path)
    assert helped.code == 0
    for command in ("run", "keygen", "secret", "flows", "invite"):
        assert command in helped.out


def test_the_installed_console_script_is_the_same_command(tmp_path: Path) -> None:
    script = shutil.which("rostbot", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("no `rostbot` console script next to this Python")
    done = subprocess.run(
        [script, "frobnicate"], cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1
