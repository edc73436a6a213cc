"""Scoring many applicants at once: gates, indicator points, caps, exclusive groups, year budgets, floor.

Pure NumPy over the typed columns of an :class:`~renkou.points.evidence.EvidenceTable`; no Python loop per
applicant. Points are kept as int64 hundredths of a point ("cents"), so half points add up exactly and equal scores
compare equal. Everything an explanation needs (units counted, points before the cap, whether the cap or an
exclusive group or a year budget changed anything) is kept per indicator, so one applicant's explanation is a
lookup (:mod:`renkou.points.explain`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from renkou.points.evidence import EvidenceTable
from renkou.points.schema import (
    BandsIndicator,
    Condition,
    FlagIndicator,
    Gate,
    LevelsIndicator,
    PerUnitIndicator,
    RuleFile,
)


def cents(points: float) -> int:
    """Points as whole hundredths (the rule file allows at most two decimals)."""
    return round(points * 100)


@dataclass(frozen=True)
class IndicatorScore:
    """One indicator for every applicant.

    ``raw``: points before the cap; ``capped``: the cap lowered them; ``excluded``: another member of an exclusive
    group counted instead; ``counted``: the points that enter the total. ``units``: for per-unit indicators, the
    units that earned points (after whole units and year budgets); ``limited``: a year budget cut the units;
    ``unmet``: a level's condition did not hold, so its ``otherwise`` points were given.
    """

    raw: np.ndarray
    capped: np.ndarray
    excluded: np.ndarray
    counted: np.ndarray
    units: np.ndarray | None = None
    limited: np.ndarray | None = None
    unmet: np.ndarray | None = None


@dataclass(frozen=True)
class Scores:
    """Scores of every applicant of a table; totals in cents."""

    indicators: Mapping[str, IndicatorScore]
    gates: Mapping[str, np.ndarray]
    eligible: np.ndarray
    gross: np.ndarray
    total: np.ndarray
    floored: np.ndarray


def _level_index(rules: RuleFile, name: str, level: object) -> int:
    return list(rules.inputs[name].levels or {}).index(str(level))


def _equals(rules: RuleFile, table: EvidenceTable, name: str, value: object) -> np.ndarray:
    spec = rules.inputs[name]
    column = table.values[name]
    if spec.type == "flag":
        return np.asarray(column == bool(value))
    if spec.type == "level":
        return np.asarray(column == _level_index(rules, name, value))
    known = table.categories.get(name, ())
    if value not in known:
        return np.zeros(len(table), dtype=bool)
    return np.asarray(column == known.index(str(value)))


def _threshold(rules: RuleFile, table: EvidenceTable, gate: Gate | Condition, value: object) -> np.ndarray | float:
    if isinstance(value, str):
        return table.values[value]
    if isinstance(value, dict):
        assert isinstance(gate, Gate) and gate.by is not None
        levels = list(rules.inputs[gate.by].levels or {})
        lut = np.array([float(value[level]) for level in levels])
        return np.asarray(lut[table.values[gate.by]])
    return float(value)  # type: ignore[arg-type]


def meets(rules: RuleFile, table: EvidenceTable, condition: Gate | Condition) -> np.ndarray:
    """Whether each applicant meets a gate or condition (exactly one comparison is set; checked on load)."""
    if condition.equals is not None:
        return _equals(rules, table, condition.input, condition.equals)
    value = table.values[condition.input]
    if condition.at_least is not None:
        return np.asarray(value >= _threshold(rules, table, condition, condition.at_least))
    if condition.at_most is not None:
        return np.asarray(value <= _threshold(rules, table, condition, condition.at_most))
    if condition.below is not None:
        return np.asarray(value < _threshold(rules, table, condition, condition.below))
    assert condition.above is not None
    return np.asarray(value > _threshold(rules, table, condition, condition.above))


def _units(indicator: PerUnitIndicator, table: EvidenceTable) -> np.ndarray:
    values = table.values[indicator.input]
    return np.floor(values) if indicator.whole_units else values.astype(np.float64)


def _budgeted_units(rules: RuleFile, table: EvidenceTable) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Units and whether the budget cut them, for per-unit indicators in a year budget."""
    result: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for budget in rules.year_budgets.values():
        members = [rules.indicators[m] for m in budget.indicators]
        whole = all(isinstance(m, PerUnitIndicator) and m.whole_units for m in members)
        remaining = table.values[budget.limit].astype(np.float64)
        remaining = np.floor(remaining) if whole else remaining.copy()
        for name, member in zip(budget.indicators, members, strict=True):
            assert isinstance(member, PerUnitIndicator)
            wanted = _units(member, table)
            granted = np.minimum(wanted, np.maximum(remaining, 0.0))
            result[name] = (granted, granted < wanted)
            remaining = remaining - granted
    return result


