"""A chapter's self-check quiz: questions scored in the browser, with feedback.

Each question type is one model here, declaring what every output needs of it
(its label, scoring rule, SCORM interaction and Moodle question type), one site
template in ``templates/quizzes/questions/``, one print template in
``templates/quizzes/print/`` and one grader in ``scripts/quiz.js``;
``QUESTION_TYPES`` is the table the templates and exports look types up in.
Rules that span several questions (unique ids, scenario references) are in
``Quiz.problems``; ids unique across all quizzes are checked by the catalog.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Annotated, ClassVar, Literal, Self, TypeVar, get_args

from pydantic import ConfigDict, Field, PrivateAttr, model_validator

from generator.models.common import Content, ItemId, Label, Location, StrictModel, Text

if TYPE_CHECKING:
    from generator.catalog import Catalog

QuestionId = Annotated[
    ItemId, Field(description="Unique across all quizzes, e.g. ch01-complaint-share")
]
Choice = TypeVar("Choice")
BLANK = "___"
"""How a fill-in question marks a blank in its prompt."""
PARTIAL_PICKS = (
    "多选题计分：每选对一项加 1 分，每选错一项扣 1 分，最低 0 分，再除以正确选项的个数。"
    "例如正确选项有 3 个，选对 2 个、错选 1 个，得 (2 − 1) ÷ 3 ≈ 33%。"
)
SCORED_OPTIONS = (
    "情境判断题：每种做法各有分数（最好的做法 100 分，可以接受的做法得部分分数），"
    "按你所选做法的分数计分。"
)
SHARE_RIGHT = (
    "填空题和配对题按填对的空、配对正确的项所占比例计分；填空不区分全角半角、大小写、空格和标点。"
    "数字按数值判分，小数点和正负号都算数，可以带上单位，也可以写成 80%、八成、¥1,500 这样的形式。"
)
ALL_OR_NOTHING = "排序题须全部排对才得分。"
SCORING_RULES = (PARTIAL_PICKS, SCORED_OPTIONS, SHARE_RIGHT, ALL_OR_NOTHING)
"""The scoring rules a quiz page states, in the order it states them, each once
for all the quiz's types that score by it (``BaseQuestion.scoring``)."""


