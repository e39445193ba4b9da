"""One step of a coordinator's guided dialogue on screen (a new meeting, a new interview
offer): the question, its choices as buttons, Skip where the step may be skipped, and
Stop. A step asked once per language ('title_sv') names the language in the question."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rostbot.i18n import N_
from rostbot.journey.services import Answer, Button, Services

LANGUAGE_NAMES = {"sv": N_("in Swedish"), "da": N_("in Danish")}


def show(
    services: Services,
    lang: str,
    answer: Answer,
    *,
    step: str,
    prompt: str,
    choices: tuple[str, ...],
    labels: Mapping[tuple[str, str], str],
    skippable: bool,
    data: Callable[[str], str],
    stop: str,
    **values: object,
) -> None:
    """Add the step's message; `data(value)` is a choice's button data, `stop` Stop's."""
    rows: list[tuple[Button, ...]] = [
        (Button(services.t(lang, labels[(step, value)]), data(value)),) for value in choices
    ]
    if skippable:
        rows.append((Button(services.t(lang, "Skip"), data("skip")),))
    rows.append((Button(services.t(lang, "Stop"), stop),))
    per_language = step[-3:] in ("_sv", "_da")
    language = services.t(lang, LANGUAGE_NAMES[step[-2:]]) if per_language else ""
    answer.add(services.t(lang, prompt, language=language, **values), tuple(rows))
