"""A new interview offer in the coordinator chat: the guided dialogue of
`interview_draft`, a preview of the invitation in each language of the offer with the
list of times, then Save and the offer's card.

Buttons are `o:w:<step>:<value>` for the dialogue and `o:w:new:-` to begin; the
coordinator chat checks the role before a press or a typed answer reaches this module.
Every problem is told in the coordinator's language (sv or da) and the same question
comes back, with every earlier answer kept.
"""

from __future__ import annotations

from itertools import groupby

from babel.dates import format_date, format_time

from rostbot.core.meeting_model import Event, MeetingError
from rostbot.i18n import N_
from rostbot.journey import callback_data as cb
from rostbot.journey import conversation
from rostbot.journey.services import Answer, Button, Person, Services
from rostbot.meetings import interview_draft as drafting
from rostbot.meetings import (
    interview_offer_chat,
    interview_plan,
    interview_wording,
    step_prompt,
    wording,
)
from rostbot.meetings.draft import base
from rostbot.meetings.interview_draft import InterviewDraft, Problem
from rostbot.meetings.office import Office

PROMPTS = {
    "languages": N_(
        "New interview offer. Each time is for one person. Which language is the interview in?"
    ),
    "title": N_("Write the title of the interview ({language})."),
    "about": N_("What is the interview about ({language})? Write a few sentences, or skip."),
    "mode": N_("How is the interview held?"),
    "address": N_("Where is the interview? Write the address."),
    "directions": N_(
        "How does the person get there ({language})? For example bus, entrance, floor. Or skip."
    ),
    "accessibility": N_(
        "Accessibility ({language}): for example lift, ramp, hearing loop. Or skip."
    ),
    "link": N_(
        "Write the link to the video meeting. It must start with {start}. "
        "Only the person booked gets it."
    ),
    "interviewer": N_(
        "Who interviews ({language})? You can write a role, for example "
        "“a researcher from Lund University”."
    ),
    "recorded": N_("Is the talk recorded? The invitation always says so."),
    "length": N_("How long is each interview? Press a button or write it, for example 45 or 1 h."),
    "times": N_(
        "Which times? Write one per line: a time, for example 8/12 10.00, or a window to "
        "cut into interviews one after the other, for example 8/12 9.00-12.00."
    ),
    "gap": N_(
        "How long a break between the interviews cut from a window? "
        "Press a button or write the minutes."
    ),
}
PROBLEMS = {
    "old": N_("That button belongs to an earlier question."),
    "use_buttons": N_("Please use the buttons for this question."),
    "empty": N_("Your message was empty. Please write your answer."),
    "too_long": N_("That is too long. Please make it shorter."),
    "not_a_length": N_(
        "Write the length in minutes or hours, at most 4 hours: for example 45 or 1 h."
    ),
    "not_https": N_("The link must start with https:// and have no spaces. Please write it again."),
    "not_a_time": N_(
        "I cannot read “{line}” as a time or a window. "
        "Try for example 8/12 10.00 or 8/12 9.00-12.00."
    ),
    "in_the_past": N_("{line} has passed. Please write only times in the future."),
    "window_backwards": N_("The window {line} ends before it starts."),
    "window_too_short": N_("The window {line} is shorter than one interview."),
    "clock_change": N_("{line} does not exist: the clocks change that night."),
    "overlap": N_("These times overlap: {line}. One interviewer meets one person at a time."),
    "too_many": N_("That is more than {line} times. Please give fewer."),
}
KEPT = N_("Your earlier answers are kept.")
CHECK_TIMES = N_(
    "Please check the times: one of them cannot be used now (it may have passed). "
    "Your other answers are kept."
)
CHOICE_LABELS = {
    ("languages", "sv"): "Svenska",
    ("languages", "da"): "Dansk",
    ("languages", "both"): N_("Both"),
    ("mode", "in_person"): N_("In person"),
    ("mode", "phone"): N_("By phone"),
    ("mode", "video"): N_("By video"),
    ("recorded", "yes"): N_("Yes, it is recorded"),
    ("recorded", "no"): N_("No, it is not recorded"),
    ("length", "30"): "30 min",
    ("length", "45"): "45 min",
    ("length", "60"): "1 h",
    ("length", "90"): "1,5 h",
    ("gap", "0"): N_("No break"),
    ("gap", "15"): "15 min",
    ("gap", "30"): "30 min",
}
MAX_DAYS_SHOWN = 30  # days of times listed in the preview; a message holds 4,096 characters


def _o(a: str, b: str = "-") -> str:
    return cb.make("o", "w", a, b)


def start(services: Services, person: Person, lang: str, answer: Answer) -> None:
    """'New interview offer' pressed: a fresh draft, and its first question."""
    draft = InterviewDraft(services.settings.tz)
    services.dialogues[services.pseudonym(person)] = draft
    _prompt(services, draft, lang, answer)


def _prompt(services: Services, draft: InterviewDraft, lang: str, answer: Answer) -> None:
    step = draft.current()
    kind = base(step)
    step_prompt.show(
        services,
        lang,
        answer,
        step=step,
        prompt=PROMPTS[kind],
        choices=drafting.CHOICES.get(step, ()),
        labels=CHOICE_LABELS,
        skippable=kind in drafting.SKIPPABLE,
        data=lambda value: _o(step, value),
        stop=cb.make("o", "q", "-", "-"),
        start="https://",  # a value, not words: it reads the same in every language
    )