def short_hash(value: object) -> str:
    """Eight hex digits that change whenever ``value``'s content changes."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def print_order(seed: str, count: int, gives_away: Callable[[list[int]], bool]) -> list[int]:
    """The positions of ``count`` options (or items) in the order a sheet prints them.

    Every printed sheet, answer key and the page before its script runs use this
    one order. Authors often write the key first, so the order is a shuffle seeded
    with ``seed`` (the question's id): the same on every build, different from
    question to question. An order that ``gives_away`` the answer (the key first,
    the items already in order) has its first position swapped with another, so
    no sheet gives the answer by position and the key lands anywhere else evenly.
    """
    chooser = random.Random(f"print-order:{seed}")
    order = list(range(count))
    chooser.shuffle(order)
    if not gives_away(order):
        return order
    others = list(range(1, count))
    chooser.shuffle(others)
    for other in others:
        swapped = order.copy()
        swapped[0], swapped[other] = swapped[other], swapped[0]
        if not gives_away(swapped):
            return swapped
    for turn in range(1, count):
        rotated = order[turn:] + order[:turn]
        if not gives_away(rotated):
            return rotated
    return order


def _in_order(order: list[int]) -> bool:
    return order == sorted(order)


def _listed(
    seed: str,
    keys: list[str],
    options: list[Choice],
    shuffle: bool,
    gives_away: Callable[[list[int]], bool],
) -> list[tuple[str, Choice]]:
    positions = print_order(seed, len(keys), gives_away) if shuffle else range(len(keys))
    return [(keys[index], options[index]) for index in positions]


class Option(StrictModel):
    """One answer a learner can pick, and what to tell them if they pick it."""

    id: ItemId | None = None
    text: Text
    correct: bool = False
    feedback: Text | None = None


class ScoredOption(StrictModel):
    """A course of action in a workplace situation, worth part of the marks."""

    id: ItemId | None = None
    text: Text
    score: int = Field(ge=0, le=100)
    feedback: Text | None = None


class BaseQuestion(StrictModel):
    """What every question has: an id, a prompt, an explanation, maybe a scenario.

    Each type also declares, once, what the outputs need to know of it: the
    class variables below, and its templates named after its ``type``.
    """

    if TYPE_CHECKING:
        type: str
        """The type's name: each model's ``Literal`` field, the key of ``QUESTION_TYPES``."""

    label: ClassVar[str]
    """The type's name as pages, sheets and tables print it (单选)."""
    scoring: ClassVar[str | None] = None
    """The rule (one of ``SCORING_RULES``) a quiz page states for it; None when
    it is simply right or wrong."""
    interaction: ClassVar[str]
    """Its SCORM 1.2 interaction type (``cmi.interactions.n.type``); ``scorm.js``
    formats the responses by it."""
    moodle: ClassVar[str]
    """The Moodle question type it is exported as: the name of its template in
    ``templates/moodle/questions/``."""

    id: QuestionId
    scenario: ItemId | None = None
    shuffle: bool | None = None
    """Overrides the quiz's ``shuffle`` for this question."""
    tags: list[ItemId] = Field(
        default_factory=list, description="Topics an exam can draw by, e.g. complaint"
    )
    section: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,80}$")] | None = Field(
        default=None,
        description="The id of the chapter section that teaches it, e.g. 12 for 1.2",
    )
    """Where an exam's result sends a learner to reread (checked against the chapter)."""
    prompt: Text
    explanation: Text

    _print_seed: str | None = PrivateAttr(default=None)

    @property
    def print_seed(self) -> str:
        """What ``print_order`` is seeded with: the id, or a paper version's seed."""
        return self._print_seed or self.id

    def printed_as(self, seed: str) -> Self:
        """This question with options, items and partners in ``seed``'s print order
        (an exam paper's version), so each version lists them differently."""
        copy = self.model_copy()
        copy._print_seed = f"{self.id}:{seed}"
        return copy

    @property
    def content_hash(self) -> str:
        """Changes when the question is edited, so a stale saved answer is not restored."""
        return short_hash(self.model_dump(mode="json", exclude={"shuffle", "tags", "section"}))

    @property
    def site_template(self) -> str:
        """The template of its form on a quiz or exam page."""
        return f"quizzes/questions/{self.type}.html.j2"

    @property
    def print_template(self) -> str:
        """The template of its printed forms: exercise, answer-sheet row and key."""
        return f"quizzes/print/{self.type}.html.j2"

    @property
    def moodle_template(self) -> str:
        return f"moodle/questions/{self.moodle}.xml.j2"


class ChoiceQuestion(BaseQuestion):
    """Shared fields and checks of questions answered by picking options."""

    options: list[Option] = Field(min_length=2)
    single_pick: ClassVar[bool] = True
    """Whether a learner picks one option (a radio button) rather than several."""
    interaction = "choice"
    moodle = "multichoice"

    @property
    def keys(self) -> list[str]:
        """Each option's key: its id, or its position when it has none."""
        return [option.id or str(index) for index, option in enumerate(self.options)]

    def listed(self, shuffle: bool) -> list[tuple[str, Option]]:
        """(key, option) in the order pages and sheets list them (``print_order``),
        or the file's order when ``shuffle`` is off."""
        return _listed(self.print_seed, self.keys, self.options, shuffle, self.right_first)

    def right_first(self, order: list[int]) -> bool:
        """Whether, listed in ``order``, every right option comes before every wrong
        one (a single choice's key first): the order gives the answer away."""
        right = [self.options[index].correct for index in order]
        return not all(right) and right == sorted(right, reverse=True)

    @property
    def correct_count(self) -> int:
        return sum(option.correct for option in self.options)

    @property
    def worth(self) -> list[float]:
        """Each option's worth in percent when picked, under the type's scoring rule."""
        return [100.0 if option.correct else 0.0 for option in self.options]

    @model_validator(mode="after")
    def _unique_option_ids(self) -> ChoiceQuestion:
        _check_unique("option id", [option.id for option in self.options if option.id])
        return self


class SingleChoice(ChoiceQuestion):
    """Exactly one option is right."""

    type: Literal["single"]
    label = "单选"

    @model_validator(mode="after")
    def _one_correct(self) -> SingleChoice:
        if self.correct_count != 1:
            raise ValueError(
                f"single-choice question needs exactly one correct option, "
                f"found {self.correct_count}: \u201c{self.prompt[:40]}\u201d"
            )
        return self


