"""The person's rights inside the chat: see what is stored, withdraw, erase."""

from __future__ import annotations

from datetime import UTC, datetime

from rostbot.core import engine
from rostbot.i18n import format_day
from rostbot.journey import callback_data as cb
from rostbot.journey import chat_log, consent_withdrawal, interview_consents, render
from rostbot.journey.answering import load
from rostbot.journey.services import Answer, Button, Person, Services
from rostbot.meetings import personal_data as meeting_data
from rostbot.results import personal_data as results_data
from rostbot.store import answers, respondents, runs


async def show_my_data(services: Services, person: Person, lang: str, answer: Answer) -> None:
    """List consents, open flows and answers (sealed) stored about this person."""
    pseudonym = services.pseudonym(person)
    who = await respondents.get(services.db, pseudonym)
    if who is None:
        declined = await _declined_any(services, pseudonym)
        text = services.t(lang, "I store nothing about you.")
        if declined:
            text += "\n" + services.t(
                lang, "Only a note that you said no thanks, so that I do not ask again."
            )
        answer.add(text)
        return
    # Each consent to be written to or quoted can be taken back on its own (buttons).
    kinds = await consent_withdrawal.withdrawable(services, pseudonym)
    lines = [services.t(lang, "This is what I store about you:"), ""]
    lines.append(
        services.t(
            lang, "• Language: {language}", language="svenska" if who.lang == "sv" else "dansk"
        )
    )
    for record in await respondents.consents(services.db, pseudonym):
        flow = services.flows.get(record.flow_id or "")
        title = render.screen_title(services, flow, lang) if flow else record.flow_id or ""
        day = _day(services, record.given_at, lang)
        if record.kind == "participation":
            line = services.t(
                lang,
                "• Yes to taking part in “{title}” on {day}",
                title=title,
                day=day,
            )
        elif record.kind in ("interview", "quote"):
            line = interview_consents.my_data_line(services, record, day, lang) or ""
        else:
            line = services.t(
                lang,
                "• Yes to being contacted later, on {day}",
                day=day,
            )
        if record.withdrawn_at:
            line += " " + services.t(
                lang, "(withdrawn {day})", day=_day(services, record.withdrawn_at, lang)
            )
        lines.append(line)
    person_runs = await runs.for_person(services.db, pseudonym)
    for run in person_runs:
        if run.status != "open":
            continue
        open_run = load(services, run)
        if open_run is None:
            continue
        number, total = engine.progress(open_run.flow, open_run.state)
        lines.append(
            services.t(
                lang,
                "• Not finished: “{title}”, at question {number} of {total}",
                title=render.screen_title(services, open_run.flow, lang),
                number=number,
                total=total,
            )
        )
    waiting, exported = await answers.counts(services.db, [r.response_id for r in person_runs])
    lines.append(
        services.tn(
            lang,
            "• {count} answer, sealed. Only the analysts can open it.",
            "• {count} answers, sealed. Only the analysts can open them.",
            waiting,
        )
    )
    if exported:
        lines.append(
            services.tn(
                lang,
                "• {count} answer is already with the analysts without your name.",
                "• {count} answers are already with the analysts without your name.",
                exported,
            )
        )
    lines.append(
        services.t(
            lang,
            "• Contact later: {choice}",
            choice=services.t(lang, "Yes") if "contact" in kinds else services.t(lang, "No"),
        )
    )
    lines += await meeting_data.lines(services, pseudonym, lang)
    lines += await results_data.lines(services, pseudonym, lang)
    if await chat_log.holds_any(services, pseudonym):
        lines.append(
            services.t(
                lang,
                "• The numbers of the messages in this chat from the last 48 hours, "
                "locked, so that /clear can delete them",
            )
        )
    answer.add("\n".join(lines), consent_withdrawal.keyboard(services, kinds, lang))


def _day(services: Services, stamp: str, lang: str) -> str:
    """A stored ISO time as a date in the person's language and the service's time zone."""
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_day(moment, lang, services.settings.tz)


