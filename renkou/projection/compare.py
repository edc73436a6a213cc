"""The cohort-component projection beside trend extrapolation and regression of the total (issue 5, item 6).

:func:`compare_models` is pure: given the observed totals, the cohort-component totals by variant and optional
covariates, it fits every model of :mod:`renkou.projection.trend` and lays them side by side on the history and
projection years. :func:`compare_from_register` is the I/O side behind ``renkou projection compare``: the history is
the register's population of ``kind`` on the same day of each year it covers up to the as-of date (or a
``year,population`` file), the cohort totals come from :func:`renkou.projection.from_register.estimate_from_register`
(low, medium and high variants of every district, summed to the city), and the table is written as CSV and JSON
with a chart.

The trend models see only the total; the cohort model sees births, deaths and migration by age. When they disagree,
the cohort model's assumptions (held-constant rates) or the trend's (the past shape continues) are what to question.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from renkou.errors import UserError
from renkou.projection.compare_files import Covariates, History
from renkou.projection.trend import (
    METHOD_ZH,
    TrendFit,
    exponential_trend,
    extend_linearly,
    linear_trend,
    logistic_trend,
    regression,
)

if TYPE_CHECKING:
    from renkou.register.store import Register

VARIANT_ORDER = ("low", "medium", "high")


@dataclass(frozen=True)
class Comparison:
    """Observed totals, cohort-component totals by variant over ``years`` (base year first), fitted models over
    ``model_years`` (the history years and ``years``), and notes (what was extrapolated, which models failed)."""

    history: History
    years: list[int]
    cohort: dict[str, list[float]]
    model_years: list[int]
    fits: list[TrendFit]
    notes: list[str] = field(default_factory=list)


def _regression_fit(history: History, covariates: Covariates, out_years: list[int], notes: list[str]) -> TrendFit:
    """Regression on the covariates over the history years they cover; future values from the file, else each
    covariate's straight-line trend (noted)."""
    rows = {year: values for year, values in zip(covariates.years, covariates.values, strict=True)}
    fit_years = [year for year in history.years if year in rows]
    if len(fit_years) < len(covariates.names) + 2:
        raise ValueError(
            f"the covariates cover {len(fit_years)} history years ({', '.join(map(str, fit_years)) or 'none'}); "
            f"{len(covariates.names)} covariates need at least {len(covariates.names) + 2}"
        )
    totals = [history.totals[history.years.index(year)] for year in fit_years]
    x = np.array([[float(v) for v in rows[year] if v is not None] for year in fit_years])
    future = np.empty((len(out_years), len(covariates.names)))
    for j, name in enumerate(covariates.names):
        given_years, given = covariates.column(name)
        future[:, j] = extend_linearly(given_years, given, out_years)
        missing = [year for year in out_years if year not in given_years]
        if missing:
            notes.append(
                f"covariate {name}: no value for {year_ranges(missing)}: interpolated between given years, beyond "
                "them its straight-line trend"
            )
    return regression(fit_years, totals, x, covariates.names, future, out_years)


def year_ranges(years: list[int]) -> str:
    """Sorted years as compact ranges: [2021, 2022, 2023, 2026] -> "2021-2023, 2026"."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)


def compare_models(
    history: History, years: list[int], cohort: dict[str, list[float]], covariates: Covariates | None = None
) -> Comparison:
    """Fit the linear, exponential and logistic trends (and the regression with covariates) to ``history`` and
    evaluate them on the history and projection years, beside ``cohort`` (variant -> totals over ``years``).

    A model that cannot be fitted to this history (e.g. a logistic on four points, or collinear covariates) is
    left out with a note; the regression's problems are the user's input and raise ValueError.
    """
    model_years = sorted(set(history.years) | set(years))
    notes: list[str] = []
    fits: list[TrendFit] = []
    for fitter in (linear_trend, exponential_trend, logistic_trend):
        try:
            fits.append(fitter(history.years, history.totals, model_years))
        except ValueError as error:
            notes.append(f"{fitter.__name__.replace('_trend', '')} trend not fitted: {error}")
    if covariates is not None:
        fits.append(_regression_fit(history, covariates, model_years, notes))
    for fit in fits:
        notes.extend(f"{fit.method}: {note}" for note in fit.notes)
    return Comparison(history, years, cohort, model_years, fits, notes)


def table_rows(comparison: Comparison) -> tuple[list[str], list[list[Any]]]:
    """The wide table: one row per year, observed, the cohort variants, each model (with its 95% interval where it
    has one). Empty cells where a series has no value for the year."""
    variants = [v for v in VARIANT_ORDER if v in comparison.cohort] + [
        v for v in comparison.cohort if v not in VARIANT_ORDER
    ]
    header = ["year", "observed", *(f"cohort_{v}" for v in variants)]
    for fit in comparison.fits:
        header.append(fit.method)
        if np.isfinite(fit.low).any():
            header += [f"{fit.method}_low95", f"{fit.method}_high95"]
    observed = dict(zip(comparison.history.years, comparison.history.totals, strict=True))
    rows = []
    for i, year in enumerate(comparison.model_years):
        row: list[Any] = [year, observed.get(year, "")]
        for v in variants:
            row.append(comparison.cohort[v][comparison.years.index(year)] if year in comparison.years else "")
        for fit in comparison.fits:
            row.append(float(fit.values[i]))
            if np.isfinite(fit.low).any():
                row += [float(fit.low[i]), float(fit.high[i])]
        rows.append(row)
    return header, rows


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    """A JSON object: history, cohort totals, each model's parameters, fit and values, notes."""

    def rounded(values: Any) -> list[float | None]:
        return [round(float(v), 2) if np.isfinite(v) else None for v in values]

    return {
        "history": {"years": comparison.history.years, "population": comparison.history.totals},
        "years": comparison.years,
        "cohort": {variant: rounded(values) for variant, values in comparison.cohort.items()},
        "model_years": comparison.model_years,
        "models": {
            fit.method: {
                "name_zh": METHOD_ZH.get(fit.method, fit.method),
                "parameters": fit.parameters,
                "r_squared": round(fit.r_squared, 6) if np.isfinite(fit.r_squared) else None,
                "population": rounded(fit.values),
                "low95": rounded(fit.low) if np.isfinite(fit.low).any() else None,
                "high95": rounded(fit.high) if np.isfinite(fit.high).any() else None,
            }
            for fit in comparison.fits
        },
        "notes": comparison.notes,
    }


