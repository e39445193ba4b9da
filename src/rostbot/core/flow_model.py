"""The questionnaire model: what a `flows/*.yaml` file holds once validated.

Flows are data. This module only describes their shape and the rules a single
flow must obey; reading files and reporting errors with line numbers lives in
`rostbot.core.flow_loader`.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from rostbot.core.flow_problems import Reason, said
from rostbot.i18n import N_

LANGUAGES: tuple[str, ...] = ("sv", "da")
STANDARD_INDICATORS: frozenset[str] = frozenset(
    {"information", "participation", "treatment", "change", "accessibility", "overall"}
)
QUESTION_TYPES: tuple[str, ...] = (
    "scale",
    "choice",
    "multi_choice",
    "yes_no",
    "text",
    "rating_0_10",
)
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_]{1,16}$")
MAX_TEXT_LENGTH = 2000
MAX_LABEL_LENGTH = 40
# The age from which a child may agree alone to an online service.
JURISDICTION_MIN_AGE: dict[str, int] = {"se": 13, "dk": 15}
MAX_MESSAGE_LENGTH = 3500  # leaves room below Telegram's 4096 for progress and hints
# The scale point "don't know / does not apply": the last point when a scale has it, never
# positive, and left out of the indicators (neither a positive nor another answer).
NO_POSITION_CODE = "dont_know"


class FlowRuleError(ValueError):
    """A flow breaks one of this model's rules; `reason` says which in catalog words."""

    def __init__(self, reason: Reason) -> None:
        self.reason = reason
        super().__init__(reason.english())


ID_SHAPE = N_("an id is lower-case letters, digits and _, starting with a letter")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """A text in every language the flow offers (`sv`, `da`)."""

    sv: str | None = None
    da: str | None = None

    def get(self, lang: str) -> str:
        value = getattr(self, lang, None)
        if not value:
            raise KeyError(lang)
        return str(value)

    def languages(self) -> set[str]:
        return {lang for lang in LANGUAGES if getattr(self, lang)}


class Option(Strict):
    """One answer option of a scale or choice question."""

    code: str
    label: Text

    @field_validator("code", mode="before")
    @classmethod
    def _code_is_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value

    @field_validator("code")
    @classmethod
    def _code_shape(cls, value: str) -> str:
        if not CODE_PATTERN.fullmatch(value):
            raise FlowRuleError(said(N_("an option code is 1-16 letters, digits or _")))
        return value


class ShowIf(Strict):
    """Show a question only when an earlier answer matches."""

    question: str
    equals: str | None = None
    in_: list[str] | None = Field(default=None, alias="in")
    not_in: list[str] | None = None

    @field_validator("equals", mode="before")
    @classmethod
    def _equals_is_text(cls, value: object) -> object:
        return (
            str(value) if isinstance(value, int | bool) and not isinstance(value, bool) else value
        )

    @model_validator(mode="after")
    def _one_test(self) -> ShowIf:
        tests = [t for t in (self.equals, self.in_, self.not_in) if t is not None]
        if len(tests) != 1:
            raise FlowRuleError(said(N_("show_if needs exactly one of: equals, in, not_in")))
        return self

    def holds(self, answer: object) -> bool:
        """Whether the earlier answer (a code, a list of codes, or None) passes."""
        codes = set(answer) if isinstance(answer, list) else {answer}
        if self.equals is not None:
            return self.equals in codes
        if self.in_ is not None:
            return bool(codes & set(self.in_))
        assert self.not_in is not None
        return answer is not None and not (codes & set(self.not_in))

    def codes(self) -> list[str]:
        if self.equals is not None:
            return [self.equals]
        return list(self.in_ or self.not_in or [])


class QuestionBase(Strict):
    id: str
    text: Text
    indicator: str
    required: bool = False
    # Deprecated: every question can be skipped unless it is `required`. Still read so
    # older flow files load; `optional: false` means the same as `required: true`.
    optional: bool | None = None
    sensitive: bool = False
    show_if: ShowIf | None = None
    help: Text | None = None

    @model_validator(mode="after")
    def _required_or_optional(self) -> QuestionBase:
        if self.optional is not None and "required" in self.model_fields_set:
            raise FlowRuleError(
                said(
                    N_(
                        "give `required` only: `optional` is the old name and cannot be used "
                        "with it"
                    )
                )
            )
        return self

    @property
    def skippable(self) -> bool:
        """Whether the person may skip this question: always, unless it is required."""
        if self.optional is not None:
            return self.optional
        return not self.required

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not ID_PATTERN.fullmatch(value):
            raise FlowRuleError(said(ID_SHAPE))
        return value

    @field_validator("indicator")
    @classmethod
    def _indicator_known(cls, value: str) -> str:
        if value in STANDARD_INDICATORS:
            return value
        if value.startswith("custom:") and ID_PATTERN.fullmatch(value.removeprefix("custom:")):
            return value
        raise FlowRuleError(
            said(
                N_("indicator must be one of {indicators} or custom:<name>"),
                indicators=", ".join(sorted(STANDARD_INDICATORS)),
            )
        )

    def answer_codes(self) -> list[str] | None:
        """The codes a button answer may carry, or None for free text."""
        return None


