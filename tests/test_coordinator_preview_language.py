"""Before saving, a coordinator sees the invitation in the meeting's language, whatever
language the coordinator's own chat is in."""

from __future__ import annotations

from meeting_steps import FakeClock, meeting_bot, say, tap
from rostbot.config import Settings
from rostbot.sandbox.botapi import SandboxBotApi


async def test_a_swedish_coordinator_previews_a_danish_meeting_in_danish(
    api: SandboxBotApi, settings: Settings
) -> None:
    kim = api.user(first_name="Kim", language_code="sv")
    clock = FakeClock()
    year = clock.now.year + 1
    async with meeting_bot(api, settings, clock, coordinators=frozenset({kim.id})):
        mark = kim.mark()
        await kim.send_command("/samordnare")
        await kim.wait_for_message(lambda m: "Nytt möte" in m.button_texts(), after=mark)
        await tap(kim, "Nytt möte", "Fokusgrupp")
        await tap(kim, "Fokusgrupp", "Vilket språk")
        await tap(kim, "Dansk", "Skriv rubriken")
        await say(kim, "Samtale om støtten", "kort beskrivning")
        await tap(kim, "Hoppa över", "dagordningen")
        await say(kim, "Velkommen", "När börjar")
        await say(kim, f"20/10-{year} 10.00", "Hur länge")
        await tap(kim, "3 h", "Skriv adressen")
        await say(kim, "Vestergade 2, Odense", "Hur tar man sig dit")
        await tap(kim, "Hoppa över", "Tillgänglighet")
        await tap(kim, "Hoppa över", "Hur många platser")
        await say(kim, "5", "Vem leder mötet")
        await say(kim, "Brugerrådet", "Ett möte")
        mark = kim.mark()
        preview = await tap(kim, "Ett möte", "Spara")
        assert preview.content.startswith("Invitation til en fokusgruppe: Samtale om støtten")
        assert "Inbjudan" not in preview.content
        assert any("Så här kommer det att se ut" in m.content for m in kim.inbox[mark:])
        await tap(kim, "Spara", "Sparat: 1 möte.", message=preview)
