"""Entry points: one per kind of thing a person can send. Each returns an Answer."""

from __future__ import annotations

from rostbot.core import engine
from rostbot.journey import (
    afterwards,
    answering,
    consent,
    consent_withdrawal,
    end_of_flow,
    interview_consents,
    render,
    rights,
)
from rostbot.journey import callback_data as cb
from rostbot.journey.answering import OpenRun
from rostbot.journey.services import Answer, Button, Person, Reply, Services
from rostbot.store import events, invitations, respondents, runs


async def language_of(services: Services, person: Person) -> str:
    pseudonym = services.pseudonym(person)
    who = await respondents.get(services.db, pseudonym)
    if who is not None:
        return who.lang
    return services.guess_language(person, pseudonym)


async def _fresh_answer(services: Services, person: Person) -> Answer:
    return Answer(lang=await language_of(services, person))


async def _show_where_they_are(
    services: Services, person: Person, lang: str, answer: Answer
) -> None:
    """Add the current question again, if the person has a flow open."""
    open_run = await _latest_open(services, person)
    if open_run is not None:
        answer.replies.append(answering.current_question(services, open_run, lang))


async def _latest_open(services: Services, person: Person) -> OpenRun | None:
    run = await runs.latest_open(services.db, services.pseudonym(person))
    return answering.load(services, run) if run else None


async def _offer_continue(services: Services, person: Person, lang: str, answer: Answer) -> bool:
    open_run = await _latest_open(services, person)
    if open_run is None:
        return False
    flow_lang = render.flow_language(open_run.flow, lang)
    number, total = engine.progress(open_run.flow, open_run.state)
    answer.add(
        services.t(
            lang,
            "You have a questionnaire that is not finished: “{title}”, question {number} of "
            "{total}. Your answers so far are saved.",
            title=render.screen_title(services, open_run.flow, flow_lang),
            number=number,
            total=total,
        ),
        render.continue_button(services, lang, open_run.run.run_id),
    )
    return True


async def on_start(services: Services, person: Person, code: str | None) -> Answer:
    """/start with or without an invitation code."""
    answer = await _fresh_answer(services, person)
    lang = answer.lang
    if not code:
        if not await _offer_continue(services, person, lang, answer):
            await _about_or_known(services, person, lang, answer)
        return answer
    invitation = await consent.usable_invitation(services, code)
    if invitation is None:
        answer.add(services.t(lang, "I do not know that link. Please check the letter you got."))
        consent.about(services, lang, answer)
        return answer
    pseudonym = services.pseudonym(person)
    if invitation.used_on is not None:
        run = await runs.for_invitation(services.db, invitation.code_hash)
        if run is not None and run.pseudonym == pseudonym:
            await _resume(services, person, run.run_id[: cb.RUN_HANDLE], lang, answer)
        else:
            answer.add(
                services.t(
                    lang,
                    "This link has been used already. Each link in a letter works for one person.",
                )
            )
            consent.about(services, lang, answer)
        return answer
    flow = services.flows[invitation.flow_id]
    if await respondents.has_declined(services.db, pseudonym, flow.id):
        answer.add(
            services.t(
                lang,
                "You said no thanks before. That is fine. "
                "If you have changed your mind, you can say yes below.",
            )
        )
    consent.present(services, flow, code, lang, answer)
    return answer


async def _about_or_known(services: Services, person: Person, lang: str, answer: Answer) -> None:
    """A known person hears where they stand; only a stranger gets the stranger's text."""
    if not await afterwards.known_reply(services, person, lang, answer):
        consent.about(services, lang, answer)


async def _resume(
    services: Services, person: Person, handle: str, lang: str, answer: Answer
) -> None:
    run = await runs.find_by_prefix(services.db, services.pseudonym(person), handle)
    open_run = answering.load(services, run) if run else None
    if open_run is None or open_run.run.status != "open":
        answer.add(services.t(lang, "That questionnaire is closed. Thank you!"))
        return
    answer.add(services.t(lang, "Welcome back! Here is where you stopped."))
    answer.replies.append(answering.current_question(services, open_run, lang))


async def on_text(services: Services, person: Person, text: str) -> Answer:
    """A typed message: an answer to a free-text question, or a nudge."""
    answer = await _fresh_answer(services, person)
    lang = answer.lang
    open_run = await _latest_open(services, person)
    if open_run is None:
        await _about_or_known(services, person, lang, answer)
        return answer
    await answering.give(
        services, person, open_run, engine.Typed(text), lang, answer, pressed=False
    )
    return answer


_SIMPLE_OPS: dict[str, engine.Input] = {
    "d": engine.Done(),
    "s": engine.Skip(),
    "r": engine.Decline(),
    "b": engine.Back(),
}


