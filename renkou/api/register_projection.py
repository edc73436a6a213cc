"""The register's own cohort-component projection, for the dashboard's fan chart, its plan board and the public
projection tables: :mod:`renkou.projection.from_register` run on the service's register, cached until it changes.

Inputs are estimated from the year ending on 31 December of the base year (:func:`estimate_from_register`: base
population by district, sex and single age; each district's TFR on the city's schedule; the city's life table as
the Brass standard; net migration by the cohort balance), every level held constant in the medium variant, the low
and high variants and the stochastic spreads those of :func:`default_variants` and :func:`default_stochastic` with
their default trajectories and seed, so the figures equal those of ``renkou project --from-register``. Districts
are projected one by one and the city is their sum (:func:`renkou.projection.districts.add_city`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from renkou.api.analytics import cached
from renkou.api.service import Service
from renkou.errors import UserError

if TYPE_CHECKING:
    from renkou.projection.engine import Projection
    from renkou.projection.scenario import Scenario
    from renkou.projection.stochastic import StochasticSummary
    from renkou.register.store import Register

HORIZON = 2035  # the plans' horizon (Hangzhou, Suzhou: 2021-2035)
TRAJECTORIES = 200  # renkou.projection.from_register's defaults, so the CLI reproduces the figures shown
SEED = 1
VARIANTS = ("low", "medium", "high")


@dataclass(frozen=True)
class Unavailable:
    """Why the register cannot be projected from this base year (bilingual)."""

    zh: str
    en: str

    def reason(self) -> dict[str, str]:
        """The reason as ``{"zh", "en"}``."""
        return {"zh": self.zh, "en": self.en}


@dataclass(frozen=True)
class RegisterRun:
    """A deterministic run: every district and the city (their sum) under the low, medium and high variants."""

    base_year: int
    kind: str
    city: str
    years: list[int]
    series: list[tuple[str, str]]  # (region, variant) of each leading index of ``result``; the city's last
    result: Projection
    districts: list[str]
    names: dict[str, str]
    scenario: Scenario
    notes: list[str] = field(default_factory=list)

    def index(self, region: str, variant: str) -> int:
        """The leading index of a (region, variant) series."""
        return self.series.index((region, variant))

    def at_year(self, variant: str, year: int, region: str | None = None) -> dict[str, Any]:
        """Population ``(2, A)`` at the end of ``year``, the population a year before, births and deaths of the year
        (the year must follow the base year)."""
        k = self.index(region or self.city, variant)
        i = year - self.base_year
        if not 1 <= i < len(self.years):
            raise ValueError(f"{year} is outside {self.years[1]}-{self.years[-1]}")
        return {
            "population": self.result.population[k, i],
            "start": self.result.population[k, i - 1],
            "births": float(self.result.births[k, i - 1].sum()),
            "deaths": float(self.result.deaths[k, i - 1].sum()),
        }


def run_from_register(register: Register, base_year: int, kind: str, horizon: int = HORIZON) -> RegisterRun:
    """Estimate the inputs from the year ending 31 December ``base_year`` and project to the end of ``horizon``."""
    from renkou.projection.districts import add_city
    from renkou.projection.from_register import (
        default_stochastic,
        default_variants,
        estimate_from_register,
        to_scenario,
    )
    from renkou.projection.scenario import compile_scenario

    steps = horizon - base_year
    if steps < 1:
        raise UserError(f"基年 {base_year} 已到预测期末 {horizon}", f"base year {base_year} reaches {horizon}")
    estimates = estimate_from_register(register, date(base_year, 12, 31), kind)
    scenario = to_scenario(estimates, steps, default_variants(), default_stochastic(TRAJECTORIES, SEED))
    inputs = compile_scenario(scenario)
    result, series = add_city(inputs.run(), inputs.series, register.city)
    return RegisterRun(
        base_year=base_year,
        kind=kind,
        city=register.city,
        years=list(inputs.years),
        series=series,
        result=result,
        districts=list(estimates.codes),
        names=dict(zip(estimates.codes, estimates.names, strict=True)),
        scenario=scenario,
        notes=list(estimates.notes),
    )


def deterministic(service: Service, base_year: int, kind: str, horizon: int = HORIZON) -> RegisterRun | Unavailable:
    """The run from ``base_year`` (cached), or why there is none."""

    def compute(register: Register) -> RegisterRun | Unavailable:
        try:
            return run_from_register(register, base_year, kind, horizon)
        except UserError as error:  # e.g. no deaths in the year: no life table to project with
            return Unavailable(error.zh, error.en)

    return cached(service, ("projection", base_year, kind, horizon), compute)


def stochastic(service: Service, base_year: int, kind: str = "resident") -> StochasticSummary | Unavailable:
    """The stochastic run (:data:`TRAJECTORIES` trajectories, :data:`SEED`) around the medium variant (cached)."""
    from renkou.projection.stochastic import run_stochastic

    run = deterministic(service, base_year, kind)
    if isinstance(run, Unavailable):
        return run

    def compute(register: Register) -> StochasticSummary:
        assert run.scenario.stochastic is not None
        return run_stochastic(run.scenario, run.scenario.stochastic, run.city)

    return cached(service, ("projection-stochastic", base_year, kind), compute)


def _rounded(values: Any) -> list[float]:
    return [round(float(v), 1) for v in np.asarray(values).tolist()]


def fan_chart(run: RegisterRun, summary: StochasticSummary) -> dict[str, Any]:
    """The city's totals by year under each variant, births by year, and the stochastic quantiles of both (pure)."""
    from renkou.projection.output import quantile_label

    c = summary.regions.index(run.city)
    variants = {v: _rounded(run.result.population[run.index(run.city, v)].sum(axis=(-1, -2))) for v in VARIANTS}
    births = {v: _rounded(run.result.births[run.index(run.city, v)].sum(axis=-1)) for v in VARIANTS}
    return {
        "years": run.years,
        "variants": variants,
        "intervals": {
            quantile_label(q): _rounded(summary.population_total[i, c]) for i, q in enumerate(summary.quantiles)
        },
        "birth_years": run.years[1:],
        "births": births,
        "birth_intervals": {
            quantile_label(q): _rounded(summary.births_total[i, c]) for i, q in enumerate(summary.quantiles)
        },
        "trajectories": summary.trajectories,
        "seed": summary.seed,
    }


def assumptions(run: RegisterRun) -> dict[str, Any]:
    """What the medium variant holds constant for the city, and the variants' and intervals' stated spreads."""
    from renkou.projection.from_register import MIGRATION_SPREAD, TFR_SPREAD

    plans = run.scenario.regions
    settings = run.scenario.stochastic
    return {
        "kind": run.kind,
        "tfr_by_district": {plan.code: round(float(plan.tfr[0]), 4) for plan in plans},
        "sex_ratio_at_birth": round(float(plans[0].sex_ratio_at_birth[0]) * 100, 2) if plans else None,
        "net_migration": round(float(sum(plan.migration_total[0] for plan in plans)), 1),
        "tfr_spread": TFR_SPREAD,
        "migration_spread": MIGRATION_SPREAD,
        "trajectories": settings.trajectories if settings else None,
        "seed": settings.seed if settings else None,
        "notes": run.notes,
    }
