"""Projection inputs estimated from the register as of a date: base population, fertility, mortality, migration.

Everything comes from the register through the statistics part's counts (:func:`renkou.stats.counts.read_counts`
and :func:`renkou.stats.block.block_arrays`, the same arrays behind ``renkou stats``), for the year ending on the
as-of date D, in single years of age 0..99 and the open group 100+ (so the step is one year):

- **base**: the population of each district by sex and single year of age on D
  (:func:`renkou.register.population.population_by`); persons whose district, sex or age is unknown are left out
  (they are counted in :attr:`RegisterEstimates.left_out`).
- **fertility**: the age schedule is the *city's* observed schedule (the statistics' seven five-year rates, each
  rate held over its five single years), normalised to one child; each district keeps its *own* TFR from the same
  statistics (the city's when the district's cannot be computed). A district has too few births for a schedule of
  its own, but enough for its level: this is the pooling the brief asks for.
- **sex ratio at birth**: the city's (boys per girl), for every district, for the same reason.
- **mortality**: the Brass logit standard of each sex is the city's abridged life table of the year (0, 1-4, ...,
  85+; each group's ``mx`` held over its single years, 85+ up to 100+); a district's e0 is the city standard's e0
  plus the difference between the district's own life-table e0 and the city's, when the district's table has at
  least the statistics' minimum of deaths, else the city's.
- **migration**: net migrants by sex and age reached at the end of the year by the demographic balance of each
  cohort, ``end(x+1) - start(x) + deaths of the cohort`` (newborns: ``end(0) - births + their deaths``), a cohort's
  deaths taken as half of the deaths at each of the two ages it passes through (the Lexis triangles split evenly).
  Over all ages this is exactly the statistics' net migration (population change minus natural increase), and it
  counts every kind of move the resident definition reacts to (registrations, de-registrations, hukou moves and the
  six-month rule) without modelling each one. The age-sex *profile* is the city's; each district keeps its own total,
  the statistics' net migration (change minus natural increase, persons of unknown sex or age included, so the
  total is the published figure; the balance by age counts only persons of known sex and age).

Assumptions of the medium variant hold the estimated levels constant over the horizon; the low and high variants
(:func:`default_variants`) and the stochastic spreads (:func:`default_stochastic`) are stated choices, not estimates.
The domain functions here are pure; :func:`estimate_from_register` is the one that reads the register.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from renkou.projection.inputs import FloatArray
from renkou.projection.migration import FUNDAMENTAL, rogers_castro_profile, sex_age_profile
from renkou.projection.mortality import BrassModel
from renkou.projection.scenario import (
    MEDIUM,
    Process,
    RegionPlan,
    Scenario,
    StochasticSettings,
    Variant,
)

if TYPE_CHECKING:
    from renkou.projection.engine import Projection
    from renkou.projection.stochastic import StochasticSummary
    from renkou.register.store import Register

OPEN_AGE = 100  # single years 0..99 and the open group 100+, as the statistics count them
AGES = list(range(OPEN_AGE + 1))
ABRIDGED_STARTS = (0, 1, *range(5, 90, 5))  # 0, 1-4, 5-9, ..., 85+: the statistics' abridged life tables
FERTILE_GROUPS = tuple(range(15, 50, 5))  # 15-19 .. 45-49
TFR_SPREAD = 0.2  # low / high variants: TFR minus / plus 0.2 children per woman
MIGRATION_SPREAD = 0.25  # low / high variants: net migration 25% lower / higher


@dataclass(frozen=True)
class RegisterEstimates:
    """Estimated inputs for districts ``codes`` (names alongside), all in single years 0..100+.

    ``base (R, 2, 101)`` persons on the as-of date; ``tfr (R,)``; ``shape (101,)`` the city's schedule with sum 1;
    ``sex_ratio_at_birth`` boys per girl; ``standard_mx (2, 101)`` the city's single-year death rates per sex (F, M);
    ``e0 (R, 2)`` of each district on the Brass standard; ``migration_total (R,)`` net migrants of the year;
    ``profile (2, 101)`` the city's net migrants by sex and age over their total; ``city_tfr`` the city's TFR;
    ``net_migrants (R, 2, 101)`` each district's own balance by age (for inspection); ``notes`` what was pooled.
    """

    as_of: date
    codes: list[str]
    names: list[str]
    base: FloatArray
    tfr: FloatArray
    city_tfr: float
    shape: FloatArray
    sex_ratio_at_birth: float
    standard_mx: FloatArray
    e0: FloatArray
    migration_total: FloatArray
    profile: FloatArray
    net_migrants: FloatArray
    left_out: int = 0
    notes: list[str] = field(default_factory=list)


def schedule_from_groups(asfr_groups: FloatArray) -> FloatArray:
    """A single-year schedule (ages 0..100, sum 1) from the seven five-year rates of ages 15-49, each rate held over
    its five years; so a TFR times it gives single-year rates whose sum is that TFR exactly."""
    rates = np.zeros(OPEN_AGE + 1)
    for rate, low in zip(np.asarray(asfr_groups, dtype=np.float64), FERTILE_GROUPS, strict=True):
        rates[low : low + 5] = rate
    total = rates.sum()
    if not np.isfinite(total) or total <= 0:
        raise ValueError("the city's fertility schedule has no births or undefined rates")
    return rates / total


def single_year_mx(abridged_mx: FloatArray) -> FloatArray:
    """Death rates of single years 0..100 from an abridged table's ``mx`` (0, 1-4, 5-9, ..., 85+): each group's rate
    over its years, the open group's from 85 up. Zero rates (no deaths in a group) take the next group's so that the
    Brass standard's logits stay finite."""
    mx = np.asarray(abridged_mx, dtype=np.float64).copy()
    for i in range(len(mx) - 2, -1, -1):
        if not mx[i] > 0:
            mx[i] = mx[i + 1]
    if not np.all(mx > 0):
        raise ValueError("the life table's open group has no deaths")
    out = np.empty(OPEN_AGE + 1)
    bounds = [*ABRIDGED_STARTS[1:], OPEN_AGE + 1]
    for rate, low, high in zip(mx, ABRIDGED_STARTS, bounds, strict=True):
        out[low:high] = rate
    return out


