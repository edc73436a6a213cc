"""Early-warning rules (人口监测预警): configurable checks over indicator series, with their evidence.

A rule file (default ``renkou/plan/rules/warnings.yaml``) lists rules; each names a ``renkou stats`` key of an area's
block (``registered.births``, ``resident.sex_ratio_at_birth``, ``floating.population`` ...), which areas it looks at
(``city``, ``districts`` or ``all``), an optional ``min: {key, value}`` below which an area is skipped (small numbers),
and one of these kinds:

- ``below`` / ``above``: the latest value is below / above ``threshold``;
- ``outside``: the latest value is outside ``low``..``high`` (inclusive bounds are normal);
- ``falling``: the value fell in each of the last ``years`` years (needs ``years + 1`` yearly values);
- ``growth``: the value rose by more than ``threshold`` (a fraction) over the last year;
- ``crossing``: the latest value is at or above a ``grades`` value; "crossed" when the year before was below it.

The evaluation is pure: it takes the figures by date (as :func:`renkou.plan.gather.stats_series` returns them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from renkou.plan.gather import lookup
from renkou.plan.loader import KNOWN_KEYS
from renkou.plan.targets import meets_series
from renkou.plan.yamlines import LineDict, LineList, Where, load_yaml

DEFAULT_RULES = Path(__file__).parent / "rules" / "warnings.yaml"
KINDS = ("below", "above", "outside", "falling", "growth", "crossing")
AREAS = ("city", "districts", "all")
_RULE_KEYS = {
    "id",
    "title_zh",
    "title_en",
    "kind",
    "key",
    "threshold",
    "low",
    "high",
    "years",
    "grades",
    "min",
    "areas",
}
_NEEDS = {
    "below": ("threshold",),
    "above": ("threshold",),
    "outside": ("low", "high"),
    "falling": ("years",),
    "growth": ("threshold",),
    "crossing": ("grades",),
}


@dataclass(frozen=True)
class Grade:
    """A named level of a ``crossing`` rule (e.g. 0.20 moderately aged)."""

    value: float
    zh: str
    en: str


@dataclass(frozen=True)
class Rule:
    """One validated warning rule."""

    id: str
    kind: str
    key: str
    areas: str = "all"
    title_zh: str = ""
    title_en: str = ""
    threshold: float | None = None
    low: float | None = None
    high: float | None = None
    years: int = 3
    grades: tuple[Grade, ...] = field(default_factory=tuple)
    min_key: str | None = None
    min_value: float = 0.0


def _num(where: Where, mapping: LineDict, key: str, what: str) -> float:
    value = mapping.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise where.fail(
            mapping.line_of(key),
            f"{what}的 {key} 应为数字，而不是 {value!r}",
            f"{what}: {key} must be a number, not {value!r}",
        )
    return float(value)


def _key(where: Where, mapping: LineDict, name: str, what: str) -> str:
    key = mapping.get(name)
    if key not in KNOWN_KEYS:
        raise where.fail(
            mapping.line_of(name),
            f"{what}的指标键 {key!r} 不是 renkou stats 的指标",
            f"{what}: indicator key {key!r} is not a renkou stats indicator (e.g. registered.births)",
        )
    return str(key)


def _rule(where: Where, item: object, line: int) -> Rule:
    if not isinstance(item, LineDict):
        raise where.fail(line, f"规则应为映射，而不是 {item!r}", f"a rule must be a mapping, not {item!r}")
    where.unknown_keys(item, _RULE_KEYS, "rule")
    rule_id = item.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise where.fail(item.line_of("id"), f"规则缺少 id：{rule_id!r}", f"a rule needs an id, not {rule_id!r}")
    what = f"rule {rule_id!r}"
    kind = item.get("kind")
    if kind not in KINDS:
        raise where.fail(
            item.line_of("kind"),
            f"{what}的 kind {kind!r} 无效（{', '.join(KINDS)}）",
            f"{what}: kind {kind!r} is not one of {', '.join(KINDS)}",
        )
    areas = item.get("areas", "all")
    if areas not in AREAS:
        raise where.fail(
            item.line_of("areas"),
            f"{what}的 areas {areas!r} 无效（{', '.join(AREAS)}）",
            f"{what}: areas {areas!r} is not one of {', '.join(AREAS)}",
        )
    for needed in _NEEDS[kind]:
        if needed not in item:
            raise where.fail(item.line, f"{what}（{kind}）缺少 {needed}", f"{what} ({kind}) needs {needed}")
    values: dict[str, Any] = {}
    for name in ("threshold", "low", "high"):
        if name in item:
            values[name] = _num(where, item, name, what)
    if "years" in item:
        years = item["years"]
        if isinstance(years, bool) or not isinstance(years, int) or years < 1:
            raise where.fail(
                item.line_of("years"),
                f"{what}的 years 应为正整数：{years!r}",
                f"{what}: years must be a positive integer, not {years!r}",
            )
        values["years"] = years
    if kind == "outside" and values["low"] > values["high"]:
        raise where.fail(item.line_of("low"), f"{what}的 low 大于 high", f"{what}: low is above high")
    grades: list[Grade] = []
    if kind == "crossing":
        raw = item["grades"]
        if not isinstance(raw, LineList) or not raw:
            raise where.fail(
                item.line_of("grades"), f"{what}的 grades 应为非空列表", f"{what}: grades must be a non-empty list"
            )
        for grade, grade_line in zip(raw, raw.item_lines, strict=True):
            if not isinstance(grade, LineDict):
                raise where.fail(
                    grade_line, f"{what}的等级应为 {{value, zh, en}}", f"{what}: a grade must be {{value, zh, en}}"
                )
            where.unknown_keys(grade, {"value", "zh", "en"}, f"{what} grade")
            grades.append(Grade(_num(where, grade, "value", what), str(grade.get("zh", "")), str(grade.get("en", ""))))
        grades.sort(key=lambda g: g.value)
    min_key, min_value = None, 0.0
    if "min" in item:
        raw_min = item["min"]
        if not isinstance(raw_min, LineDict):
            raise where.fail(
                item.line_of("min"), f"{what}的 min 应为 {{key, value}}", f"{what}: min must be {{key, value}}"
            )
        where.unknown_keys(raw_min, {"key", "value"}, f"{what} min")
        min_key, min_value = _key(where, raw_min, "key", what), _num(where, raw_min, "value", what)
    return Rule(
        id=rule_id,
        kind=str(kind),
        key=_key(where, item, "key", what),
        areas=str(areas),
        title_zh=str(item.get("title_zh", rule_id)),
        title_en=str(item.get("title_en", rule_id)),
        grades=tuple(grades),
        min_key=min_key,
        min_value=min_value,
        **values,
    )


def load_rules(path: Path = DEFAULT_RULES) -> list[Rule]:
    """Read and validate a rule file; errors name the file, line, key and value."""
    where = Where(path)
    data = load_yaml(path)
    if not isinstance(data, LineDict):
        raise where.fail(1, "规则文件应为 YAML 映射", "a rule file must be a YAML mapping")
    where.unknown_keys(data, {"rules"}, "rule file")
    items = data.get("rules")
    if not isinstance(items, LineList) or not items:
        raise where.fail(data.line_of("rules"), "rules 应为非空列表", "rules must be a non-empty list")
    rules = [_rule(where, item, line) for item, line in zip(items, items.item_lines, strict=True)]
    seen: set[str] = set()
    for rule, line in zip(rules, items.item_lines, strict=True):
        if rule.id in seen:
            raise where.fail(line, f"规则 id 重复：{rule.id!r}", f"duplicate rule id {rule.id!r}")
        seen.add(rule.id)
    return rules


def _areas(rule: Rule, latest: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(path, code, name) of the areas a rule looks at; path is "city" or "districts.<code>"."""
    areas: list[tuple[str, str, str]] = []
    if rule.areas in ("city", "all"):
        city = latest["city"]
        areas.append(("city", str(city.get("code", "city")), str(city.get("name", ""))))
    if rule.areas in ("districts", "all"):
        for code, block in latest.get("districts", {}).items():
            areas.append((f"districts.{code}", str(code), str(block.get("name", ""))))
    return areas


