"""Social attributes of synthetic persons by age, sex and birth cohort (education, marriage, work, insurance, housing).

The probability tables are modelling assumptions, shaped after the broad patterns of China's censuses (education
rising steeply by cohort, near-universal marriage, retirement at 60 for men and 50-55 for women). Codes are those
of :mod:`renkou.register.codes`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]

EDUCATION = ("none", "primary", "junior", "senior", "college", "bachelor", "master", "doctor")
COMPLETION_AGE = np.array([0, 12, 15, 18, 21, 22, 25, 29])
MARITAL = ("single", "married", "divorced", "widowed")
EMPLOYMENT = ("employed", "unemployed", "retired", "student", "inactive")
INSURANCE = ("urban_employee", "resident", "none")
HOUSING = ("owned", "rented", "public", "dormitory", "other")
ETHNICITY = ("汉族", "畲族", "回族", "土家族", "苗族", "满族", "壮族", "布依族", "侗族", "彝族")

# Final education by birth cohort (rows: up to 1939, 1940s, 1950s, 1960s, 1970s, 1980s, 1990 and later).
_EDUCATION_BY_COHORT = np.array(
    [
        [0.35, 0.40, 0.15, 0.07, 0.02, 0.01, 0.0, 0.0],
        [0.15, 0.40, 0.25, 0.13, 0.04, 0.03, 0.0, 0.0],
        [0.05, 0.30, 0.35, 0.20, 0.05, 0.05, 0.0, 0.0],
        [0.02, 0.18, 0.40, 0.22, 0.09, 0.08, 0.01, 0.0],
        [0.01, 0.10, 0.35, 0.22, 0.14, 0.15, 0.025, 0.005],
        [0.005, 0.04, 0.22, 0.20, 0.20, 0.27, 0.055, 0.01],
        [0.003, 0.02, 0.12, 0.18, 0.25, 0.34, 0.075, 0.012],
    ]
)
_COHORT_BOUNDS = np.array([1940, 1950, 1960, 1970, 1980, 1990])


def draw(probabilities: NDArray[np.float64], rng: np.random.Generator) -> IntArray:
    """One category per row of ``probabilities`` (rows need not be normalised)."""
    cumulative = np.cumsum(probabilities, axis=1)
    u = rng.random(len(probabilities)) * cumulative[:, -1]
    return np.minimum((cumulative < u[:, None]).sum(axis=1), probabilities.shape[1] - 1)


def draw_same(shares: list[float], n: int, rng: np.random.Generator) -> IntArray:
    """``n`` categories drawn with the same shares."""
    p = np.asarray(shares, dtype=np.float64)
    return rng.choice(len(p), size=n, p=p / p.sum())


def final_education(cohorts: IntArray, rng: np.random.Generator) -> IntArray:
    """The highest level each person will complete (index into :data:`EDUCATION`)."""
    table = _EDUCATION_BY_COHORT[np.searchsorted(_COHORT_BOUNDS, cohorts, side="right")]
    table = table / table.sum(axis=1, keepdims=True)
    return draw(table, rng)


def education_at(final: IntArray, age: IntArray) -> IntArray:
    """Education recorded at a given age: the level in progress for pupils, else the highest completed (-1: none yet).

    Children under 6 have no record (-1); pupils are recorded at the school they attend; from 18 on, the highest
    completed level.
    """
    at_school = np.select([age < 6, age < 12, age < 15, age < 18], [-1, 1, 2, 3], default=99)
    completed = np.searchsorted(COMPLETION_AGE, age, side="right") - 1
    adult = np.minimum(final, np.maximum(completed, 3))
    adult = np.where(final < 3, final, adult)
    return np.where(at_school == 99, adult, np.minimum(at_school, np.maximum(final, 1)))


def marital_status(age: IntArray, male: NDArray[np.bool_], rng: np.random.Generator) -> IntArray:
    """Marital status at a given age (index into :data:`MARITAL`)."""
    a = age.astype(np.float64)
    first_marriage = np.where(male, 27.0, 25.0)
    married_share = 0.93 / (1 + np.exp(-(a - first_marriage) / 2.2))
    widowed = np.clip((a - 60) / 40, 0, 1) ** 2 * np.where(male, 0.35, 0.65)
    divorced = np.where(a >= 25, 0.035, 0.0)
    single = np.clip(1 - married_share, 0, 1)
    married = np.clip(married_share - widowed - divorced, 0, 1)
    table = np.stack([single, married, divorced, widowed], axis=1)
    return np.where(age < 18, 0, draw(table, rng))


def retirement_age(male: NDArray[np.bool_], education: IntArray) -> IntArray:
    """Statutory retirement age: 60 for men, 55 for women with senior education or more, else 50."""
    return np.where(male, 60, np.where(education >= 3, 55, 50))


def employment_status(age: IntArray, male: NDArray[np.bool_], final: IntArray, rng: np.random.Generator) -> IntArray:
    """Employment status at a given age (index into :data:`EMPLOYMENT`; -1 for young children)."""
    studying = age < COMPLETION_AGE[np.maximum(final, 2)]
    retired_age = age >= retirement_age(male, final)
    working = draw_same([0.82, 0.03, 0.0, 0.0, 0.15], len(age), rng)
    working = np.where(~male & (working == 0) & (rng.random(len(age)) < 0.06), 4, working)
    old = draw_same([0.05, 0.0, 0.90, 0.0, 0.05], len(age), rng)
    status = np.where(retired_age, old, np.where(studying, 3, working))
    return np.where(age < 6, -1, status)


def insurance_status(employment: IntArray, age: IntArray, rng: np.random.Generator) -> IntArray:
    """Pension insurance (index into :data:`INSURANCE`; -1 under 16)."""
    n = len(employment)
    employed = draw_same([0.85, 0.12, 0.03], n, rng)
    retired = draw_same([0.65, 0.35, 0.0], n, rng)
    other = draw_same([0.0, 0.75, 0.25], n, rng)
    status = np.select([employment == 0, employment == 2], [employed, retired], default=other)
    return np.where(age < 16, -1, status)


def housing_status(n: int, floating: bool, rng: np.random.Generator) -> IntArray:
    """Housing (index into :data:`HOUSING`)."""
    shares = [0.10, 0.60, 0.05, 0.20, 0.05] if floating else [0.80, 0.10, 0.05, 0.0, 0.05]
    return draw_same(shares, n, rng)


def ethnicity(n: int, from_guizhou: NDArray[np.bool_], rng: np.random.Generator) -> IntArray:
    """Ethnic group (index into :data:`ETHNICITY`): mostly Han; more Miao, Bouyei, Dong, Tujia from Guizhou."""
    general = [0.986, 0.004, 0.002, 0.002, 0.002, 0.001, 0.001, 0.001, 0.0005, 0.0005]
    guizhou = [0.65, 0.0, 0.01, 0.05, 0.12, 0.0, 0.0, 0.08, 0.07, 0.02]
    return np.where(np.asarray(from_guizhou), draw_same(guizhou, n, rng), draw_same(general, n, rng))
