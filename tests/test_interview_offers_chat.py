"""Coordinators make interview offers in the chat, through the sandbox Bot API and the real
bot: a bilingual offer in person cut from a window, previewed in both languages, saved,
shown as one line among the meetings and sent only to people who agreed to hear about
interviews; a Danish phone offer at listed times; bad times and a plain http link
answered in Swedish, with every earlier answer kept."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from conftest import RunningBot
from interview_steps import ROLE, in_days, interview_user
from meeting_steps import (
    FakeClock,
    meeting_bot,
    outbox_settled,
    plan,
    reachable_user,
    say,
    tap,
    tap_in_place,
)
from rostbot.config import Settings
from rostbot.core.meeting_model import Event
from rostbot.meetings import interview_plan, planning
from rostbot.meetings.interview_draft import InterviewDraft, Problem, give
from rostbot.meetings.office import Office
from rostbot.sandbox.botapi import SandboxBotApi
from rostbot.sandbox.people import BotMessage, SandboxUser
from rostbot.store import events

SAVE = {"sv": "Spara", "da": "Gem"}


def day_text(moment: datetime, clock: str = "") -> str:
    """'8/12-2026 9.00' as a coordinator types it (with the year: never read as next year)."""
    return f"{moment.day}/{moment.month}-{moment.year} {clock or f'{moment:%H.%M}'}"


async def stored(bot: RunningBot) -> list[Event]:
    """Every event in the store, as the bot reads them, soonest first."""
    return await events.listed(bot.services.db, ending_after=None)


def local(event: Event, tz: str) -> str:
    return event.starts_at.astimezone(ZoneInfo(tz)).strftime("%d/%m %H:%M")


KEPT = {"sv": "Dina tidigare svar finns kvar.", "da": "Dine tidligere svar er gemt."}


async def refused(
    kim: SandboxUser, text: str, problem: str, question: str, lang: str = "sv"
) -> str:
    """Type `text`: the problem is told, then the same question comes again (waited for,
    so the next press is on its buttons); the problem's message."""
    mark = kim.mark()
    await kim.send_text(text)
    await kim.wait_for_message(lambda m: question in m.content, after=mark)
    [told] = [m.content for m in kim.inbox[mark:] if problem in m.content]
    assert told.endswith(KEPT[lang])
    return told


async def open_menu(kim: SandboxUser, command: str = "/samordnare") -> BotMessage:
    mark = kim.mark()
    await kim.send_command(command)
    return await kim.wait_for_message(lambda m: len(m.button_texts()) > 3, after=mark)


