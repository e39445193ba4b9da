"""Sandbox group chats: groups, supergroups and channels, their members and the bot's place in them.

Owns what Telegram does for chats with more than one person: who is in the chat, whether the
bot is (`SandboxBotApi.group()` makes a chat the bot is already in; `add_bot` adds it the way
a person does, with the `my_chat_member` update and, outside channels, the service message),
what the bot sees there (privacy mode), and leaving (the Bot API's leaveChat). Once the bot
has left, it gets no update from the chat at all, and writing there fails with Telegram's 403
"Forbidden: bot is not a member of the group chat" (supergroup chat, channel chat).
"""

from __future__ import annotations

import asyncio
import copy
from typing import Any

from rostbot.sandbox.limits import ApiError, JSONDict, bad_request
from rostbot.sandbox.people import WAIT_SECONDS, BotMessage, Hub, SandboxChat, SandboxUser

KINDS = ("group", "supergroup", "channel")
IN_CHAT = ("creator", "administrator", "member", "restricted")


def group_chat_id(kind: str, number: int) -> int:
    """Basic groups have small negative ids; supergroups and channels -100<id>."""
    return -(400_000_000 + number) if kind == "group" else -(1_002_000_000_000 + number)


class SandboxGroup(SandboxChat):
    """A group, supergroup or channel, with its members and the bot's membership.

    With the bot's privacy mode on (Telegram's default) and the bot not an admin, the bot only
    gets commands, replies to its own messages, messages mentioning it and service messages;
    `send_text` then returns 0 for messages Telegram would not deliver, as it does for
    everything once the bot is out of the chat.
    """

    def __init__(
        self,
        hub: Hub,
        chat_id: int,
        *,
        title: str,
        kind: str,
        bot_is_admin: bool = False,
        with_bot: bool = True,
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown chat kind {kind!r}")
        super().__init__(hub, chat_id)
        self.id = chat_id
        self.title = title
        self.kind = kind
        self.bot_is_admin = bot_is_admin
        self.bot_status = ("administrator" if bot_is_admin else "member") if with_bot else "left"
        self.members: list[SandboxUser] = []  # people in the chat, in the order they came
        # Tests may hold the bot's leaveChat here, to see what happens while it waits.
        self.leave_gate: asyncio.Event | None = None
        self.leaves_waiting = 0

    def chat_json(self) -> JSONDict:
        return {"id": self.id, "type": self.kind, "title": self.title}

    @property
    def bot_is_member(self) -> bool:
        return self.bot_status in IN_CHAT

    def not_a_member(self) -> ApiError:
        return ApiError(403, f"Forbidden: bot is not a member of the {self.kind} chat")

    def check_bot_may_write(self) -> None:
        """Raise Telegram's error when the bot may not send, edit or delete here."""
        if self.bot_status == "kicked":
            raise ApiError(403, f"Forbidden: bot was kicked from the {self.kind} chat")
        if not self.bot_is_member:
            raise self.not_a_member()
        if self.kind == "channel" and not self.bot_is_admin:
            raise bad_request("need administrator rights in the channel chat")

    # ---------------------------------------------------------------- members and the bot

    def _join_quietly(self, user: SandboxUser) -> None:
        if user not in self.members:
            self.members.append(user)

    async def add_member(self, user: SandboxUser) -> int:
        """`user` joins; the bot, if in the chat, gets the service message (update id or 0)."""
        if user in self.members:
            raise AssertionError(f"{user.first_name} is in chat {self.chat_id} already")
        self.members.append(user)
        if self.kind == "channel" or not self.bot_is_member:
            return 0
        return self._service_message(user, {"new_chat_members": [user.user_json()]})

    async def add_bot(self, by: SandboxUser, *, admin: bool = False) -> int:
        """`by` adds the bot: my_chat_member (its update id is returned), then, outside
        channels, the "new_chat_members" service message, as Telegram sends both."""
        if self.bot_is_member:
            raise AssertionError(f"the bot is in chat {self.chat_id} already")
        self._join_quietly(by)
        old = self.bot_status
        self.bot_is_admin = admin or self.kind == "channel"
        self.bot_status = "administrator" if self.bot_is_admin else "member"
        update_id = self._hub.push_update("my_chat_member", self._member_change(by, old))
        if self.kind != "channel":
            self._service_message(by, {"new_chat_members": [self._hub.bot_user_json()]})
        return update_id

    async def bot_leaves(self) -> None:
        """leaveChat: the bot is out, and gets my_chat_member about it (from itself)."""
        if self.leave_gate is not None:
            self.leaves_waiting += 1
            await self.notify()
            try:
                await self.leave_gate.wait()
            finally:
                self.leaves_waiting -= 1
        if not self.bot_is_member:
            raise self.not_a_member()
        old = self.bot_status
        self.bot_status = "left"
        self.bot_is_admin = False
        self._hub.push_update("my_chat_member", self._member_change(None, old))
        await self.notify()

    def _member_change(self, by: SandboxUser | None, old: str) -> JSONDict:
        return {
            "chat": self.chat_json(),
            "from": by.user_json() if by is not None else self._hub.bot_user_json(),
            "date": self._hub.now(),
            "old_chat_member": self._bot_member(old),
            "new_chat_member": self._bot_member(self.bot_status),
        }

    def _bot_member(self, status: str) -> JSONDict:
        member: JSONDict = {"user": self._hub.bot_user_json(), "status": status}
        if status == "kicked":
            member["until_date"] = 0
        if status == "administrator":
            member.update(
                {
                    right: right in ("can_manage_chat", "can_delete_messages", "can_invite_users")
                    for right in _ADMIN_RIGHTS
                }
            )
            if self.kind == "channel":
                member.update({"can_post_messages": True, "can_edit_messages": True})
        return member

    def _service_message(self, sender: SandboxUser, fields: JSONDict) -> int:
        """A service message: delivered to a bot in the chat whatever its privacy mode."""
        message: JSONDict = {
            "message_id": self.allocate_message_id(),
            "from": sender.user_json(),
            "chat": self.chat_json(),
            "date": self._hub.now(),
            **fields,
        }
        return self._hub.push_update("message", copy.deepcopy(message))

    async def wait_until_leaving(self) -> None:
        """Until the bot's leaveChat is held at `leave_gate`."""
        await self._wait(
            lambda: self.leaves_waiting > 0, WAIT_SECONDS, lambda: "the bot never tried to leave"
        )

    async def wait_until_bot_left(self) -> None:
        await self._wait(
            lambda: not self.bot_is_member, WAIT_SECONDS, lambda: "the bot did not leave"
        )

    # ---------------------------------------------------------------- what the bot gets

    def _update_kind(self, edited: bool) -> str:
        if self.kind == "channel":
            return "edited_channel_post" if edited else "channel_post"
        return super()._update_kind(edited)

    def _bot_sees(self, message: JSONDict) -> bool:
        if not self.bot_is_member:
            return False
        if self.kind == "channel" or self.bot_is_admin or not self._hub.privacy_mode:
            return True
        text: str = message.get("text") or message.get("caption") or ""
        for entity in message.get("entities") or message.get("caption_entities") or []:
            if entity["type"] == "bot_command":
                command = text[entity["offset"] : entity["offset"] + entity["length"]]
                _, at, target = command.partition("@")
                return not at or target.lower() == self._hub.bot_username.lower()
        replied = message.get("reply_to_message", {})
        if replied.get("from", {}).get("id") == self._hub.bot_id:
            return True
        return f"@{self._hub.bot_username}".lower() in text.lower()

    async def _post(self, sender: SandboxUser, fields: JSONDict, reply_to: int | None) -> int:
        self._join_quietly(sender)  # whoever writes is in the chat
        return await super()._post(sender, fields, reply_to)

    async def _callback(self, presser: SandboxUser, message_id: int, data: str) -> int:
        if not self.bot_is_member:
            return 0  # nothing reaches a bot that left
        return await super()._callback(presser, message_id, data)

    # ---------------------------------------------------------------- acting in the chat

    async def send_text(self, user: SandboxUser, text: str, *, reply_to: int | None = None) -> int:
        return await self._post_text(user, text, reply_to)

    async def send_command(
        self, user: SandboxUser, command: str, arg: str | None = None, *, mention: bool = True
    ) -> int:
        """Send `/command[@bot] [arg]`; `mention` adds @botname as group clients do."""
        command = command if command.startswith("/") else f"/{command}"
        if mention:
            command = f"{command}@{self._hub.bot_username}"
        return await self.send_text(user, f"{command} {arg}" if arg else command)

    async def edit_text(self, user: SandboxUser, message_id: int, text: str) -> int:
        return await self._edit(user, message_id, text)

    async def press(
        self, user: SandboxUser, button_text: str, *, message: BotMessage | None = None
    ) -> int:
        return await self._press(user, button_text, message)

    async def press_data(self, user: SandboxUser, message_id: int, data: str) -> int:
        return await self._callback(user, message_id, data)

    async def send_raw(
        self, user: SandboxUser, fields: dict[str, Any], *, reply_to: int | None = None
    ) -> int:
        """Post a message with arbitrary Message fields (photo, document...)."""
        return await self._post(user, fields, reply_to)


_ADMIN_RIGHTS = (
    "can_be_edited",
    "is_anonymous",
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
)
