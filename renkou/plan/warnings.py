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

Two kinds look at a public-service ``facility`` (a standard of ``renkou/plan/rules/facilities.yaml``) instead of a
``key``, on the population at the as-of date and the facility capacity stored with ``renkou plan capacity``:

- ``seats``: the demand of the persons served (e.g. the school-age cohort: one place per child aged 6-11) is above
  the capacity (seats) of the year; with ``ahead: n`` also in each of the next n years, for the children already
  born (aged on without deaths or moves, :func:`renkou.plan.facilities.aged_on`; n at most the first age served),
  against the capacity of those years (so planned seats count); the earliest short year is reported;
- ``per_1000``: capacity per 1000 persons served (e.g. elderly care beds per 1000 aged 60+) is below ``threshold``
  (default: the standard's own ``per_1000``).

An area without a capacity figure is not judged. The evaluation is pure: it takes the figures by date (as
:func:`renkou.plan.gather.stats_series` returns them) and the facility rows (:func:`renkou.plan.facilities.add_gaps`).
:func:`after_ingest` runs everything on a register and stores the result (:mod:`renkou.plan.store`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from renkou.errors import UserError
from renkou.plan.facilities import Standard
from renkou.plan.gather import lookup
from renkou.plan.loader import KNOWN_KEYS
from renkou.plan.targets import meets_series
from renkou.plan.yamlines import LineDict, LineList, Where, load_yaml

if TYPE_CHECKING:
    from renkou.engine import Engine
    from renkou.register.store import Register

DEFAULT_RULES = Path(__file__).parent / "rules" / "warnings.yaml"
KINDS = ("below", "above", "outside", "falling", "growth", "crossing", "seats", "per_1000")
FACILITY_KINDS = ("seats", "per_1000")
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
    "facility",
    "ahead",
}
_NEEDS = {
    "below": ("threshold",),
    "above": ("threshold",),
    "outside": ("low", "high"),
    "falling": ("years",),
    "growth": ("threshold",),
    "crossing": ("grades",),
    "seats": ("facility",),
    "per_1000": ("facility",),
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
    facility: str | None = None
    ahead: int = 0


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
    facility = item.get("facility")
    if kind in FACILITY_KINDS:
        if not isinstance(facility, str) or not facility:
            raise where.fail(
                item.line_of("facility"), f"{what}的 facility 应为设施 id", f"{what}: facility must be a facility id"
            )
        if "key" in item:
            raise where.fail(
                item.line_of("key"), f"{what}（{kind}）不用 key", f"{what} ({kind}) takes a facility, not a key"
            )
    elif facility is not None:
        raise where.fail(
            item.line_of("facility"), f"{what}（{kind}）不用 facility", f"{what} ({kind}) takes a key, not a facility"
        )
    ahead = item.get("ahead", 0)
    if isinstance(ahead, bool) or not isinstance(ahead, int) or ahead < 0 or (ahead and kind != "seats"):
        raise where.fail(
            item.line_of("ahead"),
            f"{what}的 ahead 应为非负整数，且只用于 seats 规则：{ahead!r}",
            f"{what}: ahead must be a non-negative integer, for seats rules only: {ahead!r}",
        )
    return Rule(
        id=rule_id,
        kind=str(kind),
        key="" if kind in FACILITY_KINDS else _key(where, item, "key", what),
        facility=facility if kind in FACILITY_KINDS else None,
        ahead=ahead,
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
    """Four significant digits, but whole counts from 1000 up with separators (16,140, not 1.614e+04)."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


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
        if rule.kind in FACILITY_KINDS:
            continue  # judged by evaluate_facility_rules on the facility rows
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


def evaluate_facility_rules(
    rules: list[Rule], rows: list[dict[str, Any]], standards: Sequence[Standard], city: str
) -> list[dict[str, Any]]:
    """Warnings of the ``seats`` and ``per_1000`` rules on facility ``rows`` (with ``capacity``, as
    :func:`renkou.plan.facilities.add_gaps` gives them) of the as-of year (the earliest year in ``rows``) and, for
    rules looking ``ahead``, the years after it; ``city`` is the city's code (for the rules' ``areas``)."""
    known = {standard.id: standard for standard in standards}
    first = min((row["year"] for row in rows), default=0)
    warnings: list[dict[str, Any]] = []
    for rule in rules:
        if rule.kind not in FACILITY_KINDS:
            continue
        standard = known.get(str(rule.facility))
        if standard is None:
            raise UserError(
                f"预警规则 {rule.id} 的设施 {rule.facility} 不在配置标准中",
                f"warning rule {rule.id}: facility {rule.facility} is not in the standards",
            )
        by_area: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            if row["facility"] != standard.id or row.get("capacity") is None:
                continue
            if not first <= row["year"] <= first + rule.ahead:
                continue
            is_city = row["area"] == city
            if (rule.areas == "city" and not is_city) or (rule.areas == "districts" and is_city):
                continue
            by_area.setdefault(row["area"], []).append(row)
        for looked in by_area.values():
            looked.sort(key=lambda r: r["year"])
            fired = next(
                ((row, found) for row in looked if (found := _judge_facility(rule, standard, row)) is not None), None
            )
            if fired is None:
                continue
            row, (zh, en, extra) = fired
            name = row.get("area_name", "")
            when_zh, when_en = ("", "") if row["year"] == first else (f"{row['year']}年", f"in {row['year']}, ")
            evidence = {
                "facility": standard.id,
                "year": row["year"],
                "served": row["served"],
                "demand": row["demand"],
                "capacity": row["capacity"],
                **({"by_age": row["by_age"]} if "by_age" in row else {}),
                **extra,
            }
            if rule.ahead:
                evidence["years"] = [
                    {"year": r["year"], "demand": r["demand"], "capacity": r["capacity"]} for r in looked
                ]
            warnings.append(
                {
                    "rule": rule.id,
                    "kind": rule.kind,
                    "area": row["area"],
                    "area_name": name,
                    "title": f"{rule.title_zh} / {rule.title_en}",
                    "message": f"{name} {rule.title_zh}：{when_zh}{zh} / {name}: {rule.title_en}: {when_en}{en}",
                    "evidence": evidence,
                }
            )
    return warnings


def _judge_facility(rule: Rule, standard: Standard, row: Mapping[str, Any]) -> tuple[str, str, dict[str, Any]] | None:
    capacity, demand, served = float(row["capacity"]), float(row["demand"]), float(row["served"])
    if rule.kind == "seats" and demand > capacity:
        return (
            f"{_fmt(served)} 人需 {_fmt(demand)} 个{standard.name_zh}，现有 {_fmt(capacity)}，缺 {_fmt(demand - capacity)}",
            f"{_fmt(served)} persons need {_fmt(demand)} {standard.name_en}, {_fmt(capacity)} exist, "
            f"{_fmt(demand - capacity)} short",
            {"shortfall": demand - capacity},
        )
    if rule.kind == "per_1000" and served > 0:
        line = rule.threshold if rule.threshold is not None else standard.per_1000
        ratio = 1000 * capacity / served
        if ratio < line:
            return (
                f"每千人 {ratio:.1f}{standard.unit_zh}{standard.name_zh}，低于 {_fmt(line)}",
                f"{ratio:.1f} {standard.name_en} per 1000 persons served, below {_fmt(line)}",
                {"per_1000": round(ratio, 3), "threshold": line},
            )
    return None


def history_years(rules: Sequence[Rule]) -> int:
    """How many yearly values the rules need (a ``falling`` rule over n years needs n + 1; at least 2)."""
    return max([2, *(rule.years + 1 for rule in rules if rule.kind == "falling")])


def register_warnings(
    register: Register,
    rules: list[Rule],
    standards: Sequence[Standard],
    as_of: date | None = None,
    capacity: Mapping[tuple[str, str], Mapping[int, float]] | None = None,
) -> tuple[date, list[dict[str, Any]]]:
    """Every rule on an open register at ``as_of`` (default: its last event): the indicator rules on the statistics
    of that day and the years before, the facility rules on the population of that day against ``capacity``
    (default: the capacity stored in the register, :func:`renkou.plan.store.load_capacity`)."""
    from renkou.plan.gather import register_stats_series

    figures = register_stats_series(register, as_of, history_years(rules))
    day = max(figures)
    found = evaluate_rules(rules, figures)
    found += facility_warnings(register, day, rules, standards, capacity)
    return day, found


def facility_warnings(
    register: Register,
    day: date,
    rules: list[Rule],
    standards: Sequence[Standard],
    capacity: Mapping[tuple[str, str], Mapping[int, float]] | None = None,
) -> list[dict[str, Any]]:
    """The facility rules on the register's population on ``day`` against ``capacity`` (default: the stored one)."""
    import numpy as np

    from renkou.plan.facilities import add_gaps, aged_on, demand_rows
    from renkou.plan.gather import population_now
    from renkou.plan.store import load_capacity

    if not any(rule.kind in FACILITY_KINDS for rule in rules):
        return []
    stored = capacity if capacity is not None else load_capacity(register.engine)
    if not stored:
        return []
    known = {standard.id: standard for standard in standards}
    for rule in rules:
        standard = known.get(str(rule.facility))
        if rule.ahead and standard is not None and rule.ahead > standard.low:
            raise UserError(
                f"预警规则 {rule.id} 的 ahead {rule.ahead} 大于起始服务年龄 {standard.low}（儿童尚未出生）",
                f"warning rule {rule.id}: ahead {rule.ahead} is beyond the first age served {standard.low} "
                "(those children are not born yet)",
            )
    ahead = max((rule.ahead for rule in rules if rule.kind in FACILITY_KINDS), default=0)
    areas, population = population_now(register, day)
    # Years on: the same persons aged on (see aged_on), stacked on the year axis.
    years = [day.year + k for k in range(ahead + 1)]
    future = np.concatenate([aged_on(population, k) for k in range(ahead + 1)], axis=1)
    rows = add_gaps(demand_rows(areas, years, future, standards), stored, register.city)
    return evaluate_facility_rules(rules, rows, standards, register.city)


def after_ingest(
    target: str | Path | Engine,
    batches: Sequence[int] = (),
    *,
    rules: Path | None = None,
    standards: Path | None = None,
    trigger: str = "ingest",
) -> list[dict[str, Any]]:
    """Evaluate the warning rules on a register after an ingest and store them (:mod:`renkou.plan.store`) with the
    ``batches`` that triggered the evaluation; returns the warnings.

    ``target`` is the register's database file (opened for writing, so no other process may hold it) or the engine
    of an open register (e.g. the service's). When the evaluation fails (a register too young for statistics, a bad
    rule file) the failure is stored as a run with its error and the exception raised again: the caller decides
    (``renkou ingest`` prints a one-line notice and goes on)."""
    from renkou.plan.facility_files import DEFAULT_STANDARDS, load_standards
    from renkou.plan.store import save_run
    from renkou.register.store import Register

    if isinstance(target, str | Path):
        register = Register.open(target)
        owned = True
    else:
        register = _register_on(target)
        owned = False
    try:
        try:
            rule_list = load_rules(rules or DEFAULT_RULES)
            standard_list = load_standards(standards or DEFAULT_STANDARDS)
            day, found = register_warnings(register, rule_list, standard_list)
        except Exception as error:
            # Record the failure when the database lets us (not on a read-only connection); report the original.
            with contextlib.suppress(Exception):
                save_run(register.engine, None, [], trigger=trigger, batches=batches, error=str(error)[:2000])
            raise
        save_run(register.engine, day, found, trigger=trigger, batches=batches)
        return found
    finally:
        if owned:
            register.close()


def _register_on(engine: Engine) -> Register:
    """A register object over an engine that is already open (its macros installed by whoever opened it): the
    statistics only read ``engine``, ``city`` and ``city_prefix``."""
    from renkou.register.store import Register

    register = Register.__new__(Register)
    register.engine = engine
    return register
