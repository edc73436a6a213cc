"""Trend and regression models of the total, checked against independent computations: numpy.polyfit, the normal
equations, closed-form logistic parameters on exact data, a printed t quantile."""

from __future__ import annotations

import math

import numpy as np
import pytest

from renkou.projection.trend import (
    exponential_trend,
    extend_linearly,
    linear_trend,
    logistic,
    logistic_trend,
    ols,
    regression,
    three_point_logistic,
)

# Hangzhou's resident population, 10k persons (the 14th Five-Year population plan, table 1; ../shared/data).
HANGZHOU_YEARS = [2015, 2016, 2017, 2018, 2019, 2020]
HANGZHOU_RESIDENT = [901.80, 918.80, 946.80, 980.60, 1036.00, 1196.50]
FUTURE = list(range(2015, 2036))


def test_linear_trend_is_polyfit() -> None:
    fit = linear_trend(HANGZHOU_YEARS, HANGZHOU_RESIDENT, FUTURE)
    slope, intercept = np.polyfit(HANGZHOU_YEARS, HANGZHOU_RESIDENT, 1)
    assert fit.parameters["slope_per_year"] == pytest.approx(slope, rel=1e-12)
    np.testing.assert_allclose(fit.values, intercept + slope * np.array(FUTURE), rtol=1e-10)
    # By hand: the slope is Sxy / Sxx over the six years.
    t = np.array(HANGZHOU_YEARS, dtype=float) - 2017.5
    y = np.array(HANGZHOU_RESIDENT)
    assert fit.parameters["slope_per_year"] == pytest.approx((t * (y - y.mean())).sum() / (t * t).sum(), rel=1e-12)
    assert fit.values[FUTURE.index(2035)] == pytest.approx(y.mean() + (2035 - 2017.5) * slope, rel=1e-12)


def test_linear_prediction_interval_is_the_textbook_formula() -> None:
    years, totals = [2016, 2017, 2018, 2019, 2020], [10.0, 12.0, 13.0, 15.0, 19.0]
    fit = linear_trend(years, totals, [2025])
    t = np.array(years, dtype=float)
    y = np.array(totals)
    slope, intercept = np.polyfit(t, y, 1)
    residuals = y - (intercept + slope * t)
    s = math.sqrt((residuals**2).sum() / 3)
    sxx = ((t - t.mean()) ** 2).sum()
    t975_3 = 3.182446305  # Student's t, 3 degrees of freedom, 97.5% (printed tables: 3.182)
    half = t975_3 * s * math.sqrt(1 + 1 / 5 + (2025 - t.mean()) ** 2 / sxx)
    centre = intercept + slope * 2025
    assert fit.low[0] == pytest.approx(centre - half, rel=1e-8)
    assert fit.high[0] == pytest.approx(centre + half, rel=1e-8)


def test_exponential_trend_is_a_line_on_the_logs() -> None:
    fit = exponential_trend(HANGZHOU_YEARS, HANGZHOU_RESIDENT, FUTURE)
    slope, intercept = np.polyfit(HANGZHOU_YEARS, np.log(HANGZHOU_RESIDENT), 1)
    assert fit.parameters["growth_rate"] == pytest.approx(slope, rel=1e-10)
    np.testing.assert_allclose(fit.values, np.exp(intercept + slope * np.array(FUTURE)), rtol=1e-9)
    # The interval is the linear trend's interval of ln P, exponentiated.
    on_logs = linear_trend(HANGZHOU_YEARS, np.log(HANGZHOU_RESIDENT), FUTURE)
    np.testing.assert_allclose(fit.low, np.exp(on_logs.low), rtol=1e-9)
    np.testing.assert_allclose(fit.high, np.exp(on_logs.high), rtol=1e-9)
    assert np.all(fit.low < fit.values) and np.all(fit.values < fit.high)


def test_exponential_recovers_exact_growth() -> None:
    years = list(range(2010, 2021))
    totals = [500.0 * 1.02 ** (y - 2010) for y in years]
    fit = exponential_trend(years, totals, [2030])
    assert fit.parameters["growth_rate"] == pytest.approx(math.log(1.02), rel=1e-12)
    assert fit.values[0] == pytest.approx(500.0 * 1.02**20, rel=1e-10)


def test_three_points_give_the_closed_form_logistic() -> None:
    # K = 1000, r = ln 3 / 10, t0 = 2000: at 1990, 2000, 2010 the curve is 250, 500, 750.
    capacity, rate, midpoint = three_point_logistic([1990, 2000, 2010], [250.0, 500.0, 750.0])  # type: ignore[misc]
    assert capacity == pytest.approx(1000.0, rel=1e-12)
    assert rate == pytest.approx(math.log(3) / 10, rel=1e-12)
    assert midpoint == pytest.approx(2000.0, abs=1e-9)
    # Points growing at a rising rate lie on no logistic.
    assert three_point_logistic([0, 1, 2], [1.0, 2.0, 4.0]) is None
    assert three_point_logistic([0, 1, 3], [1.0, 2.0, 2.5]) is None  # unequal spacing


