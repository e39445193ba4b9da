"""The one error the report raises: its message is one line for the analyst."""

from __future__ import annotations


class ReportError(Exception):
    """The report cannot be made; the message says why, in one line."""
