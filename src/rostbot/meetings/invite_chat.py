"""The coordinator's "Invite" in the chat: choose who, see how many, then send.

Pressing Invite never sends at once. It shows who would get the invitation (only people
who agreed to be contacted and have not withdrawn) and how many of them are new, with
one button per filter (questionnaire, unit, provider, language) that steps through the
values found among those people, and a Send button naming the number. The choice lives
in memory (Services.dialogues); after a restart, Send shows the choice again instead
of sending to a list the coordinator no longer sees.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from rostbot.core.meeting_model import Event
from rostbot.i18n import N_
from rostbot.journey import callback_data as cb
from rostbot.journey.services import Answer, Button, Person, Reply, Services
from rostbot.meetings import planning
from rostbot.meetings.office import Office

FILTERS = ("f", "u", "p", "l")  # questionnaire (flow), unit, provider, language
T = TypeVar("T")


@dataclass(frozen=True)
class InviteChoice:
    """The audience a coordinator is choosing for one event."""

    event_id: str
    audience: planning.Audience = field(default_factory=planning.Audience)


def _o(act: str, a: str = "-", b: str = "-") -> str:
    return cb.make("o", act, a, b)


def _next(values: Sequence[T], current: T) -> T:
    """The value after `current`, round again to the first."""
    if current not in values:
        return values[0]
    return values[(values.index(current) + 1) % len(values)]


async def _stepped(
    services: Services, event: Event, audience: planning.Audience, which: str
) -> planning.Audience:
    purpose = "interview" if event.is_slot else "contact"
    options = await planning.audience_options(Office.of(services), purpose)
    if which == "f":
        return replace(audience, flow=_next([None, *options.flows], audience.flow))
    if which == "u":
        return replace(audience, unit=_next([None, *options.units], audience.unit))
    if which == "p":
        return replace(audience, provider=_next([None, *options.providers], audience.provider))
    languages: list[tuple[str, ...]] = [()]
    if len(event.languages) > 1:
        languages += [(lang,) for lang in event.languages]
    return replace(audience, languages=_next(languages, audience.languages))


def _choice_of(services: Services, person: Person, event: Event) -> InviteChoice | None:
    """The coordinator's open choice for this event, if it survived (memory only)."""
    current = services.dialogues.get(services.pseudonym(person))
    if isinstance(current, InviteChoice) and current.event_id == event.event_id:
        return current
    return None


def _flow_name(services: Services, flow_id: str, lang: str) -> str:
    flow = services.flows.get(flow_id)
    return flow.staff_title(lang) if flow is not None else flow_id


def _language_name(services: Services, audience: planning.Audience, lang: str) -> str:
    names = {"sv": services.t(lang, "Swedish"), "da": services.t(lang, "Danish")}
    if not audience.languages:
        return services.t(lang, "same as the meeting")
    return ", ".join(names.get(code, code) for code in audience.languages)


async def _show(
    services: Services, event: Event, choice: InviteChoice, lang: str, answer: Answer, edit: bool
) -> None:
    office = Office.of(services)
    report = await planning.invite(office, event.event_id, choice.audience, dry_run=True)
    audience = choice.audience
    everyone = services.t(lang, "all")
    who = (
        # An interview goes only to people who said yes to hearing about interviews.
        N_(
            "Who gets the invitation to “{title}”? Only people who agreed to hear about "
            "interviews and have not withdrawn."
        )
        if event.is_slot
        else N_(
            "Who gets the invitation to “{title}”? Only people who agreed to be contacted "
            "and have not withdrawn."
        )
    )
    lines = [
        services.t(lang, who, title=event.title(lang)),
        "",
        services.t(
            lang,
            "Questionnaire: {value}",
            value=_flow_name(services, audience.flow, lang) if audience.flow else everyone,
        ),
        services.t(lang, "Unit: {value}", value=audience.unit or everyone),
        services.t(lang, "Provider: {value}", value=audience.provider or everyone),
        services.t(lang, "Language: {value}", value=_language_name(services, audience, lang)),
        "",
        services.t(
            lang,
            "They fit: {matching}. Not invited yet: {new}.",
            matching=report.matching,
            new=report.queued,
        ),
    ]
    e = event.event_id
    rows: list[tuple[Button, ...]] = [
        (
            Button(services.t(lang, "Questionnaire ↻"), _o("j", e, "f")),
            Button(services.t(lang, "Unit ↻"), _o("j", e, "u")),
        ),
        (
            Button(services.t(lang, "Provider ↻"), _o("j", e, "p")),
            Button(services.t(lang, "Language ↻"), _o("j", e, "l")),
        ),
    ]
    if report.queued:
        send = services.t(lang, "Send invitations: {count}", count=report.queued)
        rows.append((Button(send, _o("s", e)),))
    rows.append((Button(services.t(lang, "Back"), _o("e", e)),))
    answer.replies.append(Reply("\n".join(lines), tuple(rows), edit=edit))


async def open_choice(
    services: Services, person: Person, event: Event, lang: str, answer: Answer
) -> None:
    """Invite pressed: everyone who may be contacted, in the meeting's languages, to start."""
    choice = InviteChoice(event.event_id)
    services.dialogues[services.pseudonym(person)] = choice
    await _show(services, event, choice, lang, answer, edit=False)


async def step(
    services: Services, person: Person, event: Event, which: str, lang: str, answer: Answer
) -> None:
    """A filter button: the next value of that filter, and the numbers again.

    A filter with nothing else to step to says so in a toast, and leaves the screen as it is
    when the choice on it is the one in memory (the same screen again would change nothing
    the coordinator can see); after a restart the screen is shown again as well.
    """
    if which not in FILTERS:
        answer.toast = services.t(lang, "I do not understand that button.")
        return
    kept = _choice_of(services, person, event)
    current = kept or InviteChoice(event.event_id)
    choice = InviteChoice(event.event_id, await _stepped(services, event, current.audience, which))
    services.dialogues[services.pseudonym(person)] = choice
    if choice == current:
        answer.toast = (
            services.t(lang, "Nothing else to choose: the meeting is in one language.")
            if which == "l"
            else services.t(
                lang, "Nothing else to choose: nobody who may be contacted has another value here."
            )
        )
        if kept is not None:
            return
    await _show(services, event, choice, lang, answer, edit=True)


async def send(services: Services, person: Person, event: Event, lang: str, answer: Answer) -> None:
    """Send to the audience on screen; a choice lost in a restart is shown again instead."""
    current = _choice_of(services, person, event)
    if current is None:
        answer.toast = services.t(lang, "Please check the choice again.")
        await open_choice(services, person, event, lang, answer)
        return
    services.dialogues.pop(services.pseudonym(person), None)
    report = await planning.invite(Office.of(services), event.event_id, current.audience)
    services.outbox_ready.set()
    answer.replies.append(
        Reply(
            services.t(
                lang,
                N_(
                    "Invitations on their way: {queued}. Invited or booked before: {already}. "
                    "People who may be contacted about interviews: {reachable}."
                )
                if event.is_slot
                else N_(
                    "Invitations on their way: {queued}. Invited or booked before: {already}. "
                    "People who may be contacted: {reachable}."
                ),
                queued=report.queued,
                already=report.already,
                reachable=report.reachable,
            ),
            edit=True,
        )
    )