def _text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def write_comparison(folder: Path, comparison: Comparison, title: str) -> dict[str, Path]:
    """Write ``comparison.csv``, ``comparison.json`` and ``comparison.png`` into ``folder``."""
    from renkou.projection import charts

    try:
        folder.mkdir(parents=True, exist_ok=True)
        header, rows = table_rows(comparison)
        table = folder / "comparison.csv"
        with table.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows([_text(v) for v in row] for row in rows)
        document = folder / "comparison.json"
        document.write_text(json.dumps(comparison_json(comparison), ensure_ascii=False, indent=1), encoding="utf-8")
    except OSError as error:
        raise UserError(
            f"无法写入 {folder}：{error.strerror}", f"cannot write into {folder}: {error.strerror}"
        ) from error
    models = {
        fit.method: (f"{METHOD_ZH.get(fit.method, fit.method)} / {fit.method}", fit.years, fit.values)
        for fit in comparison.fits
    }
    chart = charts.save(
        lambda: charts.comparison_chart(
            (comparison.history.years, comparison.history.totals), comparison.years, comparison.cohort, models, title
        ),
        folder / "comparison.png",
    )
    return {"table": table, "json": document, "chart": chart}


def same_day(on: date, year: int) -> date:
    """``on``'s month and day in ``year`` (29 February becomes the 28th in other years)."""
    try:
        return on.replace(year=year)
    except ValueError:
        return on.replace(year=year, day=28)


def register_history(register: Register, as_of: date, kind: str) -> History:
    """The population of ``kind`` on ``as_of``'s day of every year from the register's start to ``as_of``."""
    from renkou.register.population import population_total
    from renkou.stats.counts import register_range

    start = register_range(register.engine, as_of).start
    if start is None:
        raise UserError("登记库没有事件", "the register holds no events")
    years = [year for year in range(start.year, as_of.year + 1) if same_day(as_of, year) >= start]
    totals = [float(population_total(register.engine, same_day(as_of, year), kind)) for year in years]  # type: ignore[arg-type]
    return History(years, totals)


def cohort_totals(register: Register, as_of: date, steps: int, kind: str) -> tuple[list[int], dict[str, list[float]]]:
    """The city's totals by variant (low, medium, high) from the register's estimates, as the demo projects them."""
    from renkou.projection.districts import add_city
    from renkou.projection.from_register import default_variants, estimate_from_register, to_scenario
    from renkou.projection.scenario import compile_scenario

    estimates = estimate_from_register(register, as_of, kind)
    inputs = compile_scenario(to_scenario(estimates, steps, default_variants()))
    result, series = add_city(inputs.run(), inputs.series, register.city)
    totals = result.population.sum(axis=(-1, -2))
    return inputs.years, {
        variant: totals[k].tolist() for k, (region, variant) in enumerate(series) if region == register.city
    }


def compare_from_register(
    register: Register,
    as_of: date,
    folder: Path,
    *,
    steps: int = 15,
    kind: str = "resident",
    history: History | None = None,
    covariates: Covariates | None = None,
    covariates_path: Path | None = None,
) -> tuple[Comparison, dict[str, Path]]:
    """Compare the cohort projection of the register's city with the trend and regression models and write the
    table, JSON and chart into ``folder``; ``history`` replaces the register's own series when given."""
    years, cohort = cohort_totals(register, as_of, steps, kind)
    observed = history if history is not None else register_history(register, as_of, kind)
    try:
        comparison = compare_models(observed, years, cohort, covariates)
    except ValueError as error:
        where = covariates_path if covariates_path is not None else "covariates"
        raise UserError(
            f"文件 {where} 无法用于回归：{error}", f"{where}: cannot fit the regression: {error}"
        ) from error
    title = f"人口预测方法比较 / projection methods compared, {years[0]}-{years[-1]}"
    return comparison, write_comparison(folder, comparison, title)