def _raw_points(
    rules: RuleFile, table: EvidenceTable, name: str, budgets: Mapping[str, tuple[np.ndarray, np.ndarray]]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    indicator = rules.indicators[name]
    extra: dict[str, np.ndarray] = {}
    if isinstance(indicator, BandsIndicator):
        value = table.values[indicator.input]
        inside: list[np.ndarray] = []
        points: list[np.ndarray | np.int64] = []
        for band in indicator.bands:
            lo = -np.inf if band.min is None else band.min
            hi = np.inf if band.max is None else band.max
            inside.append((value >= lo) & (value <= hi))
            if band.per_unit_below_max is None or band.max is None:
                points.append(np.int64(cents(band.points)))
            else:
                below = np.asarray(band.max - value, dtype=np.float64)
                points.append(cents(band.points) + np.rint(below * cents(band.per_unit_below_max)).astype(np.int64))
        raw = np.select(inside, points, default=0).astype(np.int64)
    elif isinstance(indicator, LevelsIndicator):
        levels = list(rules.inputs[indicator.input].levels or {})
        codes = table.values[indicator.input]
        lut = np.array([cents(indicator.points.get(level, 0)) for level in levels], dtype=np.int64)
        raw = lut[codes]
        unmet = np.zeros(len(table), dtype=bool)
        for level, requirement in indicator.requires.items():
            at_level = codes == levels.index(level)
            failed = at_level & ~meets(rules, table, requirement.condition)
            raw = np.where(failed, cents(requirement.otherwise), raw)
            unmet |= failed
        extra["unmet"] = unmet
    elif isinstance(indicator, PerUnitIndicator):
        if name in budgets:
            units, limited = budgets[name]
            extra["limited"] = limited
        else:
            units = _units(indicator, table)
        extra["units"] = units
        raw = np.rint(units * cents(indicator.rate)).astype(np.int64)
    else:
        assert isinstance(indicator, FlagIndicator)
        raw = np.where(table.values[indicator.input], cents(indicator.points), 0).astype(np.int64)
    return raw, extra


def score(rules: RuleFile, table: EvidenceTable) -> Scores:
    """Gates, per-indicator points and totals for every applicant of ``table``."""
    size = len(table)
    gates = {name: meets(rules, table, gate) for name, gate in rules.gates.items()}
    eligible = np.ones(size, dtype=bool)
    for passed in gates.values():
        eligible &= passed

    budgets = _budgeted_units(rules, table)
    after_cap: dict[str, np.ndarray] = {}
    parts: dict[str, tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]] = {}
    for name, indicator in rules.indicators.items():
        raw, extra = _raw_points(rules, table, name, budgets)
        if indicator.cap is None:
            counted, capped = raw, np.zeros(size, dtype=bool)
        else:
            cap = cents(indicator.cap)
            # A deduction's cap limits how much is taken off.
            counted = np.clip(raw, -cap, cap)
            capped = counted != raw
        after_cap[name] = counted
        parts[name] = (raw, capped, extra)

    excluded = {name: np.zeros(size, dtype=bool) for name in rules.indicators}
    for group in rules.exclusive_groups.values():
        stacked = np.stack([after_cap[m] for m in group.indicators])
        winner = np.argmax(stacked, axis=0)  # the first listed wins a tie: only one counts either way
        for position, member in enumerate(group.indicators):
            lost = (winner != position) & (after_cap[member] != 0)
            excluded[member] = lost
            after_cap[member] = np.where(lost, 0, after_cap[member])

    indicators = {}
    gross = np.zeros(size, dtype=np.int64)
    for name, (raw, capped, extra) in parts.items():
        gross += after_cap[name]
        indicators[name] = IndicatorScore(
            raw=raw,
            capped=capped,
            excluded=excluded[name],
            counted=after_cap[name],
            units=extra.get("units"),
            limited=extra.get("limited"),
            unmet=extra.get("unmet"),
        )
    if rules.floor is None:
        total, floored = gross, np.zeros(size, dtype=bool)
    else:
        floor = cents(rules.floor)
        total = np.maximum(gross, floor)
        floored = gross < floor
    return Scores(indicators=indicators, gates=gates, eligible=eligible, gross=gross, total=total, floored=floored)
