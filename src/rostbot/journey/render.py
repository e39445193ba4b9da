"""Turn flow questions and run state into message texts and buttons."""

from __future__ import annotations

from rostbot.core import engine
from rostbot.core.flow_model import (
    ChoiceQuestion,
    Flow,
    MultiChoiceQuestion,
    Question,
    RatingQuestion,
    ScaleQuestion,
    TextQuestion,
    YesNoQuestion,
)
from rostbot.journey import callback_data as cb
from rostbot.journey.services import Button, Reply, Services

Keyboard = tuple[tuple[Button, ...], ...]


def flow_language(flow: Flow, lang: str) -> str:
    """The person's language if the flow has it, else the flow's first language."""
    return lang if lang in flow.languages else flow.languages[0]


def _answer_button(run_handle: str, step: int, op: str, arg: str, text: str) -> Button:
    return Button(text, cb.make("a", run_handle, step, op, arg))


def option_label(question: Question, code: str, lang: str, services: Services) -> str:
    """The words a person pressed, to confirm their answer."""
    if isinstance(question, ScaleQuestion):
        for point in question.points:
            if point.code == code:
                return point.label.get(lang)
    if isinstance(question, ChoiceQuestion | MultiChoiceQuestion):
        for option in question.options:
            if option.code == code:
                return option.label.get(lang)
    if isinstance(question, YesNoQuestion):
        return services.t(lang, "Yes") if code == "yes" else services.t(lang, "No")
    return code


def screen_title(services: Services, flow: Flow, lang: str) -> str:
    """The flow's title as the chat shows it; a neutral one for a discreet flow."""
    if flow.discreet:
        return services.t(lang, "A few questions")
    return flow.title.get(flow_language(flow, lang))


def confirmation(services: Services, flow: Flow, recorded: engine.Recorded, lang: str) -> str:
    """The line added under an answered question; in a discreet flow it never says what."""
    if flow.discreet:
        return services.t(lang, "✓ Saved")
    question = flow.question(recorded.question_id)
    if recorded.status == "skipped":
        return services.t(lang, "✓ Skipped")
    if recorded.status == "declined":
        return services.t(lang, "✓ You chose not to answer")
    value = recorded.value
    if isinstance(value, list):
        shown = ", ".join(option_label(question, c, lang, services) for c in value)
    elif isinstance(question, TextQuestion):
        shown = services.t(lang, "your text is saved")
    else:
        shown = option_label(question, str(value), lang, services)
    return services.t(lang, "✓ Your answer: {answer}", answer=shown)


def question_reply(
    services: Services,
    flow: Flow,
    state: engine.RunState,
    *,
    run_handle: str,
    step: int,
    lang: str,
) -> Reply:
    """The message for the current question: progress, text, hint, buttons."""
    assert state.position is not None
    question = flow.question(state.position)
    number, total = engine.progress(flow, state)
    lines = [services.t(lang, "Question {number} of {total}", number=number, total=total), ""]
    lines.append(question.text.get(lang))
    if question.help is not None:
        lines += ["", question.help.get(lang)]
    rows: list[tuple[Button, ...]] = []

    def press(op: str, arg: str, text: str) -> Button:
        return _answer_button(run_handle, step, op, arg, text)

    if isinstance(question, ScaleQuestion):
        rows += [(press("c", p.code, p.label.get(lang)),) for p in question.points]
    elif isinstance(question, ChoiceQuestion):
        rows += [(press("c", o.code, o.label.get(lang)),) for o in question.options]
    elif isinstance(question, MultiChoiceQuestion):
        if question.max_selected is None:
            hint = services.t(lang, "Choose one or more. Then press Done.")
        else:
            hint = services.tn(
                lang,
                "Choose {count} answer. Then press Done.",
                "Choose up to {count} answers. Then press Done.",
                question.max_selected,
            )
        lines += ["", hint]
        for option in question.options:
            mark = "✅ " if option.code in state.selected else "▫️ "
            rows.append((press("t", option.code, mark + option.label.get(lang)),))
        rows.append((press("d", "-", services.t(lang, "Done")),))
    elif isinstance(question, YesNoQuestion):
        rows.append(
            (press("c", "yes", services.t(lang, "Yes")), press("c", "no", services.t(lang, "No")))
        )
    elif isinstance(question, RatingQuestion):
        lines += [
            "",
            services.t(
                lang,
                "0 means: {low}. 10 means: {high}.",
                low=_mid_sentence(question.low.get(lang)),
                high=_mid_sentence(question.high.get(lang)),
            ),
        ]
        rows.append(tuple(press("c", str(n), str(n)) for n in range(6)))
        rows.append(tuple(press("c", str(n), str(n)) for n in range(6, 11)))
    elif isinstance(question, TextQuestion):
        lines += [
            "",
            services.t(
                lang,
                "Write your answer in one message. At most {limit} characters.",
                limit=question.max_length,
            ),
        ]
    extra: list[Button] = []
    # A sensitive question offers "I'd rather not answer" in place of Skip: one button
    # that says the same, with the reason recorded.
    if question.sensitive:
        extra.append(press("r", "-", services.t(lang, "I'd rather not answer")))
    elif question.skippable:
        extra.append(press("s", "-", services.t(lang, "Skip")))
    if extra:
        rows.append(tuple(extra))
    nav: list[Button] = []
    if state.history:
        nav.append(press("b", "-", services.t(lang, "← Back")))
    nav.append(press("p", "-", services.t(lang, "Pause")))
    rows.append(tuple(nav))
    return Reply("\n".join(lines), tuple(rows), question=True)


def _mid_sentence(label: str) -> str:
    """A scale-end label ("Inte alls nöjd") as it reads inside a sentence ("inte alls nöjd")."""
    return label[:1].lower() + label[1:]


def continue_button(services: Services, lang: str, run_id: str) -> Keyboard:
    return ((Button(services.t(lang, "Continue"), cb.make("r", run_id[: cb.RUN_HANDLE])),),)


def language_buttons(services: Services) -> tuple[Button, ...]:
    return (
        Button("Svenska", cb.make("l", "sv")),
        Button("Dansk", cb.make("l", "da")),
    )
