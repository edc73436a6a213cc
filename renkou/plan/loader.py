"""Plan files: the schema and a loader whose errors name the file, line, key and value.

A plan file (see ``renkou/plan/plans/*.yaml``)::

    plan: hangzhou_14th_fyp_2021_2025        # short name
    title: 杭州市人口发展"十四五"规划
    source: where the targets were transcribed from
    base_year: 2020
    target_year: 2025
    about_tolerance: "5%"                    # default tolerance of "~" targets (number = absolute, "5%" = relative)
    indicators:
      - name: registered crude birth rate
        name_zh: 户籍人口出生率
        domain: size                         # free text: size, structure, health, ...
        unit: per mille
        nature: expected                     # expected (预期性) or binding (约束性)
        base: 9.92                           # value in the base year, in the plan's unit (optional)
        target: ">8"                         # see renkou.plan.targets
        tolerance: 0.5                       # optional, overrides about_tolerance
        measure: {key: registered.crude_birth_rate, factor: 1}   # a key of `renkou stats --json`, x factor
        # or, for what the register does not hold:
        entered: {2021: 66.9, 2022: 67.1}    # values entered by hand, by year
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from renkou.plan.targets import Target, TargetSyntaxError, Tolerance, parse_target, parse_tolerance
from renkou.plan.yamlines import LineDict, LineList, Where, load_yaml

PLANS_DIR = Path(__file__).parent / "plans"
DEFAULT_PLAN = PLANS_DIR / "hangzhou_14th_fyp_2021_2025.yaml"

# Indicator keys of `renkou stats --json` per population (DESIGN.md "Contracts").
INDICATOR_NAMES = [
    "population",
    "births",
    "deaths",
    "crude_birth_rate",
    "crude_death_rate",
    "natural_increase_rate",
    "total_fertility_rate",
    "mean_age_at_childbearing",
    "sex_ratio_at_birth",
    "infant_mortality_rate",
    "life_expectancy_at_birth",
    "life_expectancy_at_birth_female",
    "life_expectancy_at_birth_male",
    "share_0_14",
    "share_15_59",
    "share_15_64",
    "share_60_plus",
    "share_65_plus",
    "share_80_plus",
    "child_dependency_ratio",
    "old_age_dependency_ratio",
    "total_dependency_ratio",
    "median_age",
    "sex_ratio",
    "urbanization_rate",
    "households",
    "mean_household_size",
    # more keys the stats part also reports
    "mean_population",
    "male",
    "female",
    "natural_increase",
    "net_migration",
    "net_migration_rate",
    "population_60_plus",
    "population_65_plus",
    "mean_age",
    "urban_population",
    "mean_years_of_schooling_working_age",
    "life_expectancy_at_60",
    "under_5_mortality_rate",
]
KNOWN_KEYS = frozenset(
    [f"{kind}.{name}" for kind in ("registered", "resident") for name in INDICATOR_NAMES] + ["floating.population"]
)
NATURES = {"expected": "预期性", "binding": "约束性"}

_PLAN_KEYS = {"plan", "title", "source", "base_year", "target_year", "about_tolerance", "indicators", "notes"}
_INDICATOR_KEYS = {
    "name",
    "name_zh",
    "domain",
    "unit",
    "nature",
    "base",
    "target",
    "published",
    "tolerance",
    "measure",
    "entered",
    "note",
}
_MEASURE_KEYS = {"key", "factor"}


@dataclass(frozen=True)
class Indicator:
    """One plan indicator; exactly one of ``key`` (measured by renkou) or ``entered`` (by hand) may be set."""

    name: str
    target: Target
    nature: str = "expected"
    name_zh: str = ""
    domain: str = ""
    unit: str = ""
    base: float | None = None
    key: str | None = None
    factor: float = 1.0
    entered: dict[int, float] = field(default_factory=dict)
    published: str = ""
    note: str = ""


@dataclass(frozen=True)
class Plan:
    """A plan: its years, source and indicators, in file order."""

    name: str
    base_year: int
    target_year: int
    indicators: tuple[Indicator, ...]
    title: str = ""
    source: str = ""
    path: str = ""


def _number(where: Where, mapping: LineDict, key: str, what: str) -> float | None:
    value = mapping.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise where.fail(
            mapping.line_of(key),
            f"{what}的 {key} 应为数字，而不是 {value!r}",
            f"{what}: {key} must be a number, not {value!r}",
        )
    return float(value)


def _year(where: Where, mapping: LineDict, key: str) -> int:
    value = mapping.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not 1949 <= value <= 2100:
        raise where.fail(
            mapping.line_of(key),
            f"{key} 应为 1949-2100 之间的年份，而不是 {value!r}",
            f"{key} must be a year between 1949 and 2100, not {value!r}",
        )
    return value


def _text(where: Where, mapping: LineDict, key: str, what: str, required: bool = False) -> str:
    value = mapping.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise where.fail(
            mapping.line_of(key),
            f"{what}的 {key} 应为非空文本，而不是 {value!r}",
            f"{what}: {key} must be non-empty text, not {value!r}",
        )
    return value.strip()


def _measure(where: Where, item: LineDict, what: str) -> tuple[str | None, float]:
    raw = item.get("measure")
    if raw is None:
        return None, 1.0
    if isinstance(raw, str):
        raw_map = LineDict(key=raw)
        raw_map.line, raw_map.key_lines = item.line_of("measure"), {}
        raw = raw_map
    if not isinstance(raw, LineDict):
        raise where.fail(
            item.line_of("measure"),
            f"{what}的 measure 应为 {{key, factor}}，而不是 {raw!r}",
            f"{what}: measure must be a mapping {{key, factor}}, not {raw!r}",
        )
    where.unknown_keys(raw, _MEASURE_KEYS, f"{what} measure")
    key = raw.get("key")
    if key not in KNOWN_KEYS:
        raise where.fail(
            raw.line_of("key"),
            f"{what}的指标键 {key!r} 不是 renkou stats 的指标（例如 registered.crude_birth_rate）",
            f"{what}: indicator key {key!r} is not a renkou stats indicator (e.g. registered.crude_birth_rate, "
            "resident.share_60_plus, floating.population)",
        )
    factor = _number(where, raw, "factor", f"{what} measure")
    if factor == 0:
        raise where.fail(raw.line_of("factor"), f"{what}的 factor 不能为 0", f"{what}: factor must not be 0")
    return str(key), 1.0 if factor is None else factor


def _entered(where: Where, item: LineDict, what: str) -> dict[int, float]:
    raw = item.get("entered")
    if raw is None:
        return {}
    if not isinstance(raw, LineDict) or not raw:
        raise where.fail(
            item.line_of("entered"),
            f"{what}的 entered 应为 年份: 数值 的映射，而不是 {raw!r}",
            f"{what}: entered must be a mapping of year: value, not {raw!r}",
        )
    values: dict[int, float] = {}
    for year_text, value in raw.items():
        line = raw.line_of(year_text)
        if not year_text.isdigit() or not 1949 <= int(year_text) <= 2100:
            raise where.fail(
                line, f"{what}的 entered 年份 {year_text!r} 无效", f"{what}: entered year {year_text!r} is not a year"
            )
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise where.fail(
                line,
                f"{what}的 entered {year_text} 应为数字，而不是 {value!r}",
                f"{what}: entered value for {year_text} must be a number, not {value!r}",
            )
        values[int(year_text)] = float(value)
    return dict(sorted(values.items()))


def _indicator(where: Where, item: object, line: int, default_tolerance: Tolerance | None) -> Indicator:
    if not isinstance(item, LineDict):
        raise where.fail(line, f"指标应为映射，而不是 {item!r}", f"an indicator must be a mapping, not {item!r}")
    where.unknown_keys(item, _INDICATOR_KEYS, "indicator")
    name = _text(where, item, "name", "indicator", required=True)
    what = f"indicator {name!r}"
    nature = item.get("nature", "expected")
    if nature not in NATURES:
        raise where.fail(
            item.line_of("nature"),
            f"{what}的 nature 应为 expected（预期性）或 binding（约束性），而不是 {nature!r}",
            f"{what}: nature must be expected or binding, not {nature!r}",
        )
    tolerance = default_tolerance
    if "tolerance" in item:
        try:
            tolerance = parse_tolerance(item["tolerance"])
        except TargetSyntaxError as error:
            raise where.fail(item.line_of("tolerance"), f"{what}：容差无效（{error}）", f"{what}: {error}") from None
    if "target" not in item:
        raise where.fail(item.line, f"{what}缺少 target", f"{what} has no target")
    try:
        target = parse_target(item["target"], tolerance)
    except TargetSyntaxError as error:
        raise where.fail(item.line_of("target"), f"{what}的目标无法识别（{error}）", f"{what}: {error}") from None
    key, factor = _measure(where, item, what)
    entered = _entered(where, item, what)
    if key is not None and entered:
        raise where.fail(
            item.line_of("entered"),
            f"{what}同时有 measure 和 entered，只能有一个",
            f"{what} has both measure and entered; give one",
        )
    return Indicator(
        name=name,
        target=target,
        nature=str(nature),
        name_zh=_text(where, item, "name_zh", what),
        domain=_text(where, item, "domain", what),
        unit=_text(where, item, "unit", what),
        base=_number(where, item, "base", what),
        key=key,
        factor=factor,
        entered=entered,
        published=str(item.get("published", "")),
        note=_text(where, item, "note", what),
    )


def parse_plan(data: object, path: Path) -> Plan:
    """Validate a plan read by :func:`renkou.plan.yamlines.load_yaml`; errors name ``path`` and the line."""
    where = Where(path)
    if not isinstance(data, LineDict):
        raise where.fail(1, "规划文件应为 YAML 映射", "a plan file must be a YAML mapping")
    where.unknown_keys(data, _PLAN_KEYS, "plan")
    name = _text(where, data, "plan", "plan", required=True)
    base_year = _year(where, data, "base_year")
    target_year = _year(where, data, "target_year")
    if target_year <= base_year:
        raise where.fail(
            data.line_of("target_year"),
            f"目标年 {target_year} 应晚于基期年 {base_year}",
            f"target_year {target_year} must be after base_year {base_year}",
        )
    tolerance = None
    if "about_tolerance" in data:
        try:
            tolerance = parse_tolerance(data["about_tolerance"])
        except TargetSyntaxError as error:
            raise where.fail(data.line_of("about_tolerance"), f"容差无效（{error}）", str(error)) from None
    items = data.get("indicators")
    if not isinstance(items, LineList) or not items:
        raise where.fail(data.line_of("indicators"), "indicators 应为非空列表", "indicators must be a non-empty list")
    indicators = tuple(
        _indicator(where, item, line, tolerance) for item, line in zip(items, items.item_lines, strict=True)
    )
    seen: set[str] = set()
    for indicator, line in zip(indicators, items.item_lines, strict=True):
        if indicator.name in seen:
            raise where.fail(line, f"指标名称重复：{indicator.name!r}", f"duplicate indicator name {indicator.name!r}")
        seen.add(indicator.name)
    return Plan(
        name=name,
        base_year=base_year,
        target_year=target_year,
        indicators=indicators,
        title=_text(where, data, "title", "plan"),
        source=_text(where, data, "source", "plan"),
        path=str(path),
    )


def load_plan(path: Path) -> Plan:
    """Read and validate a plan file."""
    return parse_plan(load_yaml(path), path)


def shipped_plans() -> dict[str, Path]:
    """The plans shipped with renkou, by file stem."""
    return {path.stem: path for path in sorted(PLANS_DIR.glob("*.yaml"))}
