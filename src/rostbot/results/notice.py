"""What a results outbox row becomes when it is sent, checked again at that moment.

Someone who withdrew, erased their data or took back the contact consent since the
message was queued is no longer in the audience: the row is dropped, not sent.
"""

from __future__ import annotations

from rostbot.journey.services import Reply, Services
from rostbot.meetings.notices import Dropped, Outgoing
from rostbot.results.message import framed
from rostbot.store import results_messages as store
from rostbot.store.outbox import OutboxItem


async def render(services: Services, item: OutboxItem) -> Outgoing | Dropped:
    """The message for this row now, or why it must not be sent (a short code)."""
    message = await store.get(services.db, str(item.payload.get("message", "")))
    if message is None:
        return Dropped("no_message")
    contact = await store.may_receive(services.db, message.flow_id, item.pseudonym)
    if contact is None:
        return Dropped("not_reachable")
    # The person's language now; someone who switched language after the message was
    # queued for them, to one it has no text in, gets the text it has rather than nothing.
    lang = contact.lang if contact.lang in message.texts else sorted(message.texts)[0]
    chat_id = int(services.secret.decrypt(contact.handle, f"contact:{item.pseudonym}"))
    return Outgoing(chat_id, Reply(framed(services, message, lang)))
