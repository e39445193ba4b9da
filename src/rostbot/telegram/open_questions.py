"""Which message in each chat holds the live buttons, so older ones lose theirs.

Two kinds of message keep one live set of buttons per chat, each apart from the other
(someone may be a coordinator and answer a flow in the same chat):

- FLOW, a flow question. Its buttons go stale when the next question is sent: after a
  press the pressed message is edited (its buttons go with the edit); after a typed
  answer, a stale button or "/start" to continue, the question sent before still shows
  its buttons.
- COORDINATOR, a coordinator's menu, card or step: the newest one with buttons. A press
  on an older one is answered as old and changes nothing (rostbot.meetings.coordinator_chat).

`deliver` notes here the message id of each such message it sends and takes the buttons
off the one before. In memory only, by chat id, the most recent chats first kept: after a
restart the first new message leaves the one before as it was, and nothing counts as old
until then (flow buttons are checked against the stored run anyway, coordinator buttons
against the store and the role). Nothing here is stored or logged.
"""

from __future__ import annotations

from collections import OrderedDict

FLOW = "flow"
COORDINATOR = "coordinator"
LANES = (FLOW, COORDINATOR)
MAX_CHATS = 100_000  # about 10 MB at most per kind; older chats are forgotten first


class OpenQuestions:
    def __init__(self, max_chats: int = MAX_CHATS) -> None:
        self._live: OrderedDict[tuple[int, str], int] = OrderedDict()
        self._max = max_chats * len(LANES)

    def swap(self, chat_id: int, message_id: int, lane: str = FLOW) -> int | None:
        """Note the chat's new live message of this kind; the one before it, if any."""
        before = self._live.pop((chat_id, lane), None)
        self._live[(chat_id, lane)] = message_id
        if len(self._live) > self._max:
            self._live.popitem(last=False)
        return before

    def live(self, chat_id: int, lane: str) -> int | None:
        """The chat's live message of this kind, when one is known."""
        return self._live.get((chat_id, lane))

    def forget(self, chat_id: int) -> None:
        """The chat was cleared: its messages are gone."""
        for lane in LANES:
            self._live.pop((chat_id, lane), None)

    def __len__(self) -> int:
        return len(self._live)
