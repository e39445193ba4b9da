"""Telegram's bad days, reproducibly: seeded fault injection for the sandbox Bot API.

Owns the choice, request by request, of what goes wrong: a 500, a 429 with `retry_after`, a
slow answer, or a dropped connection (before the method acts, or after it acted so that the
caller never learns it succeeded). Choices come from one `random.Random(seed)` stream, so a
plan with the same seed draws the same faults for the same sequence of requests.

    faults = Faults(FaultPlan(server_error=0.05, too_many_requests=0.02, seed=7))
    api.faults = faults          # from now on; None switches them off again
    ...
    faults.counts                # Counter({"server_error": 12, "slow": 30, ...})
"""

from __future__ import annotations

import asyncio
import collections
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from rostbot.sandbox.limits import ApiError

KINDS = ("server_error", "too_many_requests", "slow", "drop_before", "drop_after")


@dataclass(frozen=True)
class FaultPlan:
    """Shares (0..1) of requests that meet each fault; at most one fault per request."""

    server_error: float = 0.0  # answered 500 without acting
    too_many_requests: float = 0.0  # answered 429 with `retry_after`, without acting
    retry_after: int = 1  # seconds; Telegram sends whole seconds
    slow: float = 0.0  # answered after `delay` seconds (then acted on as usual)
    delay: float = 0.3
    drop_before: float = 0.0  # connection closed before acting
    drop_after: float = 0.0  # acted on, then the connection closed without an answer
    methods: frozenset[str] | None = None  # Bot API method names; None: every method
    limit: int | None = None  # at most this many faults in all, then none
    seed: int = 0

    def __post_init__(self) -> None:
        shares = [getattr(self, kind) for kind in KINDS]
        if any(not 0.0 <= share <= 1.0 for share in shares) or sum(shares) > 1.0:
            raise ValueError("fault shares must be between 0 and 1 and add up to at most 1")
        if self.retry_after < 1 or self.delay < 0:
            raise ValueError("retry_after must be at least 1 s and delay not negative")


class Faults:
    """Draws at most one fault per request from the plan's seeded stream; counts what it did."""

    def __init__(self, plan: FaultPlan) -> None:
        self.plan = plan
        self.counts: collections.Counter[str] = collections.Counter()
        self._random = random.Random(plan.seed)
        self._injected = asyncio.Condition()

    def draw(self, method: str) -> str | None:
        """The fault for the next request to `method`, or None."""
        if self.plan.methods is not None and method not in self.plan.methods:
            return None
        if self.plan.limit is not None and sum(self.counts.values()) >= self.plan.limit:
            return None
        roll = self._random.random()
        for kind in KINDS:
            share: float = getattr(self.plan, kind)
            if roll < share:
                self.counts[kind] += 1
                return kind
            roll -= share
        return None

    async def wait_for(self, total: int, timeout: float = 10) -> None:
        """Until at least `total` faults have been injected."""
        try:
            async with asyncio.timeout(timeout), self._injected:
                await self._injected.wait_for(lambda: sum(self.counts.values()) >= total)
        except TimeoutError:
            raise TimeoutError(f"fewer than {total} faults within {timeout}s") from None

    async def around(
        self, method: str, request: web.Request, act: Callable[[], Awaitable[Any]]
    ) -> Any:
        """Run `act` (the method) under whatever fault is drawn for this request."""
        fault = self.draw(method)
        if fault is not None:
            async with self._injected:
                self._injected.notify_all()
        if fault == "server_error":
            raise ApiError(500, "Internal Server Error")
        if fault == "too_many_requests":
            seconds = self.plan.retry_after
            raise ApiError(
                429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds}
            )
        if fault == "drop_before":
            _drop(request)
            return None  # written to a closed connection: nobody reads it
        if fault == "slow":
            await asyncio.sleep(self.plan.delay)
        result = await act()
        if fault == "drop_after":
            _drop(request)
            return None
        return result


def _drop(request: web.Request) -> None:
    if request.transport is not None:
        request.transport.close()
