"""The interview consents, end to end: the real bot against the sandbox Bot API.

"May we write to you about an interview?" comes at the end of a flow with `ask_interview`,
after the contact question (one after the other) or alone; "may we quote you" comes with
its own text version. /mydata lists them, and each consent to be written to or quoted is
taken back on its own, with what it allowed (interview times, meeting seats, messages).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from conftest import FLOWS, REPO, RunningBot, running_bot
from journey_steps import answer_question, is_question, start_and_consent
from meeting_steps import add_reachable, plan
from rostbot.config import Settings
from rostbot.core.meeting_model import Details, Event
from rostbot.i18n import Translations
from rostbot.journey import interview_consents
from rostbot.journey.interview_consents import INTERVIEW_TEXTS, QUOTE_TEXT, QUOTE_VERSION
from rostbot.journey.services import Person, Reply
from rostbot.meetings import booking, interview_booking, planning
from rostbot.meetings.office import Office
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import BotMessage, SandboxUser
from rostbot.store import contacts, events

ABOUT = {
    "sv": "En intervju är ett samtal på ungefär en timme med en person från oss. "
    "Det är frivilligt och påverkar aldrig ditt ärende. Du kan sluta när du vill.",
    "da": "Et interview er en samtale på omkring en time med én person fra os. "
    "Det er frivilligt og påvirker aldrig din sag. Du kan stoppe, når du vil.",
}
ASKED = {
    "sv": "Får vi skriva till dig här i chatten om en intervju? "
    "Då skickar vi tider som du kan välja mellan. Det går bra att säga nej.",
    "da": "Må vi skrive til dig her i chatten om et interview? "
    "Så sender vi dig tider, som du kan vælge imellem. Det er helt i orden at sige nej.",
}
TAKE_PART = {"sv": "Ja, jag vill vara med", "da": "Ja, jeg vil være med"}
CONTACT_YES = {"sv": "Ja, ni får kontakta mig", "da": "Ja, I må kontakte mig"}
INTERVIEW_YES = {"sv": "Ja, ni får skriva till mig", "da": "Ja, I må skrive til mig"}
NO_THANKS = {"sv": "Nej tack", "da": "Nej tak"}
DONE = {"sv": "Du är klar.", "da": "Du er færdig."}
ALREADY = {"sv": "Det är redan sparat.", "da": "Det er allerede gemt."}
OLD = {"sv": "Den här knappen är gammal.", "da": "Denne knap er gammel."}
TAKE_BACK = "Ja, ta tillbaka det"
TAKEN_ALREADY = "Det har du redan tagit tillbaka."
LABEL = {
    "contact": "Ta tillbaka: kontakt senare",
    "interview": "Ta tillbaka: intervjuer",
    "quote": "Ta tillbaka: citat",
}
TAKEN = {
    "contact": "Klart. Vi skriver inte längre till dig om möten eller om vad vi har ändrat.",
    "interview": "Klart. Vi skriver inte längre till dig om intervjuer.",
    "quote": "Klart. Vi citerar dig inte.",
}
LINE = {
    "contact": "• Ja till att bli kontaktad senare, den ",
    "interview": "• Ja till att vi skriver till dig om en intervju, den ",
    "quote": "• Ja till att bli citerad utan ditt namn (text nummer 1), den ",
}


# --------------------------------------------------------------------------- steps


async def walk_to_end(user: SandboxUser, question: BotMessage, button: str) -> BotMessage:
    """Answer every question; the first message after them with `button` under it (or,
    with `button` empty, the flow's closing message)."""
    while True:
        mark = user.mark()
        await answer_question(user, question)
        nxt = await user.wait_for_message(
            lambda m: is_question(m) or (button in m.button_texts() if button else done(m)),
            after=mark,
        )
        if not is_question(nxt):
            return nxt
        question = nxt


def done(message: BotMessage) -> bool:
    return any(message.content.startswith(text) for text in DONE.values())


async def press_and_wait(user: SandboxUser, label: str, message: BotMessage) -> None:
    """Press a button and wait until the bot answered the press."""
    answered = len(user.callback_answers)
    await user.press(label, message=message)
    await user.wait_for_callback_answer(after=answered)


async def finished_with_both(bot: RunningBot, api: SandboxBotApi) -> SandboxUser:
    """A Swedish person who finished the rehabilitation flow and said yes to being
    contacted later and to hearing about interviews."""
    [code] = await bot.invite("rehab_job_dk")
    user = api.user(language_code="sv")
    first = await start_and_consent(user, code, yes_text=TAKE_PART["sv"], age_yes="Ja")
    contact = await walk_to_end(user, first, CONTACT_YES["sv"])
    mark = user.mark()
    await user.press(CONTACT_YES["sv"], message=contact)
    asked = await user.wait_for_message(
        lambda m: INTERVIEW_YES["sv"] in m.button_texts(), after=mark
    )
    mark = user.mark()
    await user.press(INTERVIEW_YES["sv"], message=asked)
    await user.wait_for_message(DONE["sv"], after=mark)
    return user


def pseudonym(bot: RunningBot, user: SandboxUser) -> str:
    return bot.services.pseudonym(Person(user.id, user.id, None, 0))


def rows(bot: RunningBot, sql: str, *params: object) -> list[sqlite3.Row]:
    connection = sqlite3.connect(bot.settings.db_path)
    connection.row_factory = sqlite3.Row
    try:
        return list(connection.execute(sql, params))
    finally:
        connection.close()


def consents(bot: RunningBot, user: SandboxUser, kind: str) -> list[sqlite3.Row]:
    return rows(
        bot,
        "SELECT * FROM consents WHERE pseudonym = ? AND kind = ? ORDER BY id",
        pseudonym(bot, user),
        kind,
    )


def active(bot: RunningBot, user: SandboxUser) -> set[str]:
    """The kinds of the person's consents not withdrawn."""
    found = rows(
        bot,
        "SELECT kind FROM consents WHERE pseudonym = ? AND withdrawn_at IS NULL",
        pseudonym(bot, user),
    )
    return {r["kind"] for r in found}


def has_handle(bot: RunningBot, user: SandboxUser) -> bool:
    [row] = rows(
        bot, "SELECT contact_handle FROM respondents WHERE pseudonym = ?", pseudonym(bot, user)
    )
    return row["contact_handle"] is not None


async def my_data(user: SandboxUser) -> BotMessage:
    mark = user.mark()
    await user.send_command("/minadata")
    return await user.wait_for_message("Det här sparar jag om dig:", after=mark)


async def take_back(user: SandboxUser, kind: str, *, double_tap: bool = False) -> list[str]:
    """From /minadata: the button for `kind`, then "Ja, ta tillbaka det"; the toasts of the
    confirming press (two with `double_tap`)."""
    data = await my_data(user)
    mark = user.mark()
    await user.press(LABEL[kind], message=data)
    ask = await user.wait_for_message(lambda m: TAKE_BACK in m.button_texts(), after=mark)
    assert "Nej, gå tillbaka" in ask.button_texts()
    answered = len(user.callback_answers)
    await user.press(TAKE_BACK, message=ask)
    if double_tap:
        await user.press(TAKE_BACK, message=ask)
    toasts = [
        await user.wait_for_callback_answer(after=answered + i) for i in range(1 + double_tap)
    ]
    await user.wait_for_message(lambda m: m is ask and m.content == TAKEN[kind])
    return [t["text"] for t in toasts]


async def send_as_bot(api: SandboxBotApi, chat_id: int, reply: Reply) -> None:
    """Send a Reply into a chat as the bot sends one (sendMessage with inline buttons)."""
    keyboard = [[{"text": b.text, "callback_data": b.data} for b in row] for row in reply.buttons]
    body = {"chat_id": chat_id, "text": reply.text, "reply_markup": {"inline_keyboard": keyboard}}
    async with (
        aiohttp.ClientSession() as client,
        client.post(f"{api.base_url}{api.token}/sendMessage", json=body) as response,
    ):
        assert (await response.json())["ok"] is True


async def book_an_interview_and_a_meeting(
    bot: RunningBot, who: str, *, seats: int = 3
) -> tuple[str, str]:
    """An interview time and a focus group in 60 days, both booked by `who`: their ids."""
    office = Office.of(bot.services)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=60)
    interview = Event(
        event_id="interview1",
        kind="interview",
        languages=("sv",),
        tz="Europe/Stockholm",
        starts_at=start,
        minutes=60,
        capacity=1,
        details=Details(title={"sv": "Samtal om jobbcentret"}),
        series_id="offer1",
        session=1,
        series_kind="slots",
    )
    async with bot.services.db.transaction() as tx:
        await events.add_series(tx, "offer1", "slots", "slots:list", office.today())
        await events.add(tx, interview, office.today())
    taken = await interview_booking.take(office, interview, who)
    assert taken.result == "booked"
    [meeting] = await planning.create(
        office, plan(capacity=seats, start=start.replace(tzinfo=None))
    )
    assert (await booking.book(office, meeting, who)).result == "booked"
    return interview.event_id, meeting.event_id


