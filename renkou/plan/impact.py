"""Population impact assessment (人口影响评估) of a decision, as extra net migrants on top of the medium variant.

A scenario file (YAML) lists decisions; each becomes net migrants by district, year, sex and single age, added to
the medium variant's own (:func:`renkou.plan.population.run_medium_with`), so the newcomers then age, die and have
children like everyone else. The kinds:

- ``housing``: ``units`` dwellings in ``district`` occupied from ``from_year`` over ``years`` years (evenly), each
  by ``persons_per_unit`` movers; their ages by default the Rogers-Castro "fundamental" schedule (Rogers & Castro
  1981: families with young children and young adults), half women.
- ``university``: a student body of ``students`` in ``district`` built up from ``from_year``: each year an intake of
  ``students / years_of_study`` aged ``entry_age`` arrives, and from ``from_year + years_of_study`` each graduating
  class leaves again at ``entry_age + years_of_study`` except ``stay_share`` of it; ``female_share`` of them women.
- ``settlement_quota``: ``change`` more (or, negative, fewer) settlers a year from ``from_year`` to ``to_year``,
  shared among ``districts`` (code: share; default every district by its share of the base population), with the
  ages and sexes of the city's own net migrants as estimated from the register.

Any decision may give its own ``profile``: ``{groups: {"0-14": 0.25, "15-29": 0.35, "30-59": 0.3, "60+": 0.1},
female_share: 0.5}`` (shares of the movers by age group, spread evenly over the group's single ages, summing to 1).

Timing follows the projection's convention for migrants (``half``): the net migrants of a year are indexed by
their age at the end of the year; half join at the start of the year (and so are a year older, and survived, at
its end), half at the end. The functions here are pure; :func:`load_scenario` reads the file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from renkou.plan.facilities import FloatArray
from renkou.plan.yamlines import LineDict, LineList, Where, load_yaml

SCENARIOS_DIR = Path(__file__).parent / "scenarios"  # shipped example scenarios
AGES = 101  # single ages 0..99 and 100+
KINDS = ("housing", "university", "settlement_quota")
_COMMON = {"kind", "name", "profile"}
_KEYS = {
    "housing": {"district", "units", "persons_per_unit", "from_year", "years"},
    "university": {"district", "students", "from_year", "years_of_study", "entry_age", "stay_share", "female_share"},
    "settlement_quota": {"change", "from_year", "to_year", "districts"},
}
_REQUIRED = {
    "housing": ("district", "units", "persons_per_unit", "from_year"),
    "university": ("district", "students", "from_year"),
    "settlement_quota": ("change", "from_year"),
}


@dataclass(frozen=True)
class Decision:
    """One decision of a scenario (see the module docstring for the fields of each kind)."""

    kind: str
    name: str
    from_year: int
    district: str | None = None
    units: float = 0.0
    persons_per_unit: float = 0.0
    years: int = 1
    students: float = 0.0
    years_of_study: int = 4
    entry_age: int = 18
    stay_share: float = 0.0
    female_share: float = 0.5
    change: float = 0.0
    to_year: int | None = None
    districts: Mapping[str, float] | None = None
    profile: FloatArray | None = None  # (2, AGES), sum 1

    def describe(self) -> str:
        """One line in Chinese and English."""
        if self.kind == "housing":
            return (
                f"{self.district} 自 {self.from_year} 年新增住房 {self.units:,.0f} 套（每套 {self.persons_per_unit:g} 人，"
                f"{self.years} 年入住） / {self.units:,.0f} dwellings in {self.district} from {self.from_year} "
                f"({self.persons_per_unit:g} persons each, occupied over {self.years} years)"
            )
        if self.kind == "university":
            return (
                f"{self.district} 自 {self.from_year} 年新建高校 {self.students:,.0f} 名在校生 / a new university of "
                f"{self.students:,.0f} students in {self.district} from {self.from_year}"
            )
        until = f"-{self.to_year}" if self.to_year else " on"
        return (
            f"落户指标每年 {self.change:+,.0f} 人（{self.from_year}{until}） / settlement quota {self.change:+,.0f} "
            f"a year ({self.from_year}{until})"
        )


@dataclass(frozen=True)
class ImpactScenario:
    """A named set of decisions applied to one variant (medium by default)."""

    name: str
    decisions: list[Decision]
    variant: str = "medium"
    description: str = ""
    notes: list[str] = field(default_factory=list)


def rogers_castro_profile() -> FloatArray:
    """The default movers' profile ``(2, AGES)``: the Rogers-Castro fundamental schedule, half women."""
    from renkou.projection.migration import FUNDAMENTAL, rogers_castro_profile, sex_age_profile

    shape = rogers_castro_profile(FUNDAMENTAL, list(range(AGES)), 1)
    return np.asarray(sex_age_profile(shape, shape, 0.5), dtype=np.float64)


