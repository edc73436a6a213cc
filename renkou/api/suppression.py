"""Small-cell suppression for published frequency tables (pure: NumPy in, NumPy out, no I/O).

Method (stated for the public query service, 公众人口信息查询):

1. A table is a cube of person counts (for example district x sex x age group) published with *all* its margins:
   every total over any set of dimensions. :func:`extend` adds them; index ``n_k`` on axis ``k`` is the total over
   that axis.
2. **Primary suppression**: every published cell (inner cell or total) with fewer than ``threshold`` persons
   (10 by default, zero included) is suppressed.
3. **Complementary suppression** by the hypercube method (Repsilber; Giessing & Repsilber 2002, the GHMITER method of
   tau-ARGUS): for every primarily suppressed cell a *box* is suppressed around it. In each dimension the box spans
   the cell's index and one partner index (another category, or the total); along a dimension with two categories
   the box cells carry opposite signs, along a category and its total the same sign. Adding ``t`` persons to the
   ``+`` inner cells and removing ``t`` from the ``-`` inner cells leaves every published (unsuppressed) value
   unchanged, so anyone who knows all published figures can only place the suppressed cell in an interval at least
   as wide as the smallest ``+`` inner cell plus the smallest ``-`` inner cell of the box. The box chosen is the
   cheapest whose interval is at least ``min_range`` persons wide: a newly hidden cell costs its persons plus one,
   times ``TOTAL_WEIGHT`` for each dimension it is a total of; cells already suppressed cost nothing. A box always exists: partnering the cell with the totals in every
   dimension leaves no ``-`` inner cell, so the interval is unbounded above.

Consequence: no suppressed cell can be derived by differencing published totals (or by any linear reasoning with
non-negative counts): each one can take values spread over at least ``min_range`` persons consistently with
everything published. The tests check this with an independent linear-programming attacker.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

THRESHOLD = 10
MIN_RANGE = 10
# Hiding a total costs this many times more per level of aggregation: a district's total is what most readers
# want, so the boxes prefer inner cells (tau-ARGUS likewise lets the cost function favour keeping totals).
TOTAL_WEIGHT = 4.0


@dataclass(frozen=True)
class ProtectedTable:
    """A table with its margins and the cells that must not be shown.

    ``values`` and ``suppressed`` have shape ``(n_1 + 1, ..., n_k + 1)``; index ``n_k`` on axis ``k`` is the total
    over that axis. ``primary`` marks the cells suppressed for being small (kept for tests and audits; never
    published, since it would tell which hidden cells are the small ones).
    """

    values: np.ndarray
    suppressed: np.ndarray
    primary: np.ndarray
    threshold: int
    min_range: int

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of categories on each axis (without the total)."""
        return tuple(n - 1 for n in self.values.shape)

    def published(self) -> np.ndarray:
        """The values as published: a float array with NaN where a cell is suppressed."""
        shown = self.values.astype(np.float64)
        shown[self.suppressed] = np.nan
        return shown


def extend(counts: np.ndarray) -> np.ndarray:
    """The cube with every margin appended: one more index per axis holding the total over that axis."""
    cube = np.asarray(counts, dtype=np.int64)
    if cube.ndim == 0:
        raise ValueError("a table needs at least one dimension")
    if (cube < 0).any():
        raise ValueError("counts must not be negative")
    for axis in range(cube.ndim):
        cube = np.concatenate([cube, cube.sum(axis=axis, keepdims=True)], axis=axis)
    return cube


def protect(counts: np.ndarray, *, threshold: int = THRESHOLD, min_range: int = MIN_RANGE) -> ProtectedTable:
    """Suppress the cells under ``threshold`` and enough others that none of them can be derived (see module doc)."""
    if threshold < 1 or min_range < 1:
        raise ValueError("threshold and min_range must be positive")
    values = extend(counts)
    primary = values < threshold
    suppressed = primary.copy()
    for target in _targets_in_order(primary):
        box = _cheapest_box(values, suppressed, target, min_range)
        for cell in box:
            suppressed[cell] = True
    return ProtectedTable(values, suppressed, primary, threshold, min_range)


def _targets_in_order(primary: np.ndarray) -> list[tuple[int, ...]]:
    """Primary cells, most aggregated first: a box around a total hides inner cells that later boxes can reuse."""
    totals_index = [n - 1 for n in primary.shape]
    cells = [tuple(int(i) for i in cell) for cell in np.argwhere(primary)]
    return sorted(cells, key=lambda cell: (-sum(i == t for i, t in zip(cell, totals_index, strict=True)), cell))


def _cheapest_box(
    values: np.ndarray, suppressed: np.ndarray, target: tuple[int, ...], min_range: int
) -> list[tuple[int, ...]]:
    """The cells of the cheapest box around ``target`` whose interval is at least ``min_range`` wide.

    All candidate boxes are scored at once: axis ``k`` of the score arrays runs over the partner indices of
    dimension ``k``, and each of the ``2**k`` corners of the box is gathered as one array.
    """
    ndim = values.ndim
    totals = [n - 1 for n in values.shape]
    partners: list[np.ndarray] = []
    partner_signs: list[np.ndarray] = []
    for axis in range(ndim):
        own = target[axis]
        if own == totals[axis]:
            candidates = np.arange(totals[axis])  # a total pairs with one of its categories, same sign
            signs = np.ones(len(candidates))
        else:
            candidates = np.array([i for i in range(totals[axis] + 1) if i != own])
            signs = np.where(candidates == totals[axis], 1.0, -1.0)  # another category: opposite sign
        partners.append(candidates)
        partner_signs.append(signs)
    grid = tuple(len(p) for p in partners)
    cost = np.zeros(grid)
    new_cells = np.zeros(grid)
    plus_min = np.full(grid, np.inf)
    minus_min = np.full(grid, np.inf)
    for corner in itertools.product((0, 1), repeat=ndim):
        index = []
        sign = np.ones([1] * ndim)
        inner = np.ones([1] * ndim, dtype=bool)
        weight = np.ones([1] * ndim)
        for axis, use_partner in enumerate(corner):
            shape = [1] * ndim
            shape[axis] = -1
            chosen = partners[axis] if use_partner else np.array([target[axis]])
            index.append(chosen.reshape(shape))
            if use_partner:
                sign = sign * partner_signs[axis].reshape(shape)
            inner = inner & (chosen < totals[axis]).reshape(shape)
            weight = weight * np.where(chosen == totals[axis], TOTAL_WEIGHT, 1.0).reshape(shape)
        cell_values = values[tuple(index)].astype(np.float64)
        hidden = suppressed[tuple(index)]
        cost = cost + np.where(hidden, 0.0, (cell_values + 1.0) * weight)
        new_cells = new_cells + np.where(hidden, 0.0, 1.0)
        plus_min = np.minimum(plus_min, np.where(inner & (sign > 0), cell_values, np.inf))
        minus_min = np.minimum(minus_min, np.where(inner & (sign < 0), cell_values, np.inf))
    width = plus_min + minus_min
    score = np.where(width >= min_range, cost, np.inf)
    # Ties: fewer new cells, then the first in index order (deterministic).
    order = np.lexsort((new_cells.ravel(), score.ravel()))
    best = np.unravel_index(int(order[0]), grid)
    if not np.isfinite(score[best]):  # cannot happen: the all-totals box is unbounded (see module doc)
        raise AssertionError("no protecting box found")
    chosen_partner = [int(partners[axis][best[axis]]) for axis in range(ndim)]
    return [
        tuple(chosen_partner[axis] if use else target[axis] for axis, use in enumerate(corner))
        for corner in itertools.product((0, 1), repeat=ndim)
    ]
