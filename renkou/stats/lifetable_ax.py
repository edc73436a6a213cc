"""Rules for ``nax``, the mean years lived in an age group by those who die in it.

When the input does not give ``ax`` the life table chooses it:

* ``1a0`` (infants) by Andreev & Kingkade (2015) from ``1m0`` and sex;
* ``4a1`` (ages 1-4 of an abridged table) by Coale & Demeny as refitted on ``1m0`` in Preston, Heuveline & Guillot
  (2001), table 3.3;
* every other closed group by one of the :data:`AX_METHODS`: the midpoint ``n/2`` (the default, as in the Human
  Mortality Database for single years), the constant-hazard value, or Keyfitz's graduation of deaths;
* the open group ``1/m`` (so that ``L = l/m``), fixed in :mod:`renkou.stats.lifetable`.

Sex is ``"F"``, ``"M"`` or ``"T"`` (both sexes). The published infant and child rules are by sex; for ``"T"`` we use
the mean of the female and male values at the same ``m0`` (the convention of, e.g., the MortalityLaws R package for
a both-sexes table). For Andreev-Kingkade the two sexes differ by less than 0.001 year while ``1m0`` is below 0.017,
i.e. an infant mortality rate under about 17 per 1000, so the choice matters little for a Chinese city today.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

from renkou.errors import UserError

FloatArray = NDArray[np.float64]
SexArray = NDArray[np.str_]
SexLike = str | Sequence[str] | SexArray

AxMethod = Literal["midpoint", "constant", "graduate"]
AX_METHODS: tuple[str, ...] = ("midpoint", "constant", "graduate")
SEXES: tuple[str, ...] = ("F", "M", "T")

# Andreev & Kingkade (2015), Demographic Research 33(13), table 1, the 1m0 column: a0 = intercept + slope * m0 on
# [lower, upper). The same coefficients are table 3 of the HMD Methods Protocol v6 (Wilmoth et al. 2017). The male
# middle slope is 3.26021 (some code in circulation has 3.26201, which breaks continuity at m0 = 0.08307).
_AK_SEGMENTS: dict[str, tuple[tuple[float, float, float], ...]] = {
    # (lower bound of m0, intercept, slope)
    "M": ((0.0, 0.14929, -1.99545), (0.02300, 0.02832, 3.26021), (0.08307, 0.29915, 0.0)),
    "F": ((0.0, 0.14903, -2.05527), (0.01724, 0.04667, 3.88089), (0.06891, 0.31411, 0.0)),
}

# Preston, Heuveline & Guillot (2001), table 3.3 (Coale-Demeny on 1m0): (value when m0 >= 0.107, intercept, slope).
_CD_THRESHOLD = 0.107
_CD_1A0 = {"M": (0.330, 0.045, 2.684), "F": (0.350, 0.053, 2.800)}
_CD_4A1 = {"M": (1.352, 1.651, -2.816), "F": (1.361, 1.522, -1.518)}


def normalize_sex(sex: SexLike, shape: tuple[int, ...] = ()) -> SexArray:
    """Sex codes as an array broadcast to ``shape`` (the leading, non-age shape of the rates).

    Accepts ``"F"``, ``"M"``, ``"T"`` in any case, or an array of them (one per table). Raises :class:`UserError`.
    """
    codes = np.char.upper(np.asarray(sex, dtype=np.str_))
    bad = sorted({str(c) for c in codes.reshape(-1) if str(c) not in SEXES})
    if bad:
        raise UserError(
            f"性别“{'、'.join(bad)}”无效，应为 F（女）、M（男）或 T（合计）",
            f"invalid sex '{', '.join(bad)}': use F (female), M (male) or T (both sexes)",
            code="bad_sex",
        )
    try:
        return np.broadcast_to(codes, shape)
    except ValueError:
        raise UserError(
            f"性别的形状 {codes.shape} 与死亡率的表数 {shape} 不符",
            f"sex has shape {codes.shape} but the rates hold tables of shape {shape}",
            code="bad_sex",
        ) from None


def _by_sex(m0: FloatArray, sex: SexArray, female: FloatArray, male: FloatArray) -> FloatArray:
    both = (female + male) / 2
    return np.asarray(np.where(sex == "F", female, np.where(sex == "M", male, both)), dtype=np.float64)


def _ak_one_sex(m0: FloatArray, code: str) -> FloatArray:
    result = np.zeros_like(m0)
    for lower, intercept, slope in _AK_SEGMENTS[code]:
        result = np.where(m0 >= lower, intercept + slope * m0, result)
    return result


def _cd(m0: FloatArray, coefficients: tuple[float, float, float]) -> FloatArray:
    high, intercept, slope = coefficients
    return np.where(m0 >= _CD_THRESHOLD, high, intercept + slope * m0)


@overload
def andreev_kingkade_a0(m0: float, sex: str) -> float: ...
@overload
def andreev_kingkade_a0(m0: ArrayLike, sex: SexLike) -> FloatArray: ...
def andreev_kingkade_a0(m0: ArrayLike, sex: SexLike) -> float | FloatArray:
    """``1a0`` from the infant death rate ``1m0`` (deaths under one over person-years under one).

    Andreev & Kingkade (2015), "Average age at death in infancy and infant mortality level: reconsidering the
    Coale-Demeny formulas at current levels of low mortality", Demographic Research 33(13): 363-390, table 1
    (piecewise linear in ``1m0``, by sex). ``"T"`` gives the mean of the female and male values. A scalar ``m0``
    and ``sex`` give a float, arrays an array of the broadcast shape.
    """
    rates = np.asarray(m0, dtype=np.float64)
    codes = normalize_sex(sex, np.broadcast_shapes(rates.shape, np.shape(sex)))
    result = _by_sex(rates, codes, _ak_one_sex(rates, "F"), _ak_one_sex(rates, "M"))
    return float(result) if result.ndim == 0 else result


@overload
def coale_demeny_1a0(m0: float, sex: str) -> float: ...
@overload
def coale_demeny_1a0(m0: ArrayLike, sex: SexLike) -> FloatArray: ...
def coale_demeny_1a0(m0: ArrayLike, sex: SexLike) -> float | FloatArray:
    """``1a0`` by Coale-Demeny on ``1m0`` (Preston, Heuveline & Guillot 2001, table 3.3); older than Andreev-Kingkade
    and too low at today's infant mortality, kept for reproducing tables made with it."""
    rates = np.asarray(m0, dtype=np.float64)
    codes = normalize_sex(sex, np.broadcast_shapes(rates.shape, np.shape(sex)))
    result = _by_sex(rates, codes, _cd(rates, _CD_1A0["F"]), _cd(rates, _CD_1A0["M"]))
    return float(result) if result.ndim == 0 else result


