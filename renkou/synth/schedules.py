"""Age schedules of the synthetic city: population shape, fertility, migration. Pure functions of ages."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.interpolate import PchipInterpolator

Array = NDArray[np.float64]


def single_years(groups: list[float], width: int = 5, last_width: int = 6) -> Array:
    """Single-year counts from five-year groups (last group open), preserving every group total.

    The cumulative count is interpolated at the group edges with a monotone cubic (PCHIP) and differenced, which
    gives a smooth, non-negative age profile; the open group is spread over ``last_width`` years.
    """
    edges = [0]
    for index in range(len(groups)):
        edges.append(edges[-1] + (last_width if index == len(groups) - 1 else width))
    cumulative = np.concatenate([[0.0], np.cumsum(groups)])
    curve = PchipInterpolator(np.array(edges, dtype=np.float64), cumulative)
    return np.diff(curve(np.arange(0, edges[-1] + 1, dtype=np.float64)))


def per_year_of_groups(values: list[float], n_ages: int, width: int = 5) -> Array:
    """Step function: each five-year group's value repeated for its ages, the last carried to ``n_ages``."""
    out = np.empty(n_ages)
    for age in range(n_ages):
        out[age] = values[min(age // width, len(values) - 1)]
    return out


def hadwiger(ages: Array, mean_age: float, h: float) -> Array:
    """Hadwiger (1940) fertility curve at exact ages, normalised to sum to 1 over ``ages``.

    f(x) = (c / x) ** 1.5 * exp(-h**2 * (c / x + x / c - 2)); c is moved until the schedule's mean age (over
    completed ages + 0.5) equals ``mean_age``.
    """
    mid = ages + 0.5

    def shape(c: float) -> Array:
        values = (c / mid) ** 1.5 * np.exp(-(h**2) * (c / mid + mid / c - 2))
        return values / values.sum()

    c = mean_age
    for _ in range(50):
        values = shape(c)
        error = float((values * mid).sum()) - mean_age
        if abs(error) < 1e-10:
            break
        c -= error
    return shape(c)


def rogers_castro(ages: Array, peak_age: float) -> Array:
    """Rogers and Castro (1981) model migration schedule (childhood, labour-force and constant components).

    Parameters follow their "standard" schedule with the labour-force peak moved to ``peak_age``; returned
    normalised to sum to 1 over ``ages``.
    """
    x = ages + 0.5
    childhood = 0.02 * np.exp(-0.1 * x)
    mu = peak_age - 2.0
    labour = 0.06 * np.exp(-0.11 * (x - mu) - np.exp(-0.4 * (x - mu)))
    values = childhood + labour + 0.002
    return values / values.sum()
