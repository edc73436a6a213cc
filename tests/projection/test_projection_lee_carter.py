"""Lee-Carter: the SVD fit recovers known a_x, b_x, k_t; the random walk with drift by hand; the forecast of Lee and
Carter's own Table 2 (1992) from their drift and standard error."""

from __future__ import annotations

import numpy as np
import pytest

from renkou.projection.lee_carter import LeeCarter, e0_paths, fit_lee_carter

# Lee & Carter (1992), JASA 87:659-671, Table 1: a_x and b_x of US mortality 1933-1987 by age group 0, 1-4, 5-9, ...,
# 85+ (as transcribed in github.com/MPIDR/LC-30anniversary, dat/age-pars.txt).
LC1992_AX = [
    -3.64109, -6.70581, -7.51064, -7.55717, -6.76012, -6.44334, -6.40062, -6.22909, -5.91325, -5.51323,
    -5.09024, -4.65680, -4.25497, -3.85608, -3.47313, -3.06117, -2.63023, -2.20498, -1.79960,
]  # fmt: skip
LC1992_BX = [
    0.09064, 0.11049, 0.09179, 0.08358, 0.04744, 0.05351, 0.05966, 0.06173, 0.05899, 0.05279,
    0.04458, 0.03830, 0.03382, 0.02949, 0.02880, 0.02908, 0.03240, 0.03091, 0.03091,
]  # fmt: skip
# Table 2: the forecast of k_t for 1990-2019 and its standard error (the same transcription, dat/time-pars.txt).
LC1992_K = [
    -11.41, -11.78, -12.14, -12.51, -12.87, -13.24, -13.60, -13.97, -14.33, -14.70, -15.06, -15.43, -15.79, -16.16,
    -16.52, -16.89, -17.25, -17.62, -17.98, -18.35, -18.71, -19.08, -19.44, -19.81, -20.18, -20.54, -20.91, -21.27,
    -21.64, -22.00,
]  # fmt: skip
LC1992_SD = [
    0.65, 0.92, 1.13, 1.30, 1.46, 1.60, 1.72, 1.84, 1.95, 2.06, 2.16, 2.26, 2.35, 2.44, 2.52, 2.61, 2.69, 2.76,
    2.84, 2.91, 2.98, 3.05, 3.12, 3.19, 3.26, 3.32, 3.38, 3.45, 3.51, 3.57,
]  # fmt: skip


def _known() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ax = np.array(LC1992_AX)
    bx = np.array(LC1992_BX) / sum(LC1992_BX)  # normalised to sum 1
    kt = np.array([9.0, 5.5, 2.0, 0.5, -3.0, -5.0, -9.0])
    return ax, bx, kt - kt.mean()  # sum 0


def test_svd_recovers_known_parameters_exactly() -> None:
    ax, bx, kt = _known()
    log_mx = ax + np.outer(kt, bx)
    model = fit_lee_carter(log_mx, list(range(2014, 2021)))
    np.testing.assert_allclose(model.ax, ax, atol=1e-12)
    np.testing.assert_allclose(model.bx, bx, atol=1e-12)
    np.testing.assert_allclose(model.kt, kt, atol=1e-10)
    assert model.bx.sum() == pytest.approx(1.0, abs=1e-12)
    assert model.kt.sum() == pytest.approx(0.0, abs=1e-10)
    assert model.explained == pytest.approx(1.0, abs=1e-12)


def test_svd_recovers_parameters_from_noisy_rates() -> None:
    ax, bx, kt = _known()
    rng = np.random.default_rng(2)
    log_mx = ax + np.outer(kt, bx) + rng.normal(scale=0.005, size=(7, 19))
    model = fit_lee_carter(log_mx, list(range(2014, 2021)))
    np.testing.assert_allclose(model.ax, ax, atol=0.005)
    np.testing.assert_allclose(model.bx, bx, atol=0.004)
    np.testing.assert_allclose(model.kt, kt, atol=0.06)
    assert model.explained > 0.99


def test_drift_and_sigma_by_hand() -> None:
    ax, bx, _ = _known()
    kt = np.array([3.0, 1.0, 0.0, -1.5, -2.5])  # sums to 0
    model = fit_lee_carter(ax + np.outer(kt, bx), list(range(2016, 2021)))
    # d = (k_T - k_1) / (T - 1) = -5.5 / 4; differences -2, -1, -1.5, -1 around it: squares sum 0.6875, over 3.
    assert model.drift == pytest.approx(-1.375, abs=1e-12)
    assert model.sigma == pytest.approx((0.6875 / 3) ** 0.5, abs=1e-12)
    central, se = model.k_forecast(4)
    np.testing.assert_allclose(central, -2.5 - 1.375 * np.arange(1, 5), atol=1e-12)
    np.testing.assert_allclose(se, model.sigma * np.sqrt([1, 2, 3, 4]), atol=1e-12)
    shocks = np.zeros((4, 3))
    shocks[0, 1] = 1.0
    paths = model.k_trajectories(4, shocks)
    np.testing.assert_allclose(paths[:, 0], central, atol=1e-12)
    np.testing.assert_allclose(paths[:, 1], central + model.sigma, atol=1e-12)  # a shock persists


def test_forecast_reproduces_lee_carter_table_2() -> None:
    # Their k_t model: drift -0.365 a year, standard error of the yearly change 0.651; the jump-off k_1989 is one
    # drift before the printed k_1990 (so that value is known only to the printed 0.005).
    model = LeeCarter(
        years=[1988, 1989],
        ax=np.array(LC1992_AX),
        bx=np.array(LC1992_BX),
        kt=np.array([-10.68, -11.41 + 0.365]),
        drift=-0.365,
        sigma=0.651,
        explained=1.0,
    )
    central, se = model.k_forecast(30)
    h = np.arange(1, 31)
    # Printed to 0.01, from a drift and sigma printed to 0.001: each is known to half its last digit.
    assert np.all(np.abs(central - LC1992_K) <= 0.005 + 0.005 + 0.0005 * h)
    assert np.all(np.abs(se - LC1992_SD) <= 0.005 + 0.0005 * np.sqrt(h) + 1e-12)


def test_falling_k_raises_life_expectancy() -> None:
    ax, bx, _ = _known()
    model = LeeCarter([2020], ax, bx, np.array([0.0]), -1.0, 0.1, 1.0)
    single = np.repeat(np.arange(19), [1, 4, *([5] * 16), 16])  # groups held over single ages 0..100
    years = LeeCarter([2020], ax[single], bx[single], np.array([0.0]), -1.0, 0.1, 1.0)
    e0 = e0_paths(years, np.array([0.0, -5.0, -10.0]), "F")
    assert np.all(np.diff(e0) > 0)
    # k lowers every rate by the factor exp(b_x k): at k = 0 the rates are exp(a_x), whose e0 in 1933-87 was ~65-70.
    assert 60 < e0[0] < 75
    assert model.mx(np.array([0.0, -1.0])).shape == (2, 19)


@pytest.mark.parametrize(
    ("log_mx", "years", "match"),
    [
        (np.zeros((2, 3)), [2019, 2020], "at least 3 years"),
        (np.zeros((3, 3)), [2018, 2019, 2021], "consecutive"),
        (np.full((3, 3), -np.inf), [2018, 2019, 2020], "finite"),
    ],
)
def test_bad_series(log_mx: np.ndarray, years: list[int], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        fit_lee_carter(log_mx, years)
