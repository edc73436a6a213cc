"""Period life tables of the year for each area and sex, from deaths and mean population by single year of age.

Pure NumPy over count arrays; the tables themselves come from :func:`renkou.stats.lifetable.life_table_from_deaths`
(a0 by Andreev-Kingkade, 4a1 by Coale-Demeny, other groups n/2, the open group 1/m). Exposure (person-years) by age
is the mean of the population of that age at the start and the end of the year. A district's table is abridged
(0, 1-4, 5-9, ..., 85+) since single years would be mostly empty; a table that cannot be built (an age group without
population, an open group without deaths) is reported with the life-table module's reason instead of a number, and
a table with few deaths carries its warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from renkou.stats.indicators import OPEN_AGE
from renkou.stats.lifetable import DEFAULT_MIN_DEATHS, LifeTable, LifeTableInputError, life_table_from_deaths
from renkou.stats.lifetable_ages import abridge_counts, regroup_counts, single_year_ages

FloatArray = np.ndarray
ABRIDGED_OPEN_AGE = 85
SEX_CODES = ("F", "M", "T")


@dataclass
class AreaLifeTable:
    """The outcome for one area and sex: a table, or the reason there is none; warnings either way."""

    table: LifeTable | None
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)
    deaths: float = 0.0

    def ex(self, age: int) -> float | None:
        """Life expectancy at ``age`` (a group start: 0, 1, 5, ..., 60, ...), None without a table."""
        if self.table is None:
            return None
        value = float(self.table.ex_at(age))
        return value if np.isfinite(value) else None

    def probability_dying_before(self, age: int) -> float | None:
        """``1 - l(age) / l0``: the probability of dying before ``age`` (5 for the under-five rate)."""
        if self.table is None:
            return None
        index = int(np.flatnonzero(np.isclose(self.table.ages, age))[0])
        return float(1 - self.table.lx[index] / self.table.lx[0])


def life_table_inputs(
    deaths_by_age: FloatArray,
    start_by_age: FloatArray,
    end_by_age: FloatArray,
    *,
    abridged: bool = True,
    open_age: int = OPEN_AGE,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """(ages, intervals, deaths, exposure) of one table from single-year counts 0..100+ (length ``OPEN_AGE + 1``).

    Exposure is the mean of the start and end populations. Abridged: 0, 1-4, 5-9, ..., 85+; otherwise single
    years up to ``open_age`` (at most 100), the open group ``open_age``+.
    """
    ages, intervals = single_year_ages(OPEN_AGE)
    exposure = (np.asarray(start_by_age, dtype=np.float64) + np.asarray(end_by_age, dtype=np.float64)) / 2
    deaths = np.asarray(deaths_by_age, dtype=np.float64)
    if abridged:
        new_ages, new_intervals, grouped_deaths = abridge_counts(ages, intervals, deaths, ABRIDGED_OPEN_AGE)
        _, _, grouped_exposure = abridge_counts(ages, intervals, exposure, ABRIDGED_OPEN_AGE)
        return new_ages, new_intervals, grouped_deaths, grouped_exposure
    if not 1 <= open_age <= OPEN_AGE:
        raise ValueError(f"open_age must be between 1 and {OPEN_AGE}")
    layout = np.arange(open_age + 1)
    new_ages, new_intervals, grouped_deaths = regroup_counts(ages, intervals, deaths, layout)
    _, _, grouped_exposure = regroup_counts(ages, intervals, exposure, layout)
    return new_ages, new_intervals, grouped_deaths, grouped_exposure


def area_life_table(
    deaths_by_age: FloatArray,
    start_by_age: FloatArray,
    end_by_age: FloatArray,
    sex: str,
    *,
    abridged: bool = True,
    open_age: int = OPEN_AGE,
    min_deaths: float = DEFAULT_MIN_DEATHS,
) -> AreaLifeTable:
    """One period life table from single-year deaths and populations (0..100+), or the reason it cannot be built."""
    ages, intervals, deaths, exposure = life_table_inputs(
        deaths_by_age, start_by_age, end_by_age, abridged=abridged, open_age=open_age
    )
    total = float(deaths.sum())
    if total == 0:
        return AreaLifeTable(
            None, "本年无死亡，无法编制生命表 / no deaths in the year, so there is no life table", deaths=total
        )
    try:
        table = life_table_from_deaths(ages, intervals, deaths, exposure, sex=sex, min_deaths=min_deaths)
    except LifeTableInputError as error:
        return AreaLifeTable(None, f"无法编制生命表：{error.zh} / no life table: {error.en}", deaths=total)
    return AreaLifeTable(table, None, list(table.warnings), deaths=total)


def _abridge(counts: FloatArray) -> FloatArray:
    """Sum single-year counts (last axis 0..100+) into 0, 1-4, 5-9, ..., 85+ (vectorised over leading axes)."""
    starts = [0, 1, *range(5, ABRIDGED_OPEN_AGE + 1, 5)]
    return np.asarray(np.add.reduceat(counts, starts, axis=-1), dtype=np.float64)


def _few_deaths(total: float, min_deaths: float) -> str:
    return (
        f"死亡人数合计仅 {total:g} 人（少于 {min_deaths:g} 人），生命表指标受偶然波动影响大 / only {total:g} deaths "
        f"in total (fewer than {min_deaths:g}): the life-table figures are dominated by chance"
    )


def _capped(table: LifeTable) -> list[str]:
    """Warnings for closed age groups whose qx was capped at 1 (nobody survives them)."""
    closed = table.qx[:-1]
    return [
        f"年龄 {table.ages[i]:g} 的死亡率过高，qx 截为 1，此后无人存活 / age {table.ages[i]:g}: the death rate is so "
        "high that qx is capped at 1 and nobody survives beyond it"
        for i in np.flatnonzero(closed >= 1)
    ]


def block_life_tables(
    deaths: FloatArray,
    population_start: FloatArray,
    population_end: FloatArray,
    rows: list[int] | None = None,
    *,
    min_deaths: float = DEFAULT_MIN_DEATHS,
) -> list[dict[str, AreaLifeTable]]:
    """Abridged life tables of the listed areas (first axis; all when None) for "F", "M" and both sexes "T".

    The arrays are ``[areas, 3 sexes (F, M, unknown), ages 0..100+ and unknown]``; persons and deaths of unknown
    age are left out, those of unknown sex count in the both-sexes table only. The tables that can be built are
    computed together as one stack; for the others the life-table module says why.
    """
    selected = list(range(deaths.shape[0])) if rows is None else rows
    known = slice(0, OPEN_AGE + 1)

    def by_sex(array: FloatArray) -> FloatArray:
        part = array[selected][:, :, known]
        return np.stack([part[:, 0], part[:, 1], part.sum(axis=1)], axis=1)  # [areas, F/M/T, ages]

    grouped_deaths = _abridge(by_sex(deaths))
    exposure = _abridge((by_sex(population_start) + by_sex(population_end)) / 2)
    sexes = np.broadcast_to(np.array(SEX_CODES), grouped_deaths.shape[:2])
    totals = grouped_deaths.sum(axis=-1)
    buildable = (exposure > 0).all(axis=-1) & (grouped_deaths[..., -1] > 0)
    ages = np.array([0, 1, *range(5, ABRIDGED_OPEN_AGE + 1, 5)], dtype=np.float64)
    intervals = np.diff(ages, append=np.inf)
    stack = None
    if buildable.any():
        stack = life_table_from_deaths(
            ages, intervals, grouped_deaths[buildable], exposure[buildable], sex=sexes[buildable], min_deaths=0
        )
    position = np.cumsum(buildable.reshape(-1)).reshape(buildable.shape) - 1
    result: list[dict[str, AreaLifeTable]] = []
    for area in range(len(selected)):
        tables: dict[str, AreaLifeTable] = {}
        for index, code in enumerate(SEX_CODES):
            total = float(totals[area, index])
            if stack is not None and buildable[area, index]:
                table = replace(stack.select(int(position[area, index])), warnings=[])
                warnings = _capped(table) + ([_few_deaths(total, min_deaths)] if total < min_deaths else [])
                tables[code] = AreaLifeTable(table, None, warnings, deaths=total)
            else:
                tables[code] = _unbuildable(grouped_deaths[area, index], exposure[area, index], code, ages, intervals)
        result.append(tables)
    return result


def _unbuildable(
    deaths: FloatArray, exposure: FloatArray, sex: str, ages: FloatArray, intervals: FloatArray
) -> AreaLifeTable:
    """The reason a table cannot be built, in the life-table module's words."""
    total = float(deaths.sum())
    if total == 0:
        return AreaLifeTable(None, "本年无死亡，无法编制生命表 / no deaths in the year, so there is no life table")
    try:
        life_table_from_deaths(ages, intervals, deaths, exposure, sex=sex)
    except LifeTableInputError as error:
        return AreaLifeTable(None, f"无法编制生命表：{error.zh} / no life table: {error.en}", deaths=total)
    raise AssertionError("a table judged unbuildable was built")  # pragma: no cover - the checks above mirror it