@overload
def coale_demeny_4a1(m0: float, sex: str) -> float: ...
@overload
def coale_demeny_4a1(m0: ArrayLike, sex: SexLike) -> FloatArray: ...
def coale_demeny_4a1(m0: ArrayLike, sex: SexLike) -> float | FloatArray:
    """``4a1`` (ages 1-4 of an abridged table) from the infant rate ``1m0``.

    Coale & Demeny (1983) as refitted on ``1m0`` in Preston, Heuveline & Guillot (2001), table 3.3:
    males 1.651 - 2.816 m0, females 1.522 - 1.518 m0, below m0 = 0.107; 1.352 and 1.361 above.
    """
    rates = np.asarray(m0, dtype=np.float64)
    codes = normalize_sex(sex, np.broadcast_shapes(rates.shape, np.shape(sex)))
    result = _by_sex(rates, codes, _cd(rates, _CD_4A1["F"]), _cd(rates, _CD_4A1["M"]))
    return float(result) if result.ndim == 0 else result


def constant_hazard_ax(mx: ArrayLike, n: ArrayLike) -> FloatArray:
    """``nax`` if the death rate is constant within the group: ``n + 1/m - n / (1 - exp(-n m))``.

    With this ``ax`` the life table gives ``nqx = 1 - exp(-n m)`` exactly (Preston, Heuveline & Guillot 2001,
    chapter 3). The limit for ``m -> 0`` is ``n/2``; below ``n m = 1e-4`` the two-term series
    ``n/2 - n^2 m / 12`` replaces the formula, whose terms would cancel in floating point.
    """
    rates = np.asarray(mx, dtype=np.float64)
    width = np.asarray(n, dtype=np.float64)
    x = width * rates
    small = x < 1e-4
    safe_rates = np.where(small, 1.0, rates)
    safe_x = np.where(small, 1.0, x)
    exact = width + 1.0 / safe_rates - width / (-np.expm1(-safe_x))
    series = width / 2 - width * x / 12
    return np.asarray(np.where(small, series, exact), dtype=np.float64)


def keyfitz_ax(dx: FloatArray, n: FloatArray, eligible: NDArray[np.bool_]) -> FloatArray:
    """One step of Keyfitz's graduation: ``nax = n/2 + n/24 (d[x+n] - d[x-n]) / d[x]``.

    The deaths of the neighbouring groups tell how deaths slope within the group (Keyfitz 1968, Introduction to the
    Mathematics of Population, as presented in Preston, Heuveline & Guillot 2001, chapter 3). ``eligible`` marks the
    groups (last axis) whose two neighbours are closed groups of the same width; other groups get ``n/2``, as do
    groups without deaths. The result is kept within ``[0, n]``. The caller iterates, recomputing ``dx`` with the
    new ``ax``, until it settles.
    """
    half = np.where(np.isfinite(n), n / 2, 0.0)
    previous = np.roll(dx, 1, axis=-1)
    following = np.roll(dx, -1, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        graduated = half + n / 24 * (following - previous) / dx
    usable = eligible & (dx > 0) & np.isfinite(graduated)
    return np.asarray(np.clip(np.where(usable, graduated, half), 0.0, np.where(np.isfinite(n), n, 0.0)))


def keyfitz_eligible(n: FloatArray) -> NDArray[np.bool_]:
    """Groups whose previous and next groups are closed and of the same width (the open group never is)."""
    eligible = np.zeros(n.shape, dtype=bool)
    if n.size >= 3:
        eligible[1:-1] = (n[1:-1] == n[:-2]) & (n[1:-1] == n[2:]) & np.isfinite(n[2:])
    return eligible