async def test_a_bilingual_offer_in_person_from_a_window_is_previewed_saved_listed_and_sent(
    api: SandboxBotApi, settings: Settings
) -> None:
    kim = api.user(first_name="Kim", language_code="sv")
    clock = FakeClock()
    nine = in_days(clock, 3, 9)
    async with meeting_bot(api, settings, clock, coordinators=frozenset({kim.id})) as bot:
        office = Office.of(bot.services)
        await planning.create(office, plan(start=in_days(clock, 4, 10)))  # a focus group too
        menu = await open_menu(kim)
        await tap(kim, "Nytt intervjuerbjudande", "Vilket språk är intervjun på?", message=menu)
        await tap(kim, "Båda", "Skriv intervjuns rubrik (på svenska)")
        await say(kim, "Hur var stödet?", "Skriv intervjuns rubrik (på danska)")
        await say(kim, "Hvordan var støtten?", "Vad handlar intervjun om (på svenska)")
        await say(kim, "Vi vill höra hur du upplevde kontakten med oss.", "(på danska)")
        await tap(kim, "Hoppa över", "Hur går intervjun till?")
        await tap(kim, "På plats", "Var är intervjun?")
        await say(kim, "Storgatan 1, Lund", "Hur hittar personen dit (på svenska)")
        await say(kim, "Ingång B", "Hur hittar personen dit (på danska)")
        await say(kim, "Indgang B", "Tillgänglighet (på svenska)")
        await tap(kim, "Hoppa över", "Tillgänglighet (på danska)")
        await tap(kim, "Hoppa över", "Vem intervjuar (på svenska)")
        await say(kim, ROLE["sv"], "Vem intervjuar (på danska)")
        await say(kim, ROLE["da"], "Spelas samtalet in?")
        # buttons only: the invitation must say
        await refused(kim, "ja", "Använd knapparna", "Spelas samtalet in?")
        await tap(kim, "Ja, det spelas in", "Hur lång är varje intervju?")
        await tap(kim, "45 min", "Vilka tider?")

        # A past time and overlapping times: told why, asked again, nothing lost.
        yesterday = in_days(clock, -1, 10)
        await refused(kim, day_text(yesterday), "har redan passerat", "Vilka tider?")
        overlap = f"{day_text(nine, '10.00')}, {day_text(nine, '10.30')}"
        clash = await refused(kim, overlap, "De här tiderna krockar", "Vilka tider?")
        assert "En intervjuare träffar en person i taget." in clash
        short = day_text(nine, "9.00-9.30")
        await refused(kim, short, "är kortare än en intervju", "Vilka tider?")
        await say(kim, day_text(nine, "9.00-11.45"), "Hur lång paus")
        mark = kim.mark()
        preview = await tap(kim, "15 min", SAVE["sv"])
        shown = [m.content for m in kim.inbox[mark:]]
        assert shown[0] == "Så här kommer det att se ut för deltagarna:"
        swedish, danish = shown[1], shown[2]
        assert swedish.startswith("Inbjudan till en intervju: Hur var stödet?")
        assert "Vi vill höra hur du upplevde kontakten med oss." in swedish
        assert "Var: Storgatan 1, Lund" in swedish and "Så hittar du dit: Ingång B" in swedish
        assert f"Vem du pratar med: {ROLE['sv']}" in swedish
        assert "Vi spelar in ljudet av samtalet" in swedish
        assert "3 tider är lediga." in swedish
        assert danish.startswith("Invitation til et interview: Hvordan var støtten?")
        assert "Sådan finder du derhen: Indgang B" in danish
        assert f"Hvem du taler med: {ROLE['da']}" in danish
        assert "3 tider er ledige." in danish
        assert "Inbjudan" not in danish and "Vi vill höra" not in danish  # no about in Danish
        assert preview.content.startswith("3 tider på 45 minuter var:")
        assert preview.content.endswith(": 09:00, 10:00, 11:00")
        assert preview.button_texts() == ["Spara", "Börja om", "Avbryt"]

        card = await tap(kim, "Spara", "Bjud in", message=preview)
        assert any(
            "Sparat: ett intervjuerbjudande med 3 tider." in m.content for m in kim.inbox[mark:]
        )
        assert "Lediga tider: 3" in card.content and "Nästa tid: " in card.content
        assert card.button_texts() == ["Bjud in", "Dagsvy", "Möten"]
        made = [e for e in await stored(bot) if e.kind == "interview"]
        assert [local(e, "Europe/Stockholm")[-5:] for e in made] == ["09:00", "10:00", "11:00"]
        assert {(e.series_kind, e.capacity, e.minutes) for e in made} == {("slots", 1, 45)}
        assert len({e.series_id for e in made}) == 1
        assert made[0].details.place.directions == {"sv": "Ingång B", "da": "Indgang B"}
        assert made[0].details.recorded and made[0].details.mode == "in_person"

        # The meeting list: one line for the offer, one for the focus group.
        menu = await open_menu(kim)
        listing = await tap(kim, "Möten", "Intervju: Hur var stödet?", message=menu)
        lines = listing.button_texts()
        assert lines[0] == "Intervju: Hur var stödet? · 3 tider, 0 bokade"
        assert len(lines) == 2 and "Samtal om stödet" in lines[1]
        card = await tap(kim, lines[0], "Lediga tider: 3", message=listing)

        # Invite: only people who agreed to hear about interviews, each in their language.
        anna = await interview_user(api, bot, name="Anna")
        dorte = await interview_user(api, bot, name="Dorte", lang="da")
        only_meetings = await reachable_user(api, bot, name="Dora")
        choice = await tap(kim, "Bjud in", "Skicka inbjudningar: 2", message=card)
        card = await tap(kim, "Tillbaka", "Lediga tider: 3", message=choice)  # the offer's card
        choice = await tap(kim, "Bjud in", "Skicka inbjudningar: 2", message=card)
        assert "Bara personer som har sagt ja till att höra om intervjuer" in choice.content
        report = await tap_in_place(
            kim, "Skicka inbjudningar: 2", "Inbjudningar på väg: 2.", choice
        )
        assert report.message_id == choice.message_id
        assert "Personer som får kontaktas om intervjuer: 2." in report.content
        await outbox_settled(bot)
        assert only_meetings.inbox == []
        [invitation] = anna.inbox
        assert invitation.content == swedish
        assert dorte.inbox[0].content == danish
        assert invitation.button_texts() == ["Välj en tid", "Inte den här gången"]

        # The card's day view is the interviewer's day.
        menu = await open_menu(kim)
        listing = await tap(kim, "Möten", "Intervju: Hur var stödet?", message=menu)
        card = await tap(kim, lines[0], "Lediga tider: 3", message=listing)
        day = await tap(kim, "Dagsvy", "Intervjuer ", message=card)
        assert "09:00–09:45 · ledig" in day.content


