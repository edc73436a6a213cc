"""Mortality assumptions that compile an e0 path into life-table person-years ``nLx`` (pure functions).

A small single-year life table from ``mx`` (ages 0, 1, ..., omega+, the last open): ``a0`` by Andreev & Kingkade
(2015, *Demographic Research* 33:363-390, the q0 form used by the Human Mortality Database Methods Protocol v6),
``a_x = 0.5`` at ages 1 and over, ``q_x = m_x / (1 + (1 - a_x) m_x)``, open group ``L = l / m``.

The Brass logit relational model (Brass 1971; Preston, Heuveline & Guillot 2001, section 9.6; UN Manual X) relates a
life table to a standard one through ``logit(1 - l_x) = alpha + beta * logit(1 - l^s_x)`` with
``logit(p) = 0.5 ln(p / (1 - p))``; ``alpha = 0, beta = 1`` gives the standard back. For a target e0, ``alpha`` is
solved with ``beta`` held fixed. Person-years of the transformed table: ``a0`` again by Andreev-Kingkade from its own
``q0``; ``L_x = l_{x+1} + 0.5 d_x`` at ages 1+; the open group keeps the standard's expectation of life at omega
(``L = l_omega / m^s_omega``), which matters little when omega is 100 or more.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

# Andreev & Kingkade (2015) a0 as a function of q0: (breakpoints, intercepts, slopes) per sex, F then M.
_AK_Q0 = {
    "F": ((0.0170, 0.0658), ((0.1490, -2.0867), (0.0438, 4.1075), (0.3141, 0.0))),
    "M": ((0.0226, 0.0785), ((0.1493, -2.0367), (0.0244, 3.4994), (0.2991, 0.0))),
}


def a0_from_q0(q0: ArrayLike, sex: str) -> FloatArray:
    """Average years lived in the first year of life by infants who die, Andreev-Kingkade rule of thumb."""
    (low, high), pieces = _AK_Q0[sex]
    q0 = np.asarray(q0, dtype=np.float64)
    values = [intercept + slope * q0 for intercept, slope in pieces]
    return np.asarray(np.select([q0 < low, q0 < high], values[:2], values[2]), dtype=np.float64)


@dataclass(frozen=True)
class LifeTable:
    """Single-year life table columns on radix 1: ``lx`` at exact ages 0..omega, ``Lx`` per age (the last open)."""

    lx: FloatArray
    Lx: FloatArray

    @property
    def e0(self) -> FloatArray:
        """Life expectancy at birth."""
        return np.asarray(self.Lx.sum(axis=-1) / self.lx[..., 0], dtype=np.float64)


def life_table_from_mx(mx: ArrayLike, sex: str) -> LifeTable:
    """Single-year life table from death rates ``mx (..., omega+1)``, the last entry the open group's rate."""
    mx = np.asarray(mx, dtype=np.float64)
    if mx.shape[-1] < 2 or np.any(mx <= 0) or not np.all(np.isfinite(mx)):
        raise ValueError("mx needs at least two ages and positive finite rates")
    m0 = mx[..., 0]
    q0 = m0 / (1 + 0.9 * m0)
    for _ in range(20):  # q0 = m0 / (1 + (1 - a0(q0)) m0): a contraction, converges in a few rounds
        q0 = m0 / (1 + (1 - a0_from_q0(q0, sex)) * m0)
    ax = np.full((*mx.shape[:-1], mx.shape[-1] - 1), 0.5)
    ax[..., 0] = a0_from_q0(q0, sex)
    closed = mx[..., :-1]
    qx = np.minimum(closed / (1 + (1 - ax) * closed), 1.0)
    lx = np.concatenate([np.ones((*mx.shape[:-1], 1)), np.cumprod(1 - qx, axis=-1)], axis=-1)
    dx = lx[..., :-1] - lx[..., 1:]
    Lx = np.concatenate([lx[..., 1:] + ax * dx, (lx[..., -1] / mx[..., -1])[..., None]], axis=-1)
    return LifeTable(lx=lx, Lx=Lx)


def _logit_of_death(lx: FloatArray) -> FloatArray:
    """``logit(1 - l) = 0.5 ln((1 - l) / l)``, from ``l`` directly: forming ``1 - l`` first would lose the digits
    of a tiny ``l`` at the oldest ages."""
    return np.asarray(0.5 * (np.log1p(-lx) - np.log(lx)), dtype=np.float64)