class MultipleChoice(ChoiceQuestion):
    """One or more options are right. Partial credit: each right pick +1, each
    wrong pick -1, floor 0, divided by the number of right options."""

    type: Literal["multiple"]
    options: list[Option] = Field(min_length=3)
    label = "多选"
    scoring = PARTIAL_PICKS
    single_pick = False

    @property
    def worth(self) -> list[float]:
        """Right options 100/k, wrong ones -100/k (k right options): the sum of the
        picks, floored at 0, is the partial credit."""
        share = 100 / self.correct_count
        return [share if option.correct else -share for option in self.options]

    @model_validator(mode="after")
    def _some_correct(self) -> MultipleChoice:
        if self.correct_count == 0:
            raise ValueError(
                f"multiple-choice question has no correct option: \u201c{self.prompt[:40]}\u201d"
            )
        return self


class TrueFalse(BaseQuestion):
    """A statement the learner judges true or false."""

    type: Literal["truefalse"]
    answer: bool
    label = "判断"
    interaction = "true-false"
    moodle = "truefalse"


Number = Annotated[float, Field(allow_inf_nan=False)]
MONEY_UNIT = "元"
"""The unit a money blank accepts besides the ¥ sign."""
CHINESE_DIGITS = "零一二三四五六七八九"
CHINESE_UNITS = ((1000, "千"), (100, "百"), (10, "十"))
BLANK_KINDS = ("answers", "number", "percent")
"""A blank has exactly one of these keys."""


class Blank(StrictModel):
    """One gap in a fill-in sentence: the words accepted for it, or the number it holds.

    Words (``answers``) match as typed, ignoring width, case, spaces and
    punctuation. A number (``number``, ``percent``) matches by value, so digits
    keep their decimal point and sign: 4.5 or 450 never pass for 45. The
    learner may write it with any of its ``units`` (100人, 100 名), in full-width
    digits, with thousands separators or in simple Chinese numerals (一百);
    a percentage also as 80%, 百分之八十 or 八成; money also as ¥1,500, ￥1500,
    1500.00 or 1,500 元. ``quiz.js`` grades both kinds.
    """

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": [kind]} for kind in BLANK_KINDS]}
    )

    answers: Annotated[list[Text], Field(min_length=1)] | None = None
    number: Number | None = None
    percent: Number | None = Field(default=None, description="A percentage, e.g. 80 for 80%")
    money: bool = Field(default=False, description="With number: an amount of yuan")
    units: list[Label] = Field(
        default_factory=list, description="With number: units a learner may write after it"
    )

    @model_validator(mode="after")
    def _one_kind(self) -> Blank:
        kinds = [name for name in BLANK_KINDS if getattr(self, name) is not None]
        if len(kinds) != 1:
            found = f"found {' and '.join(kinds)}" if kinds else "found none"
            raise ValueError(f"a blank needs exactly one of answers, number or percent, {found}")
        if self.number is None and (self.units or self.money):
            raise ValueError("units and money go with number only")
        _check_unique("unit", self.units)
        return self

    @property
    def value(self) -> float | None:
        """The number the blank holds (80 for 80%), or None for words."""
        return self.percent if self.percent is not None else self.number

    @property
    def unit_names(self) -> list[str]:
        """The units a learner may write after the number."""
        if self.percent is not None:
            return ["%"]
        return (
            [*self.units, MONEY_UNIT] if self.money and MONEY_UNIT not in self.units else self.units
        )

    @property
    def shown(self) -> str:
        """The answer as a key prints it: 45, 80%, ¥1,500, or the first accepted words."""
        if self.answers is not None:
            return self.answers[0]
        digits = number_text(self.value or 0.0)
        if self.percent is not None:
            return f"{digits}%"
        return f"¥{number_text(self.value or 0.0, grouped=True)}" if self.money else digits

    @property
    def accepted(self) -> list[str]:
        """Written forms accepted for the blank, for exports that compare text (Moodle).

        The site grades numbers by value and accepts more; these are the usual forms.
        """
        if self.answers is not None:
            return self.answers
        value = self.value or 0.0
        numbers = [number_text(value)]
        if abs(value) >= 1000:
            numbers.append(number_text(value, grouped=True))
        chinese = chinese_number(value)
        if self.percent is not None:
            forms = [*numbers, *(f"{n}{space}%" for n in numbers for space in ("", " "))]
            if chinese:
                forms.append(f"百分之{chinese}")
            tenths = chinese_number(value / 10)
            if tenths and value % 10 == 0:
                forms.append(f"{tenths}成")
            return forms
        if self.money:
            numbers += [f"{number_text(value)}.00"]
            numbers += [f"{sign}{n}" for sign in ("¥", "￥") for n in numbers[:2]]
        if chinese:
            numbers.append(chinese)
        plain = [n for n in numbers if n[0] not in "¥￥"]
        with_units = [
            f"{n}{space}{unit}"
            for unit in self.unit_names
            for n in plain
            for space in (("", " ") if n[-1].isdigit() else ("",))
        ]
        return list(dict.fromkeys([*numbers, *with_units]))

    @property
    def rule(self) -> dict[str, object] | None:
        """How ``quiz.js`` grades a number blank; None for words, which match as typed."""
        if self.answers is not None:
            return None
        return {
            "number": self.value,
            "units": self.unit_names,
            "percent": self.percent is not None,
            "money": self.money,
            "shown": self.shown,
        }


