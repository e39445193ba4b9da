# Sourced by ./rostbot and ./test.sh: make .venv match pyproject.toml.
# Re-installs only when pyproject.toml (or the wanted extras) changed.
bootstrap_venv() {
    local extras="$1"
    local root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    local venv="$root/.venv"
    local py="${PYTHON:-python3}"
    if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "rostbot: needs Python 3.11 or newer as '$py'" >&2
        exit 2
    fi
    local stamp_want
    stamp_want="$(sha256sum "$root/pyproject.toml" | cut -c1-16)-${extras:-base}"
    local stamp_file="$venv/.rostbot-installed"
    if [[ -f "$stamp_file" ]]; then
        local stamp_have
        stamp_have="$(cat "$stamp_file")"
        # a dev install also satisfies a base request
        if [[ "$stamp_have" == "$stamp_want" || ( -z "$extras" && "${stamp_have%-*}" == "${stamp_want%-*}" ) ]]; then
            return 0
        fi
    fi
    echo "rostbot: setting up $venv (first run only) ..." >&2
    [[ -x "$venv/bin/python" ]] || "$py" -m venv "$venv"
    local target="$root"
    [[ -n "$extras" ]] && target="$root[$extras]"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e "$target" >&2
    echo "$stamp_want" > "$stamp_file"
}

# Sourced by ./test.sh: install the node packages of tests/ical_js (Mozilla's ical.js, the
# calendar reader of Thunderbird and Nextcloud) and tests/axe_js (Deque's axe-core, which
# checks the sandbox page's accessibility) with `npm ci` when node and npm are here and a
# node_modules is missing or older than its package-lock.json. Without node the tests that
# use them skip outside CI (tests/system_tools.py); .ci/run installs Debian's nodejs and npm.
bootstrap_node_tests() {
    local root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || return 0
    local name project stamp_want stamp_file
    for name in ical_js axe_js; do
        project="$root/tests/$name"
        stamp_want="$(sha256sum "$project/package-lock.json" | cut -c1-16)"
        stamp_file="$project/node_modules/.rostbot-installed"
        if [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$stamp_want" ]]; then
            continue
        fi
        echo "rostbot: installing the node packages of tests/$name ..." >&2
        if (cd "$project" && npm ci --no-audit --no-fund --loglevel=error >&2); then
            echo "$stamp_want" > "$stamp_file"
        else
            echo "rostbot: npm ci failed in tests/$name; the tests that use it" \
                "will skip (fail in CI)" >&2
        fi
    done
}
