"""Indicators at the target year under the projection's low / medium / high variants.

The projection is the cohort-component one estimated from the register
(:func:`renkou.projection.from_register.estimate_from_register`, levels of the as-of year held constant in the
medium variant, the low and high variants its stated shifts), run in one-year steps from the as-of date.
From each variant's city population by sex and single age (sex axis F, M; ages 0..99 and 100+) at the end of the
target year, and the births and deaths of that year, :func:`indicators_from_population` computes the indicators
that depend only on those (sizes, age shares, dependency ratios, crude rates). Other indicators (TFR, life
expectancy, sex ratio at birth...) are assumptions of the projection, not results, so they keep the trend forecast.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from renkou.projection.inputs import FloatArray

PROJECTED_NAMES = frozenset(
    {
        "population",
        "share_0_14",
        "share_15_59",
        "share_15_64",
        "share_60_plus",
        "share_65_plus",
        "share_80_plus",
        "child_dependency_ratio",
        "old_age_dependency_ratio",
        "total_dependency_ratio",
        "sex_ratio",
        "crude_birth_rate",
        "crude_death_rate",
        "natural_increase_rate",
    }
)


def indicators_from_population(
    population: FloatArray, start: FloatArray, births: float, deaths: float
) -> dict[str, float]:
    """Indicators of a population ``(2, ages)`` (F, M; single ages, the last open) at the end of a year that began
    with ``start`` and saw ``births`` and ``deaths``; rates per mille of the mean of start and end (the stats rule)."""
    by_age = population.sum(axis=0)
    total = float(by_age.sum())

    def between(low: int, high: int | None = None) -> float:
        return float(by_age[low:].sum() if high is None else by_age[low : high + 1].sum())

    young, old65 = between(0, 14), between(65)
    working64 = between(15, 64)
    mean = (total + float(start.sum())) / 2
    return {
        "population": total,
        "share_0_14": young / total,
        "share_15_59": between(15, 59) / total,
        "share_15_64": working64 / total,
        "share_60_plus": between(60) / total,
        "share_65_plus": old65 / total,
        "share_80_plus": between(80) / total,
        "child_dependency_ratio": 100 * young / working64,
        "old_age_dependency_ratio": 100 * old65 / working64,
        "total_dependency_ratio": 100 * (young + old65) / working64,
        "sex_ratio": 100 * float(population[1].sum()) / float(population[0].sum()),
        "crude_birth_rate": 1000 * births / mean,
        "crude_death_rate": 1000 * deaths / mean,
        "natural_increase_rate": 1000 * (births - deaths) / mean,
    }


def project_indicators(db: Path, as_of: date, kind: str, target_year: int) -> dict[str, dict[str, float]]:
    """Variant -> indicators of the city's ``kind`` population (resident or registered) at the end of ``target_year``."""
    from renkou.projection.districts import add_city
    from renkou.projection.from_register import default_variants, estimate_from_register, to_scenario
    from renkou.projection.scenario import compile_scenario
    from renkou.register.store import Register

    register = Register.open(db, read_only=True)
    try:
        estimates = estimate_from_register(register, as_of, kind)
        city = register.city
    finally:
        register.close()
    steps = target_year - as_of.year
    scenario = to_scenario(estimates, steps, default_variants())
    inputs = compile_scenario(scenario)
    result, series = add_city(inputs.run(), inputs.series, city)
    found: dict[str, dict[str, float]] = {}
    for k, (region, variant) in enumerate(series):
        if region != city:
            continue
        found[variant] = indicators_from_population(
            result.population[k, -1],
            result.population[k, -2],
            float(result.births[k, -1].sum()),
            float(result.deaths[k, -1].sum()),
        )
    return found