def number_text(value: float, grouped: bool = False) -> str:
    """``value`` in digits as people write it: no exponent, no trailing zeros."""
    text = f"{value:,f}" if grouped else f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def chinese_number(value: float) -> str | None:
    """A whole number below 10,000 in Chinese numerals (一百, 二十一, 四千六百), else None."""
    if value != int(value) or not 0 < value < 10000:
        return None
    number, parts, zero = int(value), [], False
    for size, unit in CHINESE_UNITS:
        digit, number = divmod(number, size)
        if digit:
            if zero:
                parts.append(CHINESE_DIGITS[0])
            parts.append(CHINESE_DIGITS[digit] + unit)
            zero = False
        elif parts:
            zero = True
    if number:
        if zero:
            parts.append(CHINESE_DIGITS[0])
        parts.append(CHINESE_DIGITS[number])
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


class Fill(BaseQuestion):
    """A sentence with blanks written ``___``, one ``blanks`` entry per blank, in order."""

    type: Literal["fill"]
    blanks: list[Blank] = Field(min_length=1)
    label = "填空"
    scoring = SHARE_RIGHT
    interaction = "fill-in"
    moodle = "shortanswer"
    """A short answer with one blank, a Cloze question with several."""

    @property
    def prompt_parts(self) -> list[str]:
        """The prompt's text around the blanks: one more part than there are blanks."""
        return self.prompt.split(BLANK)

    @model_validator(mode="after")
    def _blanks_match_prompt(self) -> Fill:
        count = self.prompt.count(BLANK)
        if count != len(self.blanks):
            raise ValueError(
                f"fill question has {count} blank(s) ({BLANK}) in its prompt "
                f"but {len(self.blanks)} entr{'y' if len(self.blanks) == 1 else 'ies'} "
                f"under 'blanks'"
            )
        return self


class Order(BaseQuestion):
    """Items the learner puts in order; the file lists them in the right order."""

    type: Literal["order"]
    items: list[Text] = Field(min_length=3)
    label = "排序"
    scoring = ALL_OR_NOTHING
    interaction = "sequencing"
    moodle = "ordering"

    @property
    def keys(self) -> list[str]:
        """Keys that do not give the right position away."""
        return [short_hash([self.id, text]) for text in self.items]

    @property
    def shown(self) -> list[tuple[str, str]]:
        """(key, text) in the order a learner first sees them: never the right one."""
        return _listed(self.print_seed, self.keys, self.items, True, _in_order)

    @property
    def sequence(self) -> list[int]:
        """The printed positions of the items (``shown``), in the right order."""
        printed = [key for key, _ in self.shown]
        return [printed.index(key) for key in self.keys]

    @model_validator(mode="after")
    def _distinct_items(self) -> Order:
        _check_unique("item", self.items)
        return self


class Pair(StrictModel):
    left: Text
    right: Text


