"""Which of the bot's buttons cannot be undone, so that the page never puts the focus on them.

The page moves the keyboard focus to the bot's newest buttons, so that Enter answers the next
question. On a confirmation ("Yes, erase" / "No, go back") one more Enter would then erase
for good; the page puts the focus on the safe choice instead. The buttons are known by their
data, as the bot makes it (`rostbot.journey.callback_data`).
"""

from __future__ import annotations

from rostbot.journey import callback_data as cb


def is_destructive(data: str) -> bool:
    """Whether pressing a button with this data withdraws, erases, deletes or cancels."""
    press = cb.parse(data)
    if press is None:
        return False
    kind, parts = press.kind, press.parts
    if kind in ("w", "e"):  # withdraw, erase: "Yes, withdraw", "Yes, erase"
        return parts == ("y",)
    if kind == "u":  # take back one consent: "Yes, take it back"
        return parts[1] == "y"
    if kind == "x":  # delete the chat's messages now
        return True
    if kind == "v":  # a participant: "Yes, cancel" (the booking)
        return parts[0] == "x"
    if kind == "o":  # a coordinator: "Yes, cancel the meeting"
        return parts[0] == "c" and parts[2] == "y"
    return False