def cohort_net_migrants(start: FloatArray, end: FloatArray, births: FloatArray, deaths: FloatArray) -> FloatArray:
    """Net migrants by sex and age reached at the end of the year, by the balance of each cohort (module docstring).

    ``start``, ``end`` and ``deaths`` are ``(..., 2, 101)`` (deaths by age at death), ``births (..., 2)`` by the
    child's sex. Over ages the result sums to ``sum(end) - sum(start) - births + sum(deaths)``.
    """
    start, end, deaths = (np.asarray(a, dtype=np.float64) for a in (start, end, deaths))
    half = deaths / 2
    out = np.empty_like(end)
    out[..., 0] = end[..., 0] - np.asarray(births, dtype=np.float64) + half[..., 0]
    out[..., 1:OPEN_AGE] = end[..., 1:OPEN_AGE] - start[..., : OPEN_AGE - 1] + half[..., : OPEN_AGE - 1]
    out[..., 1:OPEN_AGE] += half[..., 1:OPEN_AGE]
    out[..., OPEN_AGE] = (
        end[..., OPEN_AGE] - start[..., OPEN_AGE - 1] - start[..., OPEN_AGE] + half[..., OPEN_AGE - 1] + deaths[..., -1]
    )
    return out


def city_profile(net_migrants: FloatArray) -> tuple[FloatArray, bool]:
    """The city's profile ``(2, 101)`` summing to 1 from its net migrants by sex and age; when the city lost people
    on balance the signs would flip the profile, so the Rogers-Castro fundamental schedule (half women) is used
    instead, and the flag says so."""
    total = float(net_migrants.sum())
    if total > 0:
        return net_migrants / total, False
    shape = rogers_castro_profile(FUNDAMENTAL, AGES, 1)
    return sex_age_profile(shape, shape, 0.5), True


def default_variants(tfr_spread: float = TFR_SPREAD, migration_spread: float = MIGRATION_SPREAD) -> list[Variant]:
    """Low, medium and high: TFR -/+ ``tfr_spread`` and net migration -/+ ``migration_spread`` (a share), both in
    full from the first step. Stated choices, not estimates."""
    return [
        Variant("low", tfr_shift=-tfr_spread, migration_factor=1.0 - migration_spread),
        MEDIUM,
        Variant("high", tfr_shift=tfr_spread, migration_factor=1.0 + migration_spread),
    ]