class BrassModel:
    """Brass logit life tables around a standard given as single-year ``mx`` for one sex.

    Vectorised: ``alpha`` and ``beta`` of any shape broadcast together; results carry the age axis last.
    """

    def __init__(self, standard_mx: ArrayLike, sex: str) -> None:
        standard_mx = np.asarray(standard_mx, dtype=np.float64)
        self.sex = sex
        self.standard = life_table_from_mx(standard_mx, sex)
        # Y^s_x = logit(1 - l^s_x) at exact ages 1..omega (age 0 has l = 1 whatever alpha and beta).
        self.standard_logit = _logit_of_death(self.standard.lx[1:])
        self.open_expectancy = 1.0 / standard_mx[-1]
        self._grid_alpha = np.linspace(-3.0, 3.0, 1201)
        self._grid: dict[float, FloatArray] = {}
        self._grouped: dict[tuple[float, tuple[int, ...], int], FloatArray] = {}

    @property
    def omega(self) -> int:
        """The first age of the standard's open group."""
        return int(self.standard.lx.shape[-1] - 1)

    def life_table(self, alpha: ArrayLike, beta: ArrayLike = 1.0) -> LifeTable:
        """The transformed life table (radix 1) for each ``alpha``, ``beta``."""
        alpha = np.asarray(alpha, dtype=np.float64)[..., None]
        beta = np.asarray(beta, dtype=np.float64)[..., None]
        later = 1.0 / (1.0 + np.exp(2.0 * (alpha + beta * self.standard_logit)))
        lx = np.concatenate([np.ones((*later.shape[:-1], 1)), later], axis=-1)
        q0 = 1.0 - lx[..., 1]
        dx = lx[..., :-1] - lx[..., 1:]
        ax = np.full(dx.shape, 0.5)
        ax[..., 0] = a0_from_q0(q0, self.sex)
        Lx = np.concatenate([lx[..., 1:] + ax * dx, lx[..., -1:] * self.open_expectancy], axis=-1)
        return LifeTable(lx=lx, Lx=Lx)

    def e0(self, alpha: ArrayLike, beta: ArrayLike = 1.0) -> FloatArray:
        """Life expectancy at birth of the transformed tables."""
        return self.life_table(alpha, beta).e0

    def _e0_grid(self, beta: float) -> FloatArray:
        if beta not in self._grid:
            self._grid[beta] = self.e0(self._grid_alpha, beta)
        return self._grid[beta]

    def e0_range(self, beta: float = 1.0) -> tuple[float, float]:
        """The e0 values reachable with ``alpha`` in [-3, 3] (lowest, highest)."""
        grid = self._e0_grid(beta)
        return float(grid[-1]), float(grid[0])

    def alpha_for_e0(self, target: ArrayLike, beta: float = 1.0, *, clip: bool = False) -> FloatArray:
        """``alpha`` giving each target e0 (``beta`` fixed). e0 falls as alpha rises, so a tabulated grid inverted by
        interpolation gives a close start, refined by Newton steps using the grid's slope. Targets outside the
        reachable range raise ValueError, or are clipped to it when ``clip`` is true."""
        goal: FloatArray = np.asarray(target, dtype=np.float64)
        grid = self._e0_grid(beta)
        low, high = float(grid[-1]), float(grid[0])
        if clip:
            goal = np.clip(goal, low, high)
        elif np.any((goal < low) | (goal > high)):
            raise ValueError(f"e0 must lie between {low:.2f} and {high:.2f} for this standard")
        # np.interp needs increasing x: reverse the falling e0 grid.
        alpha: FloatArray = np.asarray(np.interp(goal, grid[::-1], self._grid_alpha[::-1]), dtype=np.float64)
        slope_grid = np.asarray(np.gradient(grid, self._grid_alpha), dtype=np.float64)
        for _ in range(3):
            slope = np.interp(alpha, self._grid_alpha, slope_grid)
            alpha = alpha - (self.e0(alpha, beta) - goal) / slope
        return np.asarray(alpha, dtype=np.float64)

    def nLx_for_e0(self, target: ArrayLike, ages: list[int], n: int, beta: float = 1.0) -> FloatArray:
        """Grouped person-years (radix 1) for many e0 targets at once, fast enough for stochastic runs.

        Each target's table is the linear mixture of the two Brass tables on the alpha grid (step 0.005) whose e0
        bracket it. Because e0 is linear in the person-years, the mixture has exactly the target e0; its person-years
        differ from those of the Brass table with the exact alpha by less than 1 in 10,000. Targets outside the reachable range are clipped to it.
        """
        key = (beta, tuple(ages), n)
        if key not in self._grouped:
            grouped = group_person_years(self.life_table(self._grid_alpha, beta).Lx, ages, n)
            self._grouped[key] = np.stack([grouped[:-1], grouped[1:] - grouped[:-1]])
        start, step = self._grouped[key]
        grid = self._e0_grid(beta)
        goal = np.clip(np.asarray(target, dtype=np.float64), grid[-1], grid[0])
        i, w = _bracket(self._grid_alpha, grid, goal)
        result = np.take(start, i, axis=0)
        result += w[..., None] * np.take(step, i, axis=0)
        return result


def _bracket(grid_alpha: FloatArray, grid_e0: FloatArray, goal: FloatArray) -> tuple[NDArray[np.intp], FloatArray]:
    """Index ``i`` and weight ``w`` such that ``(1 - w) e0[i] + w e0[i + 1] = goal`` on the falling e0 grid."""
    rising = grid_e0[::-1]
    j = np.clip(np.searchsorted(rising, goal, side="right") - 1, 0, rising.size - 2)
    w_rising = (goal - rising[j]) / (rising[j + 1] - rising[j])
    # Position j in the reversed grid is between original points size-1-j and size-2-j.
    i = grid_e0.size - 2 - j
    return i, 1.0 - w_rising


def group_person_years(Lx: ArrayLike, ages: list[int], n: int) -> FloatArray:
    """Sum single-year ``Lx (..., omega+1)`` into the projection's age groups: width ``n`` up to the last group,
    which is open and collects every age from its lower bound up (omega's open group included)."""
    Lx = np.asarray(Lx, dtype=np.float64)
    open_age = ages[-1]
    if Lx.shape[-1] - 1 < open_age:
        raise ValueError(f"the life table stops at {Lx.shape[-1] - 1}, below the open age {open_age}")
    closed = Lx[..., :open_age].reshape(*Lx.shape[:-1], len(ages) - 1, n).sum(axis=-1)
    return np.concatenate([closed, Lx[..., open_age:].sum(axis=-1, keepdims=True)], axis=-1)