async def _declined_any(services: Services, pseudonym: str) -> bool:
    return any(
        [
            await respondents.has_declined(services.db, pseudonym, flow_id)
            for flow_id in services.flows
        ]
    )


def _confirm(
    services: Services, lang: str, answer: Answer, kind: str, question: str, yes: str
) -> None:
    """Ask before a step that cannot be undone: Yes / No, go back."""
    no = services.t(lang, "No, go back")
    answer.add(question, ((Button(yes, cb.make(kind, "y")), Button(no, cb.make(kind, "n"))),))


def ask_withdraw(services: Services, lang: str, answer: Answer) -> None:
    question = services.t(
        lang,
        "Do you want to withdraw? I will stop all contact with you. "
        "Your open questionnaires will close.",
    )
    _confirm(services, lang, answer, "w", question, services.t(lang, "Yes, withdraw"))


async def withdraw(services: Services, person: Person, lang: str, answer: Answer) -> None:
    pseudonym = services.pseudonym(person)
    async with services.db.transaction() as tx:
        if await respondents.get(tx, pseudonym) is None:
            nothing = True
        else:
            nothing = False
            await respondents.withdraw(tx, pseudonym, services.now_iso(), services.today())
            await runs.stop_open(tx, pseudonym, services.today())
            await meeting_data.withdraw(tx, services, pseudonym)
    if nothing:
        answer.add(services.t(lang, "I store nothing about you, so there is nothing to withdraw."))
        return
    await services.db.drop_old_copies()  # the contact handle, gone from the file too
    answer.add(
        services.t(
            lang,
            "Done. You have withdrawn. I will not contact you again. "
            "The answers you gave are kept sealed and used only for groups. "
            "To delete them too, send /erase.",
        )
    )


def ask_erase(services: Services, lang: str, answer: Answer) -> None:
    question = services.t(
        lang,
        "Do you want to erase your data? I will delete your answers, "
        "your consents and everything else linked to you. This cannot be undone.",
    )
    _confirm(services, lang, answer, "e", question, services.t(lang, "Yes, erase"))


async def erase(services: Services, person: Person, lang: str, answer: Answer) -> None:
    pseudonym = services.pseudonym(person)
    # The chat's message numbers go with the rest, but stay in memory: /clear still works.
    # No flush runs in between, so none writes them back.
    async with (
        chat_log.erasing(services, pseudonym),
        services.db.transaction() as tx,
    ):
        person_runs = await runs.for_person(tx, pseudonym)
        response_ids = [r.response_id for r in person_runs]
        _, exported = await answers.counts(tx, response_ids)
        deleted = await answers.delete_unexported(tx, response_ids)
        existed = await respondents.get(tx, pseudonym) is not None
        existed = existed or any(
            [await respondents.has_declined(tx, pseudonym, flow_id) for flow_id in services.flows]
        )
        await meeting_data.erase(tx, services, pseudonym)
        await respondents.erase(tx, pseudonym)
    services.pending_language.pop(pseudonym, None)
    await services.db.drop_old_copies()  # no earlier copy of the deleted rows stays in the file
    if not existed and not deleted:
        answer.add(services.t(lang, "I store nothing about you, so there is nothing to erase."))
        return
    answer.add(
        services.tn(
            lang,
            "Done. I deleted {count} answer and everything else linked to you.",
            "Done. I deleted {count} answers and everything else linked to you.",
            deleted,
        )
    )
    if exported:
        answer.add(
            services.tn(
                lang,
                "{count} answer was already given to the analysts without your name. "
                "It can no longer be linked to you, so it cannot be found and deleted.",
                "{count} answers were already given to the analysts without your name. "
                "They can no longer be linked to you, so they cannot be found and deleted.",
                exported,
            )
        )
    # Erasing cannot reach the phone: say so, and how to clear the chat too.
    answer.add(
        services.t(
            lang,
            "What is written in this chat stays on your phone until you delete it. "
            "Send /clear and I delete what I can.",
        )
    )