class Match(BaseQuestion):
    """Pairs the learner rebuilds by choosing, for each left item, its right item."""

    type: Literal["match"]
    pairs: list[Pair] = Field(min_length=3)
    label = "配对"
    scoring = SHARE_RIGHT
    interaction = "matching"
    moodle = "matching"

    @property
    def right_keys(self) -> list[str]:
        return [short_hash([self.id, pair.right]) for pair in self.pairs]

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(key, text) of the right-hand items, in an order unrelated to the pairs."""
        rights = [pair.right for pair in self.pairs]
        return _listed(self.print_seed, self.right_keys, rights, True, _in_order)

    @property
    def partners(self) -> list[int]:
        """For each pair, the printed position of its right item among ``choices``."""
        printed = [key for key, _ in self.choices]
        return [printed.index(key) for key in self.right_keys]

    @model_validator(mode="after")
    def _distinct_sides(self) -> Match:
        _check_unique("left item", [pair.left for pair in self.pairs])
        _check_unique("right item", [pair.right for pair in self.pairs])
        return self


class Judgement(BaseQuestion):
    """A workplace situation whose options are scored, best 100, with coaching feedback."""

    type: Literal["judgement"]
    options: list[ScoredOption] = Field(min_length=3, max_length=4)
    label = "情境判断"
    scoring = SCORED_OPTIONS
    interaction = "performance"
    """SCORM 1.2 has no type for a scored situational judgement: "performance" (a
    task done well or badly), with the picked option as the response."""
    moodle = "multichoice"
    single_pick: ClassVar[bool] = True

    @property
    def keys(self) -> list[str]:
        return [option.id or str(index) for index, option in enumerate(self.options)]

    def listed(self, shuffle: bool) -> list[tuple[str, ScoredOption]]:
        """(key, option) as pages and sheets list them; never the best option first."""
        return _listed(self.print_seed, self.keys, self.options, shuffle, self._best_first)

    def _best_first(self, order: list[int]) -> bool:
        return self.options[order[0]].score == 100

    @property
    def worth(self) -> list[float]:
        """Each option's score."""
        return [float(option.score) for option in self.options]

    @model_validator(mode="after")
    def _one_best(self) -> Judgement:
        _check_unique("option id", [option.id for option in self.options if option.id])
        best = sum(option.score == 100 for option in self.options)
        if best != 1:
            raise ValueError(
                f"judgement question needs exactly one option with the top score 100, found {best}"
            )
        return self


def _check_unique(what: str, values: list[str]) -> None:
    repeated = [value for value, count in Counter(values).items() if count > 1]
    if repeated:
        raise ValueError(f"{what} \u201c{repeated[0]}\u201d appears more than once")


Question = Annotated[
    SingleChoice | MultipleChoice | TrueFalse | Fill | Order | Match | Judgement,
    Field(discriminator="type"),
]
QUESTION_TYPES: dict[str, type[BaseQuestion]] = {
    get_args(model.model_fields["type"].annotation)[0]: model
    for model in get_args(get_args(Question)[0])
}
"""Each question type's model by its name, in the order of ``Question``: the one
table the templates (``question_types``) and exports look a type up in."""


class Scenario(StrictModel):
    """A short case stem shown once above the questions that refer to it."""

    id: ItemId
    text: Text


class Quiz(Content):
    """The self-check after a chapter."""

    intro: Text | None = None
    pass_percent: int = Field(default=80, ge=0, le=100)
    shuffle: bool = True
    """Whether options are shuffled (again on every retry); a question may override it."""
    scenarios: list[Scenario] = Field(default_factory=list)
    questions: list[Question] = Field(min_length=1)

    def scenario(self, scenario_id: str | None) -> Scenario | None:
        return next((s for s in self.scenarios if s.id == scenario_id), None)

    def shuffles(self, question: BaseQuestion) -> bool:
        return self.shuffle if question.shuffle is None else question.shuffle

    @property
    def types(self) -> set[str]:
        return {question.type for question in self.questions}

    @property
    def scoring_rules(self) -> list[str]:
        """The scoring rules of its questions' types, each once, in page order."""
        used = {question.scoring for question in self.questions}
        return [rule for rule in SCORING_RULES if rule in used]

    def unique_ids(self) -> list[tuple[Location, str]]:
        return [(("questions", i, "id"), q.id) for i, q in enumerate(self.questions)]

    def catalog_problems(self, catalog: Catalog) -> Iterator[tuple[Location, str]]:
        sections = catalog.sections.get(self.chapter, {})
        for index, question in enumerate(self.questions):
            if question.section is not None and question.section not in sections:
                known = ", ".join(sections) or "none"
                yield (
                    ("questions", index, "section"),
                    f"'{question.section}' is no section of {self.chapter} (its ids: {known})",
                )

    def problems(self) -> Iterator[tuple[Location, str]]:
        seen: set[str] = set()
        for index, scenario in enumerate(self.scenarios):
            if scenario.id in seen:
                yield ("scenarios", index, "id"), f"scenario id '{scenario.id}' is used twice"
            seen.add(scenario.id)
        for index, question in enumerate(self.questions):
            if question.scenario is not None and question.scenario not in seen:
                yield (
                    ("questions", index, "scenario"),
                    f"scenario '{question.scenario}' is not defined under 'scenarios'",
                )