def group_profile(groups: Mapping[tuple[int, int], float], female_share: float) -> FloatArray:
    """A profile ``(2, AGES)`` from shares by age group ``(low, high inclusive)``, each spread evenly."""
    by_age = np.zeros(AGES)
    for (low, high), share in groups.items():
        by_age[low : high + 1] += share / (high - low + 1)
    return np.stack([by_age * female_share, by_age * (1 - female_share)])


def single_age_profile(age: int, female_share: float) -> FloatArray:
    """Everyone aged ``age``."""
    profile = np.zeros((2, AGES))
    profile[0, age], profile[1, age] = female_share, 1 - female_share
    return profile


def _step(year: int, start_year: int) -> int:
    """The projection step ending with the end of ``year`` (step 0 is the year after the base year)."""
    return year - start_year - 1


def extra_migrants(
    scenario: ImpactScenario,
    codes: Sequence[str],
    start_year: int,
    steps: int,
    city_profile: FloatArray,
    base_shares: Sequence[float],
) -> FloatArray:
    """Net migrants ``(districts, steps, 2, AGES)`` the decisions add; ``codes`` the districts in projection order,
    ``start_year`` the base year, ``city_profile`` the city's migrant profile, ``base_shares`` each district's share
    of the base population (for a quota without its own districts). Years outside the horizon are dropped."""
    extra = np.zeros((len(codes), steps, 2, AGES))

    def add(code: str, year: int, persons: float, profile: FloatArray) -> None:
        t = _step(year, start_year)
        if 0 <= t < steps:
            extra[codes.index(code), t] += persons * profile

    for decision in scenario.decisions:
        if decision.kind == "housing":
            assert decision.district is not None
            profile = decision.profile if decision.profile is not None else rogers_castro_profile()
            movers = decision.units * decision.persons_per_unit / decision.years
            for year in range(decision.from_year, decision.from_year + decision.years):
                add(decision.district, year, movers, profile)
        elif decision.kind == "university":
            assert decision.district is not None
            intake = decision.students / decision.years_of_study
            arrive = (
                decision.profile
                if decision.profile is not None
                else single_age_profile(decision.entry_age, decision.female_share)
            )
            leave_age = min(decision.entry_age + decision.years_of_study, AGES - 1)
            leave = single_age_profile(leave_age, decision.female_share)
            for t in range(steps):
                year = start_year + 1 + t
                if year >= decision.from_year:
                    add(decision.district, year, intake, arrive)
                if year >= decision.from_year + decision.years_of_study:
                    add(decision.district, year, -intake * (1 - decision.stay_share), leave)
        else:
            profile = decision.profile if decision.profile is not None else city_profile
            shares = (
                dict(decision.districts)
                if decision.districts
                else {code: float(share) for code, share in zip(codes, base_shares, strict=True)}
            )
            last = decision.to_year if decision.to_year is not None else start_year + steps
            for year in range(decision.from_year, last + 1):
                for code, share in shares.items():
                    add(code, year, decision.change * share, profile)
    return extra


