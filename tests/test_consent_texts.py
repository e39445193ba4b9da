"""What the consent dialogue must tell a person, in both languages, and that it stays told.

The checklist maps each required point to the message that says it and to words its
Swedish and Danish translations must hold. Each point is checked twice: in the
catalogs, and in what the real bot shows through the sandbox Bot API (the short
consent before the yes, plus "read more").
"""

from __future__ import annotations

import dataclasses

import pytest

from conftest import FLOWS, RunningBot
from journey_steps import wait_question
from rostbot.config import Settings
from rostbot.core.flow_loader import load_flow_file
from rostbot.core.flow_time import estimated_minutes
from rostbot.i18n import Translations
from rostbot.journey import consent
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import BotMessage, SandboxUser

DPO = "dataskyddsombud@testkommunen.example"

# Texts with a number in them (singular msgid, plural msgid), as consent.py asks for them.
QUESTIONS = ("There is {count} question.", "There are {count} questions.")
MINUTES = ("It takes about {count} minute.", "It takes about {count} minutes.")
KEPT = (
    "We keep your answers for at most {count} month.",
    "We keep your answers for at most {count} months.",
)

# point: (msgid that says it, {language: words its translation and the shown text hold})
CHECKLIST: dict[str, tuple[str | tuple[str, str], dict[str, str]]] = {
    "voluntary": (consent.CONSENT_PARTS[1], {"sv": "frivilligt", "da": "frivilligt"}),
    "never affects your case": (
        consent.CONSENT_PARTS[1],
        {"sv": "påverkar aldrig ditt ärende", "da": "påvirker aldrig din sag"},
    ),
    "who is responsible": (
        consent.CONSENT_PARTS[0],
        {"sv": "ansvarar för dina uppgifter", "da": "har ansvaret for dine oplysninger"},
    ),
    "Telegram can read the chat": (
        consent.CONSENT_PARTS[2],
        {"sv": "Telegram kan läsa det som står", "da": "Telegram kan læse det, der står"},
    ),
    "the chat stays on the phone": (
        consent.CONSENT_PARTS[2],
        {"sv": "Chatten finns kvar i din telefon", "da": "Chatten bliver på din telefon"},
    ),
    "answers locked": (
        consent.CONSENT_PARTS[3],
        {"sv": "låses dina svar med en kod direkt", "da": "låst med det samme"},
    ),
    "group-only reporting": (
        consent.CONSENT_PARTS[3],
        {"sv": "bara resultat för grupper", "da": "kun resultater for grupper"},
    ),
    "how long kept": (
        KEPT,
        {"sv": "Vi sparar dina svar i högst", "da": "Vi gemmer dine svar i højst"},
    ),
    "rights in the chat": (
        consent.CONSENT_PARTS[4],
        {"sv": "se, återkalla eller radera", "da": "se, trække tilbage eller slette"},
    ),
    "right to object": (
        consent.READ_MORE_POINTS[-1],
        {"sv": "invända mot hur vi använder", "da": "gøre indsigelse mod, hvordan vi bruger"},
    ),
    "complaint to the supervisory authority": (
        consent.READ_MORE_COMPLAINT,
        {"sv": "Du kan klaga hos", "da": "Du kan klage til"},
    ),
    "data protection officer": (
        consent.READ_MORE_DPO,
        {"sv": "Vårt dataskyddsombud", "da": "Vores databeskyttelsesrådgiver"},
    ),
    "number of questions": (
        QUESTIONS,
        {"sv": "Det är", "da": "Der er"},
    ),
    "minutes": (
        MINUTES,
        {"sv": "Det tar ungefär", "da": "Det tager cirka"},
    ),
}

# Texts with a number: (singular msgid, plural msgid) -> {language: (for 1, for 3)}.
COUNTED: dict[tuple[str, str], dict[str, tuple[str, str]]] = {
    QUESTIONS: {
        "sv": ("Det är 1 fråga.", "Det är 3 frågor."),
        "da": ("Der er 1 spørgsmål.", "Der er 3 spørgsmål."),
    },
    MINUTES: {
        "sv": ("Det tar ungefär 1 minut.", "Det tar ungefär 3 minuter."),
        "da": ("Det tager cirka 1 minut.", "Det tager cirka 3 minutter."),
    },
    KEPT: {
        "sv": ("i högst 1 månad.", "i högst 3 månader."),
        "da": ("i højst 1 måned.", "i højst 3 måneder."),
    },
}

