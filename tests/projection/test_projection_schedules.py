"""Fertility, mortality and migration assumptions that compile to explicit inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from renkou.projection.fertility import (
    asfr_from_tfr,
    gamma_shape,
    hadwiger_density,
    hadwiger_shape,
    mean_age_at_childbearing,
    observed_shape,
    total_fertility,
)
from renkou.projection.migration import (
    FUNDAMENTAL,
    net_migrants,
    rogers_castro,
    rogers_castro_integral,
    rogers_castro_profile,
    sex_age_profile,
)
from renkou.projection.mortality import BrassModel, a0_from_q0, group_person_years, life_table_from_mx

SINGLE = list(range(101))
FIVE = list(range(0, 90, 5))


def gompertz_mx(omega: int = 110, level: float = 1.0) -> np.ndarray:
    """A plausible single-year mx schedule (infant bump, Gompertz slope from mid-life)."""
    x = np.arange(omega + 1, dtype=float)
    mx = level * (0.00003 * np.exp(0.1 * x) + 0.0002 + 0.004 * (x == 0))
    return np.minimum(mx, 0.9)


# --- fertility -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("ages", "n"), [(SINGLE, 1), (FIVE, 5)])
@pytest.mark.parametrize("tfr", [0.9, 1.3, 2.1])
def test_hadwiger_and_gamma_rates_sum_to_the_tfr(ages: list[int], n: int, tfr: float) -> None:
    for shape in (hadwiger_shape(30.0, 5.5, ages, n), gamma_shape(29.0, 5.0, ages, n, origin=14.0)):
        asfr = asfr_from_tfr(tfr, shape)
        assert total_fertility(asfr, n) == pytest.approx(tfr, rel=1e-12)
        assert asfr[0] == 0 and (asfr >= 0).all()


def test_hadwiger_shape_is_the_group_average_of_the_printed_function() -> None:
    """Chandola et al. (1999)'s formula integrated by quadrature, against the inverse-Gaussian CDF in the code."""
    c, sd = 29.0, 6.0
    b = c / (sd * math.sqrt(2))
    span = (10.0, 55.0)
    masses = []
    for a in FIVE:
        lo, hi = max(a, span[0]), min(a + 5, span[1])
        masses.append(quad(lambda x: float(hadwiger_density(x, 1.0, b, c)), lo, hi)[0] if hi > lo else 0.0)
    expected = np.array(masses) / sum(masses) / 5
    np.testing.assert_allclose(hadwiger_shape(c, sd, FIVE, 5, span), expected, rtol=1e-7, atol=1e-12)
    # The untruncated function integrates to the TFR ("a"), which is what makes c the mean age.
    assert quad(lambda x: float(hadwiger_density(x, 1.7, b, c)), 0, np.inf)[0] == pytest.approx(1.7, rel=1e-8)


def test_hadwiger_mean_age_is_c() -> None:
    """Single-year rates at midpoints: mean age within 0.05 year of c (truncation to 10-55 and the midpoint rule
    move it by hundredths of a year for a schedule this narrow)."""
    for c in (27.0, 30.0, 32.5):
        asfr = asfr_from_tfr(1.2, hadwiger_shape(c, 5.0, SINGLE, 1))
        assert mean_age_at_childbearing(asfr, SINGLE, 1) == pytest.approx(c, abs=0.05)


def test_gamma_shape_matches_quadrature_and_moments() -> None:
    mean, sd, origin = 30.0, 5.5, 12.0
    k, theta = ((mean - origin) / sd) ** 2, sd**2 / (mean - origin)

    def density(x: float) -> float:
        y = x - origin
        return y ** (k - 1) * math.exp(-y / theta) / (math.gamma(k) * theta**k) if y > 0 else 0.0

    masses = np.array([quad(density, a, a + 1)[0] if 10 <= a < 55 else 0.0 for a in SINGLE])
    np.testing.assert_allclose(gamma_shape(mean, sd, SINGLE, 1, origin=origin), masses / masses.sum(), atol=1e-10)
    asfr = asfr_from_tfr(1.0, gamma_shape(mean, sd, SINGLE, 1, origin=origin))
    assert mean_age_at_childbearing(asfr, SINGLE, 1) == pytest.approx(mean, abs=0.05)


