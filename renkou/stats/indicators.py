"""Population indicators as formulas on count arrays: pure NumPy, no I/O.

Every function is vectorised over leading axes (areas: the city and its districts, or anything else) and takes the
age groups on the last axis. A value that cannot be computed (a zero denominator) is NaN; the caller turns NaN into
``null`` with the reason. Conventions (Preston, Heuveline & Guillot, *Demography*, 2001; UN Manual X):

* crude rates per mille on the mean population of the year, here the average of the populations at the start and
  at the end of the year (exposure of one year);
* age-specific fertility rates on woman-years, approximated by the mean of the women of each age at the start and the
  end of the year; TFR = 5 x the sum of the five-year rates 15-19 ... 45-49;
* mean age at childbearing weighted by the rates (not the births), at the mid-points of the age groups;
* the median age by linear interpolation within the single year of age that holds the middle person.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

OPEN_AGE = 100  # single years 0 .. 99 and the open group 100+
FERTILE_AGES = (15, 50)  # births to mothers under 15 go to 15-19, to mothers 50 and over to 45-49 (UN practice)
FERTILITY_GROUP_WIDTH = 5


def ratio(numerator: ArrayLike, denominator: ArrayLike, scale: float = 1.0) -> FloatArray:
    """``scale * numerator / denominator``, NaN where the denominator is zero."""
    top = np.asarray(numerator, dtype=np.float64)
    bottom = np.asarray(denominator, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(bottom != 0, scale * top / np.where(bottom != 0, bottom, 1.0), np.nan)


def mean_population(start: ArrayLike, end: ArrayLike) -> FloatArray:
    """Mean population of the year (person-years lived in it): the average of the start and end populations."""
    return (np.asarray(start, dtype=np.float64) + np.asarray(end, dtype=np.float64)) / 2


def crude_rate(events: ArrayLike, mean_pop: ArrayLike) -> FloatArray:
    """Events per 1000 of the mean population (births, deaths, natural increase, net migration)."""
    return ratio(events, mean_pop, 1000.0)


def age_sum(by_age: ArrayLike, low: int, high: int | None = None) -> FloatArray:
    """Persons aged ``low`` to ``high`` inclusive (``high`` None: ``low`` and over), summed over the last axis."""
    counts = np.asarray(by_age, dtype=np.float64)
    stop = counts.shape[-1] if high is None else high + 1
    return np.asarray(counts[..., low:stop].sum(axis=-1), dtype=np.float64)


def age_share(by_age: ArrayLike, low: int, high: int | None = None) -> FloatArray:
    """Fraction of the population aged ``low`` to ``high`` (``high`` None: and over)."""
    counts = np.asarray(by_age, dtype=np.float64)
    return ratio(age_sum(counts, low, high), counts.sum(axis=-1))


def dependency_ratios(by_age: ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Child (0-14), old-age (65+) and total dependency ratios, in percent of the population aged 15-64."""
    working = age_sum(by_age, 15, 64)
    child = ratio(age_sum(by_age, 0, 14), working, 100.0)
    old = ratio(age_sum(by_age, 65), working, 100.0)
    total = ratio(age_sum(by_age, 0, 14) + age_sum(by_age, 65), working, 100.0)
    return child, old, total


def median_age(by_age: ArrayLike) -> FloatArray:
    """Median age from single-year counts (age x covers [x, x+1)), interpolating linearly inside the median year.

    NaN for an empty population. The open group is treated as one year wide, which matters only when the median
    falls in it.
    """
    counts = np.asarray(by_age, dtype=np.float64)
    cumulative = np.cumsum(counts, axis=-1)
    total = cumulative[..., -1:]
    half = total / 2
    # The median year is the first whose cumulative count reaches half the population.
    index = np.argmax(cumulative >= half, axis=-1)[..., None]
    below = np.take_along_axis(cumulative, index, axis=-1) - np.take_along_axis(counts, index, axis=-1)
    inside = np.take_along_axis(counts, index, axis=-1)
    fraction = ratio(half - below, inside)
    result = (index + np.where(np.isnan(fraction), 0.0, fraction))[..., 0].astype(np.float64)
    return np.where(total[..., 0] > 0, result, np.nan)


