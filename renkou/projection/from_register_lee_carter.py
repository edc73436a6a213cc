"""Lee-Carter mortality from the register's series of years (e.g. 2016-2020), for the projection from the register.

For every whole year the register covers up to the as-of date (the year ending on the as-of date's day, as the
statistics count it), the city's abridged life table of each sex (:func:`renkou.stats.block.block_arrays`, the same
tables ``renkou stats`` publishes) gives ``m(x, t)`` for 0, 1-4, ..., 85+, held over single years 0..100 as the Brass
standard is (:func:`renkou.projection.from_register.single_year_mx`); :func:`renkou.projection.lee_carter.fit_lee_carter`
fits ``ln m``. The forecast of ``k`` (random walk with drift, central path) compiles to death rates and so to the
city's e0 for each future year; the projection from the register then moves every district's e0 by the city's
Lee-Carter gain since the base year (each district keeps its own level, and the Brass model its age pattern), which is
how the Lee-Carter pace of improvement enters without pretending a district's few deaths carry a trend of their own.

A few years of a city's deaths are noisy: when a sex's drift is smaller than twice its standard error
(:attr:`renkou.projection.lee_carter.LeeCarter.drift_se`) the series shows no trend distinguishable from noise, and
that sex's e0 is held at the base year's (the gain is zero) with a note, rather than extrapolating noise for 15 years.

For the stochastic run, the random walk of ``k`` becomes the random walk of e0 (one process for both sexes): its
yearly sigma is ``sigma_k |de0/dk|`` at the jump-off (the slope by a central difference of one sigma), averaged over
the sexes whose drift is a trend; with no trend in either sex the stated default spread is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from renkou.errors import UserError
from renkou.projection.from_register import single_year_mx
from renkou.projection.inputs import FloatArray
from renkou.projection.lee_carter import LeeCarter, e0_paths, fit_lee_carter

if TYPE_CHECKING:
    from renkou.register.store import Register


@dataclass(frozen=True)
class MortalitySeries:
    """``log_mx (2, T, 101)`` of the city by sex (F, M), year and single age, for ``years`` (the as-of dates' years)."""

    years: list[int]
    log_mx: FloatArray


def mortality_series(register: Register, as_of: date, kind: str = "resident") -> MortalitySeries:
    """The city's ``ln m(x, t)`` by sex for every whole year the register covers up to ``as_of``."""
    from renkou.projection.compare import same_day
    from renkou.stats.block import block_arrays
    from renkou.stats.counts import make_areas, read_counts, register_range, year_start
    from renkou.stats.lifetable import DEFAULT_MIN_DEATHS

    start = register_range(register.engine, as_of).start
    if start is None:
        raise UserError("登记库没有事件", "the register holds no events")
    areas = make_areas(register.engine, register.city, register.city_prefix)
    years = [y for y in range(start.year, as_of.year + 1) if year_start(same_day(as_of, y)) >= start]
    rows = []
    for year in years:
        counts = read_counts(register.engine, areas, same_day(as_of, year))
        tables = block_arrays(counts.blocks[kind], [0], min_deaths=DEFAULT_MIN_DEATHS).life_tables[0]
        by_sex = []
        for sex in "FM":
            table = tables[sex].table
            if table is None:
                raise UserError(
                    f"{year} 年全市{sex}性别生命表无法编制：{tables[sex].reason}",
                    f"no city life table for sex {sex} in the year to {same_day(as_of, year)}: {tables[sex].reason}",
                )
            by_sex.append(np.log(single_year_mx(table.mx)))
        rows.append(by_sex)
    if len(years) < 3:
        raise UserError(
            f"登记库只覆盖 {len(years)} 个完整年度，Lee-Carter 至少需要 3 个",
            f"the register covers {len(years)} whole years to {as_of}; Lee-Carter needs at least 3",
        )
    return MortalitySeries(years, np.asarray(rows, dtype=np.float64).transpose(1, 0, 2))


@dataclass(frozen=True)
class LeeCarterForecast:
    """One fitted model per sex and the city's e0 gain over the jump-off year for each step ``(2, steps)``."""

    models: tuple[LeeCarter, LeeCarter]
    e0_gain: FloatArray
    notes: list[str]
    e0_sigma: float | None = None  # yearly sigma of e0 implied by the random walk of k (None: no trend)


def lee_carter_gain(series: MortalitySeries, steps: int) -> LeeCarterForecast:
    """Fit each sex and compile the central forecast of ``k`` into the gain in e0 over the fitted jump-off year."""
    models = []
    notes = []
    sigmas = []
    gain = np.zeros((2, steps))
    span = f"{series.years[0]}-{series.years[-1]}"
    for s, sex in enumerate("FM"):
        model = fit_lee_carter(series.log_mx[s], series.years)
        models.append(model)
        if not abs(model.drift) >= 2 * model.drift_se:
            notes.append(
                f"Lee-Carter {sex} {span}: drift {model.drift:.3f} within twice its standard error "
                f"{model.drift_se:.3f}, no trend: e0 held"
            )
            continue
        central, _ = model.k_forecast(steps)
        e0 = e0_paths(model, np.concatenate([model.kt[-1:], central]), sex)
        gain[s] = e0[1:] - e0[0]
        around = e0_paths(model, model.kt[-1] + np.array([-model.sigma, model.sigma]), sex)
        sigmas.append(abs(float(around[1] - around[0])) / 2)
        notes.append(
            f"Lee-Carter {sex} {span}: drift {model.drift:.3f} (se {model.drift_se:.3f}) a year, e0 gain "
            f"{gain[s, -1]:+.2f} years by the last step"
        )
    e0_sigma = float(np.mean(sigmas)) if sigmas else None
    if e0_sigma is not None:
        notes.append(f"stochastic e0: random walk with sigma {e0_sigma:.3f} years a year from the Lee-Carter k")
    return LeeCarterForecast((models[0], models[1]), gain, notes, e0_sigma)