YES = {"sv": "Ja, jag vill vara med", "da": "Ja, jeg vil være med"}
NO_THANKS = {"sv": "Nej tack", "da": "Nej tak"}
READ_MORE = {"sv": "Läs mer", "da": "Læs mere"}
SAID = {"sv": "✓ Du sa: ", "da": "✓ Du sagde: "}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, dpo=DPO, privacy_url="https://testkommunen.example/data")


@pytest.mark.parametrize("lang", ["sv", "da"])
def test_every_required_point_is_in_the_translations(lang: str) -> None:
    texts = Translations.load()
    for point, (msgid, words) in CHECKLIST.items():
        assert texts.has(lang, msgid), (point, msgid)
        shown = (
            texts.plural(lang, *msgid, 3) if isinstance(msgid, tuple) else texts.text(lang, msgid)
        )
        assert words[lang] in shown, (lang, point)


@pytest.mark.parametrize("lang", ["sv", "da"])
def test_a_count_of_one_reads_in_the_singular(lang: str) -> None:
    texts = Translations.load()
    for (singular, plural), expected in COUNTED.items():
        one, three = expected[lang]
        assert texts.plural(lang, singular, plural, 1).endswith(one), (lang, singular)
        assert texts.plural(lang, singular, plural, 3).endswith(three), (lang, singular)


async def _consent_and_notice(
    user: SandboxUser, code: str, lang: str
) -> tuple[list[BotMessage], BotMessage]:
    """The messages before the yes, and the "read more" notice."""
    mark = user.mark()
    await user.send_command("/start", code)
    last = await user.wait_for_message(lambda m: YES[lang] in m.button_texts(), after=mark)
    short = user.inbox[mark : user.inbox.index(last) + 1]
    mark = user.mark()
    await user.press(READ_MORE[lang], message=last)
    notice = await user.wait_for_message(lambda m: YES[lang] in m.button_texts(), after=mark)
    return short, notice


@pytest.mark.parametrize("lang", ["sv", "da"])
async def test_the_consent_and_read_more_state_every_point_before_the_yes(
    api: SandboxBotApi, bot: RunningBot, lang: str
) -> None:
    [code] = await bot.invite("income_support_followup")
    user = api.user(language_code=lang)
    short, notice = await _consent_and_notice(user, code, lang)
    shown = "\n".join(m.text or "" for m in [*short, notice])
    for point, (_msgid, words) in CHECKLIST.items():
        assert words[lang] in shown, (lang, point)
    # The short consent alone holds what a person must know before saying yes.
    before_more = "\n".join(m.text or "" for m in short)
    for point in ("voluntary", "Telegram can read the chat", "the chat stays on the phone"):
        assert CHECKLIST[point][1][lang] in before_more, (lang, point)
    flow = load_flow_file(FLOWS / "income_support_followup.yaml")
    count, minutes = len(flow.questions), estimated_minutes(flow, lang)
    length = {
        "sv": f"Det är {count} frågor. Det tar ungefär {minutes} minuter.",
        "da": f"Der er {count} spørgsmål. Det tager cirka {minutes} minutter.",
    }
    assert length[lang] in before_more
    # Organisation settings appear in "read more".
    notice_text = notice.text or ""
    assert DPO in notice_text
    assert "Integritetsskyddsmyndigheten (IMY), imy.se" in notice_text
    assert "https://testkommunen.example/data" in notice_text
    assert "dataskydd@testkommunen.example" in notice_text  # where to object


