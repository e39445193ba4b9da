"""The `rostbot` command line."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run the rostbot command line."""
    print("rostbot: not implemented yet", file=sys.stderr)
    return 2