async def on_press(services: Services, person: Person, data: str | None) -> Answer:
    """A button press, checked against the person's stored state."""
    answer = await _fresh_answer(services, person)
    lang = answer.lang
    press = cb.parse(data)
    if press is None:
        answer.toast = services.t(lang, "I do not understand that button.")
        return answer
    if press.kind == "a":
        await _answer_press(services, person, press.parts, lang, answer)
    elif press.kind == "c":
        await _consent_press(services, person, press.parts, answer)
    elif press.kind == "l":
        return await on_language(services, person, press.parts[0])
    elif press.kind == "r":
        await _resume(services, person, press.parts[0], lang, answer)
    elif press.kind == "k":
        await _contact_press(services, person, press.parts, lang, answer)
    elif press.kind == "i":
        await interview_consents.on_interview_press(services, person, press.parts, lang, answer)
    elif press.kind == "q":
        await interview_consents.on_quote_press(services, person, press.parts, lang, answer)
    elif press.kind == "u":
        await consent_withdrawal.on_press(services, person, press.parts, lang, answer)
    elif press.kind == "w":
        if press.parts[0] == "y":
            await rights.withdraw(services, person, lang, answer)
        else:
            answer.add(services.t(lang, "Good. Nothing has changed."))
    elif press.kind == "e":
        if press.parts[0] == "y":
            await rights.erase(services, person, lang, answer)
        else:
            answer.add(services.t(lang, "Good. Nothing has changed."))
    return answer


async def _answer_press(
    services: Services, person: Person, parts: tuple[str, ...], lang: str, answer: Answer
) -> None:
    handle, step_text, op, arg = parts
    run = await runs.find_by_prefix(services.db, services.pseudonym(person), handle)
    open_run = answering.load(services, run) if run else None
    if open_run is None or open_run.run.status != "open":
        if run is not None and run.status == "finished" and step_text == str(run.step - 1):
            answer.toast = services.t(lang, "Already saved.")  # a double tap on the last answer
            return
        answer.toast = services.t(lang, "This button is old. That questionnaire is closed.")
        return
    if not step_text.isdigit() or int(step_text) != open_run.run.step:
        if step_text.isdigit() and int(step_text) == open_run.run.step - 1:
            answer.toast = services.t(lang, "Already saved.")
            return
        answer.toast = services.t(lang, "This button is old. Here is where you are now.")
        answer.replies.append(answering.current_question(services, open_run, lang))
        return
    if op == "p":
        answer.replies.append(
            Reply(answering.current_question(services, open_run, lang).text, edit=True)
        )
        answer.add(
            services.t(
                lang,
                "Paused. Your answers so far are saved. "
                "Press Continue or send /start when you want to go on.",
            ),
            render.continue_button(services, lang, open_run.run.run_id),
        )
        return
    given: engine.Input
    if op == "c":
        given = engine.Choose(arg)
    elif op == "t":
        given = engine.Toggle(arg)
    elif op in _SIMPLE_OPS:
        given = _SIMPLE_OPS[op]
    else:
        answer.toast = services.t(lang, "I do not understand that button.")
        return
    await answering.give(services, person, open_run, given, lang, answer, pressed=True)


async def _consent_press(
    services: Services, person: Person, parts: tuple[str, ...], answer: Answer
) -> None:
    lang, act, code = parts
    lang = lang if lang in ("sv", "da") else answer.lang
    answer.lang = lang
    invitation = await consent.usable_invitation(services, code)
    if invitation is None:
        answer.toast = services.t(lang, "This button is old.")
        return
    flow = services.flows[invitation.flow_id]
    pseudonym = services.pseudonym(person)
    if invitation.used_on is not None:
        run = await runs.for_invitation(services.db, invitation.code_hash)
        if run is not None and run.pseudonym == pseudonym:
            answer.toast = services.t(lang, "Already saved.")
        else:
            answer.toast = services.t(lang, "This link has been used already.")
        return
    if act in ("q", "z"):
        await _feedback_consent_press(services, person, invitation, code, act, answer)
        return
    min_age = flow.age_limit(services.settings.country)
    # The message pressed keeps its text (the notice stays readable in the chat);
    # what was chosen is added under it. Read-more buttons say Y/N instead of y/n.
    if act in ("y", "Y", "n", "N"):
        shown = (
            consent.read_more_text(services, flow, lang)
            if act.isupper()
            else consent.consent_texts(services, flow, lang)[-1]
        )
        label = "Yes, I want to take part" if act.lower() == "y" else "No thanks"
        answer.replies.append(_with_choice(services, lang, shown, services.t(lang, label)))
        act = act.lower()
    if act == "l":
        services.remember_language(pseudonym, lang)
        consent.present(services, flow, code, lang, answer)
    elif act == "m":
        answer.add(
            consent.read_more_text(services, flow, lang),
            answer_buttons_after_more(services, lang, code),
        )
    elif act == "n":
        await respondents.add_decline(services.db, pseudonym, flow.id)
        answer.add(
            services.t(
                lang, "That is fine. Nothing about your answers is saved. Thank you for your time."
            )
        )
    elif act == "y" and min_age:
        consent.ask_age(services, flow, code, lang, min_age, answer)
    elif act in ("y", "a"):
        if act == "a" and min_age:
            asked = services.t(lang, "Are you {age} years or older?", age=min_age)
            answer.replies.append(_with_choice(services, lang, asked, services.t(lang, "Yes")))
        await _open_run(services, person, invitation, lang, min_age, answer)
    elif act == "u" and min_age:
        asked = services.t(lang, "Are you {age} years or older?", age=min_age)
        answer.replies.append(_with_choice(services, lang, asked, services.t(lang, "No")))
        answer.add(
            services.t(
                lang,
                "Thank you for wanting to help. These questions are for "
                "people who are {age} or older. Nothing has been saved.",
                age=min_age,
            )
        )
    else:
        answer.toast = services.t(lang, "I do not understand that button.")