def mean_age(by_age: ArrayLike) -> FloatArray:
    """Mean age, with each single year at its mid-point (x + 0.5); NaN for an empty population."""
    counts = np.asarray(by_age, dtype=np.float64)
    midpoints = np.arange(counts.shape[-1]) + 0.5
    return ratio((counts * midpoints).sum(axis=-1), counts.sum(axis=-1))


def fertility_groups() -> list[tuple[int, int]]:
    """The mothers' age groups of the fertility rates: (15, 19), (20, 24), ..., (45, 49)."""
    low, high = FERTILE_AGES
    return [(age, age + FERTILITY_GROUP_WIDTH - 1) for age in range(low, high, FERTILITY_GROUP_WIDTH)]


def group_fertile_ages(by_single_age: ArrayLike) -> FloatArray:
    """Sum single-year counts of ages 15..49 (last axis of length 35) into the seven five-year groups."""
    counts = np.asarray(by_single_age, dtype=np.float64)
    span = FERTILE_AGES[1] - FERTILE_AGES[0]
    if counts.shape[-1] != span:
        raise ValueError(f"expected {span} single years of age 15-49 on the last axis, got {counts.shape[-1]}")
    return np.asarray(
        counts.reshape(*counts.shape[:-1], span // FERTILITY_GROUP_WIDTH, FERTILITY_GROUP_WIDTH).sum(axis=-1),
        dtype=np.float64,
    )


def prorate_unknown(known: ArrayLike, unknown: ArrayLike) -> FloatArray:
    """Spread counts of unknown age over the known age groups in proportion to them (UN practice for births by
    mother's age); where nothing is known the unknown stay unallocated."""
    counts = np.asarray(known, dtype=np.float64)
    total = counts.sum(axis=-1, keepdims=True)
    factor = np.where(
        total > 0, (total + np.asarray(unknown, dtype=np.float64)[..., None]) / np.where(total > 0, total, 1), 1.0
    )
    return np.asarray(counts * factor, dtype=np.float64)


def age_specific_fertility(births_by_group: ArrayLike, woman_years_by_group: ArrayLike) -> FloatArray:
    """Births per woman-year in each age group of mothers (per woman, not per 1000); NaN where no women."""
    return ratio(births_by_group, woman_years_by_group)


def total_fertility_rate(asfr: ArrayLike, width: int = FERTILITY_GROUP_WIDTH) -> FloatArray:
    """Children per woman: ``width`` x the sum of the age-specific rates; NaN when any group's rate is NaN."""
    rates = np.asarray(asfr, dtype=np.float64)
    return np.asarray(width * rates.sum(axis=-1), dtype=np.float64)


def mean_age_at_childbearing(asfr: ArrayLike, width: int = FERTILITY_GROUP_WIDTH) -> FloatArray:
    """Mean age of mothers at birth in the fertility schedule: sum of (mid-point x rate) over the sum of rates."""
    rates = np.asarray(asfr, dtype=np.float64)
    midpoints = np.array([low + width / 2 for low, _ in fertility_groups()])
    return ratio((rates * midpoints).sum(axis=-1), rates.sum(axis=-1))


def sex_ratio(males: ArrayLike, females: ArrayLike) -> FloatArray:
    """Males per 100 females (of births or of a population)."""
    return ratio(males, females, 100.0)


def per_thousand_births(deaths: ArrayLike, births: ArrayLike) -> FloatArray:
    """Deaths per 1000 live births of the same year (infant mortality rate when ``deaths`` are under age 1)."""
    return ratio(deaths, births, 1000.0)


def five_year_groups(by_single_age: ArrayLike, open_age: int = 85) -> FloatArray:
    """Sum single-year counts (ages 0..100+) into 0-4, 5-9, ..., and ``open_age``+ (a multiple of 5)."""
    counts = np.asarray(by_single_age, dtype=np.float64)
    starts = list(range(0, open_age + 1, 5))
    return np.asarray(np.add.reduceat(counts, starts, axis=-1), dtype=np.float64)


def five_year_labels(open_age: int = 85) -> list[str]:
    """Labels of :func:`five_year_groups`: "0-4", "5-9", ..., "85+"."""
    return [f"{age}-{age + 4}" for age in range(0, open_age, 5)] + [f"{open_age}+"]