def test_observed_schedule_rescaled_keeps_its_shape() -> None:
    observed = np.zeros(18)
    observed[3:10] = [0.012, 0.0908, 0.1499, 0.1125, 0.0441, 0.0074, 0.0003]  # Sweden 1993, Preston Box 6.2
    rescaled = asfr_from_tfr(1.1, observed_shape(observed, 5))
    assert total_fertility(rescaled, 5) == pytest.approx(1.1)
    np.testing.assert_allclose(rescaled / rescaled[5], observed / observed[5])
    assert total_fertility(observed, 5) == pytest.approx(2.085)


# --- mortality -------------------------------------------------------------------------------------------------


def test_andreev_kingkade_segments() -> None:
    """Andreev & Kingkade (2015) q0 rules (HMD Methods Protocol v6, table 2)."""
    assert a0_from_q0(0.005, "F") == pytest.approx(0.1490 - 2.0867 * 0.005)
    assert a0_from_q0(0.03, "F") == pytest.approx(0.0438 + 4.1075 * 0.03)
    assert a0_from_q0(0.1, "F") == pytest.approx(0.3141)
    assert a0_from_q0(0.005, "M") == pytest.approx(0.1493 - 2.0367 * 0.005)
    assert a0_from_q0(0.05, "M") == pytest.approx(0.0244 + 3.4994 * 0.05)
    assert a0_from_q0(0.2, "M") == pytest.approx(0.2991)


def test_life_table_with_constant_hazard_matches_a_plain_loop() -> None:
    m = 0.02
    mx = np.full(101, m)
    table = life_table_from_mx(mx, "F")
    # Written out by hand: q0 solves q0 = m / (1 + (1 - a0(q0)) m); ages 1+ use a = 0.5.
    q0 = m
    for _ in range(50):
        a0 = 0.0438 + 4.1075 * q0 if q0 >= 0.0170 else 0.1490 - 2.0867 * q0
        q0 = m / (1 + (1 - a0) * m)
    alive, total = 1.0, 0.0
    l_next = alive * (1 - q0)
    total += l_next + a0 * (alive - l_next)
    alive = l_next
    for _age in range(1, 100):
        q = m / (1 + 0.5 * m)
        l_next = alive * (1 - q)
        total += l_next + 0.5 * (alive - l_next)
        alive = l_next
    total += alive / m
    assert float(table.e0) == pytest.approx(total, rel=1e-12)


def test_life_table_agrees_with_the_statistics_life_table() -> None:
    """The same mx through renkou.stats (a separate implementation; a0 there by the m0 form of Andreev-Kingkade)."""
    from renkou.stats.lifetable import life_table

    mx = gompertz_mx(100)
    ages = np.arange(101)
    intervals = [1.0] * 100 + [None]
    for sex in ("F", "M"):
        ours = life_table_from_mx(mx, sex)
        theirs = life_table(ages, intervals, mx, sex=sex, radix=1.0)
        # The two a0 forms differ by < 0.001 year at this infant mortality: L0 and e0 agree to 1e-5.
        np.testing.assert_allclose(ours.Lx[1:], theirs.Lx[1:], rtol=1e-5)
        assert float(ours.e0) == pytest.approx(float(theirs.e0), abs=1e-4)


def test_brass_alpha_zero_beta_one_reproduces_the_standard() -> None:
    mx = gompertz_mx()
    for sex in ("F", "M"):
        model = BrassModel(mx, sex)
        standard = life_table_from_mx(mx, sex)
        same = model.life_table(0.0, 1.0)
        np.testing.assert_allclose(same.lx, standard.lx, rtol=1e-13)
        np.testing.assert_allclose(same.Lx, standard.Lx, rtol=1e-12)


def test_brass_logits_are_linear_in_the_standard() -> None:
    model = BrassModel(gompertz_mx(), "M")
    alpha, beta = -0.4, 1.15
    table = model.life_table(alpha, beta)
    logit = 0.5 * np.log((1 - table.lx[1:]) / table.lx[1:])
    standard = 0.5 * np.log((1 - model.standard.lx[1:]) / model.standard.lx[1:])
    np.testing.assert_allclose(logit, alpha + beta * standard, rtol=1e-10)


