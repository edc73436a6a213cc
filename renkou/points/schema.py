"""The layout of a points rule file (YAML), as pydantic models.

The models check shapes and types and reject unknown keys; consistency across sections (an indicator naming an
unknown input, overlapping bands, a cap below a value ...) is checked afterwards by :mod:`renkou.points.consistency`.
Points are written in the file as numbers with at most two decimals (Beijing scores half points).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

Number = StrictInt | float
Scalar = StrictBool | Number | StrictStr

PURPOSES = ("settlement", "school_admission")

# What the population register can tell about a person (renkou.points.register_evidence), by the type of input
# that can take it. An input marked ``from_register`` takes the measure of its own name unless it names another
# with ``register_measure``.
REGISTER_MEASURES: dict[str, tuple[str, ...]] = {
    "age": ("integer", "number"),
    "sex": ("level",),
    "has_permit": ("flag",),
    "education": ("level",),
    "insurance_years": ("number", "integer"),
    "insurance_years_continuous": ("number", "integer"),
    "housing_owned_years": ("number", "integer"),
    "housing_rented_years": ("number", "integer"),
}


class Strict(BaseModel):
    """Base: unknown keys are errors (a typo must not silently drop a rule)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    """A published document the rule set encodes."""

    title: str
    issuer: str
    number: str | None = None  # the document number, e.g. 京政发〔2016〕39号
    issued: date | None = None
    effective: date | None = None
    url: str | None = None
    note: str | None = None


class City(Strict):
    zh: str
    en: str
    code: Annotated[str, Field(pattern=r"^\d{6}$")]


class LevelSpec(Strict):
    """One value of a categorical input; ``aliases`` are other spellings accepted in applicant files."""

    zh: str
    en: str
    aliases: list[str] = []


class DefaultBy(Strict):
    """A default that depends on another (level) input, e.g. the retirement age by sex."""

    by: str
    values: dict[str, Scalar]


class InputSpec(Strict):
    """A column of the applicant file that the rules read."""

    type: Literal["integer", "number", "flag", "level", "text"]
    zh: str
    en: str
    levels: dict[str, LevelSpec] | None = None
    default: Scalar | DefaultBy | None = None
    min: Number | None = None
    max: Number | None = None
    # Whether the population register can supply the value (otherwise it is always self-declared).
    from_register: bool = False
    # Which register measure gives the value (default: the one named like the input), see REGISTER_MEASURES.
    register_measure: str | None = None


class Condition(Strict):
    """A condition on an input: exactly one of the comparisons."""

    input: str
    at_least: Number | None = None
    at_most: Number | None = None
    below: Number | None = None
    above: Number | None = None
    equals: Scalar | None = None


class Band(Strict):
    """A closed interval ``min <= value <= max`` (either end may be open) and its points.

    ``per_unit_below_max`` adds points for each unit the value is below ``max`` ("每年轻1岁加2分"); the indicator's
    cap then bounds the result ("最高30分").
    """

    min: Number | None = None
    max: Number | None = None
    points: Number
    per_unit_below_max: Number | None = None


class IndicatorBase(Strict):
    zh: str
    en: str
    input: str
    cap: Number | None = None  # largest number of points (for a deduction: largest number deducted)
    note: str | None = None


class BandsIndicator(IndicatorBase):
    kind: Literal["bands"]
    bands: list[Band]


class LevelRequirement(Strict):
    """Points of a level that count only when a condition holds; ``otherwise`` points when it does not."""

    condition: Condition
    otherwise: Number = 0


class LevelsIndicator(IndicatorBase):
    kind: Literal["levels"]
    points: dict[str, Number]
    requires: dict[str, LevelRequirement] = {}


class PerUnitIndicator(IndicatorBase):
    kind: Literal["per_unit"]
    rate: Number
    whole_units: bool = True  # "每满1年": only full units count


class FlagIndicator(IndicatorBase):
    kind: Literal["flag"]
    points: Number


Indicator = Annotated[BandsIndicator | LevelsIndicator | PerUnitIndicator | FlagIndicator, Field(discriminator="kind")]


class Gate(Strict):
    """An eligibility condition. Thresholds may depend on a level input (``by``), e.g. retirement age by sex."""

    zh: str
    en: str
    input: str
    at_least: Number | dict[str, Number] | None = None
    at_most: Number | dict[str, Number] | None = None
    below: Number | StrictStr | dict[str, Number] | None = None  # a string names another input
    above: Number | dict[str, Number] | None = None
    equals: Scalar | None = None
    by: str | None = None


class ExclusiveGroup(Strict):
    """Only the highest-scoring of these indicators counts."""

    zh: str
    en: str
    indicators: list[str]


class YearBudget(Strict):
    """Per-unit indicators whose units together may not exceed another input (allocated in the listed order)."""

    zh: str
    en: str
    indicators: list[str]
    limit: str


class TieBreak(Strict):
    input: str
    order: Literal["desc", "asc"] = "desc"


class GroupQuotas(Strict):
    """Places per district or school: the applicants' ``by`` column picks the group."""

    by: str
    places: dict[str, StrictInt]


class Ranking(Strict):
    passing_score: Number | None = None
    quota: StrictInt | None = None
    quotas: GroupQuotas | None = None
    tie_breaks: list[TieBreak] = []
    # admit_all: everyone tied with the last place inside the quota is admitted (Beijing);
    # within_quota: the quota is never exceeded, a tie that does not fit is not admitted.
    ties_at_cutoff: Literal["admit_all", "within_quota"] = "admit_all"


class RuleFile(Strict):
    """A whole rule file."""

    schema_version: Literal[1]
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    revision: StrictInt
    city: City
    purpose: Literal["settlement", "school_admission"]
    year: StrictInt
    zh: str
    en: str
    sources: Annotated[list[Source], Field(min_length=1)]
    notes: list[str] = []
    inputs: dict[str, InputSpec]
    gates: dict[str, Gate] = {}
    indicators: dict[str, Indicator]
    exclusive_groups: dict[str, ExclusiveGroup] = {}
    year_budgets: dict[str, YearBudget] = {}
    floor: Number | None = None
    ranking: Ranking = Ranking()
