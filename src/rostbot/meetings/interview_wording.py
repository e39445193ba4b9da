"""What people read about an interview: the invitation, the booked time, reminders and
the note that a time is free, in sv or da.

The invitation always says how long the talk is, what it is about, how it is held,
who interviews, whether it is recorded, that it is voluntary, that it never affects the
person's case, and that they may stop at any time. The video link is never in an
invitation: only the person booked gets it, with their time and in the reminder.
"""

from __future__ import annotations

from babel.dates import format_date, format_time

from rostbot.core.meeting_model import Event
from rostbot.i18n import N_
from rostbot.journey.services import Services
from rostbot.meetings import wording

VOLUNTARY = N_("Taking part is voluntary. It never affects your case or the help you get.")
MAY_STOP = N_("You may stop the interview at any time. You do not have to say why.")
RECORDED = N_(
    "We record the sound of the talk, so that nothing is lost. Only the people who analyse "
    "the interviews listen to it."
)
NOT_RECORDED = N_("We do not record the talk. The interviewer writes notes.")
HOW = {
    "in_person": N_("Where: {address}"),
    "phone": N_("How: by phone. The interviewer calls you."),
    "video": N_("How: by video. You get the link when you have booked a time."),
}


def _how(services: Services, event: Event, lang: str) -> list[str]:
    t = services.t
    mode = event.details.mode
    if mode != "in_person":
        return [t(lang, HOW.get(mode, HOW["phone"]))]
    lines = [t(lang, HOW["in_person"], address=event.details.place.address)]
    if event.directions(lang):
        lines.append(t(lang, "How to get there: {directions}", directions=event.directions(lang)))
    if event.accessibility(lang):
        lines.append(t(lang, "Accessibility: {note}", note=event.accessibility(lang)))
    return lines


def recording(services: Services, event: Event, lang: str) -> str:
    return services.t(lang, RECORDED if event.details.recorded else NOT_RECORDED)


def invitation(services: Services, event: Event, lang: str, free: int) -> str:
    """The invitation to an offer (`event` is any of its times)."""
    t = services.t
    lines = [f"{t(lang, wording.KIND_INVITATION['interview'])}: {event.title(lang)}"]
    if event.description(lang):
        lines += ["", event.description(lang)]
    lines += [
        "",
        t(lang, "How long: about {duration}", duration=wording.duration(event.minutes, lang)),
        *_how(services, event, lang),
        t(lang, "Who talks with you: {leader}", leader=event.leader(lang)),
        recording(services, event, lang),
        "",
        t(lang, VOLUNTARY),
        t(lang, MAY_STOP),
        "",
    ]
    if free:
        lines.append(
            services.tn(
                lang,
                "{count} time is free. Choose one that suits you.",
                "{count} times are free. Choose one that suits you.",
                free,
            )
        )
    else:
        lines.append(t(lang, "All times are taken right now."))
    return "\n".join(lines)


def booked_details(services: Services, event: Event, lang: str) -> str:
    """What the person needs for the day: when, how (with the link), and the right to stop."""
    t = services.t
    lines = [t(lang, "When: {when}", when=wording.when(event, lang))]
    if event.details.mode == "video":
        lines.append(t(lang, "The link to the video call: {link}", link=event.details.link))
    else:
        lines += _how(services, event, lang)
    lines += [t(lang, "Who talks with you: {leader}", leader=event.leader(lang)), t(lang, MAY_STOP)]
    return "\n".join(lines)


def reminder(services: Services, event: Event, lang: str) -> str:
    lines = [
        services.t(lang, "Reminder: your interview “{title}”", title=event.title(lang)),
        "",
        booked_details(services, event, lang),
        "",
        services.t(lang, "If the time does not suit you, you can change it or cancel."),
    ]
    return "\n".join(lines)


def calendar_description(services: Services, event: Event, lang: str) -> str:
    """Inside the calendar file: what it is about, how it is held, the right to stop."""
    lines = [event.description(lang)] if event.description(lang) else []
    if event.details.mode == "video":
        lines.append(
            services.t(lang, "The link to the video call: {link}", link=event.details.link)
        )
    elif event.details.mode == "phone":
        lines.append(services.t(lang, HOW["phone"]))
    lines.append(recording(services, event, lang))
    lines.append(services.t(lang, MAY_STOP))
    return "\n".join(lines)


def time_label(event: Event, lang: str) -> str:
    """A button's words for one time: 'tis 8 dec. kl. 10:00'."""
    start = event.local_start
    day = format_date(start, "EEE d MMM", locale=lang)
    return f"{day} {wording.CLOCK} {format_time(start, 'short', locale=lang)}"