def _problem(services: Services, problem: Problem, lang: str) -> str:
    return services.t(lang, PROBLEMS[problem.key], line=problem.line)


async def on_press(
    services: Services, person: Person, step: str, value: str, lang: str, answer: Answer
) -> None:
    """A press on an `o:w:` button: begin, a step's choice, or one of the offer card's."""
    if step == "new":
        start(services, person, lang, answer)
        return
    if step in interview_offer_chat.ACTS:
        await interview_offer_chat.on_press(services, person, step, value, lang, answer)
        return
    current = services.dialogues.get(services.pseudonym(person))
    if not isinstance(current, InterviewDraft):
        answer.toast = services.t(lang, PROBLEMS["old"])
        return
    await _advance(services, person, current, step, value, lang, answer, pressed=True)


async def on_text(services: Services, person: Person, draft: InterviewDraft, text: str) -> Answer:
    """A typed answer to the draft's current question."""
    lang = await conversation.language_of(services, person)
    answer = Answer(lang=lang, coordinator=True)
    await _advance(services, person, draft, draft.current(), text, lang, answer, pressed=False)
    return answer


async def _advance(
    services: Services,
    person: Person,
    draft: InterviewDraft,
    step: str,
    value: str,
    lang: str,
    answer: Answer,
    *,
    pressed: bool,
) -> None:
    problem = drafting.give(draft, step, value, pressed=pressed, now=services.clock())
    if problem is not None:
        if pressed:
            answer.toast = _problem(services, problem, lang)
            return
        answer.add(f"{_problem(services, problem, lang)}\n{services.t(lang, KEPT)}")
        _prompt(services, draft, lang, answer)
        return
    if step == "confirm":
        if value == "save":
            await _save(services, person, draft, lang, answer)
        else:
            drafting.restart(draft)
            _prompt(services, draft, lang, answer)
        return
    if draft.current() == "confirm":
        _preview(services, draft, lang, answer)
    else:
        _prompt(services, draft, lang, answer)


def _checked(services: Services, draft: InterviewDraft, lang: str, answer: Answer) -> list[Event]:
    """The offer's times as they would be stored; none (and the times asked again) when
    `interview_plan.check` refuses: the answers were checked one by one, so what is left
    is a time that has passed meanwhile or the like."""
    plan = draft.plan()
    try:
        details, starts = interview_plan.check(plan, Office.of(services).now())
    except MeetingError:
        answer.add(services.t(lang, CHECK_TIMES))
        drafting.ask_times_again(draft)
        _prompt(services, draft, lang, answer)
        return []
    return interview_plan.slot_events(plan, details, starts, "preview", lambda: "preview")


def times_list(services: Services, times: list[Event], lang: str) -> str:
    """The times by day: '• tisdag 8 december 2026: 09:00, 10:00, 11:00'."""
    lines = [
        services.tn(
            lang,
            "{count} time of {duration}:",
            "{count} times of {duration} each:",
            len(times),
            duration=wording.duration(times[0].minutes, lang),
        )
    ]
    days = [(day, list(group)) for day, group in groupby(times, key=lambda e: e.local_start.date())]
    for day, group in days[:MAX_DAYS_SHOWN]:
        clocks = ", ".join(format_time(e.local_start, "short", locale=lang) for e in group)
        lines.append(f"• {format_date(day, 'full', locale=lang)}: {clocks}")
    rest = sum(len(group) for _, group in days[MAX_DAYS_SHOWN:])
    if rest:
        lines.append(
            services.tn(lang, "… and {count} more time.", "… and {count} more times.", rest)
        )
    return "\n".join(lines)


def _preview(services: Services, draft: InterviewDraft, lang: str, answer: Answer) -> None:
    """The invitation in each language of the offer, as invitees will read it, then the
    times with Save, Start again and Stop."""
    times = _checked(services, draft, lang, answer)
    if not times:
        return
    answer.add(services.t(lang, "This is what people will read:"))
    for reader in times[0].languages:
        answer.add(interview_wording.invitation(services, times[0], reader, len(times)))
    answer.add(
        times_list(services, times, lang),
        (
            (
                Button(services.t(lang, "Save"), _o("confirm", "save")),
                Button(services.t(lang, "Start again"), _o("confirm", "restart")),
            ),
            (Button(services.t(lang, "Stop"), cb.make("o", "q", "-", "-")),),
        ),
    )


async def _save(
    services: Services, person: Person, draft: InterviewDraft, lang: str, answer: Answer
) -> None:
    try:
        made = await interview_plan.create(Office.of(services), draft.plan())
    except MeetingError:
        answer.add(services.t(lang, CHECK_TIMES))
        drafting.ask_times_again(draft)
        _prompt(services, draft, lang, answer)
        return
    services.dialogues.pop(services.pseudonym(person), None)
    answer.add(
        services.tn(
            lang,
            "Saved: an interview offer with {count} time.",
            "Saved: an interview offer with {count} times.",
            len(made),
        )
    )
    assert made[0].series_id is not None
    await interview_offer_chat.card(services, made[0].series_id, lang, answer)
