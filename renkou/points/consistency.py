"""Cross-section checks of a rule file that the schema alone cannot express.

Each problem carries the YAML path it is about, so the loader can give its line. The checks: names refer to
declared inputs and indicators of the right type; bands do not overlap; no value exceeds its indicator's cap;
exclusive groups and year budgets are well formed; gates, tie-breaks and quotas read usable inputs; points have at
most two decimals (scores are kept in hundredths of a point, so ties are exact).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from renkou.points.schema import (
    REGISTER_MEASURES,
    BandsIndicator,
    Condition,
    DefaultBy,
    FlagIndicator,
    Gate,
    InputSpec,
    LevelsIndicator,
    PerUnitIndicator,
    RuleFile,
)

NUMERIC = ("integer", "number")
RESERVED_COLUMNS = ("applicant_id", "name", "evidence_source")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """An inconsistency at a path of the rule file."""

    path: Path_
    zh: str
    en: str


def _two_decimals(value: float) -> bool:
    return abs(round(value * 100) - value * 100) < 1e-6


def check_rules(rules: RuleFile) -> list[Problem]:
    """All inconsistencies of a schema-valid rule file, in file order of the sections."""
    return list(_check(rules))


def _check(rules: RuleFile) -> Iterator[Problem]:
    yield from _check_inputs(rules)
    yield from _check_gates(rules)
    for name, indicator in rules.indicators.items():
        yield from _check_indicator(rules, name, indicator)
    yield from _check_groups(rules)
    yield from _check_budgets(rules)
    yield from _check_ranking(rules)
    if rules.floor is not None and not _two_decimals(rules.floor):
        yield Problem(("floor",), "分值最多两位小数", "points have at most two decimals")


def _check_inputs(rules: RuleFile) -> Iterator[Problem]:
    for name, spec in rules.inputs.items():
        where: Path_ = ("inputs", name)
        if not _NAME.match(name) or name in RESERVED_COLUMNS or name.endswith("_source"):
            yield Problem(
                where,
                f"输入名 {name} 无效（小写字母开头，仅含小写字母、数字、下划线，不得为保留列名或以 _source 结尾）",
                f"input name {name} is invalid (lower-case letter first, then a-z 0-9 _; not a reserved column, "
                "not ending in _source)",
            )
        if spec.type == "level" and not spec.levels:
            yield Problem(where, f"等级型输入 {name} 须列出 levels", f"level input {name} needs its levels")
        if spec.type != "level" and spec.levels:
            yield Problem((*where, "levels"), "只有等级型输入可有 levels", "only a level input has levels")
        if spec.type not in NUMERIC and (spec.min is not None or spec.max is not None):
            yield Problem(where, "只有数值型输入可有 min/max", "only a numeric input has min/max")
        if spec.min is not None and spec.max is not None and spec.min > spec.max:
            yield Problem(
                (*where, "min"), f"min {spec.min} 大于 max {spec.max}", f"min {spec.min} exceeds max {spec.max}"
            )
        yield from _check_default(rules, name, spec)
        yield from _check_measure(name, spec)


def _check_measure(name: str, spec: InputSpec) -> Iterator[Problem]:
    where: Path_ = ("inputs", name, "register_measure")
    measure = spec.register_measure
    if measure is None:
        return
    if not spec.from_register:
        yield Problem(where, "register_measure 须与 from_register: true 同用", "register_measure needs from_register")
    elif measure not in REGISTER_MEASURES:
        known = ", ".join(REGISTER_MEASURES)
        yield Problem(
            where, f"未知的登记库度量 {measure}（可用：{known}）", f"unknown register measure {measure} ({known})"
        )
    elif spec.type not in REGISTER_MEASURES[measure]:
        yield Problem(
            where,
            f"登记库度量 {measure} 不适用于 {spec.type} 型输入",
            f"register measure {measure} does not fit a {spec.type} input",
        )


def _value_fits(spec: InputSpec, value: object) -> bool:
    if spec.type in NUMERIC:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return spec.type != "integer" or float(value).is_integer()
    if spec.type == "flag":
        return isinstance(value, bool)
    if spec.type == "level":
        return isinstance(value, str) and value in (spec.levels or {})
    return isinstance(value, str)


def _check_default(rules: RuleFile, name: str, spec: InputSpec) -> Iterator[Problem]:
    where: Path_ = ("inputs", name, "default")
    default = spec.default
    if default is None:
        return
    if isinstance(default, DefaultBy):
        by = rules.inputs.get(default.by)
        if by is None or by.type != "level":
            yield Problem(
                (*where, "by"),
                f"默认值依据 {default.by} 不是已声明的等级型输入",
                f"default by {default.by}: not a declared level input",
            )
            return
        for level in by.levels or {}:
            if level not in default.values:
                yield Problem((*where, "values"), f"缺少等级 {level} 的默认值", f"no default for level {level}")
        for level, value in default.values.items():
            if level not in (by.levels or {}):
                yield Problem((*where, "values", level), f"未知等级 {level}", f"unknown level {level}")
            elif not _value_fits(spec, value):
                yield Problem(
                    (*where, "values", level),
                    f"默认值 {value!r} 与类型 {spec.type} 不符",
                    f"default {value!r} does not fit type {spec.type}",
                )
    elif not _value_fits(spec, default):
        yield Problem(
            where, f"默认值 {default!r} 与类型 {spec.type} 不符", f"default {default!r} does not fit type {spec.type}"
        )


def _input_problem(rules: RuleFile, where: Path_, name: str, allowed: tuple[str, ...]) -> Iterator[Problem]:
    spec = rules.inputs.get(name)
    if spec is None:
        yield Problem(where, f"未声明的输入 {name}", f"unknown input {name} (not declared under inputs)")
    elif spec.type not in allowed:
        yield Problem(
            where,
            f"输入 {name} 的类型 {spec.type} 不适用（应为 {'/'.join(allowed)}）",
            f"input {name} has type {spec.type}; expected {'/'.join(allowed)}",
        )


def _check_condition(rules: RuleFile, where: Path_, condition: Condition) -> Iterator[Problem]:
    comparisons = [k for k in ("at_least", "at_most", "below", "above", "equals") if getattr(condition, k) is not None]
    if len(comparisons) != 1:
        yield Problem(where, "条件须恰有一个比较", "a condition needs exactly one comparison")
        return
    if comparisons[0] == "equals":
        yield from _input_problem(rules, (*where, "input"), condition.input, ("flag", "level", "text"))
        spec = rules.inputs.get(condition.input)
        if spec is not None and spec.type in ("flag", "level") and not _value_fits(spec, condition.equals):
            yield Problem(
                (*where, "equals"),
                f"值 {condition.equals!r} 不是 {condition.input} 的取值",
                f"{condition.equals!r} is not a value of {condition.input}",
            )
    else:
        yield from _input_problem(rules, (*where, "input"), condition.input, NUMERIC)


def _check_gates(rules: RuleFile) -> Iterator[Problem]:
    for name, gate in rules.gates.items():
        yield from _check_gate(rules, ("gates", name), gate)


def _check_gate(rules: RuleFile, where: Path_, gate: Gate) -> Iterator[Problem]:
    comparisons = [k for k in ("at_least", "at_most", "below", "above", "equals") if getattr(gate, k) is not None]
    if len(comparisons) != 1:
        yield Problem(
            where,
            "条件须恰有一个比较（at_least/at_most/below/above/equals）",
            "a gate needs exactly one comparison (at_least/at_most/below/above/equals)",
        )
        return
    op = comparisons[0]
    threshold = getattr(gate, op)
    if op == "equals":
        yield from _input_problem(rules, (*where, "input"), gate.input, ("flag", "level", "text"))
        spec = rules.inputs.get(gate.input)
        if spec is not None and spec.type in ("flag", "level") and not _value_fits(spec, threshold):
            yield Problem(
                (*where, "equals"),
                f"值 {threshold!r} 不是 {gate.input} 的取值",
                f"{threshold!r} is not a value of {gate.input}",
            )
        return
    yield from _input_problem(rules, (*where, "input"), gate.input, NUMERIC)
    if isinstance(threshold, str):
        yield from _input_problem(rules, (*where, op), threshold, NUMERIC)
    elif isinstance(threshold, dict):
        if gate.by is None:
            yield Problem((*where, op), "按类别的阈值须给出 by", "a threshold per category needs by")
            return
        by = rules.inputs.get(gate.by)
        if by is None or by.type != "level":
            yield Problem(
                (*where, "by"), f"by {gate.by} 不是已声明的等级型输入", f"by {gate.by}: not a declared level input"
            )
            return
        for level in by.levels or {}:
            if level not in threshold:
                yield Problem((*where, op), f"缺少等级 {level} 的阈值", f"no threshold for level {level}")
        for level in threshold:
            if level not in (by.levels or {}):
                yield Problem((*where, op, level), f"未知等级 {level}", f"unknown level {level}")
    elif gate.by is not None:
        yield Problem((*where, "by"), "单一阈值不需要 by", "by is only for a threshold per category")


def _cap_problem(where: Path_, value: float, cap: float | None) -> Iterator[Problem]:
    if not _two_decimals(value):
        yield Problem(where, f"分值 {value} 最多两位小数", f"points {value} have more than two decimals")
    if cap is not None and abs(value) > cap:
        yield Problem(where, f"分值 {value} 超过本指标上限 {cap}", f"points {value} exceed the indicator's cap {cap}")


def _check_indicator(rules: RuleFile, name: str, indicator: object) -> Iterator[Problem]:
    where: Path_ = ("indicators", name)
    if not _NAME.match(name):
        yield Problem(where, f"指标名 {name} 无效", f"indicator name {name} is invalid")
    assert isinstance(indicator, BandsIndicator | LevelsIndicator | PerUnitIndicator | FlagIndicator)
    cap = indicator.cap
    if cap is not None and cap <= 0:
        yield Problem((*where, "cap"), f"上限 {cap} 须为正数", f"cap {cap} must be positive")
        cap = None
    if cap is not None and not _two_decimals(cap):
        yield Problem((*where, "cap"), f"上限 {cap} 最多两位小数", f"cap {cap} has more than two decimals")
    if isinstance(indicator, BandsIndicator):
        yield from _input_problem(rules, (*where, "input"), indicator.input, NUMERIC)
        yield from _check_bands(where, indicator, cap)
    elif isinstance(indicator, LevelsIndicator):
        yield from _input_problem(rules, (*where, "input"), indicator.input, ("level",))
        levels = (rules.inputs[indicator.input].levels or {}) if indicator.input in rules.inputs else {}
        for level, points in indicator.points.items():
            if levels and level not in levels:
                yield Problem(
                    (*where, "points", level),
                    f"未知等级 {level}（输入 {indicator.input} 无此等级）",
                    f"unknown level {level} of input {indicator.input}",
                )
            yield from _cap_problem((*where, "points", level), points, cap)
        for level, requirement in indicator.requires.items():
            if level not in indicator.points:
                yield Problem(
                    (*where, "requires", level),
                    f"等级 {level} 未计分，不能设条件",
                    f"level {level} has no points to condition",
                )
            yield from _check_condition(rules, (*where, "requires", level, "condition"), requirement.condition)
            yield from _cap_problem((*where, "requires", level, "otherwise"), requirement.otherwise, cap)
    elif isinstance(indicator, PerUnitIndicator):
        yield from _input_problem(rules, (*where, "input"), indicator.input, NUMERIC)
        if indicator.rate == 0:
            yield Problem((*where, "rate"), "每单位分值不能为 0", "rate must not be 0")
        yield from _cap_problem((*where, "rate"), indicator.rate, cap)
    else:
        yield from _input_problem(rules, (*where, "input"), indicator.input, ("flag",))
        yield from _cap_problem((*where, "points"), indicator.points, cap)


def _check_bands(where: Path_, indicator: BandsIndicator, cap: float | None) -> Iterator[Problem]:
    seen: list[tuple[float, float, int]] = []
    for index, band in enumerate(indicator.bands):
        here = (*where, "bands", index)
        lo = float("-inf") if band.min is None else float(band.min)
        hi = float("inf") if band.max is None else float(band.max)
        if lo > hi:
            yield Problem(
                here, f"区间下限 {band.min} 大于上限 {band.max}", f"band min {band.min} exceeds max {band.max}"
            )
            continue
        for other_lo, other_hi, other in seen:
            if lo <= other_hi and other_lo <= hi:
                yield Problem(
                    here,
                    f"区间 [{_end(band.min)}, {_end(band.max)}] 与第 {other + 1} 个区间重叠",
                    f"band [{_end(band.min)}, {_end(band.max)}] overlaps band {other + 1}",
                )
                break
        seen.append((lo, hi, index))
        yield from _cap_problem((*here, "points"), band.points, cap)
        if band.per_unit_below_max is not None:
            if band.max is None:
                yield Problem(here, "per_unit_below_max 需要区间上限 max", "per_unit_below_max needs the band's max")
            if not _two_decimals(band.per_unit_below_max):
                yield Problem((*here, "per_unit_below_max"), "分值最多两位小数", "points have at most two decimals")
    if not indicator.bands:
        yield Problem((*where, "bands"), "至少需要一个区间", "at least one band is needed")


def _end(value: float | None) -> str:
    return "∞" if value is None else f"{value:g}"


def _check_groups(rules: RuleFile) -> Iterator[Problem]:
    owner: dict[str, str] = {}
    for name, group in rules.exclusive_groups.items():
        where: Path_ = ("exclusive_groups", name, "indicators")
        if len(group.indicators) < 2:
            yield Problem(where, "互斥组至少需要两个指标", "an exclusive group needs at least two indicators")
        for index, member in enumerate(group.indicators):
            indicator = rules.indicators.get(member)
            if indicator is None:
                yield Problem((*where, index), f"未知指标 {member}", f"unknown indicator {member}")
                continue
            if member in owner:
                yield Problem(
                    (*where, index),
                    f"指标 {member} 已在互斥组 {owner[member]} 中",
                    f"indicator {member} is already in exclusive group {owner[member]}",
                )
            owner[member] = name
            if _can_be_negative(indicator):
                yield Problem(
                    (*where, index),
                    f"扣分指标 {member} 不能进入互斥组",
                    f"deduction {member} cannot be in an exclusive group",
                )


def _can_be_negative(indicator: object) -> bool:
    if isinstance(indicator, BandsIndicator):
        return any(band.points < 0 for band in indicator.bands)
    if isinstance(indicator, LevelsIndicator):
        return any(p < 0 for p in indicator.points.values()) or any(
            r.otherwise < 0 for r in indicator.requires.values()
        )
    if isinstance(indicator, PerUnitIndicator):
        return indicator.rate < 0
    assert isinstance(indicator, FlagIndicator)
    return indicator.points < 0


def _check_budgets(rules: RuleFile) -> Iterator[Problem]:
    owner: dict[str, str] = {}
    for name, budget in rules.year_budgets.items():
        where: Path_ = ("year_budgets", name)
        yield from _input_problem(rules, (*where, "limit"), budget.limit, NUMERIC)
        for index, member in enumerate(budget.indicators):
            indicator = rules.indicators.get(member)
            if indicator is None:
                yield Problem((*where, "indicators", index), f"未知指标 {member}", f"unknown indicator {member}")
            elif not isinstance(indicator, PerUnitIndicator):
                yield Problem(
                    (*where, "indicators", index),
                    f"指标 {member} 不是按单位计分（per_unit）",
                    f"indicator {member} is not per_unit",
                )
            elif member in owner:
                yield Problem(
                    (*where, "indicators", index),
                    f"指标 {member} 已在年限限额 {owner[member]} 中",
                    f"indicator {member} is already in budget {owner[member]}",
                )
            owner[member] = name


def _check_ranking(rules: RuleFile) -> Iterator[Problem]:
    ranking = rules.ranking
    where: Path_ = ("ranking",)
    for index, tie in enumerate(ranking.tie_breaks):
        yield from _input_problem(rules, (*where, "tie_breaks", index, "input"), tie.input, (*NUMERIC, "flag"))
    if ranking.quota is not None and ranking.quota <= 0:
        yield Problem(
            (*where, "quota"), f"名额 {ranking.quota} 须为正整数", f"quota {ranking.quota} must be a positive integer"
        )
    if ranking.passing_score is not None and not _two_decimals(ranking.passing_score):
        yield Problem((*where, "passing_score"), "分值最多两位小数", "points have at most two decimals")
    if ranking.quotas is not None:
        if ranking.quota is not None:
            yield Problem(
                (*where, "quotas"),
                "不能同时给出总名额 quota 和分组名额 quotas",
                "give either quota or quotas, not both",
            )
        yield from _input_problem(rules, (*where, "quotas", "by"), ranking.quotas.by, ("level", "text"))
        spec = rules.inputs.get(ranking.quotas.by)
        for group, places in ranking.quotas.places.items():
            if places < 0:
                yield Problem(
                    (*where, "quotas", "places", group),
                    f"名额 {places} 不能为负",
                    f"places {places} must not be negative",
                )
            if spec is not None and spec.type == "level" and group not in (spec.levels or {}):
                yield Problem((*where, "quotas", "places", group), f"未知等级 {group}", f"unknown level {group}")