async def test_a_danish_phone_offer_at_listed_times(api: SandboxBotApi, settings: Settings) -> None:
    kim = api.user(first_name="Kim", language_code="da")
    clock = FakeClock()
    first, second = in_days(clock, 5, 10), in_days(clock, 6, 9)
    async with meeting_bot(api, settings, clock, coordinators=frozenset({kim.id})) as bot:
        menu = await open_menu(kim, "/koordinator")
        await tap(kim, "Nyt interviewtilbud", "Hvilket sprog", message=menu)
        await tap(kim, "Dansk", "Skriv interviewets titel (på dansk)")
        await say(kim, "Hvordan var støtten?", "Hvad handler interviewet om (på dansk)")
        await tap(kim, "Spring over", "Hvordan foregår interviewet?")
        await tap(kim, "Pr. telefon", "Hvem interviewer (på dansk)")  # no address asked
        await say(kim, ROLE["da"], "Bliver samtalen optaget?")
        await tap(kim, "Nej, den bliver ikke optaget", "Hvor langt er hvert interview?")
        await refused(kim, "en time", "Skriv længden i minutter", "Hvor langt", "da")
        await say(kim, "1 t", "Hvilke tider?")
        await refused(kim, "i morgen", "Jeg kan ikke læse “i morgen”", "Hvilke tider?", "da")
        times = f"{day_text(first)}, {day_text(first, '13.00')}\n{day_text(second, '9.30')}"
        mark = kim.mark()
        preview = await say(kim, times, SAVE["da"])  # no window: no question about breaks
        [heading, invitation] = [m.content for m in kim.inbox[mark:-1]]
        assert heading == "Sådan kommer det til at se ud for deltagerne:"
        assert invitation.startswith("Invitation til et interview: Hvordan var støtten?")
        assert "Hvordan: over telefonen. Intervieweren ringer til dig." in invitation
        assert "Hvor:" not in invitation
        assert preview.content.startswith("3 tider på 1 time hver:")
        await tap(kim, "Gem", "Gemt: et interviewtilbud med 3 tider.", message=preview)
        made = await stored(bot)
        assert [local(e, "Europe/Copenhagen") for e in made] == [
            f"{first:%d/%m} 10:00",
            f"{first:%d/%m} 13:00",
            f"{second:%d/%m} 09:30",
        ]
        assert {(e.tz, e.minutes, e.series_kind) for e in made} == {
            ("Europe/Copenhagen", 60, "slots")
        }
        assert made[0].details.mode == "phone" and not made[0].details.recorded
        assert made[0].details.place.address == ""


