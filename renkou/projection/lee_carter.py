"""The Lee-Carter model of mortality (Lee & Carter 1992, *JASA* 87:659-671), fitted and forecast (pure NumPy).

``ln m(x, t) = a_x + b_x k_t + e(x, t)`` over ages x and years t:

- **fit** by the singular value decomposition, as Lee and Carter did: ``a_x`` is the mean of ``ln m(x, t)`` over the
  years; the first singular triplet ``(s, u, v)`` of the centred matrix ``ln m - a`` gives ``b = u / sum(u)`` and
  ``k = s v sum(u)``, the standard normalisation ``sum_x b_x = 1``, ``sum_t k_t = 0`` (the latter because the rows
  are centred). The second-stage re-estimation of ``k_t`` to reproduce each year's deaths is not done: the register
  gives rates, and over a few years the difference is small next to the noise of a city's deaths;
- **forecast** ``k_t`` as a random walk with drift, ``k_t = k_(t-1) + d + e_t``, ``e_t ~ N(0, sigma^2)``, with
  ``d = (k_T - k_1) / (T - 1)`` and ``sigma^2`` the variance of the first differences around ``d`` (divisor
  ``T - 2``), as in Lee and Carter's section 4 (without their 1918 influenza dummy). The forecast's standard error at
  horizon h is ``sigma sqrt(h)`` (uncertainty in d is ignored, as in their Table 2);
- **jump-off** from the fitted rates of the last year, ``a_x + b_x k_T`` (the original method; Lee & Miller 2001
  prefer the observed last rates, which on a city's few deaths would carry their noise into every future year).

:meth:`LeeCarter.mx` compiles a path (or trajectories) of ``k`` into death rates, and :func:`e0_paths` into life
expectancies through :func:`renkou.projection.mortality.life_table_from_mx`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from renkou.projection.inputs import FloatArray
from renkou.projection.mortality import life_table_from_mx


@dataclass(frozen=True)
class LeeCarter:
    """A fitted Lee-Carter model: ``ax``, ``bx`` over ages; ``kt`` over the fitted ``years``; the drift and sigma
    of the random walk of ``k``; the share of the variance of the centred log rates the first component explains."""

    years: list[int]
    ax: FloatArray
    bx: FloatArray
    kt: FloatArray
    drift: float
    sigma: float
    explained: float

    @property
    def drift_se(self) -> float:
        """Standard error of the drift, ``sigma / sqrt(T - 1)`` (the mean of ``T - 1`` first differences)."""
        return float(self.sigma / np.sqrt(len(self.kt) - 1)) if len(self.kt) > 1 else float("nan")

    def k_forecast(self, steps: int) -> tuple[FloatArray, FloatArray]:
        """The central forecast of ``k`` for years ``T+1..T+steps`` and its standard error ``sigma sqrt(h)``."""
        h = np.arange(1, steps + 1, dtype=np.float64)
        return self.kt[-1] + self.drift * h, self.sigma * np.sqrt(h)

    def k_trajectories(self, steps: int, shocks: ArrayLike) -> FloatArray:
        """Trajectories ``(steps, ...)`` of ``k`` from standard-normal ``shocks (steps, ...)``: the random walk with
        drift from ``k_T``."""
        e = np.asarray(shocks, dtype=np.float64)
        if e.shape[0] != steps:
            raise ValueError(f"shocks for {e.shape[0]} steps, {steps} asked")
        return np.asarray(self.kt[-1] + np.cumsum(self.drift + self.sigma * e, axis=0), dtype=np.float64)

    def mx(self, k: ArrayLike) -> FloatArray:
        """Death rates ``exp(a_x + b_x k)`` for each value of ``k`` (any shape), ages last."""
        k = np.asarray(k, dtype=np.float64)
        return np.asarray(np.exp(self.ax + self.bx * k[..., None]), dtype=np.float64)

    def fitted_log_rates(self) -> FloatArray:
        """``a_x + b_x k_t`` over the fitted years ``(T, ages)``."""
        return np.asarray(self.ax + self.kt[:, None] * self.bx, dtype=np.float64)


def fit_lee_carter(log_mx: ArrayLike, years: list[int]) -> LeeCarter:
    """Fit ``ln m(x, t)`` given as ``log_mx (T, ages)`` (years in rows) by the SVD (module docstring).

    Needs at least three years (two for the fit, and a drift needs a spread of first differences) and finite
    log rates (replace zero rates before taking logs).
    """
    log_mx = np.asarray(log_mx, dtype=np.float64)
    if log_mx.ndim != 2 or log_mx.shape[0] != len(years):
        raise ValueError("log_mx must be (years, ages) with one row per year")
    if len(years) < 3:
        raise ValueError(f"at least 3 years are needed for a Lee-Carter fit, {len(years)} given")
    if list(years) != list(range(years[0], years[0] + len(years))):
        raise ValueError("the years must be consecutive")
    if not np.all(np.isfinite(log_mx)):
        raise ValueError("log death rates must be finite (no zero rates)")
    ax = log_mx.mean(axis=0)
    centred = log_mx - ax
    u, s, vt = np.linalg.svd(centred.T, full_matrices=False)  # ages x years
    total = float(u[:, 0].sum())
    if abs(total) < 1e-12:
        raise ValueError("the first age component sums to zero: b_x cannot be normalised")
    bx = u[:, 0] / total
    kt = s[0] * vt[0] * total
    differences = np.diff(kt)
    drift = float((kt[-1] - kt[0]) / (len(years) - 1))
    sigma = float(np.sqrt(((differences - drift) ** 2).sum() / (len(years) - 2))) if len(years) > 2 else 0.0
    variance = float((s**2).sum())
    explained = float(s[0] ** 2 / variance) if variance > 0 else 1.0
    return LeeCarter(list(years), bx=bx, ax=ax, kt=kt, drift=drift, sigma=sigma, explained=explained)


def e0_paths(model: LeeCarter, k: ArrayLike, sex: str) -> FloatArray:
    """Life expectancy at birth of the rates ``model.mx(k)`` for each value of ``k`` (the last age open)."""
    return np.asarray(life_table_from_mx(model.mx(k), sex).e0, dtype=np.float64)
