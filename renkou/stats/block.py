"""The indicators of one population block (registered or resident) for every area, from its counts.

Pure: count arrays in (:class:`renkou.stats.counts.BlockCounts`), one dictionary of values and one of notes per area
out. Values that cannot be computed are ``None`` and their key gets a bilingual note with the reason; values that
can be computed but should not be trusted blindly (life tables on few deaths) keep the value and get a note too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from renkou.stats import indicators as ind
from renkou.stats.area_life_tables import AreaLifeTable, block_life_tables
from renkou.stats.counts import MOVE_GROUPS, BlockCounts
from renkou.stats.definitions import DEFINITIONS, NO_WOMEN, Text
from renkou.stats.lifetable import DEFAULT_MIN_DEATHS

KNOWN_AGES = slice(0, ind.OPEN_AGE + 1)
NOT_COVERED = Text(
    "统计年度的起点早于登记库的起始日期，本年的出生、死亡、迁移和各率无法完整统计",
    "the year starts before the register does, so the year's births, deaths, moves and rates are incomplete",
)
# Keys that describe the flows of the year: null when the register does not cover the whole year.
FLOW_KEYS = (
    "population_start",
    "population_change",
    "mean_population",
    "births",
    "births_male",
    "births_female",
    "deaths",
    "infant_deaths",
    "natural_increase",
    "net_migration",
    "crude_birth_rate",
    "crude_death_rate",
    "natural_increase_rate",
    "net_migration_rate",
    "asfr",
    "total_fertility_rate",
    "mean_age_at_childbearing",
    "sex_ratio_at_birth",
    "infant_mortality_rate",
    "under_5_mortality_rate",
    "life_expectancy_at_birth",
    "life_expectancy_at_birth_female",
    "life_expectancy_at_birth_male",
    "life_expectancy_at_60",
    "life_expectancy_at_60_female",
    "life_expectancy_at_60_male",
    "life_table_deaths",
    "migration",
)
LIFE_KEYS = {
    "life_expectancy_at_birth": ("T", 0),
    "life_expectancy_at_birth_female": ("F", 0),
    "life_expectancy_at_birth_male": ("M", 0),
    "life_expectancy_at_60": ("T", 60),
    "life_expectancy_at_60_female": ("F", 60),
    "life_expectancy_at_60_male": ("M", 60),
}


@dataclass
class AreaResult:
    """Indicator values and notes of one area."""

    values: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)

    def set(self, key: str, value: float | None, reason: Text | str | None = None) -> None:
        """Store a number (rounded as its definition says); NaN or None becomes null with ``reason``."""
        if value is None or not math.isfinite(value):
            self.values[key] = None
            fallback = DEFINITIONS[key].null_reason if key in DEFINITIONS else None
            why = reason or fallback
            if why is not None:
                self.notes[key] = str(why)
            return
        self.values[key] = _rounded(key, value)

    def note(self, key: str, text: str) -> None:
        """Add a warning to ``key`` (kept with any earlier note)."""
        self.notes[key] = f"{self.notes[key]}；{text}" if key in self.notes else text


def _rounded(key: str, value: float) -> float | int:
    digits = DEFINITIONS[key].digits if key in DEFINITIONS else 4
    if digits is None:
        return round(value)
    return round(value, digits)


@dataclass
class BlockArrays:
    """Every indicator of a block as arrays over areas (NaN where undefined)."""

    values: dict[str, np.ndarray]
    asfr: np.ndarray  # [areas, 7 groups]
    women: np.ndarray  # [areas, 7 groups] woman-years
    life_tables: dict[int, dict[str, AreaLifeTable]]  # by area row


def block_arrays(
    counts: BlockCounts, rows: list[int] | None = None, *, min_deaths: float = DEFAULT_MIN_DEATHS
) -> BlockArrays:
    """Compute every indicator of the block for all areas at once (life tables for the listed ``rows`` only)."""
    start, end = counts.population_start, counts.population_end
    population = end.sum(axis=(1, 2))
    population_start = start.sum(axis=(1, 2))
    mean = ind.mean_population(population_start, population)
    by_age = end[:, :, KNOWN_AGES].sum(axis=1)
    births = counts.births.sum(axis=-1)
    deaths = counts.deaths.sum(axis=(1, 2))
    infant = counts.deaths[:, :, 0].sum(axis=1)
    natural = births - deaths
    change = population - population_start
    migration = change - natural
    low, high = ind.FERTILE_AGES
    women = ind.group_fertile_ages(ind.mean_population(start[:, 0, low:high], end[:, 0, low:high]))
    known_births = ind.group_fertile_ages(counts.births_by_mother_age[:, : high - low])
    births_by_group = ind.prorate_unknown(known_births, counts.births_by_mother_age[:, high - low])
    asfr = ind.age_specific_fertility(births_by_group, women)
    child, old, total = ind.dependency_ratios(by_age)
    values = {
        "population": population,
        "population_start": population_start,
        "population_change": change,
        "mean_population": mean,
        "male": end[:, 1].sum(axis=-1),
        "female": end[:, 0].sum(axis=-1),
        "births": births,
        "births_male": counts.births[:, 1],
        "births_female": counts.births[:, 0],
        "deaths": deaths,
        "infant_deaths": infant,
        "natural_increase": natural,
        "net_migration": migration,
        "crude_birth_rate": ind.crude_rate(births, mean),
        "crude_death_rate": ind.crude_rate(deaths, mean),
        "natural_increase_rate": ind.crude_rate(natural, mean),
        "net_migration_rate": ind.crude_rate(migration, mean),
        "total_fertility_rate": ind.total_fertility_rate(asfr),
        "mean_age_at_childbearing": ind.mean_age_at_childbearing(asfr),
        "sex_ratio_at_birth": ind.sex_ratio(counts.births[:, 1], counts.births[:, 0]),
        "infant_mortality_rate": ind.per_thousand_births(infant, births),
        "share_0_14": ind.age_share(by_age, 0, 14),
        "share_15_59": ind.age_share(by_age, 15, 59),
        "share_15_64": ind.age_share(by_age, 15, 64),
        "share_60_plus": ind.age_share(by_age, 60),
        "share_65_plus": ind.age_share(by_age, 65),
        "share_80_plus": ind.age_share(by_age, 80),
        "population_60_plus": ind.age_sum(by_age, 60),
        "population_65_plus": ind.age_sum(by_age, 65),
        "child_dependency_ratio": child,
        "old_age_dependency_ratio": old,
        "total_dependency_ratio": total,
        "median_age": ind.median_age(by_age),
        "mean_age": ind.mean_age(by_age),
        "sex_ratio": ind.sex_ratio(end[:, 1].sum(axis=-1), end[:, 0].sum(axis=-1)),
        "urban_population": counts.urban,
        "urbanization_rate": ind.ratio(counts.urban, counts.urban_known),
        "households": counts.households,
        "mean_household_size": ind.ratio(counts.household_members, counts.households),
        "one_person_households": counts.one_person_households,
        "elderly_only_households": counts.elderly_only_households,
        "persons_without_household": population - counts.household_members,
        "mean_years_of_schooling_working_age": ind.ratio(counts.schooling_years, counts.schooling_known),
    }
    selected = list(range(population.shape[0])) if rows is None else rows
    tables = block_life_tables(counts.deaths, start, end, selected, min_deaths=min_deaths)
    return BlockArrays(values, asfr, women, dict(zip(selected, tables, strict=True)))


def _fertility_reason(women: np.ndarray) -> Text | None:
    empty = [f"{lo}-{hi}" for (lo, hi), w in zip(ind.fertility_groups(), women, strict=True) if w <= 0]
    if not empty:
        return None
    groups = "、".join(empty)
    return Text(f"{groups} 岁组没有妇女，无法计算", f"no women in the age group {', '.join(empty)}")


def _migration(moves: np.ndarray) -> dict[str, Any]:
    labels = ind.five_year_labels(5 * (MOVE_GROUPS - 1))
    moves_in, moves_out = moves[0], moves[1]
    by_age = {
        label: {"in": int(moves_in[i]), "out": int(moves_out[i]), "net": int(moves_in[i] - moves_out[i])}
        for i, label in enumerate(labels)
        if moves_in[i] or moves_out[i]
    }
    if moves_in[-1] or moves_out[-1]:
        by_age["unknown"] = {
            "in": int(moves_in[-1]),
            "out": int(moves_out[-1]),
            "net": int(moves_in[-1] - moves_out[-1]),
        }
    return {
        "in": int(moves_in.sum()),
        "out": int(moves_out.sum()),
        "net": int(moves_in.sum() - moves_out.sum()),
        "by_age": by_age,
    }


def area_results(
    counts: BlockCounts, arrays: BlockArrays, *, covered: bool, rows: list[int] | None = None
) -> list[AreaResult]:
    """One :class:`AreaResult` per area (or per listed row) with values rounded and notes filled in."""
    results = []
    for area in rows if rows is not None else range(arrays.asfr.shape[0]):
        result = AreaResult()
        for key, array in arrays.values.items():
            value = float(array[area])
            reason = None
            if key in ("total_fertility_rate", "mean_age_at_childbearing"):
                reason = _fertility_reason(arrays.women[area])
                if reason is None and key == "total_fertility_rate" and not math.isfinite(value):
                    reason = NO_WOMEN
            result.set(key, value, reason)
        groups = [f"{lo}-{hi}" for lo, hi in ind.fertility_groups()]
        result.values["asfr"] = {
            g: (round(float(r), 4) if math.isfinite(r) else None)
            for g, r in zip(groups, arrays.asfr[area], strict=True)
        }
        if not np.isfinite(arrays.asfr[area]).all():
            result.notes["asfr"] = str(_fertility_reason(arrays.women[area]) or NO_WOMEN)
        _life_values(result, arrays.life_tables[area])
        if counts.moves is not None:
            result.values["migration"] = _migration(counts.moves[area])
        if counts.household_members[area] == 0 and result.values["population"]:
            result.notes.setdefault("households", str(DEFINITIONS["mean_household_size"].null_reason))
        if not covered:
            for key in FLOW_KEYS:
                if key in result.values:
                    result.values[key] = None
                    result.notes[key] = str(NOT_COVERED)
        results.append(result)
    return results


def _life_values(result: AreaResult, tables: dict[str, AreaLifeTable]) -> None:
    for key, (sex, age) in LIFE_KEYS.items():
        outcome = tables[sex]
        result.set(key, outcome.ex(age), outcome.reason)
        for warning in outcome.warnings:
            result.note(key, warning)
    both = tables["T"]
    u5 = both.probability_dying_before(5)
    result.set("under_5_mortality_rate", None if u5 is None else 1000 * u5, both.reason)
    for warning in both.warnings:
        result.note("under_5_mortality_rate", warning)
    result.values["life_table_deaths"] = {sex: int(t.deaths) for sex, t in tables.items()}