async def test_a_plain_http_link_and_a_time_passed_before_saving_lose_nothing(
    api: SandboxBotApi, settings: Settings
) -> None:
    kim = api.user(first_name="Kim", language_code="sv")
    clock = FakeClock()
    soon = clock.now.astimezone(ZoneInfo("Europe/Stockholm")) + timedelta(hours=3)
    soon = soon.replace(minute=0, second=0, tzinfo=None)
    later = in_days(clock, 2, 14)
    async with meeting_bot(api, settings, clock, coordinators=frozenset({kim.id})) as bot:
        menu = await open_menu(kim)
        await tap(kim, "Nytt intervjuerbjudande", "Vilket språk", message=menu)
        await tap(kim, "Svenska", "Skriv intervjuns rubrik (på svenska)")
        await say(kim, "Hur var stödet?", "Vad handlar intervjun om")
        await tap(kim, "Hoppa över", "Hur går intervjun till?")
        await tap(kim, "Med video", "Skriv länken till videomötet")
        link = "Skriv länken till videomötet"
        await refused(kim, "http://meet.example.se/abc", "Länken ska börja med https://", link)
        await say(kim, "https://meet.example.se/abc", "Vem intervjuar (på svenska)")
        await say(kim, "Anna, samordnare", "Spelas samtalet in?")
        await tap(kim, "Nej, det spelas inte in", "Hur lång är varje intervju?")
        await tap(kim, "1 h", "Vilka tider?")
        mark = kim.mark()
        preview = await say(kim, day_text(soon), "Spara")
        invitation = kim.inbox[mark + 1].content
        assert "Hur: med video. Du får länken när du har bokat en tid." in invitation
        assert "meet.example.se" not in invitation  # the link goes only to the person booked

        # The time passes while the preview is open: Save asks for the times again only.
        clock.advance(timedelta(hours=4))
        mark = kim.mark()
        await tap(kim, "Spara", "Vilka tider?", message=preview)
        [again] = [m.content for m in kim.inbox[mark:] if "Kontrollera tiderna" in m.content]
        assert "Dina andra svar finns kvar." in again
        assert await stored(bot) == []
        preview = await say(kim, day_text(later), "Spara")
        await tap(kim, "Spara", "Sparat: ett intervjuerbjudande med 1 tid.", message=preview)
        [made] = await stored(bot)
        assert made.details.link == "https://meet.example.se/abc"
        assert made.details.mode == "video" and made.title("sv") == "Hur var stödet?"
        assert made.leader("sv") == "Anna, samordnare"
        assert local(made, "Europe/Stockholm") == f"{later:%d/%m} 14:00"


def test_the_draft_asks_only_what_the_way_of_meeting_needs() -> None:
    draft = InterviewDraft("Europe/Copenhagen", {"languages": "both", "mode": "phone"})
    steps = draft.steps()
    assert "address" not in steps and "link" not in steps and "directions_sv" not in steps
    assert steps[-4:] == ["recorded", "length", "times", "confirm"]
    draft.answers["mode"] = "video"
    assert "link" in draft.steps() and "address" not in draft.steps()
    draft.answers["mode"] = "in_person"
    assert draft.steps()[6:9] == ["address", "directions_sv", "directions_da"]
    assert draft.tz == "Europe/Copenhagen"  # both languages: the service's zone


def test_times_and_windows_are_read_one_per_line_and_checked() -> None:
    clock = FakeClock()
    day = in_days(clock, 3, 9)
    answers = {"languages": "sv", "title_sv": "x", "about_sv": "", "mode": "phone"}
    answers |= {"interviewer_sv": "y", "recorded": "no", "length": "45"}

    def given(text: str) -> tuple[InterviewDraft, Problem | None]:
        draft = InterviewDraft("Europe/Stockholm", dict(answers))
        return draft, give(draft, "times", text, pressed=False, now=clock.now)

    draft, problem = given(f"{day_text(day, '9.00-11.45')}\n{day_text(day, '13.00')}")
    assert problem is None and draft.current() == "gap"
    assert give(draft, "gap", "15", pressed=True, now=clock.now) is None
    starts = interview_plan.check(draft.plan(), clock.now)[1]
    local_starts = [s.astimezone(ZoneInfo("Europe/Stockholm")).hour for s in starts]
    assert local_starts == [9, 10, 11, 13]
    draft, problem = given(f"{day_text(day, '10.00')}, {day_text(day, '14.00')}")
    assert problem is None and draft.current() == "confirm"  # no window: no break asked
    assert given("")[1] == Problem("empty")
    for text, key in [
        ("sometime", "not_a_time"),
        (day_text(in_days(clock, -2, 9)), "in_the_past"),
        (day_text(day, "12.00-9.00"), "window_backwards"),
        (day_text(day, "9.00-9.30"), "window_too_short"),
        (f"{day_text(day, '9.00-12.00')}\n{day_text(day, '11.30')}", "overlap"),
        (day_text(day, "0.00-23.59"), "ok"),
    ]:
        problem = given(text)[1]
        assert (problem.key if problem else "ok") == key, text
    many = "\n".join(day_text(in_days(clock, 3 + n, 0), "0.00-23.00") for n in range(8))
    assert given(many)[1] == Problem("too_many", "200")