async def test_saying_yes_on_the_notice_keeps_the_notice_and_adds_the_choice(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    [code] = await bot.invite("income_support_followup")
    user = api.user(language_code="sv")
    _short, notice = await _consent_and_notice(user, code, "sv")
    before = notice.text or ""
    mark = user.mark()
    await user.press(YES["sv"], message=notice)
    await user.wait_for_message(lambda m: "Ja" in m.button_texts(), after=mark)
    stored = user.bot_message(notice.message_id)  # as the Bot API now holds it
    assert stored is not None and stored.text is not None
    assert stored.text == before + "\n\n" + SAID["sv"] + YES["sv"]
    assert stored.button_texts() == []


@pytest.mark.parametrize("lang", ["sv", "da"])
async def test_yes_no_thanks_and_age_no_keep_what_was_asked(
    api: SandboxBotApi, bot: RunningBot, lang: str
) -> None:
    [first_code, second_code] = await bot.invite("meeting_feedback", count=2)
    user = api.user(language_code=lang)
    mark = user.mark()
    await user.send_command("/start", first_code)
    last = await user.wait_for_message(lambda m: YES[lang] in m.button_texts(), after=mark)
    rights = last.text or ""
    mark = user.mark()
    await user.press(YES[lang], message=last)
    age = await user.wait_for_message(lambda m: "Nej" in m.button_texts(), after=mark)
    assert user.bot_message(last.message_id).text == rights + "\n\n" + SAID[lang] + YES[lang]  # type: ignore[union-attr]
    asked = age.text or ""
    mark = user.mark()
    await user.press("Nej", message=age)
    await user.wait_for_message(lambda m: "13" in (m.text or ""), after=mark)
    assert user.bot_message(age.message_id).text == asked + "\n\n" + SAID[lang] + "Nej"  # type: ignore[union-attr]

    other = api.user(language_code=lang)
    mark = other.mark()
    await other.send_command("/start", second_code)
    last = await other.wait_for_message(lambda m: YES[lang] in m.button_texts(), after=mark)
    rights = last.text or ""
    mark = other.mark()
    await other.press(NO_THANKS[lang], message=last)
    await other.wait_for_message(lambda m: m.message_id != last.message_id, after=mark)
    said = other.bot_message(last.message_id)
    assert said is not None and said.text == rights + "\n\n" + SAID[lang] + NO_THANKS[lang]


@pytest.mark.parametrize(("lang", "yes"), [("sv", "Ja"), ("da", "Ja")])
async def test_a_danish_rules_flow_asks_for_fifteen_in_every_language(
    api: SandboxBotApi, bot: RunningBot, lang: str, yes: str
) -> None:
    assert bot.settings.country == "se"  # the organisation is Swedish; the flow is not
    [code] = await bot.invite("rehab_job_dk")
    user = api.user(language_code=lang)
    mark = user.mark()
    await user.send_command("/start", code)
    await user.wait_for_message(lambda m: YES[lang] in m.button_texts(), after=mark)
    mark = user.mark()
    await user.press(YES[lang])
    age = await user.wait_for_message(lambda m: yes in m.button_texts(), after=mark)
    assert age.text == {"sv": "Är du 15 år eller äldre?", "da": "Er du 15 år eller ældre?"}[lang]
    mark = user.mark()
    await user.press(yes, message=age)
    await wait_question(user, mark)


async def test_the_one_message_consent_is_only_for_people_who_said_yes_before(
    api: SandboxBotApi, bot: RunningBot
) -> None:
    # A button of the short after-meeting consent, pressed by someone who never said
    # yes to being contacted (a forged button, or one who withdrew): the whole consent.
    [code] = await bot.invite("meeting_feedback")
    user = api.user(language_code="sv")
    mark = user.mark()
    await user.send_command("/start")
    about = await user.wait_for_message(after=mark)
    mark = user.mark()
    await user.press_data(about.message_id, f"c:sv:q:{code}")
    last = await user.wait_for_message(lambda m: YES["sv"] in m.button_texts(), after=mark)
    shown = "\n".join(m.text or "" for m in user.inbox[mark:])
    assert "Telegram kan läsa det som står" in shown and "frivilligt" in shown
    assert not any("Fråga 1 av" in (m.text or "") for m in user.inbox)
    assert last.button_texts()[0] == YES["sv"]