async def _feedback_consent_press(
    services: Services,
    person: Person,
    invitation: invitations.Invitation,
    code: str,
    act: str,
    answer: Answer,
) -> None:
    """Yes (q) or no (z) to the one-message consent sent after a meeting."""
    lang = answer.lang
    flow = services.flows[invitation.flow_id]
    pseudonym = services.pseudonym(person)
    event = await events.get(services.db, invitation.unit)  # the meeting's invitation
    shown = consent.feedback_consent_text(
        services, flow, lang, event.title(lang) if event is not None else ""
    )
    label = "Yes, I will answer" if act == "q" else "No thanks"
    answer.replies.append(_with_choice(services, lang, shown, services.t(lang, label)))
    if act == "z":
        await respondents.add_decline(services.db, pseudonym, flow.id)
        answer.add(
            services.t(
                lang, "That is fine. Nothing about your answers is saved. Thank you for your time."
            )
        )
    elif await respondents.has_active_consent(services.db, pseudonym, "contact"):
        text_hash = consent.feedback_consent_hash(services, flow, lang)
        await _open_run(services, person, invitation, lang, None, answer, text_hash)
    else:
        # No longer a person who said yes before (withdrawn): the whole consent.
        consent.present(services, flow, code, lang, answer)


def _with_choice(services: Services, lang: str, shown: str, choice: str) -> Reply:
    """The pressed message as it was, with the choice under it and no buttons."""
    return Reply(
        shown + "\n\n" + services.t(lang, "✓ You said: {answer}", answer=choice), edit=True
    )


def answer_buttons_after_more(
    services: Services, lang: str, code: str
) -> tuple[tuple[Button, ...], ...]:
    return (
        (Button(services.t(lang, "Yes, I want to take part"), cb.make("c", lang, "Y", code)),),
        (Button(services.t(lang, "No thanks"), cb.make("c", lang, "N", code)),),
    )


async def _open_run(
    services: Services,
    person: Person,
    invitation: invitations.Invitation,
    lang: str,
    min_age: int | None,
    answer: Answer,
    text_hash: str | None = None,
) -> None:
    flow = services.flows[invitation.flow_id]
    run = await consent.accept(services, person, flow, invitation, lang, min_age, text_hash)
    if run is None:
        answer.toast = services.t(lang, "This link has been used already.")
        return
    open_run = answering.load(services, run)
    assert open_run is not None
    answer.lang = lang
    answer.add(flow.intro.get(render.flow_language(flow, lang)))
    answer.replies.append(answering.current_question(services, open_run, lang))


async def _contact_press(
    services: Services, person: Person, parts: tuple[str, ...], lang: str, answer: Answer
) -> None:
    handle, step_text, choice = parts
    run = await end_of_flow.pressed_run(services, person, handle, step_text, lang, answer)
    if run is None:
        return
    flow = services.flows.get(run.flow_id)
    agreed = choice == "y"
    said = await answering.record_contact_consent(services, person, lang, agreed, run, flow)
    if said != "saved":
        answer.toast = end_of_flow.said_toast(services, lang, said)
        return
    if agreed:
        answer.replies.append(
            Reply(
                services.t(
                    lang,
                    "You said yes: we may contact you later. You can take it back with /withdraw.",
                ),
                edit=True,
            )
        )
    else:
        answer.replies.append(
            Reply(services.t(lang, "You said no. We will not contact you."), edit=True)
        )
    if flow is None:
        return
    if await interview_consents.should_ask(services, flow, services.pseudonym(person)):
        # The answer claimed the run's step: the interview question carries the next one.
        interview_consents.ask(services, handle, run.step + 1, lang, answer)
    else:
        afterwards.closing(services, flow, lang, answer)


