#!/usr/bin/env bash
# Install rostbot as a deployment does, into a fresh virtual environment: the dependencies
# from requirements.lock with every hash checked, then rostbot itself without dependencies,
# from a copy of the tracked files (the build writes into its source folder). Then
# `pip check` (nothing missing or conflicting) and `rostbot --version` must pass.
# Needs PyPI. Run by .ci/run; by hand: deploy/ci/lock_install.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
py="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Only PyPI, as on a municipality's server: no index, find-links or constraints of this host.
export PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1
unset PIP_FIND_LINKS PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_CONSTRAINT PIP_REQUIRE_HASHES || true

started=$SECONDS
"$py" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --require-hashes -r "$root/requirements.lock"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) | (mkdir "$work/src" && tar -C "$work/src" -xf -)
"$work/venv/bin/pip" install --quiet --no-deps --no-build-isolation "$work/src"
"$work/venv/bin/pip" check
version="$("$work/venv/bin/rostbot" --version)"
# The Swedish and Danish catalogs come with the package, found without ROSTBOT_LOCALES.
(cd "$work" && env -u ROSTBOT_LOCALES "$work/venv/bin/python" -c '
from rostbot.i18n import Translations, locales_dir
where = locales_dir()
assert "site-packages" in str(where), where
Translations.load(where)
print("lock install: catalogs in", where)
')
echo "lock install: $version from requirements.lock with --require-hashes in $((SECONDS - started)) s"
