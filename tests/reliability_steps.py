"""Shared steps of the reliability tests: many simulated respondents, and what they left behind."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from conftest import FLOWS
from journey_steps import open_all
from rostbot.core.flow_loader import load_flows
from rostbot.core.flow_model import Flow
from rostbot.crypto.analyst_keys import AnalystPrivateKey
from rostbot.i18n import Translations
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.respondent import SimulatedRespondent, Walk

FLOW_FILES = load_flows(FLOWS)
TEXTS = Translations.load()

Answers = frozenset[tuple[str, object]]


def respondents(
    api: SandboxBotApi, flow: Flow, count: int, *, reply_timeout: float, first_seed: int = 0
) -> list[SimulatedRespondent]:
    """`count` people, every other one Danish, each with their own seed."""
    return [
        SimulatedRespondent(
            api.user(language_code="da" if i % 2 else "sv"),
            flow,
            TEXTS,
            seed=first_seed + i,
            reply_timeout=reply_timeout,
        )
        for i in range(count)
    ]


def _hashable(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def answers_of(walk: Walk, which: str = "given") -> Answers:
    chosen = walk.given if which == "given" else walk.acknowledged
    return frozenset((question, _hashable(value)) for question, value in chosen.items())


def stored_answers(db_path: Path, key: AnalystPrivateKey) -> Counter[Answers]:
    """Every response in the database as the set of (question, value) it holds, counted."""
    by_response: dict[str, list[tuple[str, object]]] = {}
    for opened in open_all(db_path, key):
        by_response.setdefault(opened["response_id"], []).append(
            (opened["question_id"], _hashable(opened["value"]))
        )
    for pairs in by_response.values():
        questions = [question for question, _ in pairs]
        assert len(questions) == len(set(questions)), "a question was stored twice"
    return Counter(frozenset(pairs) for pairs in by_response.values())


def assert_each_walk_stored_once(walks: Iterable[Walk], stored: Counter[Answers]) -> None:
    """Every finished walk's answers are one response, exactly as given; nothing else is."""
    expected = Counter(answers_of(walk) for walk in walks)
    assert stored == expected


class ErrorLog(logging.Handler):
    """Collects what the bot's error handler logged (handlers.on_error)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.errors: list[BaseException | None] = []
        self._seen = asyncio.Event()  # the handler logs on the event loop's thread

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("error while handling an update"):
            self.errors.append(record.exc_info[1] if record.exc_info else None)
            self._seen.set()

    async def wait(self, timeout: float = 60) -> None:
        """Until the error handler has logged something."""
        await asyncio.wait_for(self._seen.wait(), timeout)

    def __enter__(self) -> ErrorLog:
        logging.getLogger("rostbot.telegram.handlers").addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger("rostbot.telegram.handlers").removeHandler(self)
