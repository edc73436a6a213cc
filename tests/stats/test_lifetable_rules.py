"""The ax rules against the formulas as published.

Andreev & Kingkade (2015), "Average age at death in infancy and infant mortality level: reconsidering the
Coale-Demeny formulas at current levels of low mortality", Demographic Research 33(13): 363-390, table 1 (1a0 from
1m0; the same coefficients are table 3 of the HMD Methods Protocol v6, 2017):

    males    1m0 < 0.02300: 0.14929 - 1.99545 m0;  0.02300 <= 1m0 < 0.08307: 0.02832 + 3.26021 m0;  else 0.29915
    females  1m0 < 0.01724: 0.14903 - 2.05527 m0;  0.01724 <= 1m0 < 0.06891: 0.04667 + 3.88089 m0;  else 0.31411

Preston, Heuveline & Guillot (2001), table 3.3 (Coale-Demeny on 1m0):

    1a0  males 0.045 + 2.684 m0, females 0.053 + 2.800 m0 below m0 = 0.107; 0.330 and 0.350 above
    4a1  males 1.651 - 2.816 m0, females 1.522 - 1.518 m0 below m0 = 0.107; 1.352 and 1.361 above
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from renkou.errors import UserError
from renkou.stats.lifetable import andreev_kingkade_a0, coale_demeny_4a1, life_table
from renkou.stats.lifetable_ax import coale_demeny_1a0, constant_hazard_ax, normalize_sex

# (m0, expected a0) worked by hand from table 1, one or more points in each segment and on the cut points.
AK_MALE = [
    (0.0, 0.14929),
    (0.005, 0.14929 - 1.99545 * 0.005),
    (0.0229, 0.14929 - 1.99545 * 0.0229),
    (0.0230, 0.02832 + 3.26021 * 0.0230),
    (0.05, 0.02832 + 3.26021 * 0.05),
    (0.08306, 0.02832 + 3.26021 * 0.08306),
    (0.08307, 0.29915),
    (0.2, 0.29915),
]
AK_FEMALE = [
    (0.0, 0.14903),
    (0.005, 0.14903 - 2.05527 * 0.005),
    (0.01723, 0.14903 - 2.05527 * 0.01723),
    (0.01724, 0.04667 + 3.88089 * 0.01724),
    (0.04, 0.04667 + 3.88089 * 0.04),
    (0.0689, 0.04667 + 3.88089 * 0.0689),
    (0.06891, 0.31411),
    (0.3, 0.31411),
]


@pytest.mark.parametrize(("m0", "expected"), AK_MALE)
def test_andreev_kingkade_male_segments(m0: float, expected: float) -> None:
    assert andreev_kingkade_a0(m0, "M") == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("m0", "expected"), AK_FEMALE)
def test_andreev_kingkade_female_segments(m0: float, expected: float) -> None:
    assert andreev_kingkade_a0(m0, "F") == pytest.approx(expected, abs=1e-12)


def test_andreev_kingkade_worked_values() -> None:
    """Two values by hand: a Chinese city today (1m0 = 0.005) and a 1950s level (1m0 = 0.03)."""
    assert andreev_kingkade_a0(0.005, "M") == pytest.approx(0.13931275, abs=1e-10)
    assert andreev_kingkade_a0(0.005, "F") == pytest.approx(0.13875365, abs=1e-10)
    assert andreev_kingkade_a0(0.03, "M") == pytest.approx(0.1261263, abs=1e-10)
    assert andreev_kingkade_a0(0.03, "F") == pytest.approx(0.1630967, abs=1e-10)


def test_andreev_kingkade_is_nearly_continuous_at_the_cut_points() -> None:
    """The published pieces meet within 1e-4 year: a mistyped coefficient (e.g. 3.26201 for 3.26021, a variant in
    circulation) would open a gap of 1.5e-4 at 1m0 = 0.08307."""
    for sex, cuts in (("M", (0.02300, 0.08307)), ("F", (0.01724, 0.06891))):
        for cut in cuts:
            below = andreev_kingkade_a0(cut - 1e-12, sex)
            above = andreev_kingkade_a0(cut, sex)
            assert abs(above - below) < 1e-4, (sex, cut)


def test_both_sexes_is_the_mean_and_arrays_broadcast() -> None:
    m0 = np.array([0.004, 0.03, 0.09])
    both = andreev_kingkade_a0(m0, "T")
    np.testing.assert_allclose(both, (andreev_kingkade_a0(m0, "M") + andreev_kingkade_a0(m0, "F")) / 2)
    mixed = andreev_kingkade_a0(m0, np.array(["F", "M", "t"]))
    assert mixed[0] == pytest.approx(0.14903 - 2.05527 * 0.004)
    assert mixed[1] == pytest.approx(0.02832 + 3.26021 * 0.03)
    assert mixed[2] == pytest.approx((0.29915 + 0.31411) / 2)
    assert isinstance(andreev_kingkade_a0(0.01, "F"), float)


@pytest.mark.parametrize(
    ("m0", "sex", "a0", "a1"),
    [
        (0.008743, "M", 0.045 + 2.684 * 0.008743, 1.651 - 2.816 * 0.008743),
        (0.05, "F", 0.053 + 2.800 * 0.05, 1.522 - 1.518 * 0.05),
        (0.107, "M", 0.330, 1.352),
        (0.15, "F", 0.350, 1.361),
        (0.02, "T", (0.045 + 2.684 * 0.02 + 0.053 + 2.8 * 0.02) / 2, (1.651 - 2.816 * 0.02 + 1.522 - 1.518 * 0.02) / 2),
    ],
)
def test_coale_demeny_table_3_3(m0: float, sex: str, a0: float, a1: float) -> None:
    assert coale_demeny_1a0(m0, sex) == pytest.approx(a0, abs=1e-12)
    assert coale_demeny_4a1(m0, sex) == pytest.approx(a1, abs=1e-12)


def test_abridged_table_uses_andreev_kingkade_for_a0_and_coale_demeny_for_4a1() -> None:
    ages = [0, 1, 5, 10]
    intervals = [1, 4, 5, None]
    table = life_table(ages, intervals, [0.02, 0.001, 0.0005, 0.1], sex="F")
    assert table.ax[0] == pytest.approx(0.04667 + 3.88089 * 0.02)
    assert table.ax[1] == pytest.approx(1.522 - 1.518 * 0.02)
    assert table.ax[2] == 2.5
    assert table.ax[3] == pytest.approx(10.0)
    assert not table.warnings


def test_given_ax_wins_and_blank_ax_is_chosen() -> None:
    table = life_table([0, 1, 5], [1, 4, None], [0.01, 0.001, 0.2], [0.1, math.nan, 99.0], sex="M")
    assert table.ax[0] == 0.1
    assert table.ax[1] == pytest.approx(1.651 - 2.816 * 0.01)
    assert table.ax[2] == pytest.approx(5.0)  # open group: always 1/m, the given 99 is ignored ...
    assert any("1/m" in w for w in table.warnings)  # ... and the table says so


def test_constant_hazard_ax_closed_form() -> None:
    """n + 1/m - n / (1 - exp(-n m)), with the limit n/2 as m -> 0 (Taylor: n/2 - n^2 m / 12)."""
    assert constant_hazard_ax(0.1, 5.0) == pytest.approx(5 + 10 - 5 / (1 - math.exp(-0.5)), abs=1e-12)
    assert constant_hazard_ax(0.0, 5.0) == pytest.approx(2.5)
    assert constant_hazard_ax(1e-9, 1.0) == pytest.approx(0.5 - 1e-9 / 12, abs=1e-15)
    # Either side of the switch to the series (n m = 1e-4) the value follows the same curve.
    for m in (0.99e-4, 1.01e-4, 3e-4):
        assert constant_hazard_ax(m, 1.0) == pytest.approx(0.5 - m / 12 + m**3 / 720, abs=1e-11)


def test_sex_codes_are_checked() -> None:
    assert normalize_sex("f").item() == "F"
    with pytest.raises(UserError, match="use F"):
        normalize_sex("X")
    with pytest.raises(UserError, match="invalid sex"):
        life_table([0, 1], [1, None], [0.01, 0.2], sex="female")
