"""`python -m rostbot`: the same as the `rostbot` command."""

from __future__ import annotations

import sys

from rostbot.cli import main

if __name__ == "__main__":
    sys.exit(main())