def default_stochastic(trajectories: int = 200, seed: int = 1) -> StochasticSettings:
    """Stated spreads around the medium path, shared by all districts (``common``): TFR an AR(1) with rho 0.9 and
    sigma 0.06 a year; e0 a random walk with sigma 0.15 years a year; net migration relative, an AR(1) with rho 0.7
    and sigma 0.15."""
    return StochasticSettings(
        trajectories=trajectories,
        seed=seed,
        correlation="common",
        tfr=Process("ar1", sigma=0.06, rho=0.9),
        e0=Process("random_walk", sigma=0.15),
        migration=Process("ar1", sigma=0.15, rho=0.7),
        migration_scale="relative",
    )


def to_scenario(
    estimates: RegisterEstimates,
    steps: int,
    variants: list[Variant] | None = None,
    stochastic: StochasticSettings | None = None,
    *,
    e0_gain: FloatArray | None = None,
) -> Scenario:
    """A one-year-step scenario from the estimates, every level held constant over ``steps`` years (medium); with
    ``e0_gain (2, steps)`` (e.g. the Lee-Carter forecast's, :mod:`renkou.projection.from_register_lee_carter`)
    every district's e0 rises by it instead of staying constant."""
    standards = (BrassModel(estimates.standard_mx[0], "F"), BrassModel(estimates.standard_mx[1], "M"))
    gain = np.zeros((2, steps)) if e0_gain is None else np.asarray(e0_gain, dtype=np.float64)
    plans = []
    for r, code in enumerate(estimates.codes):
        e0 = np.empty((2, steps))
        for s, model in enumerate(standards):
            low, high = model.e0_range(1.0)
            e0[s] = np.clip(estimates.e0[r, s] + gain[s], low + 0.01, high - 0.01)
        plans.append(
            RegionPlan(
                code=code,
                tfr=np.full(steps, estimates.tfr[r]),
                shape=estimates.shape,
                sex_ratio_at_birth=np.full(steps, estimates.sex_ratio_at_birth),
                mortality=standards,
                beta=1.0,
                e0=e0,
                migration_total=np.full(steps, estimates.migration_total[r]),
                profile=estimates.profile,
            )
        )
    return Scenario(
        age_interval=1,
        start_year=estimates.as_of.year,
        steps=steps,
        migration_timing="half",
        ages=AGES,
        base=estimates.base,
        regions=plans,
        variants=variants if variants is not None else [MEDIUM],
        stochastic=stochastic,
    )


def _base(register: Register, as_of: date, kind: str, codes: list[str]) -> tuple[FloatArray, int]:
    """Persons by district, sex and single year of age (100+ open) on ``as_of``, and how many were left out."""
    from renkou.register.population import population_by

    rows = population_by(register.engine, as_of, kind, ("district", "sex", "age")).to_pylist()  # type: ignore[arg-type]
    index = {code: r for r, code in enumerate(codes)}
    base = np.zeros((len(codes), 2, OPEN_AGE + 1))
    left_out = 0
    for row in rows:
        r, sex, age = index.get(row["district"]), row["sex"], row["age"]
        if r is None or sex not in ("F", "M") or age is None or age < 0:
            left_out += int(row["population"])
            continue
        base[r, "FM".index(sex), min(int(age), OPEN_AGE)] += row["population"]
    return base, left_out


