"""Integer counts from expected counts, and exact selections: what keeps small synthetic cities on target.

Systematic (Cox) rounding turns expected counts into integers whose every prefix sum is within one of the expected
prefix sum, while each count stays unbiased. Ordering the cells so that the aggregates a test looks at are
contiguous keeps those aggregates exact to one person at any scale, instead of carrying Poisson noise.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def systematic_round(expected: NDArray[np.float64], rng: np.random.Generator) -> NDArray[np.int64]:
    """Integers n with E[n] = expected and |prefix sums of n - prefix sums of expected| < 1 (flattened order)."""
    flat = np.asarray(expected, dtype=np.float64).ravel()
    if np.any(flat < 0):
        raise ValueError("expected counts must be non-negative")
    offset = rng.random()
    cumulative = np.floor(np.cumsum(flat) + offset)
    counts = np.diff(np.concatenate([[np.floor(offset)], cumulative])).astype(np.int64)
    return counts.reshape(np.shape(expected))


def pick_per_group(
    groups: NDArray[np.int64],
    wanted: NDArray[np.int64],
    rng: np.random.Generator,
    weights: NDArray[np.float64] | None = None,
) -> NDArray[np.bool_]:
    """Mark exactly ``min(wanted[g], size of g)`` members of each group ``g``, at random (weighted if given).

    Weighted picks follow Efraimidis and Spirakis (2006): the members with the largest u ** (1 / w) win, which is
    sampling without replacement with probabilities proportional to ``w``. Members with zero weight are never picked.
    """
    n = len(groups)
    if n == 0:
        return np.zeros(0, dtype=bool)
    u = rng.random(n)
    if weights is None:
        key = u
    else:
        with np.errstate(divide="ignore"):
            key = np.where(weights > 0, np.log(u) / np.where(weights > 0, weights, 1.0), -np.inf)
    order = np.lexsort((-key, groups))
    sorted_groups = groups[order]
    starts = np.searchsorted(sorted_groups, sorted_groups, side="left")
    rank = np.arange(n) - starts
    chosen_sorted = rank < wanted[sorted_groups]
    if weights is not None:
        chosen_sorted &= np.isfinite(key[order])
    chosen = np.zeros(n, dtype=bool)
    chosen[order] = chosen_sorted
    return chosen
