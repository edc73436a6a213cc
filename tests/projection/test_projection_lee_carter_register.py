"""Lee-Carter on the register's years: the series is the statistics' city life tables, and a forecast gain moves
every district's compiled e0 by exactly that gain."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from projection_helpers import run_cli

from renkou.projection.from_register import estimate_from_register, to_scenario
from renkou.projection.from_register_lee_carter import MortalitySeries, lee_carter_gain, mortality_series
from renkou.projection.scenario import MEDIUM, compile_scenario
from renkou.register.store import Register

AS_OF = date(2020, 12, 31)


def test_series_covers_the_registers_years_and_ends_with_the_brass_standard(synthetic_register: Register) -> None:
    series = mortality_series(synthetic_register, AS_OF)
    assert series.years == [2016, 2017, 2018, 2019, 2020]  # the baseline is 2015-12-31
    assert series.log_mx.shape == (2, 5, 101)
    estimates = estimate_from_register(synthetic_register, AS_OF)
    np.testing.assert_allclose(np.exp(series.log_mx[:, -1]), estimates.standard_mx, rtol=1e-12)


def test_gain_moves_every_districts_e0(synthetic_register: Register) -> None:
    estimates = estimate_from_register(synthetic_register, AS_OF)
    steps = 4
    gain = np.array([[0.2, 0.4, 0.6, 0.8], [0.1, 0.3, 0.5, 0.7]])
    inputs = compile_scenario(to_scenario(estimates, steps, [MEDIUM], e0_gain=gain))
    # Single years: e0 of a step's table is its person-years over the radix.
    e0 = inputs.nLx.sum(axis=-1) / inputs.radix[:, :, None]
    for k in range(len(inputs.series)):
        np.testing.assert_allclose(e0[k].T, estimates.e0[k][:, None] + gain, atol=1e-6)


def test_gain_follows_a_clear_trend_and_ignores_noise() -> None:
    rng = np.random.default_rng(4)
    ages = np.arange(101)
    ax = -9.5 + 0.085 * ages  # a Gompertz-like log-rate
    bx = np.full(101, 1 / 101)
    years = list(range(2016, 2021))
    trend = ax + np.outer(np.array([4.0, 2.0, 0.0, -2.0, -4.0]) * 5, bx)
    noise = ax + rng.normal(scale=0.3, size=(5, 101))
    forecast = lee_carter_gain(MortalitySeries(years, np.stack([trend, noise])), 10)
    # Women: k falls 10 a year with no noise, a clear trend: e0 rises every year.
    assert np.all(np.diff(forecast.e0_gain[0]) > 0) and forecast.e0_gain[0, 0] > 0
    assert "e0 gain" in forecast.notes[0]
    # Men: pure noise, no drift distinguishable from it: e0 held.
    assert np.all(forecast.e0_gain[1] == 0) and "no trend: e0 held" in forecast.notes[1]
    # Women's k has no spread around its drift (sigma 0): the implied e0 random walk has none either.
    assert forecast.e0_sigma == 0.0


def test_e0_sigma_is_the_slope_of_e0_in_k_times_sigma() -> None:
    from renkou.projection.lee_carter import e0_paths

    ages = np.arange(101)
    ax = -9.5 + 0.085 * ages
    bx = np.full(101, 1 / 101)
    k = np.array([20.0, 9.0, 1.0, -11.0, -19.0])  # drift -9.75, differences -11, -8, -12, -8: sigma 2.06
    forecast = lee_carter_gain(MortalitySeries(list(range(2016, 2021)), np.stack([ax + np.outer(k, bx)] * 2)), 5)
    model = forecast.models[0]
    assert model.drift == pytest.approx(-9.75)
    assert model.sigma == pytest.approx(np.sqrt((1.25**2 + 1.75**2 + 2.25**2 + 1.75**2) / 3))
    # By a small central difference (independent of the code's one-sigma step): e0 is nearly linear in k here.
    h = 1e-3
    slope = [
        (e0_paths(model, np.array([-19.0 + h]), sex) - e0_paths(model, np.array([-19.0 - h]), sex))[0] / (2 * h)
        for sex in "FM"
    ]
    assert forecast.e0_sigma == pytest.approx(model.sigma * abs(np.mean(slope)), rel=0.02)


def test_cli_lee_carter(tmp_path: Path, synthetic_db: Path) -> None:
    result = run_cli(
        "project", "--from-register", synthetic_db, "--as-of", "2020-12-31", "--steps", "3",
        "--mortality", "lee-carter", "--out", tmp_path / "p.csv", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    notes = json.loads(result.stdout)["notes"]
    assert any(note.startswith("Lee-Carter F 2016-2020") for note in notes)
    assert any(note.startswith("Lee-Carter M 2016-2020") for note in notes)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--from-register", "r.duckdb", "--as-of", "2020-12-31", "--mortality", "gompertz"), "brass or lee-carter"),
        (("--base", "b.csv", "--mortality", "lee-carter"), "--mortality needs --from-register"),
    ],
)
def test_bad_mortality_option(tmp_path: Path, args: tuple[str, ...], expected: str) -> None:
    result = run_cli("project", *args, "--out", tmp_path / "p.csv")
    assert result.returncode == 1 and expected in result.stderr, result.stderr