def estimate_from_register(register: Register, as_of: date, kind: str = "resident") -> RegisterEstimates:
    """Estimate every input of a projection of ``kind`` (resident or registered) from the year ending on ``as_of``
    for the districts with people on that date (see the module docstring for the methods)."""
    from renkou.errors import UserError
    from renkou.stats.block import block_arrays
    from renkou.stats.compute import check_range
    from renkou.stats.counts import make_areas, read_counts, register_range
    from renkou.stats.lifetable import DEFAULT_MIN_DEATHS

    if kind not in ("resident", "registered"):
        raise UserError(f"人口口径应为 resident 或 registered：{kind}", f"kind must be resident or registered: {kind}")
    engine = register.engine
    check_range(register_range(engine, as_of), as_of)
    areas = make_areas(engine, register.city, register.city_prefix)
    counts = read_counts(engine, areas, as_of)
    block = counts.blocks[kind]
    rows = [r for r in range(1, areas.size) if block.population_end[r].sum() > 0]
    if not rows:
        raise UserError(f"{as_of} 各区县均无人口", f"no district has any {kind} population on {as_of}")
    arrays = block_arrays(block, [0, *rows], min_deaths=DEFAULT_MIN_DEATHS)
    codes = [areas.codes[r] for r in rows]
    notes: list[str] = []
    known = slice(0, OPEN_AGE + 1)

    city_tfr = float(arrays.values["total_fertility_rate"][0])
    try:
        shape = schedule_from_groups(arrays.asfr[0])
    except ValueError as error:
        raise UserError(
            f"{as_of} 之前一年全市生育率无法计算", f"the city's fertility in the year to {as_of}: {error}"
        ) from error
    tfr = np.array([float(arrays.values["total_fertility_rate"][r]) for r in rows])
    pooled = [codes[i] for i in range(len(rows)) if not np.isfinite(tfr[i])]
    tfr = np.where(np.isfinite(tfr), tfr, city_tfr)
    if pooled:
        notes.append(f"TFR of the city used for districts {', '.join(pooled)} (their own cannot be computed)")
    boys, girls = float(block.births[0, 1]), float(block.births[0, 0])
    srb = boys / girls if girls > 0 and boys > 0 else 1.05
    if not (girls > 0 and boys > 0):
        notes.append("no births of one sex in the city: sex ratio at birth 1.05 boys per girl assumed")

    city_tables = arrays.life_tables[0]
    standard = np.empty((2, OPEN_AGE + 1))
    city_e0 = np.empty(2)
    for s, sex in enumerate("FM"):
        table = city_tables[sex].table
        if table is None:
            raise UserError(
                f"{as_of} 之前一年全市{sex}性别生命表无法编制：{city_tables[sex].reason}",
                f"no city life table for sex {sex} in the year to {as_of}: {city_tables[sex].reason}",
            )
        standard[s] = single_year_mx(table.mx)
        city_e0[s] = float(table.ex[0])
    standard_e0 = np.array([BrassModel(standard[s], sex).e0(0.0) for s, sex in enumerate("FM")], dtype=np.float64)
    e0 = np.empty((len(rows), 2))
    for i, r in enumerate(rows):
        for s, sex in enumerate("FM"):
            own = arrays.life_tables[r][sex]
            usable = own.table is not None and own.deaths >= DEFAULT_MIN_DEATHS
            gap = float(own.table.ex[0]) - city_e0[s] if usable and own.table is not None else 0.0
            e0[i, s] = standard_e0[s] + gap

    start = block.population_start[:, :2, known]
    end = block.population_end[:, :2, known]
    balance = cohort_net_migrants(start, end, block.births[:, :2], block.deaths[:, :2, known])
    profile, modelled = city_profile(balance[0])
    if modelled:
        notes.append("the city lost migrants on balance: Rogers-Castro fundamental profile used for ages")
    base, left_out = _base(register, as_of, kind, codes)
    return RegisterEstimates(
        as_of=as_of,
        codes=codes,
        names=[areas.names[r] for r in rows],
        base=base,
        tfr=tfr,
        city_tfr=city_tfr,
        shape=shape,
        sex_ratio_at_birth=srb,
        standard_mx=standard,
        e0=e0,
        migration_total=np.asarray(arrays.values["net_migration"][rows], dtype=np.float64),
        profile=profile,
        net_migrants=balance[rows],
        left_out=left_out,
        notes=notes,
    )


# --- Running a projection from the register and writing its files (the I/O side, for the CLI and the demo) ---


@dataclass(frozen=True)
class RegisterProjection:
    """What :func:`project_from_register` produced: the files written and the city's totals by variant and year."""

    years: list[int]
    city: str
    totals: dict[str, list[float]]  # variant -> city population by year (base year first)
    stochastic: dict[str, list[float]]  # quantile label -> city population by year
    files: dict[str, Path]
    estimates: RegisterEstimates


