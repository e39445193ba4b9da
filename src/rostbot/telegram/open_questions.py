"""Which message in each chat holds the live flow question, so older ones lose their buttons.

A question's buttons go stale when the next question is sent: after a press the pressed
message is edited (its buttons go with the edit); after a typed answer, a stale button or
"/start" to continue, the question sent before still shows its buttons. `deliver` notes
here the message id of each question it sends and takes the buttons off the one before.

In memory only, by chat id, the most recent chats first kept: after a restart the first
new question leaves the one before as it was, which is handled as a stale button anyway.
Nothing here is stored or logged.
"""

from __future__ import annotations

from collections import OrderedDict

MAX_CHATS = 100_000  # about 10 MB at most; older chats are forgotten first


class OpenQuestions:
    def __init__(self, max_chats: int = MAX_CHATS) -> None:
        self._by_chat: OrderedDict[int, int] = OrderedDict()
        self._max = max_chats

    def swap(self, chat_id: int, message_id: int) -> int | None:
        """Note the chat's new question message; the one before it, if any."""
        before = self._by_chat.pop(chat_id, None)
        self._by_chat[chat_id] = message_id
        if len(self._by_chat) > self._max:
            self._by_chat.popitem(last=False)
        return before

    def forget(self, chat_id: int) -> None:
        """The chat was cleared: its question message is gone."""
        self._by_chat.pop(chat_id, None)

    def __len__(self) -> int:
        return len(self._by_chat)