async def on_language(services: Services, person: Person, lang: str | None) -> Answer:
    """Switch language (or offer the choice), and show the current question again."""
    current = await language_of(services, person)
    if lang not in ("sv", "da"):
        answer = Answer(lang=current)
        answer.add(
            services.t(current, "Choose your language."), (render.language_buttons(services),)
        )
        return answer
    pseudonym = services.pseudonym(person)
    if await respondents.get(services.db, pseudonym) is not None:
        await respondents.set_language(services.db, pseudonym, lang)
    else:
        services.remember_language(pseudonym, lang)
    answer = Answer(lang=lang)
    answer.add(services.t(lang, "I will write in this language from now on."))
    await _show_where_they_are(services, person, lang, answer)
    return answer


async def on_pause(services: Services, person: Person) -> Answer:
    answer = await _fresh_answer(services, person)
    lang = answer.lang
    open_run = await _latest_open(services, person)
    if open_run is None:
        answer.add(services.t(lang, "There is nothing to pause."))
        return answer
    answer.add(
        services.t(
            lang,
            "Paused. Your answers so far are saved. "
            "Press Continue or send /start when you want to go on.",
        ),
        render.continue_button(services, lang, open_run.run.run_id),
    )
    return answer


async def on_help(services: Services, person: Person) -> Answer:
    answer = await _fresh_answer(services, person)
    lang = answer.lang
    answer.add(
        services.t(
            lang,
            "I ask short questions for {organisation}. Taking part is voluntary.\n\n"
            "/start – begin or continue\n"
            "/pause – take a break\n"
            "/language – choose Swedish or Danish\n"
            "/mydata – see what I store about you\n"
            "/withdraw – stop all contact\n"
            "/erase – delete your data\n"
            "/clear – delete the messages in this chat",
            organisation=services.settings.organisation,
        )
    )
    await _offer_continue(services, person, lang, answer)
    return answer


async def on_my_data(services: Services, person: Person) -> Answer:
    answer = await _fresh_answer(services, person)
    lang = answer.lang
    await rights.show_my_data(services, person, lang, answer)
    return answer


async def on_withdraw(services: Services, person: Person) -> Answer:
    answer = await _fresh_answer(services, person)
    lang = answer.lang
    rights.ask_withdraw(services, lang, answer)
    return answer


async def on_erase(services: Services, person: Person) -> Answer:
    answer = await _fresh_answer(services, person)
    lang = answer.lang
    rights.ask_erase(services, lang, answer)
    return answer


async def on_unsupported(services: Services, person: Person) -> Answer:
    """A sticker, photo, voice message, file, location...: say what works, keep the place."""
    answer = await _fresh_answer(services, person)
    lang = answer.lang
    answer.add(
        services.t(
            lang,
            "I can only read text and button presses. Please write your answer or use the buttons.",
        )
    )
    await _show_where_they_are(services, person, lang, answer)
    return answer


async def on_edited(services: Services, person: Person) -> Answer:
    answer = await _fresh_answer(services, person)
    lang = answer.lang
    answer.add(
        services.t(
            lang,
            "I saw that you changed a message. I keep what you sent first. "
            "To change an answer, press ← Back under the question.",
        )
    )
    return answer


async def on_unknown_command(services: Services, person: Person) -> Answer:
    answer = await _fresh_answer(services, person)
    lang = answer.lang
    answer.add(services.t(lang, "I do not know that command. Send /help to see what I can do."))
    await _show_where_they_are(services, person, lang, answer)
    return answer


async def on_failure(services: Services, person: Person) -> Answer:
    """Something failed after the person's last step: say so, and offer the way back in."""
    answer = await _fresh_answer(services, person)
    lang = answer.lang
    open_run = await _latest_open(services, person)
    answer.add(
        services.t(lang, "Sorry, something went wrong on my side. Please try again."),
        render.continue_button(services, lang, open_run.run.run_id) if open_run else (),
    )
    return answer


def group_answer(services: Services, lang: str, bot_username: str) -> Answer:
    """The one message a group gets before the bot leaves it."""
    answer = Answer(lang=lang)
    answer.add(
        services.t(
            lang,
            "I only talk with one person at a time, in a private chat. "
            "Write to me directly: @{bot}. I keep nothing from this group and leave it now.",
            bot=bot_username,
        )
    )
    return answer