class ScaleQuestion(QuestionBase):
    """An ordered verbal scale; `positive` lists the codes counted as positive."""

    type: Literal["scale"]
    points: list[Option] = Field(min_length=2, max_length=7)
    positive: list[str] | None = None

    @model_validator(mode="after")
    def _positive_known(self) -> ScaleQuestion:
        codes = [p.code for p in self.points]
        if self.positive is not None and not set(self.positive) <= set(codes):
            raise FlowRuleError(said(N_("positive names a code that is not one of the points")))
        if NO_POSITION_CODE in codes[:-1]:
            raise FlowRuleError(
                said(
                    N_("'{code}' is not on the scale: make it the last point"),
                    code=NO_POSITION_CODE,
                )
            )
        if NO_POSITION_CODE in self.positive_codes():
            raise FlowRuleError(
                said(N_("'{code}' is neither positive nor negative"), code=NO_POSITION_CODE)
            )
        return self

    def positive_codes(self) -> list[str]:
        if self.positive is not None:
            return self.positive
        return [p.code for p in self.points if p.code != NO_POSITION_CODE][:2]

    def answer_codes(self) -> list[str]:
        return [p.code for p in self.points]


class ChoiceQuestion(QuestionBase):
    type: Literal["choice"]
    options: list[Option] = Field(min_length=2, max_length=12)

    def answer_codes(self) -> list[str]:
        return [o.code for o in self.options]


class MultiChoiceQuestion(QuestionBase):
    type: Literal["multi_choice"]
    options: list[Option] = Field(min_length=2, max_length=12)
    max_selected: int | None = None

    def answer_codes(self) -> list[str]:
        return [o.code for o in self.options]


class YesNoQuestion(QuestionBase):
    type: Literal["yes_no"]

    def answer_codes(self) -> list[str]:
        return ["yes", "no"]


class TextQuestion(QuestionBase):
    type: Literal["text"]
    max_length: int = Field(default=500, ge=10, le=MAX_TEXT_LENGTH)


class RatingQuestion(QuestionBase):
    """A generic 0-10 rating; `low` and `high` label the ends."""

    type: Literal["rating_0_10"]
    low: Text
    high: Text
    positive_from: int = Field(default=7, ge=0, le=10)

    def answer_codes(self) -> list[str]:
        return [str(n) for n in range(11)]


Question = Annotated[
    ScaleQuestion
    | ChoiceQuestion
    | MultiChoiceQuestion
    | YesNoQuestion
    | TextQuestion
    | RatingQuestion,
    Field(discriminator="type"),
]


class Flow(Strict):
    """A whole questionnaire for one target group."""

    id: str
    version: int = Field(ge=1)
    target_group: str
    title: Text
    # The flow's name for analysts and staff (reports, the invitation chat), which may
    # name the support; never shown to respondents. Absent: `title`.
    analyst_title: Text | None = None
    # The country whose rules apply (the age limit); absent: the organisation's country.
    jurisdiction: Literal["se", "dk"] | None = None
    # The youngest age allowed; absent: the jurisdiction's age; 0: no age question.
    min_age: int | None = Field(default=None, ge=0, le=120)
    languages: list[Literal["sv", "da"]] = Field(min_length=1)
    intro: Text
    outro: Text
    purpose: Text
    ask_contact: bool = True
    # Ask at the end, after the contact question (or alone): may we write to you about an
    # interview? A consent of its own (kind 'interview'), asked once per person.
    ask_interview: bool = False
    # For people whose phone others may see (young people, foster care): a neutral title
    # on screen, no echo of the chosen answer, and an offer to clear the chat at the end.
    discreet: bool = False
    # Where to get help or talk to someone, for flows that ask about hard things;
    # absent: the organisation's support line, if it has one.
    support: Text | None = None
    questions: list[Question] = Field(min_length=1, max_length=30)

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not ID_PATTERN.fullmatch(value):
            raise FlowRuleError(said(ID_SHAPE))
        return value

    def age_limit(self, country: str) -> int | None:
        """The age a person must have reached, under this flow's rules; None: no question.

        `country` is the organisation's; the flow's own `jurisdiction` wins. The
        limit is the same in every language the person may choose.
        """
        if self.min_age is not None:
            return self.min_age or None
        return JURISDICTION_MIN_AGE[self.jurisdiction or country]

    def staff_title(self, lang: str) -> str:
        """The name analysts and staff see: `analyst_title`, else `title`; in `lang` if set."""
        for text in (self.analyst_title, self.title):
            if text is not None and text.languages():
                return text.get(lang if lang in text.languages() else sorted(text.languages())[0])
        return self.id

    def has_sensitive_questions(self) -> bool:
        return any(q.sensitive for q in self.questions)

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def index_of(self, question_id: str) -> int:
        for i, q in enumerate(self.questions):
            if q.id == question_id:
                return i
        raise KeyError(question_id)

    def condition_sources(self) -> set[str]:
        """Ids of questions whose answers later `show_if` conditions read."""
        return {q.show_if.question for q in self.questions if q.show_if is not None}