# --- The scenario file ---


def _number(where: Where, item: LineDict, key: str, what: str, *, low: float = 0.0, integer: bool = False) -> float:
    value = item.get(key)
    bad = isinstance(value, bool) or not isinstance(value, int | float) or (integer and not isinstance(value, int))
    if bad or value < low:  # type: ignore[operator]
        kind_zh, kind_en = ("整数", "an integer") if integer else ("数字", "a number")
        raise where.fail(
            item.line_of(key),
            f"{what}的 {key} 应为不小于 {low:g} 的{kind_zh}：{value!r}",
            f"{what}: {key} must be {kind_en} of at least {low:g}, not {value!r}",
        )
    return float(value)  # type: ignore[arg-type]


def _district(where: Where, item: LineDict, key: str, value: object, codes: Sequence[str], what: str) -> str:
    code = str(value)
    if code not in codes:
        raise where.fail(
            item.line_of(key),
            f"{what}的区县 {code!r} 不在预测的区县中（{', '.join(codes)}）",
            f"{what}: district {code!r} is not one of the projected districts ({', '.join(codes)})",
        )
    return code


def _profile(where: Where, raw: object, line: int, what: str) -> FloatArray:
    if not isinstance(raw, LineDict):
        raise where.fail(line, f"{what}的 profile 应为映射", f"{what}: profile must be a mapping")
    where.unknown_keys(raw, {"groups", "female_share"}, f"{what} profile")
    groups_raw = raw.get("groups")
    if not isinstance(groups_raw, LineDict) or not groups_raw:
        raise where.fail(
            raw.line_of("groups"),
            f"{what}的 profile.groups 应为 {{'0-14': 份额, ...}}",
            f"{what}: profile.groups must map age groups like '0-14' or '60+' to shares",
        )
    groups: dict[tuple[int, int], float] = {}
    for label, share in groups_raw.items():
        text = str(label).strip()
        try:
            if text.endswith("+"):
                low, high = int(text[:-1]), AGES - 1
            else:
                first, last = text.split("-")
                low, high = int(first), int(last)
        except ValueError:
            low, high = -1, -1
        if not (0 <= low <= high < AGES) or isinstance(share, bool) or not isinstance(share, int | float) or share < 0:
            raise where.fail(
                groups_raw.line_of(label),
                f"{what}的年龄组 {label!r}: {share!r} 无效",
                f"{what}: age group {label!r}: {share!r} is not valid (e.g. '15-29': 0.3)",
            )
        groups[(low, high)] = float(share)
    total = sum(groups.values())
    if abs(total - 1) > 1e-6:
        raise where.fail(
            raw.line_of("groups"),
            f"{what}的年龄组份额合计 {total:g}，应为 1",
            f"{what}: group shares sum to {total:g}, not 1",
        )
    female = raw.get("female_share", 0.5)
    if isinstance(female, bool) or not isinstance(female, int | float) or not 0 <= female <= 1:
        raise where.fail(
            raw.line_of("female_share"),
            f"{what}的 female_share 应在 0 到 1 之间：{female!r}",
            f"{what}: female_share must be between 0 and 1, not {female!r}",
        )
    return group_profile(groups, float(female))