def test_brass_alpha_solves_a_vector_of_e0_targets() -> None:
    model = BrassModel(gompertz_mx(), "F")
    targets = np.array([[60.0, 75.0], [82.5, 90.0]])
    alpha = model.alpha_for_e0(targets)
    np.testing.assert_allclose(model.e0(alpha), targets, atol=1e-8)
    assert alpha[0, 0] > alpha[0, 1] > alpha[1, 0] > alpha[1, 1]
    beta_alpha = model.alpha_for_e0(80.0, beta=0.9)
    assert float(model.e0(beta_alpha, 0.9)) == pytest.approx(80.0, abs=1e-8)
    with pytest.raises(ValueError, match="e0 must lie"):
        model.alpha_for_e0(150.0)
    _low, high = model.e0_range()
    assert float(model.e0(model.alpha_for_e0(150.0, clip=True))) == pytest.approx(high)


def test_grouped_person_years() -> None:
    Lx = life_table_from_mx(gompertz_mx(110), "F").Lx
    grouped = group_person_years(Lx, FIVE, 5)
    assert grouped.shape == (18,)
    assert grouped.sum() == pytest.approx(Lx.sum(), rel=1e-14)
    assert grouped[1] == pytest.approx(Lx[5:10].sum())
    assert grouped[-1] == pytest.approx(Lx[85:].sum())
    assert (grouped[:-1] <= 5).all()


# --- migration -------------------------------------------------------------------------------------------------


def test_rogers_castro_fundamental_schedule_values() -> None:
    """Rogers & Castro (1981) fundamental 7-parameter schedule: at age 0 the childhood and constant components
    (the labour-force term is e^(2 - e^8), nil); the labour-force peak at mu2 - ln(alpha2 / lambda2) / lambda2
    = 20 + ln 4 / 0.4 = 23.47 years."""
    assert float(rogers_castro(0.0, FUNDAMENTAL)) == pytest.approx(0.023, abs=1e-12)
    x = np.linspace(15, 35, 200_001)
    values = rogers_castro(x, FUNDAMENTAL)
    peak = x[np.argmax(values - 0.02 * np.exp(-0.1 * x))]
    assert peak == pytest.approx(20 + math.log(4) / 0.4, abs=1e-3)


def test_rogers_castro_integral_matches_quadrature() -> None:
    full = {**FUNDAMENTAL, "a3": 0.0004, "alpha3": 0.6, "mu3": 64.0, "lambda3": 0.25, "a4": 2e-6, "lambda4": 0.06}
    for params in (FUNDAMENTAL, full):
        for lower, upper in ((0, 5), (17, 18), (20, 45), (60, 75), (85, 90)):
            expected = quad(lambda x, p=params: float(rogers_castro(x, p)), lower, upper, epsabs=1e-13)[0]
            assert float(rogers_castro_integral(lower, upper, params)) == pytest.approx(expected, rel=1e-9)


def test_migration_profile_scales_to_the_total() -> None:
    profile = sex_age_profile(
        rogers_castro_profile(FUNDAMENTAL, FIVE, 5), rogers_castro_profile(FUNDAMENTAL, FIVE, 5), 0.45
    )
    assert profile.sum() == pytest.approx(1.0)
    assert profile[0].sum() == pytest.approx(0.45)
    migrants = net_migrants(np.array([1000.0, -200.0]), profile, 5)
    assert migrants.shape == (2, 2, 18)
    assert migrants[0].sum() == pytest.approx(5000.0)
    assert migrants[1].sum() == pytest.approx(-1000.0)
    assert np.argmax(migrants[0, 0]) == 4  # ages 20-24 hold the labour-force peak
    with pytest.raises(ValueError, match="needs all of"):
        rogers_castro(20.0, {"a1": 0.02})


def test_inverse_gaussian_cdf_matches_scipy_stats() -> None:
    from scipy.stats import invgauss

    from renkou.projection.fertility import inverse_gaussian_cdf

    x = np.linspace(0.0, 70.0, 141)
    for mean, sd in ((30.0, 5.5), (28.0, 2.0), (33.0, 9.0)):
        lam = mean**3 / sd**2
        np.testing.assert_allclose(
            inverse_gaussian_cdf(x, mean, lam), invgauss.cdf(x, mean / lam, scale=lam), atol=1e-12
        )
