"""Citizen ID numbers for millions of synthetic persons: vectorised GB 11643-1999 numbers, unique by construction.

A number is division (6) + birth date (8) + order code (3, odd for men) + check character. Uniqueness: a counter
per (division, birth date) hands out order codes 0, 1, 2, ... in generation order; a person takes 2 * count + 1
(men) or 2 * count (women), so at most 500 persons share a division and a birth date. The check character is ISO
7064 MOD 11-2 (:func:`renkou.ids.check_character` computes the same for one number; the tests compare them).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from renkou.synth.dates import Days, day, yyyymmdd

WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CHECK_CHARACTERS = np.array(list("10X98765432"))
FIRST_DAY = day(1890, 1, 1)
LAST_DAY = day(2021, 12, 31)
MAX_PER_KEY = 500


def check_characters(first17: NDArray[np.int64]) -> NDArray[np.str_]:
    """The check character of each 17-digit number (given as an integer)."""
    rest = np.asarray(first17, dtype=np.int64).copy()
    total = np.zeros(len(rest), dtype=np.int64)
    for position in range(16, -1, -1):
        total += (rest % 10) * WEIGHTS[position]
        rest //= 10
    return CHECK_CHARACTERS[total % 11]


def assemble(division: NDArray[np.int64], births: Days, order: NDArray[np.int64]) -> pa.Array:
    """18-character ID numbers from division codes, birth days and 3-digit order codes."""
    first17 = np.asarray(division, dtype=np.int64) * 10**11 + yyyymmdd(births) * 1000 + np.asarray(order, np.int64)
    text = pc.cast(pa.array(first17), pa.string())
    return pc.binary_join_element_wise(text, pa.array(check_characters(first17)), "")


class SequenceAllocator:
    """Hands out order codes so that no two persons get the same number (one instance per synthetic city)."""

    def __init__(self, divisions: list[str]) -> None:
        self.codes = np.array(sorted({int(code) for code in divisions}), dtype=np.int64)
        self.n_days = LAST_DAY - FIRST_DAY + 1
        self.counts = np.zeros(len(self.codes) * self.n_days, dtype=np.uint16)

    def division_index(self, codes: NDArray[np.int64]) -> NDArray[np.int64]:
        """Positions of division codes (all must have been declared)."""
        codes = np.asarray(codes, dtype=np.int64)
        found = np.minimum(np.searchsorted(self.codes, codes), len(self.codes) - 1)
        wrong = self.codes[found] != codes
        if np.any(wrong):
            raise ValueError(f"undeclared division codes {sorted(set(codes[wrong].tolist()))[:3]}")
        return found

    def allocate(self, division: NDArray[np.int64], births: Days, male: NDArray[np.bool_]) -> NDArray[np.int64]:
        """Order codes for persons, in the given order; raises when a (division, date) would exceed 500 persons."""
        births = np.asarray(births, dtype=np.int64)
        if len(births) == 0:
            return np.zeros(0, dtype=np.int64)
        if births.min() < FIRST_DAY or births.max() > LAST_DAY:
            raise ValueError("birth dates outside 1890-2021")
        key = self.division_index(np.asarray(division, dtype=np.int64)) * self.n_days + (births - FIRST_DAY)
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        first = np.searchsorted(sorted_key, sorted_key, side="left")
        rank = np.empty(len(key), dtype=np.int64)
        rank[order] = np.arange(len(key)) - first
        count = self.counts[key].astype(np.int64) + rank
        if count.max() >= MAX_PER_KEY:
            raise ValueError("more than 500 persons share a division and a birth date; lower the scale")
        unique_keys, per_key = np.unique(key, return_counts=True)
        self.counts[unique_keys] += per_key.astype(np.uint16)
        return 2 * count + np.asarray(male, dtype=np.int64)
