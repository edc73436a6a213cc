"""Explicit projection inputs: the base population and per-step rates for each (region, variant) series.

This is what A.yaml holds and what every higher-level assumption (TFR, e0 and migration paths, variants) compiles
down to. Arrays have a leading series axis K, then the step axis T where rates vary by step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from renkou.projection.engine import Projection, StepRates, Timing, project

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class ExplicitInputs:
    """Inputs of a deterministic projection of K series ``(region, variant)`` over T steps of ``age_interval`` years.

    ``base (K, 2, A)``; ``asfr (K, T, A)``; ``nLx (K, T, 2, A)``; ``radix (K, T)``; ``sex_ratio_at_birth (K, T)``
    (boys per girl); ``net_migrants (K, T, 2, A)`` over each whole step.
    """

    age_interval: int
    start_year: int
    steps: int
    migration_timing: Timing
    ages: list[int]
    series: list[tuple[str, str]]
    base: FloatArray
    asfr: FloatArray
    nLx: FloatArray
    radix: FloatArray
    sex_ratio_at_birth: FloatArray
    net_migrants: FloatArray

    @property
    def years(self) -> list[int]:
        """The years of the projected populations, the base year first."""
        return [self.start_year + step * self.age_interval for step in range(self.steps + 1)]

    def rates(self, step: int) -> StepRates:
        """The rates of one step for all series at once."""
        radix = self.radix[:, step]
        return StepRates(
            asfr=self.asfr[:, step],
            nLx=self.nLx[:, step],
            radix=np.stack([radix, radix], axis=-1),
            sex_ratio_at_birth=self.sex_ratio_at_birth[:, step],
            net_migrants=self.net_migrants[:, step],
        )

    def run(self) -> Projection:
        """Project every series."""
        return project(self.base, self.rates, self.steps, self.age_interval, self.migration_timing)
