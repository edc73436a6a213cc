"""Migration assumptions that compile a net-migration total into net migrants by sex and age (pure functions).

The age profile is the Rogers-Castro model migration schedule (Rogers & Castro 1981, *Model Migration Schedules*,
IIASA RR-81-30):
``m(x) = a1 exp(-alpha1 x) + a2 exp(-alpha2 (x - mu2) - exp(-lambda2 (x - mu2)))
        + a3 exp(-alpha3 (x - mu3) - exp(-lambda3 (x - mu3))) + a4 exp(lambda4 x) + c``
with the childhood, labour-force, retirement and post-retirement components (the last two optional). The default
is the 7-parameter "fundamental" set Rogers & Castro suggest (a1 = 0.02, alpha1 = 0.1, a2 = 0.06, alpha2 = 0.1,
mu2 = 20, lambda2 = 0.4, c = 0.003; also tabulated as ``rc_model_fund`` in the R package migest).

Migrants per age group are proportional to the integral of ``m`` over the group, computed in closed form (the
double-exponential terms integrate to incomplete gamma functions). The open group counts ``open_width`` years.
An observed profile (counts or shares by sex and age) may be used instead.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

FUNDAMENTAL: dict[str, float] = {
    "a1": 0.02,
    "alpha1": 0.1,
    "a2": 0.06,
    "alpha2": 0.1,
    "mu2": 20.0,
    "lambda2": 0.4,
    "c": 0.003,
}
FAMILIES: dict[str, tuple[str, ...]] = {
    "childhood": ("a1", "alpha1"),
    "labour": ("a2", "alpha2", "mu2", "lambda2"),
    "retirement": ("a3", "alpha3", "mu3", "lambda3"),
    "post_retirement": ("a4", "lambda4"),
}
KNOWN = {name for names in FAMILIES.values() for name in names} | {"c"}


def check_parameters(params: Mapping[str, float]) -> None:
    """Raise ValueError for unknown names, a family given in part, or non-positive rates of decline."""
    unknown = set(params) - KNOWN
    if unknown:
        raise ValueError(f"unknown Rogers-Castro parameters: {', '.join(sorted(unknown))}")
    for family, names in FAMILIES.items():
        given = [name for name in names if name in params]
        if given and len(given) != len(names):
            raise ValueError(f"the {family} component needs all of {', '.join(names)}")
    for name in ("alpha1", "alpha2", "lambda2", "alpha3", "lambda3", "lambda4"):
        if name in params and params[name] <= 0:
            raise ValueError(f"{name} must be positive")


def rogers_castro(x: ArrayLike, params: Mapping[str, float]) -> FloatArray:
    """The schedule's value at ages ``x``."""
    check_parameters(params)
    x = np.asarray(x, dtype=np.float64)
    p = params
    value = np.full(x.shape, float(p.get("c", 0.0)))
    if "a1" in p:
        value += p["a1"] * np.exp(-p["alpha1"] * x)
    for a, alpha, mu, lam in (("a2", "alpha2", "mu2", "lambda2"), ("a3", "alpha3", "mu3", "lambda3")):
        if a in p:
            value += p[a] * np.exp(-p[alpha] * (x - p[mu]) - np.exp(-p[lam] * (x - p[mu])))
    if "a4" in p:
        value += p["a4"] * np.exp(p["lambda4"] * x)
    return np.asarray(value, dtype=np.float64)


def rogers_castro_integral(lower: ArrayLike, upper: ArrayLike, params: Mapping[str, float]) -> FloatArray:
    """The integral of the schedule from ``lower`` to ``upper``, in closed form.

    With ``z = exp(-lambda (x - mu))`` the peak term becomes ``(a / lambda) z^(alpha/lambda - 1) e^(-z) dz``, whose
    integral is ``(a / lambda) Gamma(k) [P(k, z(lower)) - P(k, z(upper))]``, ``k = alpha / lambda`` and ``P`` the
    regularised lower incomplete gamma function.
    """
    from scipy.special import gamma, gammainc

    check_parameters(params)
    u = np.asarray(lower, dtype=np.float64)
    v = np.asarray(upper, dtype=np.float64)
    p = params
    total = p.get("c", 0.0) * (v - u)
    if "a1" in p:
        total = total + p["a1"] / p["alpha1"] * (np.exp(-p["alpha1"] * u) - np.exp(-p["alpha1"] * v))
    for a, alpha, mu, lam in (("a2", "alpha2", "mu2", "lambda2"), ("a3", "alpha3", "mu3", "lambda3")):
        if a in p:
            k = p[alpha] / p[lam]
            z_u = np.exp(-p[lam] * (u - p[mu]))
            z_v = np.exp(-p[lam] * (v - p[mu]))
            total = total + p[a] / p[lam] * gamma(k) * (gammainc(k, z_u) - gammainc(k, z_v))
    if "a4" in p:
        total = total + p["a4"] / p["lambda4"] * (np.exp(p["lambda4"] * v) - np.exp(p["lambda4"] * u))
    return np.asarray(total, dtype=np.float64)


def rogers_castro_profile(params: Mapping[str, float], ages: list[int], n: int, open_width: float = 5.0) -> FloatArray:
    """Shares of migrants per age group (summing to 1) from the schedule's integral over each group."""
    lower = np.asarray(ages, dtype=np.float64)
    upper = lower + n
    upper[-1] = lower[-1] + open_width
    mass = rogers_castro_integral(lower, upper, params)
    if np.any(mass < 0) or mass.sum() <= 0:
        raise ValueError("the schedule must be non-negative with a positive total")
    return np.asarray(mass / mass.sum(), dtype=np.float64)


def sex_age_profile(female: ArrayLike, male: ArrayLike, female_share: float) -> FloatArray:
    """A ``(2, A)`` profile summing to 1 from one age profile per sex and the female share of migrants."""
    f = np.asarray(female, dtype=np.float64)
    m = np.asarray(male, dtype=np.float64)
    if not 0.0 <= female_share <= 1.0:
        raise ValueError("female_share must lie between 0 and 1")
    return np.stack([female_share * f / f.sum(), (1.0 - female_share) * m / m.sum()])


def observed_profile(counts: ArrayLike) -> FloatArray:
    """A ``(2, A)`` profile from observed net migrants (or shares) by sex and age, normalised by the total.

    The total must be positive: a profile whose entries cancel out cannot be scaled to a total."""
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum()
    if total <= 0:
        raise ValueError("an observed profile needs a positive total")
    return np.asarray(counts / total, dtype=np.float64)


def net_migrants(total_per_year: ArrayLike, profile: ArrayLike, n: int) -> FloatArray:
    """Net migrants over a step ``(..., 2, A)``: a yearly total ``(...)`` times ``n`` years times a ``(2, A)``
    profile."""
    total = np.asarray(total_per_year, dtype=np.float64)
    return np.asarray(n * total[..., None, None] * np.asarray(profile, dtype=np.float64), dtype=np.float64)
