#!/usr/bin/env bash
# Write requirements.lock: rostbot's runtime dependencies (and setuptools, which builds it),
# each pinned to one version with the SHA-256 of every file PyPI has for it, resolved for
# every platform and Python 3.11 or newer (uv pip compile --universal --generate-hashes).
# Run it after changing `dependencies` or `[build-system] requires` in pyproject.toml;
# tests/test_deploy_lock.py fails until the lock was made from the pyproject.toml as it is.
#
# Deploy with: pip install --require-hashes -r requirements.lock
#              pip install --no-deps --no-build-isolation .
#
# Needs PyPI. uv (pinned below) is installed once into ~/.cache/rostbot-lock.
# Usage: scripts/lock.sh            rewrite requirements.lock
#        scripts/lock.sh --upgrade  also move every pin to the newest allowed release
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
UV_VERSION="0.13.9"
tools="${XDG_CACHE_HOME:-$HOME/.cache}/rostbot-lock/uv-$UV_VERSION"
py="${PYTHON:-python3}"

if [[ ! -x "$tools/bin/uv" ]]; then
    echo "lock: installing uv $UV_VERSION into $tools" >&2
    "$py" -m venv "$tools"
    "$tools/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The requirements the lock is made from, as pyproject.toml states them: the header lists
# them, and the test compares that list with pyproject.toml.
"$py" - "$root/pyproject.toml" "$work" <<'PY'
import sys
import tomllib
from pathlib import Path

pyproject = tomllib.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
work = Path(sys.argv[2])
runtime = pyproject["project"]["dependencies"]
build = pyproject["build-system"]["requires"]
(work / "requirements.in").write_text("\n".join(runtime + build) + "\n", encoding="utf-8")
header = [
    "# The runtime dependencies of rostbot (and setuptools, which builds it), pinned with the",
    "# SHA-256 of every file PyPI has for each. Made by scripts/lock.sh; do not edit by hand.",
    "# Install:  pip install --require-hashes -r requirements.lock",
    "#           pip install --no-deps --no-build-isolation .",
    "# Made from these requirements of pyproject.toml (tests/test_deploy_lock.py compares):",
    *(f"#   dependencies: {r}" for r in runtime),
    *(f"#   build-system: {r}" for r in build),
]
(work / "header").write_text("\n".join(header) + "\n", encoding="utf-8")
PY

upgrade=()
[[ "${1:-}" == "--upgrade" ]] && upgrade=(--upgrade)
# Without --upgrade, uv keeps the versions already in the output file where they still fit.
if [[ -f "$root/requirements.lock" && ${#upgrade[@]} == 0 ]]; then
    cp "$root/requirements.lock" "$work/out"
fi
(
    cd "$work"
    "$tools/bin/uv" pip compile requirements.in \
        --universal --python-version 3.11 --generate-hashes \
        --index-url https://pypi.org/simple --no-header --quiet \
        "${upgrade[@]}" -o out
)
cat "$work/header" "$work/out" > "$root/requirements.lock.new"
mv "$root/requirements.lock.new" "$root/requirements.lock"
echo "lock: wrote $root/requirements.lock ($(grep -c '^[A-Za-z0-9]' "$root/requirements.lock") packages)" >&2
