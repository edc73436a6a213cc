"""The published figures, measured in a register (for the calibration test and the benchmark).

Everything here reads the register only, through its population queries, its state as of a date and its event
table, never the generator's internals. Definitions: crude rates per mille on the mean of the populations at the
two year ends; total fertility as ``renkou stats`` defines it (five-year groups of mothers 15-49, births over the
mean of the women at the two year ends); life expectancy from a single-year life table (a_x = 1/2, a0 by
Andreev-Kingkade averaged over the sexes, open at 100) on person-years taken as the mean of twelve mid-month
populations; total dependency ratio (0-14 plus 65+ over 15-64) of the resident population. Figures of a district are
keyed ``name@code`` (e.g. ``registered_60_plus@330102``); the registered district is the hukou district, the resident
one the district of residence, as ``renkou.register.population`` defines them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from renkou.engine import Engine
from renkou.register.population import population_by, population_total
from renkou.register.state import state_sql

OPEN_AGE = 100


@dataclass
class Measured:
    """Figures of one year (ending on ``on``) with the counts behind them."""

    on: date
    registered: int
    resident: int
    floating: int
    mean_registered: float
    births_by_sex: dict[str, int]
    births_by_mother_age: dict[int, int]
    deaths_by_age: dict[int, int]
    exposure: np.ndarray  # (sex M/F, age 0..110) person-years of the registered population
    year_ends: np.ndarray  # (previous/this year end, sex M/F, age 0..110) registered population
    aged_60_by_district: dict[str, tuple[int, int]]  # district -> (60+, all), registered
    resident_ages: dict[int, int]
    resident_by_district: dict[str, int]
    registered_by_year_end: dict[int, int]  # 31 December of each earlier year in the register's history -> count
    resident_urban: int
    figures: dict[str, float] = field(default_factory=dict)


def _age_at(event: str, birth: str) -> str:
    return (
        f"((year({event}) * 10000 + month({event}) * 100 + day({event})) - "
        f"(year({birth}) * 10000 + month({birth}) * 100 + day({birth}))) // 10000"
    )


def life_table_e0(deaths: np.ndarray, exposure: np.ndarray) -> tuple[float, float]:
    """(e0, Chiang's standard error) of a single-year life table from deaths and exposure by age.

    The open interval is 100+, or starts lower when a small register has no deaths at 100+ (then m = 0 there and
    e0 would be infinite): at the highest age from which on some deaths are recorded.
    """
    open_age = OPEN_AGE
    while open_age > 1 and deaths[open_age:].sum() == 0:
        open_age -= 1
    mx = [deaths[x] / exposure[x] if exposure[x] > 0 else 0.0 for x in range(open_age)]
    mx.append(deaths[open_age:].sum() / exposure[open_age:].sum())
    lx, ax, qx = [1.0], [], []
    for age, m in enumerate(mx[:-1]):
        a = ((0.14929 - 1.99545 * m) + (0.14903 - 2.05527 * m)) / 2 if age == 0 else 0.5
        q = m / (1 + (1 - a) * m)
        ax.append(a)
        qx.append(q)
        lx.append(lx[-1] * (1 - q))
    big_l = [lx[x] - (1 - ax[x]) * lx[x] * qx[x] for x in range(open_age)] + [lx[open_age] / mx[-1]]
    ex = [sum(big_l[x:]) / lx[x] for x in range(open_age + 1)]
    variance = sum(
        lx[x] ** 2 * ((1 - ax[x]) + ex[x + 1]) ** 2 * qx[x] ** 2 * (1 - qx[x]) / deaths[x]
        for x in range(open_age)
        if deaths[x] > 0
    )
    variance += lx[open_age] ** 2 / (mx[-1] ** 2 * deaths[open_age:].sum())
    return ex[0], math.sqrt(variance)


def _by_sex_and_age(engine: Engine, on: date) -> np.ndarray:
    """Registered population on a date by sex (M, F) and single year of age 0..110 (110: 110 and over)."""
    counts = np.zeros((2, 111))
    for row in population_by(engine, on, "registered", by=("sex", "age")).to_pylist():
        if row["age"] is not None and row["age"] >= 0 and row["sex"] in ("M", "F"):
            counts[0 if row["sex"] == "M" else 1, min(row["age"], 110)] += row["population"]
    return counts


def fertility_by_group(births_by_mother_age: dict[int, int], women: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(births, woman-years) in the mothers' groups 15-19, ..., 45-49 (younger mothers counted in the first
    group, older in the last, as the UN and ``renkou stats`` do); ``women`` by single year of age."""
    births = np.zeros(7)
    for age, count in births_by_mother_age.items():
        births[min(max(age, 15), 49) // 5 - 3] += count
    woman_years = np.array([women[low : low + 5].sum() for low in range(15, 50, 5)])
    return births, woman_years


def measure(engine: Engine, on: date = date(2020, 12, 31), first_year: int = 2016) -> Measured:
    """Measure the register for the year ending on ``on`` (a 31 December); the registered population is also
    counted at the ends of the years ``first_year`` .. ``on.year - 1`` (Table 1's earlier years)."""
    year = on.year
    state = state_sql(on)  # a decedent keeps the hukou of the day they died; a newborn has the mother's
    births = {
        sex: int(n)
        for sex, n in engine.rows(
            f"SELECT s.sex, count(DISTINCT b.subject_id) FROM events b JOIN ({state}) s ON s.subject_id = b.subject_id "
            f"WHERE b.event_type = 'birth' AND year(b.occurred_on) = {year} AND s.hukou_in_city GROUP BY 1"
        )
    }
    by_mother_age = {
        int(age): int(n)
        for age, n in engine.rows(
            f"SELECT {_age_at('b.occurred_on', 'm.birth_date')}, count(DISTINCT b.subject_id) FROM events b "
            f"JOIN ({state}) c ON c.subject_id = b.subject_id JOIN ({state}) m ON m.subject_id = b.mother_id "
            f"WHERE b.event_type = 'birth' AND year(b.occurred_on) = {year} AND c.hukou_in_city GROUP BY 1"
        )
    }
    deaths = {
        int(age): int(n)
        for age, n in engine.rows(
            f"SELECT {_age_at('d.occurred_on', 's.birth_date')}, count(*) FROM (SELECT subject_id, min(occurred_on) "
            f"AS occurred_on FROM events WHERE event_type = 'death' AND year(occurred_on) = {year} GROUP BY 1) d "
            f"JOIN ({state}) s ON s.subject_id = d.subject_id WHERE s.hukou_in_city GROUP BY 1"
        )
    }
    exposure = np.zeros((2, 111))
    for month in range(1, 13):
        exposure += _by_sex_and_age(engine, date(year, month, 15)) / 12
    previous = date(year - 1, 12, 31)
    year_ends = np.stack([_by_sex_and_age(engine, previous), _by_sex_and_age(engine, on)])
    districts: dict[str, list[int]] = {}
    for row in population_by(engine, on, "registered", by=("district", "age")).to_pylist():
        entry = districts.setdefault(row["district"], [0, 0])
        entry[1] += row["population"]
        if row["age"] >= 60:
            entry[0] += row["population"]
    resident_ages: dict[int, int] = {}
    for row in population_by(engine, on, "resident", by=("age",)).to_pylist():
        resident_ages[int(row["age"])] = resident_ages.get(int(row["age"]), 0) + int(row["population"])
    urban = {r["urban"]: r["population"] for r in population_by(engine, on, "resident", by=("urban",)).to_pylist()}
    resident_by_district = {
        str(r["district"]): int(r["population"])
        for r in population_by(engine, on, "resident", by=("district",)).to_pylist()
    }
    year_ends_registered = {y: population_total(engine, date(y, 12, 31), "registered") for y in range(first_year, year)}
    result = Measured(
        on=on,
        registered=population_total(engine, on, "registered"),
        resident=population_total(engine, on, "resident"),
        floating=population_total(engine, on, "floating"),
        mean_registered=(population_total(engine, previous, "registered") + population_total(engine, on, "registered"))
        / 2,
        births_by_sex=births,
        births_by_mother_age=by_mother_age,
        deaths_by_age=deaths,
        exposure=exposure,
        year_ends=year_ends,
        aged_60_by_district={code: (v[0], v[1]) for code, v in districts.items()},
        resident_ages=resident_ages,
        resident_urban=int(urban.get(True, 0)),
        resident_by_district=resident_by_district,
        registered_by_year_end=year_ends_registered,
    )
    result.figures = figures(result)
    return result


def figures(m: Measured) -> dict[str, float]:
    """The published figures of a measurement: the city's, then per district (``name@code``) and per earlier year
    (``registered@YYYY``)."""
    births = sum(m.births_by_sex.values())
    deaths = sum(m.deaths_by_age.values())
    resident_total = sum(m.resident_ages.values())
    death_array = np.zeros(111)
    for age, count in m.deaths_by_age.items():
        death_array[min(max(age, 0), 110)] += count
    e0, _ = life_table_e0(death_array, m.exposure.sum(axis=0))
    grouped_births, woman_years = fertility_by_group(m.births_by_mother_age, m.year_ends[:, 1].mean(axis=0))
    resident_share = {
        low_high: sum(n for a, n in m.resident_ages.items() if low_high[0] <= a <= low_high[1]) / resident_total
        for low_high in ((0, 14), (15, 59), (15, 64), (60, 200), (65, 200))
    }
    registered_by_age = m.year_ends[1].sum(axis=0)  # the register on ``on``, both sexes, 0..110
    registered_total = float(registered_by_age.sum())
    old_total = sum(old for old, _ in m.aged_60_by_district.values())
    result: dict[str, float] = {
        "registered": m.registered,
        "resident": m.resident,
        "floating": m.floating,
        "crude_birth_rate": births / m.mean_registered * 1000,
        "natural_increase_rate": (births - deaths) / m.mean_registered * 1000,
        "sex_ratio_at_birth": m.births_by_sex.get("M", 0) / max(m.births_by_sex.get("F", 0), 1) * 100,
        "total_fertility_rate": float(5 * (grouped_births / woman_years).sum()),
        "life_expectancy": e0,
        "resident_share_60_plus": resident_share[(60, 200)],
        "resident_share_65_plus": resident_share[(65, 200)],
        "resident_share_0_14": resident_share[(0, 14)],
        "resident_share_15_59": resident_share[(15, 59)],
        "total_dependency_ratio": (resident_share[(0, 14)] + resident_share[(65, 200)]) / resident_share[(15, 64)],
        "registered_share_0_17": float(registered_by_age[:18].sum() / registered_total),
        "registered_share_18_59": float(registered_by_age[18:60].sum() / registered_total),
        "registered_60_plus": old_total,
        "registered_share_60_plus": old_total / m.registered,
        "urbanization": m.resident_urban / resident_total,
    }
    for code, (old, total) in sorted(m.aged_60_by_district.items()):
        result[f"registered_60_plus@{code}"] = old
        result[f"registered_share_60_plus@{code}"] = old / total
    for code, count in sorted(m.resident_by_district.items()):
        result[f"resident_share@{code}"] = count / resident_total
    for year, count in sorted(m.registered_by_year_end.items()):
        result[f"registered@{year}"] = count
    return result
