"""The retention job: its policy from the settings, and its daily run inside the bot.

`ROSTBOT_EXPORT_GRACE_DAYS` (default 30) is how long exported sealed answers are kept;
`ROSTBOT_RETENTION_DAYS` (default 365) is how long unfinished runs and unused
invitations are kept. The bot runs the job at start-up and then once a day;
`rostbot retention` runs it by hand.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from rostbot.config import ConfigError, Settings
from rostbot.store import retention
from rostbot.store.database import Database
from rostbot.store.retention import Deletions, RetentionPolicy

log = logging.getLogger(__name__)

JOB_NAME = "retention"


def policy_for(
    settings: Settings, env: Mapping[str, str] | None = None
) -> retention.RetentionPolicy:
    """The retention policy; raises ConfigError (one line) on a bad grace period."""
    env = os.environ if env is None else env
    grace = env.get("ROSTBOT_EXPORT_GRACE_DAYS", "30")
    if not grace.isdigit():
        raise ConfigError("ROSTBOT_EXPORT_GRACE_DAYS must be a whole number of days, 0 or more")
    return RetentionPolicy(grace_days=int(grace), keep_days=settings.retention_days)


async def run_once(db: Database, policy: retention.RetentionPolicy, today: date) -> Deletions:
    done = await retention.apply(db, policy, today)
    log.info(
        "retention: deleted %d exported answers, %d unfinished runs, %d unused invitations",
        done.exported_answers,
        done.unfinished_runs,
        done.unused_invitations,
    )
    return done


async def schedule(app: Any, policy: RetentionPolicy) -> None:
    """Run the job now, then every day on PTB's JobQueue (the Application holds `services`)."""

    async def job(context: Any) -> None:
        services = context.application.bot_data["services"]
        try:
            await run_once(services.db, policy, services.clock().date())
        except Exception as exc:  # a failed run is retried tomorrow; the bot goes on
            log.warning("retention job failed (%s)", type(exc).__name__)

    if app.job_queue is None:
        log.warning("no job queue: the retention job does not run inside the bot")
        return
    daily = app.job_queue.run_repeating(job, interval=timedelta(days=1), name=JOB_NAME)
    # APScheduler cannot start a repeating job "now" (PTB's docs): run the first one here.
    await daily.run(app)