def booking_status(bot: RunningBot, event_id: str, who: str) -> str:
    [row] = rows(
        bot, "SELECT status FROM bookings WHERE event_id = ? AND pseudonym = ?", event_id, who
    )
    return str(row["status"])


def waiting_messages(bot: RunningBot, event_id: str, who: str) -> int:
    [row] = rows(
        bot,
        "SELECT count(*) AS n FROM outbox WHERE event_id = ? AND pseudonym = ?"
        " AND status = 'waiting'",
        event_id,
        who,
    )
    return int(row["n"])


# --------------------------------------------------------------------------- asking


async def test_the_interview_question_follows_the_contact_question_and_a_double_tap_stores_once(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    [code] = await bot.invite("rehab_job_dk")
    user = api.user(language_code="sv")
    first = await start_and_consent(user, code, yes_text=TAKE_PART["sv"], age_yes="Ja")
    contact = await walk_to_end(user, first, CONTACT_YES["sv"])
    # One question at a time: nothing about interviews until the contact question is answered.
    assert not any(ABOUT["sv"] in m.content or ASKED["sv"] in m.content for m in user.inbox)

    mark = user.mark()
    await user.press(CONTACT_YES["sv"], message=contact)
    asked = await user.wait_for_message(
        lambda m: INTERVIEW_YES["sv"] in m.button_texts(), after=mark
    )
    assert contact.content.startswith("Du sa ja: vi får kontakta dig senare.")
    assert [m.content for m in user.inbox[mark:]] == [ABOUT["sv"], ASKED["sv"]]
    assert asked.button_texts() == [INTERVIEW_YES["sv"], NO_THANKS["sv"]]

    answered = len(user.callback_answers)
    mark = user.mark()
    await user.press(INTERVIEW_YES["sv"], message=asked)
    await user.press(INTERVIEW_YES["sv"], message=asked)
    taps = [await user.wait_for_callback_answer(after=answered + i) for i in range(2)]
    await user.wait_for_message(DONE["sv"], after=mark)

    assert taps[1]["text"] == ALREADY["sv"]
    assert asked.content == (
        "Du sa ja: vi får skriva till dig om en intervju. Du kan ta tillbaka det med /minadata."
    )
    assert asked.button_texts() == []
    assert sum(DONE["sv"] in m.content for m in user.inbox[mark:]) == 1
    [given] = consents(bot, user, "interview")
    assert given["flow_id"] == "rehab_job_dk" and given["lang"] == "sv"
    assert given["text_hash"] == interview_consents.text_hash(bot.services, INTERVIEW_TEXTS, "sv")
    assert json.loads(given["choices"]) == {"interview": True}
    assert given["withdrawn_at"] is None
    assert len(consents(bot, user, "contact")) == 1
    assert has_handle(bot, user)
    # Whom the bot may write to about interviews: this person, as about meetings.
    for purpose in ("interview", "contact"):
        reachable = await contacts.reachable(bot.services.db, purpose=purpose)
        assert [c.pseudonym for c in reachable] == [pseudonym(bot, user)]
        assert await contacts.find(bot.services.db, pseudonym(bot, user), purpose=purpose)


@pytest.fixture
def interview_flows(tmp_path: Path, settings: Settings) -> Settings:
    """The shipped flows, with the after-meeting flow asking about interviews (and, as
    shipped, not about being contacted)."""
    folder = tmp_path / "flows"
    folder.mkdir()
    for path in FLOWS.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if path.stem == "meeting_feedback":
            text = text.replace("ask_contact: false\n", "ask_contact: false\nask_interview: true\n")
        (folder / path.name).write_text(text, encoding="utf-8")
    return replace(settings, flows_dir=folder)


async def test_the_interview_question_alone_and_a_no_stores_nothing(
    api: SandboxBotApi, interview_flows: Settings
) -> None:
    async with running_bot(api, interview_flows) as bot:
        [code] = await bot.invite("meeting_feedback")
        user = api.user(language_code="da")
        first = await start_and_consent(user, code, yes_text=TAKE_PART["da"], age_yes="Ja")
        asked = await walk_to_end(user, first, INTERVIEW_YES["da"])
        assert asked.content == ASKED["da"]
        assert user.inbox[user.inbox.index(asked) - 1].content == ABOUT["da"]
        assert not any(CONTACT_YES["da"] in m.button_texts() for m in user.inbox)
        yes_data = asked.button_data(INTERVIEW_YES["da"])

        mark = user.mark()
        await user.press(NO_THANKS["da"], message=asked)
        await user.wait_for_message(DONE["da"], after=mark)
        assert asked.content == "Du sagde nej. Vi skriver ikke til dig om interviews."
        # The same question's Yes, pressed late on a phone that still shows it: the
        # question was answered; a made-up step is an old button.
        kind, handle, step, _ = yes_data.split(":")
        made_up = f"{kind}:{handle}:{int(step) + 5}:y"
        for data, toast in ((yes_data, ALREADY["da"]), (made_up, OLD["da"])):
            answered = len(user.callback_answers)
            await user.press_data(asked.message_id, data)
            assert (await user.wait_for_callback_answer(after=answered))["text"] == toast

        assert consents(bot, user, "interview") == []
        assert not has_handle(bot, user)
        for purpose in ("interview", "contact"):
            assert await contacts.find(bot.services.db, pseudonym(bot, user), purpose) is None
        assert active(bot, user) == {"participation"}


async def test_someone_who_said_yes_to_interviews_is_not_asked_again(
    api: SandboxBotApi, interview_flows: Settings
) -> None:
    async with running_bot(api, interview_flows) as bot:
        user = api.user(language_code="sv")
        [code] = await bot.invite("meeting_feedback")
        first = await start_and_consent(user, code, yes_text=TAKE_PART["sv"], age_yes="Ja")
        asked = await walk_to_end(user, first, INTERVIEW_YES["sv"])
        mark = user.mark()
        await user.press(INTERVIEW_YES["sv"], message=asked)
        await user.wait_for_message(DONE["sv"], after=mark)

        [code] = await bot.invite("meeting_feedback")
        mark = user.mark()
        first = await start_and_consent(user, code, yes_text=TAKE_PART["sv"], age_yes="Ja")
        await walk_to_end(user, first, "")
        assert not any(ASKED["sv"] in m.content for m in user.inbox[mark:])
        assert len(consents(bot, user, "interview")) == 1


async def test_after_withdrawing_the_interview_and_quote_buttons_are_old(
    api: SandboxBotApi, interview_flows: Settings
) -> None:
    async with running_bot(api, interview_flows) as bot:
        [code] = await bot.invite("meeting_feedback")
        user = api.user(language_code="sv")
        first = await start_and_consent(user, code, yes_text=TAKE_PART["sv"], age_yes="Ja")
        asked = await walk_to_end(user, first, INTERVIEW_YES["sv"])
        quote = await interview_consents.quote_question(bot.services, pseudonym(bot, user), "sv")
        assert quote is not None
        await send_as_bot(api, user.id, quote)
        quoted = await user.wait_for_message(lambda m: "Ja, ni får citera mig" in m.button_texts())
        mark = user.mark()
        await user.send_command("/aterkalla")
        ask = await user.wait_for_message(lambda m: "Ja, återkalla" in m.button_texts(), after=mark)
        mark = user.mark()
        await user.press("Ja, återkalla", message=ask)
        await user.wait_for_message("Klart. Du har tagit tillbaka ditt ja.", after=mark)

        for label, message in ((INTERVIEW_YES["sv"], asked), ("Ja, ni får citera mig", quoted)):
            answered = len(user.callback_answers)
            await user.press(label, message=message)
            assert (await user.wait_for_callback_answer(after=answered))["text"] == OLD["sv"]
        assert consents(bot, user, "interview") == [] and consents(bot, user, "quote") == []
        assert not has_handle(bot, user)


# --------------------------------------------------------------------------- /mydata


@pytest.mark.parametrize("first", ["interview", "contact"])
async def test_each_purpose_is_taken_back_on_its_own_with_what_it_allowed(
    api: SandboxBotApi, bot: RunningBot, first: str
) -> None:
    user = await finished_with_both(bot, api)
    who = pseudonym(bot, user)
    interview, meeting = await book_an_interview_and_a_meeting(bot, who)
    allowed = {"interview": interview, "contact": meeting}
    other = "contact" if first == "interview" else "interview"

    shown = await my_data(user)
    assert LINE["contact"] in shown.content and LINE["interview"] in shown.content
    assert "• Kontakt senare: Ja" in shown.content
    assert shown.button_texts() == [LABEL["contact"], LABEL["interview"]]

    assert await take_back(user, first) == [None]
    assert active(bot, user) == {"participation", other}
    # Whom the bot may write to, per purpose: the purpose taken back no longer reaches them.
    assert await contacts.find(bot.services.db, who, first) is None
    assert await contacts.find(bot.services.db, who, other) is not None
    assert has_handle(bot, user)  # still needed for the other purpose
    assert booking_status(bot, allowed[first], who) == "cancelled"
    assert waiting_messages(bot, allowed[first], who) == 0  # its reminders are gone
    assert booking_status(bot, allowed[other], who) == "booked"
    assert waiting_messages(bot, allowed[other], who) > 0
    shown = await my_data(user)
    [line] = [x for x in shown.content.splitlines() if x.startswith(LINE[first])]
    assert "(återkallat " in line
    assert shown.button_texts() == [LABEL[other]]

    assert await take_back(user, other, double_tap=True) == [None, TAKEN_ALREADY]
    assert active(bot, user) == {"participation"}
    assert not has_handle(bot, user)  # no purpose to write first is left
    assert booking_status(bot, allowed[other], who) == "cancelled"
    shown = await my_data(user)
    assert "• Kontakt senare: Nej" in shown.content
    assert shown.button_texts() == []


async def test_what_is_given_up_goes_to_the_first_person_waiting(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    user = await finished_with_both(bot, api)
    who = pseudonym(bot, user)
    interview, meeting = await book_an_interview_and_a_meeting(bot, who, seats=1)
    office = Office.of(bot.services)
    await add_reachable(bot.services.db, bot.services.secret, "someone-waiting", chat_id=7)
    event = await events.get(bot.services.db, meeting)
    assert event is not None
    assert (await booking.wait(office, event, "someone-waiting")).result == "waitlisted"
    assert await interview_booking.wait_for_time(office, "offer1", "someone-waiting")

    await take_back(user, "interview")
    told = rows(bot, "SELECT kind, event_id FROM outbox WHERE pseudonym = 'someone-waiting'")
    assert ("slot_free", interview) in [(r["kind"], r["event_id"]) for r in told]
    assert booking_status(bot, meeting, "someone-waiting") == "waitlisted"

    await take_back(user, "contact")
    assert booking_status(bot, meeting, "someone-waiting") == "booked"
    told = rows(bot, "SELECT kind, event_id FROM outbox WHERE pseudonym = 'someone-waiting'")
    assert ("promoted", meeting) in [(r["kind"], r["event_id"]) for r in told]


async def test_go_back_changes_nothing_and_a_stale_take_back_button_says_so(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    user = await finished_with_both(bot, api)
    told = "• Du har sagt ja till att vi skriver till dig om en intervju."
    mark = user.mark()
    await user.send_text("Hej igen")
    assert (
        told
        in (await user.wait_for_message("Hej igen! Så här ser det ut för dig:", after=mark)).content
    )
    shown = await my_data(user)
    mark = user.mark()
    await user.press(LABEL["interview"], message=shown)
    ask = await user.wait_for_message(lambda m: TAKE_BACK in m.button_texts(), after=mark)
    assert ask.content.startswith("Vill du ta tillbaka ditt ja till intervjuer?")
    await press_and_wait(user, "Nej, gå tillbaka", ask)
    await user.wait_for_message(lambda m: m is ask and m.content == "Bra. Ingenting har ändrats.")
    assert active(bot, user) == {"participation", "contact", "interview"}

    await take_back(user, "interview")
    # The /minadata message from before still shows the button: it says what happened.
    answered = len(user.callback_answers)
    await user.press(LABEL["interview"], message=shown)
    assert (await user.wait_for_callback_answer(after=answered))["text"] == TAKEN_ALREADY
    assert active(bot, user) == {"participation", "contact"}
    mark = user.mark()
    await user.send_text("Hej igen")
    assert told not in (await user.wait_for_message("Hej igen!", after=mark)).content


async def test_withdraw_takes_back_every_consent_including_interviews_and_quotes(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    user = await finished_with_both(bot, api)
    reply = await interview_consents.quote_question(bot.services, pseudonym(bot, user), "sv")
    assert reply is not None
    await send_as_bot(api, user.id, reply)
    asked = await user.wait_for_message(lambda m: "Ja, ni får citera mig" in m.button_texts())
    await press_and_wait(user, "Ja, ni får citera mig", asked)
    assert active(bot, user) == {"participation", "contact", "interview", "quote"}

    mark = user.mark()
    await user.send_command("/aterkalla")
    ask = await user.wait_for_message(lambda m: "Ja, återkalla" in m.button_texts(), after=mark)
    mark = user.mark()
    await user.press("Ja, återkalla", message=ask)
    await user.wait_for_message("Klart. Du har tagit tillbaka ditt ja.", after=mark)
    assert active(bot, user) == set()
    assert not await interview_consents.may_quote(bot.services.db, pseudonym(bot, user))
    assert (await my_data(user)).button_texts() == []


# --------------------------------------------------------------------------- quotes


async def test_the_quote_question_stores_its_text_version_and_can_be_taken_back(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    user = await finished_with_both(bot, api)
    who = pseudonym(bot, user)
    reply = await interview_consents.quote_question(bot.services, who, "sv")
    assert reply is not None
    assert reply.text == (
        "Får vi citera det du säger i intervjun i material till ett seminarium? "
        "Vi skriver aldrig ditt namn eller något som visar vem du är. Det går bra att säga nej."
    )
    await send_as_bot(api, user.id, reply)
    asked = await user.wait_for_message(lambda m: "Ja, ni får citera mig" in m.button_texts())
    assert asked.button_texts() == ["Ja, ni får citera mig", NO_THANKS["sv"]]

    answered = len(user.callback_answers)
    await user.press("Ja, ni får citera mig", message=asked)
    await user.press(NO_THANKS["sv"], message=asked)  # the first press answered
    taps = [await user.wait_for_callback_answer(after=answered + i) for i in range(2)]
    assert taps[1]["text"] == ALREADY["sv"]
    await user.wait_for_message(
        lambda m: m is asked and m.content.startswith("Du sa ja: vi får citera dig utan ditt namn.")
    )
    [given] = consents(bot, user, "quote")
    assert json.loads(given["choices"]) == {"quote": True, "version": QUOTE_VERSION}
    assert given["text_hash"] == interview_consents.text_hash(bot.services, (QUOTE_TEXT,), "sv")
    assert given["lang"] == "sv" and given["withdrawn_at"] is None
    assert await interview_consents.may_quote(bot.services.db, who)
    assert await interview_consents.quote_question(bot.services, who, "sv") is None

    shown = await my_data(user)
    assert LINE["quote"] in shown.content
    assert shown.button_texts() == [LABEL["contact"], LABEL["interview"], LABEL["quote"]]
    await take_back(user, "quote")
    assert not await interview_consents.may_quote(bot.services.db, who)
    assert active(bot, user) == {"participation", "contact", "interview"}  # the rest stays
    assert has_handle(bot, user)
    [line] = [x for x in (await my_data(user)).content.splitlines() if x.startswith(LINE["quote"])]
    assert "(återkallat " in line


async def test_a_no_to_quotes_stores_nothing_and_an_older_version_asks_again(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    user = await finished_with_both(bot, api)
    who = pseudonym(bot, user)
    reply = await interview_consents.quote_question(bot.services, who, "sv")
    assert reply is not None
    await send_as_bot(api, user.id, reply)
    asked = await user.wait_for_message(lambda m: "Ja, ni får citera mig" in m.button_texts())
    await press_and_wait(user, NO_THANKS["sv"], asked)
    await user.wait_for_message(
        lambda m: m is asked and m.content == "Du sa nej. Vi citerar dig inte."
    )
    assert consents(bot, user, "quote") == []

    # A button of a wording that has changed since: old, and the question comes again.
    answered = len(user.callback_answers)
    mark = user.mark()
    await user.press_data(asked.message_id, f"q:{QUOTE_VERSION - 1}:y")
    assert (await user.wait_for_callback_answer(after=answered))["text"] == OLD["sv"]
    again = await user.wait_for_message(
        lambda m: "Ja, ni får citera mig" in m.button_texts(), after=mark
    )
    assert again.content == reply.text
    assert consents(bot, user, "quote") == []


# The quote question's wording in every language, per text version: changing the wording
# means a new QUOTE_VERSION (and a line here), so a stored version names one wording.
QUOTE_WORDINGS = {1: "5df60d12ea492e35"}


def test_the_quote_text_version_changes_with_its_wording() -> None:
    texts = Translations.load(REPO / "locales")
    wording = [QUOTE_TEXT] + [texts.text(lang, QUOTE_TEXT) for lang in ("sv", "da")]
    fingerprint = hashlib.sha256("\x00".join(wording).encode()).hexdigest()[:16]
    assert QUOTE_WORDINGS.get(QUOTE_VERSION) == fingerprint, (
        "the quote question's wording changed: raise QUOTE_VERSION and add its fingerprint"
    )
