"""A simulated former client who walks a real flow through the sandbox, as a person would.

Owns the person's side of a questionnaire for the benchmarks and the reliability tests: open
the letter link, say yes (and confirm the age), answer each question the bot shows, and when a
reply does not come, or the bot says something went wrong, open the letter link again and go on
from where the bot says they are. It reads only what the bot sent (texts and button data) and
takes the fixed button words from the same catalogs the bot uses.

What the person chose is a pure function of (seed, question id), so answering a question twice
(because the first acknowledgement was lost) gives the same answer, and a test can check every
stored answer against what the person meant to give.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from rostbot.core.flow_model import Flow, MultiChoiceQuestion, Question, TextQuestion
from rostbot.i18n import Translations
from rostbot.journey import callback_data as cb
from rostbot.sandbox.people import BotMessage, SandboxUser

# Messages that tell the person their last step was not taken (handlers.py sends them).
FAILURE_MSGIDS = (
    "Sorry, something went wrong on my side. Please try again.",
    "Sorry, I could not save that just now. "
    "Nothing you saved before is lost. Please try again in a minute.",
)
CLOSED_MSGIDS = (
    "That questionnaire is closed. Thank you!",
    "You have answered every question. Thank you!",
)


class WalkFailed(Exception):
    """The respondent could not get through the flow within its budget."""


@dataclass
class Walk:
    """What one respondent did and saw."""

    updates: int = 0  # updates sent to the bot
    latencies: list[float] = field(default_factory=list)  # seconds, update -> awaited reply
    recoveries: int = 0  # times the letter link was opened again after a lost reply
    given: dict[str, object] = field(default_factory=dict)  # question id -> answer sent
    acknowledged: dict[str, object] = field(default_factory=dict)  # ... once the bot moved on
    finished: bool = False


@dataclass(frozen=True)
class _View:
    """The newest message that tells the person what to do next."""

    kind: str  # consent | age | question | offer | contact | closed | failure
    message: BotMessage
    step: int = -1
    question: Question | None = None


class SimulatedRespondent:
    """One person with a letter link, walking `flow` in `user`'s language."""

    def __init__(
        self,
        user: SandboxUser,
        flow: Flow,
        texts: Translations,
        *,
        seed: int = 0,
        reply_timeout: float = 10.0,
        max_recoveries: int = 25,
        on_acknowledged: Callable[[], None] | None = None,
    ) -> None:
        lang = (user.language_code or "sv")[:2]
        self.user = user
        self.flow = flow
        self.lang = lang if lang in flow.languages else flow.languages[0]
        self.seed = seed
        self.reply_timeout = reply_timeout
        self.max_recoveries = max_recoveries
        self.on_acknowledged = on_acknowledged  # e.g. to crash the bot after so many answers
        self.walk = Walk()
        t = texts.text
        self._failures = tuple(t(self.lang, msgid) for msgid in FAILURE_MSGIDS)
        self._closed = (*(t(self.lang, m) for m in CLOSED_MSGIDS), flow.outro.get(self.lang))
        self._by_text = sorted(
            ((q.text.get(self.lang), q) for q in flow.questions), key=lambda p: -len(p[0])
        )
        self._pending: tuple[str, object, int] | None = None  # answered, not yet acknowledged

    # ------------------------------------------------------------------ the walk

    async def run(self, code: str, *, stop_after: int | None = None) -> Walk:
        """Walk the flow to its end (or until `stop_after` answers were acknowledged)."""
        view = await self._act(lambda: self.user.send_command("/start", code))
        while True:
            if view is None or view.kind == "failure":
                view = await self._recover(code)
                continue
            self._acknowledge(view)
            if view.kind in ("closed", "contact"):
                self.walk.finished = True
                return self.walk
            if stop_after is not None and len(self.walk.acknowledged) >= stop_after:
                return self.walk
            view = await self._step(view)

    async def _step(self, view: _View) -> _View | None:
        if view.kind in ("consent", "age"):
            act = "y" if view.kind == "consent" else "a"
            data = _first_data(view.message, _consent_act(act))
            assert data is not None
            return await self._press(view.message, data)
        if view.kind == "offer":
            data = _first_data(view.message, lambda d: d.startswith("r:"))
            assert data is not None
            return await self._press(view.message, data)
        assert view.kind == "question" and view.question is not None
        return await self._answer(view, view.question)

    async def _answer(self, view: _View, question: Question) -> _View | None:
        if isinstance(question, TextQuestion):
            text = f"Svar {self.seed}: det var bra 👍"
            self._pending = (question.id, text, view.step)
            self.walk.given[question.id] = text
            return await self._act(lambda: self.user.send_text(text))
        choices = [(op, arg) for op, arg in _answer_ops(view.message) if op in ("c", "t")]
        if not choices:
            raise WalkFailed(f"question {question.id} shows no answer buttons")
        op, arg = choices[zlib.crc32(f"{self.seed}:{question.id}".encode()) % len(choices)]
        if op == "t":
            return await self._toggle_and_finish(view, question, arg)
        self._pending = (question.id, arg, view.step)
        self.walk.given[question.id] = arg
        return await self._press(view.message, _data(view, op, arg))

    async def _toggle_and_finish(self, view: _View, question: Question, arg: str) -> _View | None:
        """Tick one option (only if it is not ticked yet: a tick is a toggle), then Done."""
        assert isinstance(question, MultiChoiceQuestion)
        message = view.message
        if not _ticked(message, arg):
            edits = message.edit_count
            await self.user.press_data(message.message_id, _data(view, "t", arg))
            self.walk.updates += 1
            try:
                await self.user.wait_for_message(
                    lambda m: m is message and m.edit_count > edits,
                    after=self.user.inbox.index(message),
                    timeout=self.reply_timeout,
                )
            except TimeoutError:
                return None
            if not _ticked(message, arg):
                return None
        step = _step_of(message)
        self._pending = (question.id, [arg], step)
        self.walk.given[question.id] = [arg]
        return await self._press(message, cb.make("a", _handle_of(message), step, "d", "-"))

    async def _recover(self, code: str) -> _View | None:
        self.walk.recoveries += 1
        if self.walk.recoveries > self.max_recoveries:
            raise WalkFailed(f"no way forward after {self.max_recoveries} tries")
        return await self._act(lambda: self.user.send_command("/start", code))

    def _acknowledge(self, view: _View) -> None:
        """The bot moved past the pending answer: it is stored (and must stay stored)."""
        if self._pending is None:
            return
        question_id, value, step = self._pending
        moved_on = view.kind in ("closed", "contact") or (
            view.kind == "question" and view.step > step
        )
        if moved_on:
            self.walk.acknowledged[question_id] = value
            self._pending = None
            if self.on_acknowledged is not None:
                self.on_acknowledged()

    # ------------------------------------------------------------------ one update, one reply

    async def _press(self, message: BotMessage, data: str) -> _View | None:
        return await self._act(lambda: self.user.press_data(message.message_id, data))

    async def _act(self, send: Callable[[], Awaitable[int]]) -> _View | None:
        """Send one update; the newest message telling what to do next, or None on silence."""
        mark = self.user.mark()
        await send()
        started = time.perf_counter()
        self.walk.updates += 1
        try:
            await self.user.wait_for_message(
                lambda m: self._classify(m) is not None, after=mark, timeout=self.reply_timeout
            )
        except TimeoutError:
            return None
        self.walk.latencies.append(time.perf_counter() - started)
        views = [v for v in map(self._classify, self.user.inbox[mark:]) if v is not None]
        return views[-1] if views else None

    def _classify(self, message: BotMessage) -> _View | None:
        if message.deleted:
            return None
        text = message.content
        datas = [b.get("callback_data", "") for row in message.buttons() for b in row]
        for data in datas:
            press = cb.parse(data)
            if press is None:
                continue
            if press.kind == "a" and press.parts[2] == "p":
                return _View("question", message, int(press.parts[1]), self._question_in(text))
            if press.kind == "c" and press.parts[1] == "y":
                return _View("consent", message)
            if press.kind == "c" and press.parts[1] == "a":
                return _View("age", message)
            if press.kind == "r":
                return _View("offer", message)
            if press.kind == "k":
                return _View("contact", message)
        if any(text.startswith(f) for f in self._failures):
            return _View("failure", message)
        if not datas and text in self._closed:
            return _View("closed", message)
        return None

    def _question_in(self, text: str) -> Question | None:
        for question_text, question in self._by_text:
            if question_text in text:
                return question
        return None


