"""Small-cell suppression: a hand-worked table, and an independent attacker that solves linear and integer programmes
over everything published and must not pin any suppressed cell into a narrow interval."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from renkou.api.suppression import extend, protect


def published_equations(shape: tuple[int, ...], values: np.ndarray, suppressed: np.ndarray) -> tuple[np.ndarray, ...]:
    """Each shown cell as an equation over the inner cells, written with plain loops (index == k or a total)."""
    inner_cells = list(itertools.product(*(range(n) for n in shape)))
    rows, rhs, hidden_rows = [], [], []
    for cell in itertools.product(*(range(n + 1) for n in shape)):
        coefficients = [
            1.0 if all(c in (n, i) for c, i, n in zip(cell, inner, shape, strict=True)) else 0.0
            for inner in inner_cells
        ]
        if suppressed[cell]:
            hidden_rows.append((cell, coefficients))
        else:
            rows.append(coefficients)
            rhs.append(float(values[cell]))
    return np.array(rows).reshape(len(rows), len(inner_cells)), np.array(rhs), hidden_rows  # type: ignore[return-value]


def lp_unbounded(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> bool:
    """True when maximising ``c x`` over the published equations is unbounded."""
    result = linprog(-c, A_eq=a if len(b) else None, b_eq=b if len(b) else None, bounds=(0, None))
    return bool(result.status == 3)


def attacker_interval(
    shape: tuple[int, ...], values: np.ndarray, suppressed: np.ndarray, integer: bool
) -> dict[tuple[int, ...], tuple[float, float]]:
    """The tightest interval for every suppressed cell given all shown cells and counts >= 0."""
    a, b, hidden = published_equations(shape, values, suppressed)
    n = a.shape[1]
    intervals = {}
    for cell, coefficients in hidden:
        c = np.array(coefficients)
        low, high = 0.0, np.inf
        for direction in (1.0, -1.0):  # minimise, then maximise
            if integer:
                constraints = [LinearConstraint(a, b, b)] if len(b) else []
                result = milp(direction * c, constraints=constraints, integrality=np.ones(n), bounds=Bounds(0, np.inf))
            else:
                result = linprog(
                    direction * c, A_eq=a if len(b) else None, b_eq=b if len(b) else None, bounds=(0, None)
                )
            if result.status == 3 or (integer and result.status == 4 and lp_unbounded(a, b, c)):
                # Unbounded (HiGHS's MIP solver may only say "infeasible or unbounded"; the programme is feasible,
                # since the true table solves it, and the LP relaxation confirms it is unbounded).
                assert direction < 0
                continue
            assert result.status == 0, result.message
            if direction > 0:
                low = float(result.fun)
            else:
                high = -float(result.fun)
        intervals[cell] = (low, high)
    return intervals


def test_hand_worked_three_by_three() -> None:
    counts = np.array([[20, 30, 3], [25, 40, 50], [30, 35, 44]])
    table = protect(counts)
    # By hand: the 3 needs a rectangle; rows {0, 2} x columns {0, 2} hides 20 + 30 + 44 = 94 persons (+3 cells),
    # the cheapest of all (rows {0, 1} x columns {0, 2} would hide 20 + 25 + 50 = 95).
    expected = np.zeros((4, 4), dtype=bool)
    for cell in [(0, 0), (0, 2), (2, 0), (2, 2)]:
        expected[cell] = True
    assert (table.suppressed == expected).all()
    # By hand: x02 = t, x00 = 23 - t, x22 = 47 - t, x20 = 27 + t with all >= 0, so t ranges over [0, 23].
    interval = attacker_interval((3, 3), table.values, table.suppressed, integer=False)[(0, 2)]
    assert interval == pytest.approx((0.0, 23.0))


def test_margins_are_the_sums() -> None:
    counts = np.arange(24).reshape(2, 3, 4)
    extended = extend(counts)
    assert extended.shape == (3, 4, 5)
    assert extended[2, 3, 4] == counts.sum()
    assert extended[1, 3, 2] == counts[1, :, 2].sum()
    assert extended[0, 1, 4] == counts[0, 1, :].sum()
    assert (extended[:2, :3, :4] == counts).all()


def test_small_total_forces_a_second_total_hidden() -> None:
    # One district with 6 persons: its total is small, so a total of another district must go too,
    # or the city total minus the other districts would give it.
    counts = np.array([[[2, 1], [2, 1]], [[40, 30], [35, 25]], [[50, 45], [20, 60]]])
    table = protect(counts)
    assert table.suppressed[0, 2, 2]
    assert table.suppressed[1, 2, 2] or table.suppressed[2, 2, 2]
    assert not table.suppressed[3, 2, 2]  # the city total stays published
    check_protected(table, integer=True)


def test_everything_tiny_hides_everything_small() -> None:
    table = protect(np.array([[1, 2], [3, 0]]))
    assert table.suppressed[:2, :2].all()
    check_protected(table, integer=False)


def test_nothing_small_nothing_hidden() -> None:
    table = protect(np.full((3, 2, 4), 25))
    assert not table.suppressed.any()


def test_rejects_negative_counts() -> None:
    with pytest.raises(ValueError):
        protect(np.array([[1, -1]]))


def check_protected(table: object, *, integer: bool) -> None:
    from renkou.api.suppression import ProtectedTable

    assert isinstance(table, ProtectedTable)
    shape = table.shape
    # No shown cell is under the threshold.
    assert not ((table.values < table.threshold) & ~table.suppressed).any()
    intervals = attacker_interval(shape, table.values, table.suppressed, integer=integer)
    for cell, (low, high) in intervals.items():
        value = table.values[cell]
        assert low <= value + 1e-6 and value - 1e-6 <= high
        assert high - low >= table.min_range - 1e-6, (cell, value, low, high)


small_counts = st.integers(0, 60).map(lambda v: v if v > 12 else v % 10)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arrays(np.int64, st.tuples(st.integers(1, 5), st.integers(1, 4)), elements=small_counts))
def test_two_way_tables_are_protected(counts: np.ndarray) -> None:
    check_protected(protect(counts), integer=False)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arrays(np.int64, st.tuples(st.integers(1, 4), st.integers(1, 2), st.integers(1, 4)), elements=small_counts))
def test_three_way_tables_are_protected_against_integer_reasoning(counts: np.ndarray) -> None:
    check_protected(protect(counts), integer=True)


def test_district_sex_age_sized_table_is_protected() -> None:
    rng = np.random.default_rng(3)
    counts = rng.poisson(lam=rng.choice([3.0, 30.0, 300.0], size=(6, 2, 8)))
    table = protect(counts)
    assert table.suppressed.any()
    check_protected(table, integer=False)