def project_from_register(
    register: Register,
    as_of: date,
    out: Path,
    *,
    steps: int = 15,
    intervals: Path | None = None,
    charts: Path | None = None,
    trajectories: int = 200,
    seed: int = 1,
    kind: str = "resident",
    mortality: str = "brass",
    table: Path | None = None,
    pyramid_years: Sequence[int] | None = None,
) -> RegisterProjection:
    """Estimate the inputs (:func:`estimate_from_register`), project every district under the low, medium and high
    variants and the city as their sum, write ``out`` (variant,region,year,sex,age,population); with ``intervals``
    also run the stochastic projection and write its quantiles; with ``charts`` (a folder) draw ``fan-chart.png``
    and ``pyramid-<year>.png`` for each of ``pyramid_years`` (default the last year) there; with ``table`` (``.csv``
    or ``.json``) write the population by variant, region, year, sex and five-year age group.
    ``mortality="lee-carter"`` moves every district's e0 by the city's
    Lee-Carter forecast fitted on the register's years (:mod:`renkou.projection.from_register_lee_carter`) instead
    of holding it constant."""
    from renkou.errors import UserError
    from renkou.projection.districts import add_city
    from renkou.projection.output import quantile_label, write_intervals, write_population, write_table
    from renkou.projection.scenario import compile_scenario
    from renkou.projection.stochastic import run_stochastic

    # Checked before the long part of the run: the years are the base year's and the next ``steps``.
    first, last = as_of.year, as_of.year + steps
    shown = list(pyramid_years) if pyramid_years else [last]
    outside = [year for year in shown if not first <= year <= last]
    if outside:
        raise UserError(
            f"金字塔年份 {outside[0]} 不在预测年份 {first}-{last} 之内",
            f"pyramid year {outside[0]} is not a projected year {first}-{last}",
        )
    estimates = estimate_from_register(register, as_of, kind)
    city = register.city
    gain = None
    stochastic = default_stochastic(trajectories, seed)
    if mortality == "lee-carter":
        from dataclasses import replace

        from renkou.projection.from_register_lee_carter import lee_carter_gain, mortality_series

        forecast = lee_carter_gain(mortality_series(register, as_of, kind), steps)
        gain = forecast.e0_gain
        estimates.notes.extend(forecast.notes)
        if forecast.e0_sigma is not None:
            stochastic = replace(stochastic, e0=Process("random_walk", sigma=forecast.e0_sigma))
    elif mortality != "brass":
        raise ValueError(f"unknown mortality model {mortality!r}")
    scenario = to_scenario(estimates, steps, default_variants(), stochastic, e0_gain=gain)
    inputs = compile_scenario(scenario)
    result, series = add_city(inputs.run(), inputs.series, city)
    files = {"projection": out}
    write_population(out, inputs, result, series)
    years = inputs.years
    if table is not None:
        write_table(table, years, scenario.ages, result, series)
        files["table"] = table
    totals = {
        variant: result.population[k].sum(axis=(-1, -2)).tolist()
        for k, (region, variant) in enumerate(series)
        if region == city
    }
    births = {
        variant: result.births[k].sum(axis=-1).tolist() for k, (region, variant) in enumerate(series) if region == city
    }
    quantiles: dict[str, list[float]] = {}
    if intervals is not None or charts is not None:
        assert scenario.stochastic is not None
        summary = run_stochastic(scenario, scenario.stochastic, city)
        c = summary.regions.index(city)
        quantiles = {
            quantile_label(q): summary.population_total[i, c].tolist() for i, q in enumerate(summary.quantiles)
        }
        if intervals is not None:
            write_intervals(intervals, years, scenario.ages, summary)
            files["intervals"] = intervals
        if charts is not None:
            files.update(
                _draw(charts, estimates, result, series, city, years, totals, births, quantiles, summary, shown)
            )
    return RegisterProjection(years, city, totals, quantiles, files, estimates)


def _draw(
    folder: Path,
    estimates: RegisterEstimates,
    result: Projection,
    series: list[tuple[str, str]],
    city: str,
    years: list[int],
    totals: dict[str, list[float]],
    births: dict[str, list[float]],
    quantiles: dict[str, list[float]],
    summary: StochasticSummary,
    pyramid_years: Sequence[int],
) -> dict[str, Path]:
    from renkou.projection import charts
    from renkou.projection.output import quantile_label

    folder.mkdir(parents=True, exist_ok=True)
    c = summary.regions.index(city)
    birth_quantiles = {quantile_label(q): summary.births_total[i, c].tolist() for i, q in enumerate(summary.quantiles)}
    fan = charts.save(
        lambda: charts.fan_chart(
            [
                ("常住人口 / resident population", years, totals, quantiles),
                ("出生人数 / births", years[1:], births, birth_quantiles),
            ],
            f"全市人口预测 / city projection {years[0]}-{years[-1]}",
        ),
        folder / "fan-chart.png",
    )
    medium = series.index((city, "medium"))
    drawn = {"fan_chart": fan}
    for year in pyramid_years:
        draw = partial(
            charts.pyramid,
            result.population[medium, 0],
            result.population[medium, years.index(year)],
            years[0],
            year,
            f"全市人口金字塔 / population pyramid {year} (medium) vs {years[0]}",
        )
        # "pyramid" is the last year's (the key the demo has always had); other years carry theirs.
        drawn["pyramid" if year == years[-1] else f"pyramid_{year}"] = charts.save(draw, folder / f"pyramid-{year}.png")
    return drawn