def _buttons(message: BotMessage) -> list[str]:
    return [str(b.get("callback_data", "")) for row in message.buttons() for b in row]


def _first_data(message: BotMessage, accept: Callable[[str], bool]) -> str | None:
    return next((d for d in _buttons(message) if accept(d)), None)


def _consent_act(act: str) -> Callable[[str], bool]:
    def accept(data: str) -> bool:
        press = cb.parse(data)
        return press is not None and press.kind == "c" and press.parts[1] == act

    return accept


def _answer_ops(message: BotMessage) -> list[tuple[str, str]]:
    found = []
    for data in _buttons(message):
        press = cb.parse(data)
        if press is not None and press.kind == "a":
            found.append((press.parts[2], press.parts[3]))
    return found


def _handle_of(message: BotMessage) -> str:
    for data in _buttons(message):
        press = cb.parse(data)
        if press is not None and press.kind == "a":
            return press.parts[0]
    raise WalkFailed("not a question message")


def _step_of(message: BotMessage) -> int:
    for data in _buttons(message):
        press = cb.parse(data)
        if press is not None and press.kind == "a":
            return int(press.parts[1])
    raise WalkFailed("not a question message")


def _data(view: _View, op: str, arg: str) -> str:
    return cb.make("a", _handle_of(view.message), view.step, op, arg)


def _ticked(message: BotMessage, arg: str) -> bool:
    for row in message.buttons():
        for button in row:
            press = cb.parse(str(button.get("callback_data", "")))
            if press is not None and press.kind == "a" and press.parts[2:] == ("t", arg):
                return str(button["text"]).startswith("✅")
    return False
