#!/usr/bin/env bash
# Run the whole test suite (lint, types, tests), creating .venv on first use.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
source "$here/scripts/bootstrap.sh"
bootstrap_venv "dev"
bootstrap_node_tests
.venv/bin/ruff check src tests
.venv/bin/ruff format --check src tests
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