def _block(stats: Mapping[str, Any], path: str) -> Mapping[str, Any] | None:
    if path == "city":
        block: Any = stats.get("city")
    else:
        block = stats.get("districts", {}).get(path.split(".", 1)[1])
    return block if isinstance(block, Mapping) else None


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def _judge(rule: Rule, values: list[tuple[date, float]]) -> tuple[str, str, dict[str, Any]] | None:
    """(zh, en, extra evidence) when the rule fires on this area's series (latest last), else None."""
    last = values[-1][1]
    if rule.kind == "below" and rule.threshold is not None and last < rule.threshold:
        return (
            f"{_fmt(last)} 低于 {_fmt(rule.threshold)}",
            f"{_fmt(last)} is below {_fmt(rule.threshold)}",
            {"threshold": rule.threshold},
        )
    if rule.kind == "above" and rule.threshold is not None and last > rule.threshold:
        return (
            f"{_fmt(last)} 高于 {_fmt(rule.threshold)}",
            f"{_fmt(last)} is above {_fmt(rule.threshold)}",
            {"threshold": rule.threshold},
        )
    if rule.kind == "outside" and rule.low is not None and rule.high is not None and not rule.low <= last <= rule.high:
        return (
            f"{_fmt(last)} 不在 {_fmt(rule.low)}-{_fmt(rule.high)} 之间",
            f"{_fmt(last)} is outside {_fmt(rule.low)}-{_fmt(rule.high)}",
            {"low": rule.low, "high": rule.high},
        )
    if rule.kind == "falling" and len(values) >= rule.years + 1:
        recent = [value for _, value in values[-(rule.years + 1) :]]
        if meets_series(recent):
            shown = " → ".join(_fmt(v) for v in recent)
            return (
                f"连续 {rule.years} 年下降：{shown}",
                f"fell in each of the last {rule.years} years: {shown}",
                {"years": rule.years},
            )
    if rule.kind == "growth" and rule.threshold is not None and len(values) >= 2:
        before = values[-2][1]
        if before > 0:
            growth = last / before - 1
            if growth > rule.threshold:
                return (
                    f"一年增长 {growth:.1%}（{_fmt(before)} → {_fmt(last)}），超过 {rule.threshold:.0%}",
                    f"grew {growth:.1%} in a year ({_fmt(before)} -> {_fmt(last)}), more than {rule.threshold:.0%}",
                    {"threshold": rule.threshold, "growth": round(growth, 6)},
                )
    if rule.kind == "crossing":
        reached = [grade for grade in rule.grades if last >= grade.value]
        if reached:
            grade = reached[-1]
            crossed = len(values) >= 2 and values[-2][1] < grade.value
            verb_zh, verb_en = ("本年跨越", "crossed this year") if crossed else ("已处于", "at or above")
            return (
                f"{_fmt(last)} {verb_zh}{grade.zh}线 {_fmt(grade.value)}",
                f"{_fmt(last)}: {verb_en} the {grade.en} line {_fmt(grade.value)}",
                {"grade": grade.en, "grade_zh": grade.zh, "line": grade.value, "crossed": crossed},
            )
    return None