def _decision(where: Where, item: object, line: int, codes: Sequence[str], number: int) -> Decision:
    if not isinstance(item, LineDict):
        raise where.fail(line, f"决策应为映射，而不是 {item!r}", f"a decision must be a mapping, not {item!r}")
    kind = item.get("kind")
    if kind not in KINDS:
        raise where.fail(
            item.line_of("kind"),
            f"决策的 kind {kind!r} 无效（{', '.join(KINDS)}）",
            f"decision kind {kind!r} is not one of {', '.join(KINDS)}",
        )
    what = f"decision {number} ({kind})"
    where.unknown_keys(item, _KEYS[str(kind)] | _COMMON, what)
    for needed in _REQUIRED[str(kind)]:
        if needed not in item:
            raise where.fail(item.line, f"{what}缺少 {needed}", f"{what} needs {needed}")
    values: dict[str, object] = {"kind": kind, "name": str(item.get("name", kind))}
    values["from_year"] = int(_number(where, item, "from_year", what, low=1900, integer=True))
    if "profile" in item:
        values["profile"] = _profile(where, item["profile"], item.line_of("profile"), what)
    if kind in ("housing", "university"):
        values["district"] = _district(where, item, "district", item["district"], codes, what)
    if kind == "housing":
        values["units"] = _number(where, item, "units", what)
        values["persons_per_unit"] = _number(where, item, "persons_per_unit", what)
        if "years" in item:
            values["years"] = int(_number(where, item, "years", what, low=1, integer=True))
    elif kind == "university":
        values["students"] = _number(where, item, "students", what)
        for key, low in (("years_of_study", 1), ("entry_age", 0)):
            if key in item:
                values[key] = int(_number(where, item, key, what, low=low, integer=True))
        for key in ("stay_share", "female_share"):
            if key in item:
                share = _number(where, item, key, what)
                if share > 1:
                    raise where.fail(
                        item.line_of(key), f"{what}的 {key} 应不大于 1", f"{what}: {key} must be at most 1"
                    )
                values[key] = share
    else:
        change = item.get("change")
        if isinstance(change, bool) or not isinstance(change, int | float):
            raise where.fail(item.line_of("change"), f"{what}的 change 应为数字", f"{what}: change must be a number")
        values["change"] = float(change)
        if "to_year" in item:
            to_year = int(_number(where, item, "to_year", what, low=values["from_year"], integer=True))  # type: ignore[arg-type]
            values["to_year"] = to_year
        if "districts" in item:
            raw = item["districts"]
            if not isinstance(raw, LineDict) or not raw:
                raise where.fail(
                    item.line_of("districts"),
                    f"{what}的 districts 应为 {{区县代码: 份额}}",
                    f"{what}: districts must map district codes to shares",
                )
            shares = {
                _district(where, raw, str(code), code, codes, what): _number(where, raw, str(code), what)
                for code in raw
            }
            if abs(sum(shares.values()) - 1) > 1e-6:
                raise where.fail(
                    item.line_of("districts"),
                    f"{what}的区县份额合计应为 1",
                    f"{what}: district shares must sum to 1, not {sum(shares.values()):g}",
                )
            values["districts"] = shares
    return Decision(**values)  # type: ignore[arg-type]


def load_scenario(path: Path, codes: Sequence[str]) -> ImpactScenario:
    """Read and validate a scenario file against the projected districts ``codes``."""
    where = Where(path)
    data = load_yaml(path)
    if not isinstance(data, LineDict):
        raise where.fail(1, "情景文件应为 YAML 映射", "a scenario file must be a YAML mapping")
    where.unknown_keys(data, {"name", "description", "variant", "decisions"}, "scenario file")
    items = data.get("decisions")
    if not isinstance(items, LineList) or not items:
        raise where.fail(data.line_of("decisions"), "decisions 应为非空列表", "decisions must be a non-empty list")
    variant = data.get("variant", "medium")
    if variant not in ("low", "medium", "high"):
        raise where.fail(
            data.line_of("variant"),
            f"variant 应为 low/medium/high：{variant!r}",
            f"variant must be low, medium or high: {variant!r}",
        )
    decisions = [
        _decision(where, item, line, codes, number)
        for number, (item, line) in enumerate(zip(items, items.item_lines, strict=True), start=1)
    ]
    return ImpactScenario(
        name=str(data.get("name", path.stem)),
        decisions=decisions,
        variant=str(variant),
        description=str(data.get("description", "")),
    )
