"""Mortality of the synthetic city: a Siler hazard, the yearly death probabilities it implies, and a life table.

The Siler (1979) competing-risk hazard is mu(x) = a1 exp(-b1 x) + a2 + L k exp(b3 x): an infant component, a
constant background and a Gompertz senescent component with level L (solved by the planner so that the register's
life expectancy meets the target). Its cumulative hazard has a closed form, so survival over any stretch of age is
exact. :func:`life_table` is the single-year period life table the register's statistics compute from deaths and
exposures (a_x = 0.5 above age 0, a0 by Andreev and Kingkade 2015, open interval at 100), used to solve the level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

# Gauss-Legendre nodes on [0, 1]: the exact fraction of the year a birthday falls on is averaged over them.
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(16)
NODES = (_NODES + 1) / 2
WEIGHTS = _WEIGHTS / 2


@dataclass(frozen=True)
class Siler:
    """Hazard parameters of one sex: infant (a1, b1), background a2, senescent level and slope."""

    a1: float
    b1: float
    a2: float
    level: float
    b3: float

    def cumulative(self, x: Array) -> Array:
        """Cumulative hazard H(x) from birth to exact age ``x``."""
        x = np.asarray(x, dtype=np.float64)
        return (
            self.a1 / self.b1 * (1 - np.exp(-self.b1 * x))
            + self.a2 * x
            + self.level / self.b3 * (np.exp(self.b3 * x) - 1)
        )

    def hazard(self, x: Array) -> Array:
        """Force of mortality mu(x)."""
        x = np.asarray(x, dtype=np.float64)
        return self.a1 * np.exp(-self.b1 * x) + self.a2 + self.level * np.exp(self.b3 * x)


def year_death_probability(model: Siler, max_age: int) -> Array:
    """Probability of dying within a calendar year, by age ``a`` reached at the year's end (index 0..max_age).

    Index 0 is for those born during the year (uniformly): they are exposed from birth to the year's end. For
    ``a`` >= 1 the person is alive at the start of the year aged a - 1 + v, with v uniform on (0, 1) (the share of
    the year after the birthday), and survives to age a + v.
    """
    ages = np.arange(1, max_age + 1, dtype=np.float64)[:, None]
    start = model.cumulative(ages - 1 + NODES[None, :])
    end = model.cumulative(ages + NODES[None, :])
    survive = np.exp(-(end - start)) @ WEIGHTS
    born = np.exp(-model.cumulative(NODES)) @ WEIGHTS
    return np.concatenate([[1 - born], 1 - survive])


def andreev_kingkade_a0(m0: float, sex: str) -> float:
    """Average years lived in the first year by infants who die (Andreev and Kingkade 2015, Table 1).

    ``sex`` is "M", "F" or "T" (both sexes: the mean of the two, a common convention when a joint formula is
    lacking).
    """
    if sex == "T":
        return (andreev_kingkade_a0(m0, "M") + andreev_kingkade_a0(m0, "F")) / 2
    # The breakpoints are where the segments meet: (0.29915 - 0.02832) / 3.26021 = 0.08307, etc.
    if sex == "M":
        if m0 < 0.02300:
            return 0.14929 - 1.99545 * m0
        if m0 < 0.08307:
            return 0.02832 + 3.26021 * m0
        return 0.29915
    if m0 < 0.01724:
        return 0.14903 - 2.05527 * m0
    if m0 < 0.06891:
        return 0.04667 + 3.88089 * m0
    return 0.31411


def life_expectancy(mx: Array, sex: str = "T") -> float:
    """Life expectancy at birth of a single-year life table from rates ``mx`` (last value: open interval)."""
    mx = np.asarray(mx, dtype=np.float64)
    n = len(mx)
    ax = np.full(n, 0.5)
    ax[0] = andreev_kingkade_a0(float(mx[0]), sex)
    qx = mx / (1 + (1 - ax) * mx)
    qx[-1] = 1.0
    lx = np.concatenate([[1.0], np.cumprod(1 - qx[:-1])])
    dx = lx * qx
    big_lx = lx - (1 - ax) * dx
    big_lx[-1] = lx[-1] / mx[-1] if mx[-1] > 0 else 0.0
    return float(big_lx.sum())


def rates_from(deaths: Array, exposure: Array, open_age: int = 100) -> Array:
    """Single-year death rates 0..open_age-1 and the open interval open_age+ from deaths and exposure by age."""
    deaths = np.asarray(deaths, dtype=np.float64)
    exposure = np.asarray(exposure, dtype=np.float64)
    d = np.concatenate([deaths[:open_age], [deaths[open_age:].sum()]])
    e = np.concatenate([exposure[:open_age], [exposure[open_age:].sum()]])
    return np.divide(d, e, out=np.zeros_like(d), where=e > 0)
