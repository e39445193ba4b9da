"""A person's results messages for /mydata: how many reached them.

Nothing else is kept per person: the outbox rows (pseudonym, message id) go when the
person erases their data, and those not yet sent go when they withdraw (meetings'
personal_data drops every waiting row of the person).
"""

from __future__ import annotations

from rostbot.journey.services import Services
from rostbot.store import results_messages as store


async def lines(services: Services, pseudonym: str, lang: str) -> list[str]:
    count = await store.received_by(services.db, pseudonym)
    if not count:
        return []
    return [
        services.tn(
            lang,
            "• {count} message about what we changed after the answers",
            "• {count} messages about what we changed after the answers",
            count,
        )
    ]
