"""Trend extrapolation and regression of a population total, for comparison with the cohort-component projection
(the Hangzhou plan set its 2035 figures beside such models). Pure NumPy/SciPy, no I/O.

Models of the total ``P(t)`` over calendar years ``t`` (centred on the mean year of the history, which keeps the
least-squares problems well conditioned):

- **linear**: ``P = a + b t`` by ordinary least squares;
- **exponential**: ``P = exp(a + b t)``, fitted as a straight line to ``ln P`` (least squares on the log scale, so
  every year weighs by its relative error, the usual choice for a constant growth rate);
- **logistic**: ``P = K / (1 + exp(-r (t - t0)))`` by non-linear least squares on the levels
  (:func:`scipy.optimize.curve_fit`), started from the method of three selected points (Pearl & Reed 1920; see
  :func:`three_point_logistic`) when the history allows it. ``K`` is bounded by :data:`LOGISTIC_MAX_FACTOR` times the
  largest observation: a history still accelerating has no visible ceiling, and the fit then says so in its note;
- **regression**: ``P = b0 + sum_j b_j x_j`` on covariates the user supplies, ordinary least squares.

Linear trend, exponential trend (on the log scale, then exponentiated) and regression carry 95% prediction intervals
from the classical OLS formula ``yhat0 +/- t_(n-p, 0.975) s sqrt(1 + x0' (X'X)^-1 x0)``. These intervals assume independent errors around a
correct model, which a short population series hardly satisfies: they are a reminder of the spread of the fit, not a
probability statement to set beside the stochastic cohort intervals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
LOGISTIC_MAX_FACTOR = 20.0
INTERVAL_LEVEL = 0.95
METHODS = ("linear", "exponential", "logistic", "regression")
METHOD_ZH = {"linear": "线性趋势", "exponential": "指数趋势", "logistic": "逻辑斯蒂趋势", "regression": "回归"}


@dataclass(frozen=True)
class OLS:
    """An ordinary least-squares fit ``y = X beta``: coefficients, their standard errors, the residual variance and
    what prediction intervals need (``(X'X)^-1`` and the residual degrees of freedom)."""

    beta: FloatArray
    se: FloatArray
    sigma2: float
    xtx_inv: FloatArray
    dof: int
    r_squared: float

    def predict(self, x: ArrayLike) -> FloatArray:
        """Fitted values for design rows ``x (m, p)``."""
        return np.asarray(np.asarray(x, dtype=np.float64) @ self.beta, dtype=np.float64)

    def interval(self, x: ArrayLike, level: float = INTERVAL_LEVEL) -> tuple[FloatArray, FloatArray]:
        """Prediction interval (low, high) for new observations at design rows ``x (m, p)``."""
        from scipy.stats import t as student_t

        rows = np.asarray(x, dtype=np.float64)
        centre = self.predict(rows)
        if self.dof <= 0:
            nan = np.full(centre.shape, np.nan)
            return nan, nan
        leverage = np.einsum("ij,jk,ik->i", rows, self.xtx_inv, rows)
        half = float(student_t.ppf(0.5 + level / 2, self.dof)) * np.sqrt(self.sigma2 * (1.0 + leverage))
        return centre - half, centre + half


def ols(x: ArrayLike, y: ArrayLike) -> OLS:
    """Least squares of ``y (n,)`` on the design ``x (n, p)`` (include a column of ones for an intercept).

    Solved by :func:`numpy.linalg.lstsq` (an SVD, stable where the normal equations lose digits); raises ValueError
    when the columns are collinear or there are fewer observations than coefficients.
    """
    design = np.asarray(x, dtype=np.float64)
    values = np.asarray(y, dtype=np.float64)
    n, p = design.shape
    if n < p:
        raise ValueError(f"{n} observations for {p} coefficients")
    beta, _, rank, _ = np.linalg.lstsq(design, values, rcond=None)
    if rank < p:
        raise ValueError("the covariates are collinear (one is a combination of the others)")
    residuals = values - design @ beta
    dof = n - p
    rss = float(residuals @ residuals)
    sigma2 = rss / dof if dof > 0 else float("nan")
    xtx_inv = np.linalg.inv(design.T @ design)
    se = np.sqrt(np.maximum(np.diag(xtx_inv) * sigma2, 0.0)) if dof > 0 else np.full(p, np.nan)
    spread = values - values.mean()
    tss = float(spread @ spread)
    r_squared = 1.0 - rss / tss if tss > 0 else float("nan")
    return OLS(
        np.asarray(beta, dtype=np.float64),
        np.asarray(se, dtype=np.float64),
        sigma2,
        np.asarray(xtx_inv, dtype=np.float64),
        dof,
        r_squared,
    )


@dataclass(frozen=True)
class TrendFit:
    """A fitted model of the total: its name, parameters (by name), fitted and extrapolated values for ``years``,
    the 95% prediction interval where the model has one (else NaN), and notes on the fit."""

    method: str
    parameters: dict[str, float]
    years: list[int]
    values: FloatArray
    low: FloatArray
    high: FloatArray
    r_squared: float
    notes: list[str] = field(default_factory=list)


def _check_history(years: Sequence[int], totals: ArrayLike, least: int) -> tuple[FloatArray, FloatArray]:
    t = np.asarray(years, dtype=np.float64)
    y = np.asarray(totals, dtype=np.float64)
    if t.shape != y.shape or t.ndim != 1:
        raise ValueError("years and totals must be two lists of the same length")
    if t.size < least:
        raise ValueError(f"at least {least} years of history are needed, {t.size} given")
    if np.unique(t).size != t.size:
        raise ValueError("a year appears twice in the history")
    if not np.all(np.isfinite(y)) or np.any(y <= 0):
        raise ValueError("history totals must be positive numbers")
    return t, y


def _r_squared(y: FloatArray, fitted: FloatArray) -> float:
    spread = y - y.mean()
    tss = float(spread @ spread)
    residual = y - fitted
    return 1.0 - float(residual @ residual) / tss if tss > 0 else float("nan")


def linear_trend(years: Sequence[int], totals: ArrayLike, out_years: Sequence[int]) -> TrendFit:
    """``P = a + b (t - tbar)`` by OLS over the history, evaluated on ``out_years`` with prediction intervals."""
    t, y = _check_history(years, totals, 3)
    centre = float(t.mean())
    fit = ols(np.column_stack([np.ones_like(t), t - centre]), y)
    future = np.asarray(out_years, dtype=np.float64) - centre
    rows = np.column_stack([np.ones_like(future), future])
    low, high = fit.interval(rows)
    return TrendFit(
        "linear",
        {"intercept_at_centre": float(fit.beta[0]), "slope_per_year": float(fit.beta[1]), "centre_year": centre},
        list(out_years),
        fit.predict(rows),
        low,
        high,
        fit.r_squared,
    )


def exponential_trend(years: Sequence[int], totals: ArrayLike, out_years: Sequence[int]) -> TrendFit:
    """``P = exp(a + b (t - tbar))``: a straight line fitted to ``ln P``; ``b`` is the continuous growth rate."""
    t, y = _check_history(years, totals, 3)
    centre = float(t.mean())
    fit = ols(np.column_stack([np.ones_like(t), t - centre]), np.log(y))
    future = np.asarray(out_years, dtype=np.float64) - centre
    rows = np.column_stack([np.ones_like(future), future])
    values = np.exp(fit.predict(rows))
    fitted = np.exp(fit.beta[0] + fit.beta[1] * (t - centre))
    low, high = fit.interval(rows)  # on the log scale, where the errors were assumed normal
    return TrendFit(
        "exponential",
        {"log_level_at_centre": float(fit.beta[0]), "growth_rate": float(fit.beta[1]), "centre_year": centre},
        list(out_years),
        values,
        np.exp(low),
        np.exp(high),
        _r_squared(y, fitted),
    )


def logistic(t: ArrayLike, capacity: float, rate: float, midpoint: float) -> FloatArray:
    """``K / (1 + exp(-r (t - t0)))``."""
    return np.asarray(capacity / (1.0 + np.exp(-rate * (np.asarray(t, dtype=np.float64) - midpoint))))


def three_point_logistic(t: Sequence[float], y: Sequence[float]) -> tuple[float, float, float] | None:
    """The logistic through three points equally spaced in time (method of three selected points, Pearl & Reed
    1920; e.g. Shryock & Siegel, *The Methods and Materials of Demography*, ch. 23). With ``y1, y2, y3`` at
    ``t1, t1 + h, t1 + 2h``: ``K = (2 y1 y2 y3 - y2^2 (y1 + y3)) / (y1 y3 - y2^2)``,
    ``r = ln(y2 (K - y1) / (y1 (K - y2))) / h`` and ``t0 = t1 + ln((K - y1) / y1) / r``. Returns ``(K, r, t0)``,
    or None when the three points are not on any rising logistic (they must grow at a slowing rate)."""
    t1, t2, t3 = (float(v) for v in t)
    y1, y2, y3 = (float(v) for v in y)
    h = t2 - t1
    if h <= 0 or abs((t3 - t2) - h) > 1e-9 * max(1.0, abs(h)):
        return None
    denominator = y1 * y3 - y2 * y2
    if denominator == 0 or not 0 < y1 < y2 < y3:
        return None
    capacity = (2 * y1 * y2 * y3 - y2 * y2 * (y1 + y3)) / denominator
    if not capacity > y3:
        return None
    rate = float(np.log(y2 * (capacity - y1) / (y1 * (capacity - y2)))) / h
    if not rate > 0:
        return None
    midpoint = t1 + float(np.log((capacity - y1) / y1)) / rate
    return capacity, rate, midpoint


def _logistic_start(t: FloatArray, y: FloatArray) -> tuple[float, float, float]:
    """A start for the least-squares fit: three points (first, middle, last) when equally spaced and on a logistic;
    else a ceiling 50% above the last value and the rate of the log-linear growth."""
    if t.size % 2 == 1:
        middle = t.size // 2
        start = three_point_logistic(t[[0, middle, -1]].tolist(), y[[0, middle, -1]].tolist())
        if start is not None and start[0] < LOGISTIC_MAX_FACTOR * float(y.max()):
            return start
    capacity = 1.5 * float(y.max())
    slope = float(np.polyfit(t, np.log(y / (capacity - y)), 1)[0])
    rate = max(slope, 1e-3)
    midpoint = float(t.mean()) - float(np.mean(np.log(y / (capacity - y)))) / rate
    return capacity, rate, midpoint


def logistic_trend(years: Sequence[int], totals: ArrayLike, out_years: Sequence[int]) -> TrendFit:
    """``P = K / (1 + exp(-r (t - t0)))`` by least squares on the levels (see the module docstring)."""
    from scipy.optimize import curve_fit

    t, y = _check_history(years, totals, 4)
    notes: list[str] = []
    ceiling = LOGISTIC_MAX_FACTOR * float(y.max())
    capacity, rate, midpoint = _logistic_start(t, y)
    capacity = min(max(capacity, float(y.max()) * 1.0001), ceiling * 0.999)
    scale = float(y.max())  # fit in units of the largest value: curve_fit's tolerances are relative to 1
    centre = float(t.mean())
    try:
        params, _ = curve_fit(
            lambda x, k, r, m: logistic(x, k, r, m),
            t - centre,
            y / scale,
            p0=(capacity / scale, rate, midpoint - centre),
            bounds=([1.0, 1e-6, -1e4], [LOGISTIC_MAX_FACTOR, 10.0, 1e4]),
            max_nfev=20_000,
            xtol=1e-14,
            ftol=1e-14,
            gtol=1e-14,
        )
    except RuntimeError as error:
        raise ValueError(f"the logistic fit did not converge: {error}") from error
    capacity, rate, midpoint = float(params[0]) * scale, float(params[1]), float(params[2]) + centre
    if capacity >= ceiling * 0.999:
        notes.append(
            f"the history shows no ceiling: K stopped at its bound, {LOGISTIC_MAX_FACTOR:g} times the largest value"
        )
    values = logistic(np.asarray(out_years, dtype=np.float64), capacity, rate, midpoint)
    nan = np.full(values.shape, np.nan)
    return TrendFit(
        "logistic",
        {"capacity": capacity, "rate": rate, "midpoint_year": midpoint},
        list(out_years),
        values,
        nan,
        nan.copy(),
        _r_squared(y, logistic(t, capacity, rate, midpoint)),
        notes,
    )


def regression(
    years: Sequence[int],
    totals: ArrayLike,
    covariates: ArrayLike,
    names: Sequence[str],
    future: ArrayLike,
    out_years: Sequence[int],
) -> TrendFit:
    """``P = b0 + sum_j b_j x_j`` by OLS on ``covariates (n, J)`` of the history years; evaluated on ``future
    (m, J)``, the covariates of ``out_years``, with 95% prediction intervals."""
    t, y = _check_history(years, totals, 1)
    x = np.asarray(covariates, dtype=np.float64).reshape(t.size, -1)
    if x.shape[1] != len(names):
        raise ValueError(f"{x.shape[1]} covariate columns but {len(names)} names")
    if t.size < x.shape[1] + 2:
        raise ValueError(f"{t.size} years of history for {x.shape[1]} covariates: at least {x.shape[1] + 2} are needed")
    fit = ols(np.column_stack([np.ones(t.size), x]), y)
    rows = np.column_stack([np.ones(len(out_years)), np.asarray(future, dtype=np.float64).reshape(len(out_years), -1)])
    low, high = fit.interval(rows)
    parameters = {"intercept": float(fit.beta[0])}
    parameters.update({str(name): float(b) for name, b in zip(names, fit.beta[1:], strict=True)})
    return TrendFit("regression", parameters, list(out_years), fit.predict(rows), low, high, fit.r_squared)


def extend_linearly(years: Sequence[int], values: ArrayLike, out_years: Sequence[int]) -> FloatArray:
    """A covariate's values on ``out_years``: its own values where given, straight-line interpolation between given
    years, and beyond the given years its least-squares straight line over all given values (used where the user
    supplies no value for a year)."""
    t = np.asarray(years, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    order = np.argsort(t)
    t, v = t[order], v[order]
    if t.size >= 2:
        slope, intercept = np.polyfit(t, v, 1)
    else:
        slope, intercept = 0.0, float(v[0])
    out = np.asarray(out_years, dtype=np.float64)
    inside = (out >= t[0]) & (out <= t[-1])
    return np.where(inside, np.interp(out, t, v), intercept + slope * out)
