"""Fertility schedules that compile a TFR path into age-specific fertility rates (pure functions).

A *shape* is a schedule of rates per age group normalised so that ``n * sum(shape) = 1``; the rates of a step are
``TFR x shape``. Model shapes are the group averages of a density over ages ``[low, high)`` (default 10-55),
renormalised over that range, so the rates always add up to the TFR exactly.

- Hadwiger (1940) in the parameterisation of Chandola, Coleman & Hiorns (1999, *Population Studies* 53:317-329):
  ``f(x) = (T b / (c sqrt(pi))) (c / x)^(3/2) exp(-b^2 (c / x + x / c - 2))``. This is T times an inverse Gaussian
  density with mean ``c`` and shape ``lambda = 2 b^2 c``; so ``c`` is the mean age at childbearing and the standard
  deviation is ``c / (b sqrt 2)``. The user gives the mean age and the standard deviation.
- Gamma (Hoem et al. 1981, *Theoretical Population Biology* 19:1-36): a gamma density of ``x - origin`` with the
  given mean and standard deviation.
- An observed schedule rescaled to each step's TFR.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
DEFAULT_RANGE = (10.0, 55.0)


def _clipped_edges(ages: ArrayLike, n: int, span: tuple[float, float]) -> FloatArray:
    """Group edges (each lower bound, then the last upper bound) clipped to the reproductive span."""
    lower = np.asarray(ages, dtype=np.float64)
    return np.clip(np.concatenate([lower, lower[-1:] + n]), span[0], span[1])


def _shape_from_cdf(cdf: FloatArray, n: int, span: tuple[float, float]) -> FloatArray:
    """Group probabilities from CDF values at the group edges, renormalised over the span, per year of age."""
    mass = np.diff(cdf, axis=-1)
    total = mass.sum(axis=-1, keepdims=True)
    if np.any(total <= 0):
        raise ValueError(f"the schedule puts no births in ages {span[0]:g}-{span[1]:g}")
    return np.asarray(mass / total / n, dtype=np.float64)


def hadwiger_shape(
    mean_age: float, sd: float, ages: ArrayLike, n: int, span: tuple[float, float] = DEFAULT_RANGE
) -> FloatArray:
    """Hadwiger schedule shape with mean age ``mean_age`` (Chandola's ``c``) and standard deviation ``sd``.

    The last age group is treated as closed ``[x, x+n)``: with an open group at 50 or above it gets nothing anyway.
    """
    if mean_age <= 0 or sd <= 0:
        raise ValueError("mean_age and sd must be positive")
    cdf = inverse_gaussian_cdf(_clipped_edges(ages, n, span), mean_age, mean_age**3 / sd**2)
    return _shape_from_cdf(cdf, n, span)


def inverse_gaussian_cdf(x: ArrayLike, mean: float, shape: float) -> FloatArray:
    """CDF of the inverse Gaussian with ``mean`` and shape ``lambda`` (Chhikara & Folks 1989):
    ``Phi(sqrt(lambda/x) (x/mean - 1)) + exp(2 lambda/mean) Phi(-sqrt(lambda/x) (x/mean + 1))``, the second term
    formed in logarithms because ``exp(2 lambda/mean)`` overflows for narrow schedules."""
    from scipy.special import log_ndtr, ndtr

    x = np.asarray(x, dtype=np.float64)
    out = np.zeros_like(x)
    positive = x > 0
    xp = x[positive]
    root = np.sqrt(shape / xp)
    out[positive] = ndtr(root * (xp / mean - 1.0)) + np.exp(2.0 * shape / mean + log_ndtr(-root * (xp / mean + 1.0)))
    return out


def hadwiger_density(x: ArrayLike, tfr: float, b: float, c: float) -> FloatArray:
    """The Hadwiger function as printed by Chandola et al. (1999), ``a = TFR``, for checks and plots."""
    x = np.asarray(x, dtype=np.float64)
    return np.asarray(
        tfr * b / (c * np.sqrt(np.pi)) * (c / x) ** 1.5 * np.exp(-(b**2) * (c / x + x / c - 2.0)), dtype=np.float64
    )


def gamma_shape(
    mean_age: float,
    sd: float,
    ages: ArrayLike,
    n: int,
    origin: float = 0.0,
    span: tuple[float, float] = DEFAULT_RANGE,
) -> FloatArray:
    """Gamma schedule shape: ``x - origin`` gamma-distributed with mean ``mean_age - origin`` and s.d. ``sd``."""
    from scipy.special import gammainc

    if mean_age <= origin or sd <= 0:
        raise ValueError("mean_age must exceed origin and sd must be positive")
    k = ((mean_age - origin) / sd) ** 2
    theta = sd**2 / (mean_age - origin)
    # The gamma CDF is the regularised lower incomplete gamma function of (x - origin) / theta.
    cdf = gammainc(k, np.maximum(_clipped_edges(ages, n, span) - origin, 0.0) / theta)
    return _shape_from_cdf(np.asarray(cdf, dtype=np.float64), n, span)


def observed_shape(asfr: ArrayLike, n: int) -> FloatArray:
    """An observed schedule (rates per woman per year by age group) normalised to ``n * sum = 1``."""
    rates = np.asarray(asfr, dtype=np.float64)
    total = n * rates.sum(axis=-1, keepdims=True)
    if np.any(rates < 0) or np.any(total <= 0):
        raise ValueError("an observed schedule needs non-negative rates with a positive sum")
    return rates / total


def asfr_from_tfr(tfr: ArrayLike, shape: ArrayLike) -> FloatArray:
    """Rates ``(..., A)`` for TFR values ``(...)`` and a shape ``(A,)`` or ``(..., A)``."""
    return np.asarray(tfr, dtype=np.float64)[..., None] * np.asarray(shape, dtype=np.float64)


def total_fertility(asfr: ArrayLike, n: int) -> FloatArray:
    """TFR of rates by age group of width ``n``."""
    return np.asarray(n * np.asarray(asfr, dtype=np.float64).sum(axis=-1), dtype=np.float64)


def mean_age_at_childbearing(asfr: ArrayLike, ages: ArrayLike, n: int) -> FloatArray:
    """Mean age of the schedule, each group's births placed at its midpoint."""
    rates = np.asarray(asfr, dtype=np.float64)
    mid = np.asarray(ages, dtype=np.float64) + n / 2
    return np.asarray((rates * mid).sum(axis=-1) / rates.sum(axis=-1), dtype=np.float64)