def evaluate_rules(rules: list[Rule], figures: Mapping[date, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """All warnings raised by ``rules`` on the figures by date (the latest date is the as-of date)."""
    days = sorted(figures)
    latest = figures[days[-1]]
    warnings: list[dict[str, Any]] = []
    for rule in rules:
        for path, code, name in _areas(rule, latest):
            now = _block(latest, path)
            if now is None:
                continue
            if rule.min_key is not None:
                count = lookup(now, rule.min_key)
                if count is None or count < rule.min_value:
                    continue
            values = []
            for day in days:
                block = _block(figures[day], path)
                value = None if block is None else lookup(block, rule.key)
                if value is not None:
                    values.append((day, value))
            if not values or values[-1][0] != days[-1]:
                continue  # no value at the as-of date: nothing to warn about
            fired = _judge(rule, values)
            if fired is None:
                continue
            zh, en, extra = fired
            warnings.append(
                {
                    "rule": rule.id,
                    "kind": rule.kind,
                    "area": code,
                    "area_name": name,
                    "title": f"{rule.title_zh} / {rule.title_en}",
                    "message": f"{name} {rule.title_zh}：{zh} / {name}: {rule.title_en}: {en}",
                    "evidence": {
                        "key": rule.key,
                        "values": [{"date": day.isoformat(), "value": value} for day, value in values],
                        **extra,
                    },
                }
            )
    return warnings
