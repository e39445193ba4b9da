"""The checks a flow needs across several fields, made on the raw YAML data.

Translations in every listed language, button and message lengths, duplicate ids and codes,
`max_selected`, `show_if` references, and the flow id matching the file name. They run even
when pydantic found problems, so one run reports everything; every reason is catalog words.
"""

from __future__ import annotations

from rostbot.core.flow_checker import FLOW_MESSAGE_TEXTS, QUESTION_MESSAGE_TEXTS, FlowChecker
from rostbot.core.flow_model import LANGUAGES, MAX_LABEL_LENGTH, MAX_MESSAGE_LENGTH
from rostbot.core.flow_problems import Loc, Reason, said
from rostbot.i18n import N_

# How a language is named in a reason; translated with it.
_LANGUAGE_NAMES: dict[str, Reason] = {
    "sv": said(N_("Swedish (sv)")),
    "da": said(N_("Danish (da)")),
}


def _code(value: object) -> str | None:
    """A code as the model stores it (whole numbers become text), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str | int):
        return str(value)
    return None


class CrossChecks:
    """Checks that need several fields at once, made on the raw YAML data.

    They run even when pydantic found problems, so that one run reports everything;
    that is why every access here is defensive about types.
    """

    def __init__(self, checker: FlowChecker, data: dict[object, object], stem: str) -> None:
        self.c = checker
        self.data = data
        self.stem = stem
        raw_languages = data.get("languages")
        self.languages: list[str] = []
        if isinstance(raw_languages, list):
            for i, lang in enumerate(raw_languages):
                if lang in LANGUAGES and lang in self.languages:
                    self.c.add(
                        ("languages", i),
                        said(N_("language '{lang}' is listed twice"), lang=str(lang)),
                    )
                elif lang in LANGUAGES:
                    self.languages.append(str(lang))
        raw_questions = data.get("questions")
        self.questions: list[tuple[int, dict[object, object]]] = (
            [(i, q) for i, q in enumerate(raw_questions) if isinstance(q, dict)]
            if isinstance(raw_questions, list)
            else []
        )

    def run(self) -> None:
        self.check_id()
        for key in FLOW_MESSAGE_TEXTS:
            self.check_text(self.data.get(key), (key,), button=False)
        for index, question in self.questions:
            self.check_question(index, question)
        self.check_question_ids()
        for index, question in self.questions:
            self.check_show_if(index, question)

    def check_id(self) -> None:
        flow_id = self.data.get("id")
        if isinstance(flow_id, str) and flow_id != self.stem:
            self.c.add(
                ("id",),
                said(
                    N_(
                        "flow id '{flow_id}' must match the file name '{stem}' "
                        "(rename the file or change the id)"
                    ),
                    flow_id=flow_id,
                    stem=self.stem,
                ),
            )

    def check_text(self, value: object, loc: Loc, *, button: bool) -> None:
        """Every listed language has a non-empty text that fits where it is shown."""
        if not isinstance(value, dict):
            return  # absent or the wrong type: pydantic reports it
        for lang in self.languages:
            text = value.get(lang)
            name = _LANGUAGE_NAMES[lang]
            if text is None or (isinstance(text, str) and not text.strip()):
                # Point at the `text:` key line, not the first language under it.
                self.c.add(
                    (*loc, lang) if lang in value else loc,
                    said(N_("missing {language} text"), language=name),
                    key=True,
                )
            elif isinstance(text, str) and button and len(text) > MAX_LABEL_LENGTH:
                self.c.add(
                    (*loc, lang),
                    said(
                        N_(
                            "{language} button label is {length} characters; "
                            "at most {limit} fit on a button"
                        ),
                        language=name,
                        length=len(text),
                        limit=MAX_LABEL_LENGTH,
                    ),
                )
            elif isinstance(text, str) and len(text) > MAX_MESSAGE_LENGTH:
                self.c.add(
                    (*loc, lang),
                    said(
                        N_(
                            "{language} text is {length} characters; "
                            "a message can hold at most {limit}"
                        ),
                        language=name,
                        length=len(text),
                        limit=MAX_MESSAGE_LENGTH,
                    ),
                )

    def check_question(self, index: int, question: dict[object, object]) -> None:
        loc: Loc = ("questions", index)
        for key in QUESTION_MESSAGE_TEXTS:
            self.check_text(question.get(key), (*loc, key), button=False)
        for list_key in ("options", "points"):
            items = question.get(list_key)
            if not isinstance(items, list):
                continue
            seen: dict[str, int] = {}
            for k, item in enumerate(items):
                if not isinstance(item, dict):
                    continue
                self.check_text(item.get("label"), (*loc, list_key, k, "label"), button=True)
                code = _code(item.get("code"))
                if code is None:
                    continue
                if code in seen:
                    self.c.add(
                        (*loc, list_key, k, "code"),
                        said(
                            N_("code '{code}' is used twice in this question (also {other})"),
                            code=code,
                            other=f"{list_key}[{seen[code]}]",
                        ),
                    )
                else:
                    seen[code] = k
        if question.get("type") == "multi_choice":
            self.check_max_selected(loc, question)

    def check_max_selected(self, loc: Loc, question: dict[object, object]) -> None:
        limit = question.get("max_selected")
        options = question.get("options")
        if not isinstance(limit, int) or isinstance(limit, bool) or not isinstance(options, list):
            return
        if limit < 1:
            self.c.add((*loc, "max_selected"), said(N_("max_selected must be at least 1")))
        elif limit > len(options):
            self.c.add(
                (*loc, "max_selected"),
                said(
                    N_("max_selected is {limit}, but the question has only {count} options"),
                    limit=limit,
                    count=len(options),
                ),
            )

    def check_question_ids(self) -> None:
        first_index: dict[str, int] = {}
        for index, question in self.questions:
            qid = question.get("id")
            if not isinstance(qid, str):
                continue
            if qid in first_index:
                self.c.add(
                    ("questions", index, "id"),
                    said(
                        N_("question id '{id}' is used twice (also {other})"),
                        id=qid,
                        other=f"questions[{first_index[qid]}]",
                    ),
                )
            else:
                first_index[qid] = index

    def _answer_codes(self, question: dict[object, object]) -> list[str] | None:
        """The codes a question's answer can carry; None when unknown or free text."""
        kind = question.get("type")
        if kind == "yes_no":
            return ["yes", "no"]
        if kind == "rating_0_10":
            return [str(n) for n in range(11)]
        list_key = {"scale": "points", "choice": "options", "multi_choice": "options"}.get(
            kind if isinstance(kind, str) else ""
        )
        items = question.get(list_key) if list_key else None
        if not isinstance(items, list):
            return None
        codes = [_code(i.get("code")) for i in items if isinstance(i, dict)]
        return [c for c in codes if c is not None]

    def check_show_if(self, index: int, question: dict[object, object]) -> None:
        show_if = question.get("show_if")
        if not isinstance(show_if, dict):
            return
        loc: Loc = ("questions", index, "show_if")
        target = show_if.get("question")
        if not isinstance(target, str):
            return
        own_id = question.get("id")
        position = {
            q.get("id"): i for i, q in reversed(self.questions) if isinstance(q.get("id"), str)
        }
        if target == own_id:
            self.c.add((*loc, "question"), said(N_("show_if points to the question itself")))
            return
        if target not in position:
            self.c.add(
                (*loc, "question"),
                said(N_("show_if points to unknown question '{target}'"), target=target),
            )
            return
        target_index = position[target]
        if target_index > index:
            self.c.add(
                (*loc, "question"),
                said(
                    N_(
                        "show_if points forward to question '{target}', which comes later; "
                        "it can only depend on an earlier question"
                    ),
                    target=target,
                ),
            )
            return
        target_question = dict(self.questions)[target_index]
        if target_question.get("type") == "text":
            self.c.add(
                (*loc, "question"),
                said(
                    N_(
                        "show_if points to free-text question '{target}'; "
                        "it can only depend on a question answered with buttons"
                    ),
                    target=target,
                ),
            )
            return
        codes = self._answer_codes(target_question)
        if codes is None:
            return
        for test in ("equals", "in", "not_in"):
            given = show_if.get(test)
            items: list[tuple[Loc, object]]
            if isinstance(given, list):
                if not given:
                    self.c.add((*loc, test), said(N_("show_if '{test}' lists no codes"), test=test))
                items = [((*loc, test, k), v) for k, v in enumerate(given)]
            elif given is not None:
                items = [((*loc, test), given)]
            else:
                continue
            for item_loc, value in items:
                code = _code(value)
                if code is not None and code not in codes:
                    self.c.add(
                        item_loc,
                        said(
                            N_(
                                "'{code}' is not an answer code of question '{target}' "
                                "(its codes: {codes})"
                            ),
                            code=code,
                            target=target,
                            codes=", ".join(codes),
                        ),
                    )
