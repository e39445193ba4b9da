"""After the yes: the closing message of a flow, and what a known person is told later.

A person who has taken part (or said no thanks) must never get the stranger's text,
which says that nothing is stored about them: it would not be true.
"""

from __future__ import annotations

from rostbot.core.flow_model import Flow
from rostbot.i18n import N_
from rostbot.journey import callback_data as cb
from rostbot.journey import render
from rostbot.journey.services import Answer, Button, Person, Services
from rostbot.meetings import personal_data as meeting_data
from rostbot.store import respondents, runs

RIGHTS = N_(
    "What you can do here:\n"
    "/mydata – see what I store about you\n"
    "/withdraw – stop all contact\n"
    "/erase – delete your data\n"
    "/clear – delete the messages in this chat"
)


def closing(services: Services, flow: Flow, lang: str, answer: Answer) -> None:
    """The last message of a flow: the person is done, what is kept, what they can do.

    A discreet flow also offers to delete the chat's messages from the phone.
    """
    lang = render.flow_language(flow, lang)
    text = services.t(lang, "You are done. Your answers are saved and locked.")
    answer.add(text + "\n\n" + services.t(lang, RIGHTS))
    if flow.discreet:
        answer.add(
            services.t(
                lang,
                "The messages stay in this chat on your phone. "
                "Do you want me to delete them now? You can also do it later with /clear.",
            ),
            ((Button(services.t(lang, "Delete the messages now"), cb.make("x")),),),
        )


async def declined_any(services: Services, pseudonym: str) -> bool:
    return any(
        [
            await respondents.has_declined(services.db, pseudonym, flow_id)
            for flow_id in services.flows
        ]
    )


async def known_reply(services: Services, person: Person, lang: str, answer: Answer) -> bool:
    """Tell a known person where they stand and what they can do; False for a stranger."""
    pseudonym = services.pseudonym(person)
    who = await respondents.get(services.db, pseudonym)
    if who is None:
        if not await declined_any(services, pseudonym):
            return False
        answer.add(
            services.t(
                lang,
                "You said no thanks before. I store only that, so that I do not ask again. "
                "Send /erase to delete it.\n\n"
                "If you change your mind, open the link in the letter again.",
            )
        )
        return True
    lines = [services.t(lang, "Hello again! This is where you are:"), ""]
    for run in await runs.for_person(services.db, pseudonym):
        flow = services.flows.get(run.flow_id)
        if flow is None:
            continue
        title = render.screen_title(services, flow, lang)
        if run.status == "finished":
            lines.append(services.t(lang, "• You answered “{title}”. Thank you!", title=title))
        elif run.status == "open":
            lines.append(
                services.t(
                    lang,
                    "• “{title}” is not finished. Send /start to go on.",
                    title=title,
                )
            )
    if await respondents.has_active_consent(services.db, pseudonym, "contact"):
        lines.append(services.t(lang, "• You said yes to being contacted later."))
    if await respondents.has_active_consent(services.db, pseudonym, "interview"):
        lines.append(services.t(lang, "• You said yes to hearing from us about an interview."))
    lines += await meeting_data.upcoming(services, pseudonym, lang)
    if who.withdrawn_on is not None:
        lines.append(services.t(lang, "• You have withdrawn. I will not contact you."))
    answer.add("\n".join(lines))
    answer.add(services.t(lang, RIGHTS))
    return True


async def after_clearing(services: Services, person: Person) -> Answer:
    """Say honestly what clearing the chat did and did not do."""
    pseudonym = services.pseudonym(person)
    who = await respondents.get(services.db, pseudonym)
    lang = who.lang if who is not None else services.guess_language(person, pseudonym)
    answer = Answer(lang=lang)
    text = services.t(
        lang,
        "Done. I deleted the messages in this chat from the last 48 hours. "
        "I keep no list of them, not even of this message.",
    )
    text += "\n\n" + services.t(
        lang,
        "Telegram does not let me delete older messages. To remove the whole chat, "
        "delete it yourself in Telegram: press and hold the chat and choose “Delete chat”. "
        "Telegram may still keep copies on its servers.",
    )
    if who is not None:
        text += "\n\n" + services.t(
            lang, "This did not delete your answers. To delete them too, send /erase."
        )
        if await runs.latest_open(services.db, pseudonym) is not None:
            text += "\n\n" + services.t(lang, "Send /start when you want to go on.")
    answer.add(text)
    return answer