@pytest.mark.parametrize("count", [7, 12])  # odd: three-point start; even: the fallback start
def test_logistic_fit_recovers_exact_data(count: int) -> None:
    years = list(range(2000, 2000 + 2 * count, 2))
    totals = logistic(np.array(years), 1500.0, 0.12, 2012.0)
    fit = logistic_trend(years, totals, [2040])
    assert fit.parameters["capacity"] == pytest.approx(1500.0, rel=1e-6)
    assert fit.parameters["rate"] == pytest.approx(0.12, rel=1e-6)
    assert fit.parameters["midpoint_year"] == pytest.approx(2012.0, abs=1e-5)
    assert fit.values[0] == pytest.approx(1500.0 / (1 + math.exp(-0.12 * 28)), rel=1e-6)
    assert fit.r_squared == pytest.approx(1.0, abs=1e-10)
    assert not fit.notes


def test_logistic_without_a_ceiling_says_so() -> None:
    # Hangzhou 2015-2020 accelerates: no ceiling is visible, K stops at its bound and the note says so.
    fit = logistic_trend(HANGZHOU_YEARS, HANGZHOU_RESIDENT, FUTURE)
    assert fit.notes and "no ceiling" in fit.notes[0]
    assert fit.parameters["capacity"] > 1196.5


def test_ols_is_the_normal_equations() -> None:
    rng = np.random.default_rng(3)
    x = np.column_stack([np.ones(12), rng.normal(size=(12, 2))])
    y = x @ np.array([4.0, 1.5, -2.0]) + rng.normal(scale=0.3, size=12)
    fit = ols(x, y)
    beta = np.linalg.solve(x.T @ x, x.T @ y)
    np.testing.assert_allclose(fit.beta, beta, rtol=1e-10)
    residuals = y - x @ beta
    sigma2 = residuals @ residuals / (12 - 3)
    np.testing.assert_allclose(fit.se, np.sqrt(np.diag(np.linalg.inv(x.T @ x)) * sigma2), rtol=1e-10)
    assert fit.r_squared == pytest.approx(1 - residuals @ residuals / ((y - y.mean()) ** 2).sum(), rel=1e-12)


def test_regression_recovers_exact_coefficients_and_predicts_the_future_path() -> None:
    years = list(range(2011, 2021))
    gdp = np.array([5.0, 5.6, 6.1, 6.9, 7.4, 8.2, 9.0, 9.7, 10.5, 11.0])
    jobs = np.array([3.0, 3.1, 3.5, 3.4, 3.9, 4.2, 4.1, 4.6, 4.8, 5.2])
    totals = 100.0 + 20.0 * gdp - 7.0 * jobs
    future = np.array([[12.0, 5.5], [13.5, 5.9]])
    fit = regression(years, totals, np.column_stack([gdp, jobs]), ["gdp", "jobs"], future, [2021, 2022])
    assert fit.parameters["intercept"] == pytest.approx(100.0, rel=1e-9)
    assert fit.parameters["gdp"] == pytest.approx(20.0, rel=1e-9)
    assert fit.parameters["jobs"] == pytest.approx(-7.0, rel=1e-9)
    np.testing.assert_allclose(fit.values, [100 + 240 - 38.5, 100 + 270 - 41.3], rtol=1e-9)


def test_regression_refuses_too_few_years_and_collinear_covariates() -> None:
    with pytest.raises(ValueError, match="at least 4"):
        regression([2018, 2019, 2020], [1.0, 2.0, 3.0], np.ones((3, 2)), ["a", "b"], np.ones((1, 2)), [2021])
    x = np.column_stack([np.arange(6.0), 2 * np.arange(6.0)])
    with pytest.raises(ValueError, match="collinear"):
        regression(list(range(6)), np.arange(6.0) + 1, x, ["a", "b"], np.ones((1, 2)), [7])


def test_extend_linearly_keeps_given_values_and_extends_the_line() -> None:
    values = extend_linearly([2018, 2019, 2020], [1.0, 3.0, 5.0], [2019, 2020, 2021, 2025])
    np.testing.assert_allclose(values, [3.0, 5.0, 7.0, 15.0])
    # Between given years: the straight line between them; beyond: the least-squares line over all given values
    # (through (2020, 1), (2025, 6), (2030, 8): slope 0.7 a year, mean 5 at 2025).
    gaps = extend_linearly([2030, 2020, 2025], [8.0, 1.0, 6.0], [2022, 2027, 2035, 2015])
    np.testing.assert_allclose(gaps, [3.0, 6.8, 5.0 + 0.7 * 10, 5.0 - 0.7 * 10])
