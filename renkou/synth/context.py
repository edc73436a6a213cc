"""What every chunk generator shares: the plan, the scale, the ID allocator, origin counties, constants."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from renkou.synth.dates import day
from renkou.synth.geography import Origins
from renkou.synth.idnumbers import SequenceAllocator, assemble
from renkou.synth.names import draw_surnames, full_names
from renkou.synth.plan import CityPlan

BASE_DAY = day(2015, 12, 31)
END_DAY = day(2020, 12, 31)
NEVER = day(2200, 1, 1)  # exit day of those still present at the end


@dataclass
class Context:
    """Shared state of one synthetic city's generation (mutable: the ID counters advance)."""

    plan: CityPlan
    scale: float
    seed: int
    origins: Origins
    allocator: SequenceAllocator
    away_regions: np.ndarray

    def rng(self, *stream: int) -> np.random.Generator:
        """An independent random stream for a part of the generation (same seed and stream: same numbers)."""
        return np.random.default_rng(np.random.SeedSequence([self.seed, *stream]))

    def ids(self, division: np.ndarray, births: np.ndarray, male: np.ndarray) -> pa.Array:
        """Unique ID numbers for persons, in the given order."""
        order = self.allocator.allocate(division, births, male)
        return assemble(division, births, order)

    @staticmethod
    def names(male: np.ndarray, rng: np.random.Generator, surname: np.ndarray | None = None) -> pa.Array:
        """Names (surnames drawn unless given as indices)."""
        if surname is None:
            surname = draw_surnames(len(male), rng)
        return full_names(surname, male, rng)
