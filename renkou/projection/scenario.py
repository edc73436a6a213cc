"""Scenarios: TFR, e0 and migration paths per region with low/medium/high variants, compiled to explicit inputs.

Pure functions and data; :mod:`renkou.projection.scenario_file` reads and validates the YAML. A variant changes the
medium paths by ``tfr_shift`` (children per woman, added), ``e0_shift`` (years, added for both sexes),
``migration_factor`` (multiplies the yearly net-migration total) and ``migration_shift`` (persons per year, added),
each phased in linearly over ``ramp_steps`` steps (1 = in full from the first step), as the UN's low and high variants
phase in their half child.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from renkou.projection.engine import Timing
from renkou.projection.fertility import asfr_from_tfr
from renkou.projection.inputs import ExplicitInputs, FloatArray
from renkou.projection.migration import net_migrants
from renkou.projection.mortality import BrassModel, group_person_years

RADIX = 100_000.0


class ScenarioValueError(ValueError):
    """A value that compiles to something impossible; ``key`` is its path inside the scenario file."""

    def __init__(self, key: str, value: object, reason_zh: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.key, self.value, self.reason_zh, self.reason_en = key, value, reason_zh, reason_en


@dataclass(frozen=True)
class RegionPlan:
    """The medium assumptions of one region over T steps with A age groups.

    ``tfr (T,)``; ``shape (A,)`` the fertility schedule with ``n * sum = 1``; ``sex_ratio_at_birth (T,)`` boys per
    girl; ``mortality`` one Brass model per sex (F, M) with ``beta``; ``e0 (2, T)`` the medium e0 path per sex;
    ``migration_total (T,)`` net migrants per year; ``profile (2, A)`` their distribution by sex and age (sum 1).
    """

    code: str
    tfr: FloatArray
    shape: FloatArray
    sex_ratio_at_birth: FloatArray
    mortality: tuple[BrassModel, BrassModel]
    beta: float
    e0: FloatArray
    migration_total: FloatArray
    profile: FloatArray


@dataclass(frozen=True)
class Variant:
    """Changes from the medium paths (see the module docstring)."""

    name: str
    tfr_shift: float = 0.0
    e0_shift: float = 0.0
    migration_factor: float = 1.0
    migration_shift: float = 0.0
    ramp_steps: int = 1

    def ramp(self, steps: int) -> FloatArray:
        """The share of the change applied at each step: (t + 1) / ramp_steps, at most 1."""
        return np.minimum(1.0, (np.arange(steps) + 1.0) / max(self.ramp_steps, 1))


MEDIUM = Variant("medium")


@dataclass(frozen=True)
class Process:
    """Deviations from the medium path per step: ``ar1``: ``d_t = rho d_(t-1) + sigma e_t``; ``random_walk``:
    ``d_t = d_(t-1) + drift + sigma e_t``; ``d_0 = 0`` and ``e_t`` standard normal."""

    model: str
    sigma: float
    rho: float = 0.0
    drift: float = 0.0

    def deviations(self, shocks: FloatArray) -> FloatArray:
        """Deviations ``(T, ...)`` from standard-normal shocks ``(T, ...)``."""
        out = np.empty_like(shocks)
        level = np.zeros_like(shocks[0])
        for t in range(shocks.shape[0]):
            if self.model == "ar1":
                level = self.rho * level + self.sigma * shocks[t]
            else:
                level = level + self.drift + self.sigma * shocks[t]
            out[t] = level
        return out


@dataclass(frozen=True)
class StochasticSettings:
    """How trajectories are drawn around the medium paths (TFR and e0 absolute, migration relative or absolute)."""

    trajectories: int
    seed: int
    correlation: str = "common"
    tfr: Process | None = None
    e0: Process | None = None
    migration: Process | None = None
    migration_scale: str = "relative"
    quantiles: tuple[float, ...] = (0.025, 0.1, 0.5, 0.9, 0.975)


@dataclass(frozen=True)
class Scenario:
    """Everything needed to project: settings, the base ``(R, 2, A)``, one plan per region, variants, stochastic."""

    age_interval: int
    start_year: int
    steps: int
    migration_timing: Timing
    ages: list[int]
    base: FloatArray
    regions: list[RegionPlan]
    variants: list[Variant] = field(default_factory=lambda: [MEDIUM])
    stochastic: StochasticSettings | None = None


def variant_paths(plan: RegionPlan, variant: Variant, steps: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The TFR ``(T,)``, e0 ``(2, T)`` and yearly migration total ``(T,)`` of one region under one variant."""
    ramp = variant.ramp(steps)
    tfr = plan.tfr + variant.tfr_shift * ramp
    if np.any(tfr < 0):
        raise ScenarioValueError(
            f"variants.{variant.name}.tfr_shift", variant.tfr_shift, "使总和生育率为负", "makes the TFR negative"
        )
    e0 = plan.e0 + variant.e0_shift * ramp
    total = plan.migration_total * (1.0 + (variant.migration_factor - 1.0) * ramp) + variant.migration_shift * ramp
    return tfr, e0, total


def _e0_error(model: BrassModel, beta: float, key: str, e0: FloatArray) -> ScenarioValueError:
    low, high = model.e0_range(beta)
    return ScenarioValueError(
        key,
        [round(v, 2) for v in e0.tolist()],
        f"预期寿命应在 {low:.1f} 至 {high:.1f} 之间（该标准生命表）",
        f"e0 must lie between {low:.1f} and {high:.1f} for this standard life table",
    )


def person_years_batch(
    requests: list[tuple[BrassModel, float, FloatArray, str]], ages: list[int], n: int
) -> list[FloatArray]:
    """Grouped ``nLx (T, A)`` on radix :data:`RADIX` for each ``(model, beta, e0 path (T,), key)``, solving Brass's
    alpha exactly. Requests sharing a standard and beta are solved in one vectorised call (regions often share a
    standard, and variants always do)."""
    groups: dict[tuple[int, float], list[int]] = {}
    for index, (model, beta, _, _) in enumerate(requests):
        groups.setdefault((id(model), beta), []).append(index)
    out: list[FloatArray] = [np.empty(0)] * len(requests)
    for members in groups.values():
        model, beta = requests[members[0]][0], requests[members[0]][1]
        targets = np.stack([requests[i][2] for i in members])
        try:
            alpha = model.alpha_for_e0(targets, beta)
        except ValueError:
            low, high = model.e0_range(beta)
            bad = next(i for i in members if np.any((requests[i][2] < low) | (requests[i][2] > high)))
            raise _e0_error(model, beta, requests[bad][3], requests[bad][2]) from None
        grouped = RADIX * group_person_years(model.life_table(alpha, beta).Lx, ages, n)
        for row, i in enumerate(members):
            out[i] = grouped[row]
    return out


def compile_scenario(scenario: Scenario) -> ExplicitInputs:
    """Explicit inputs for every (region, variant), regions in base order and variants in file order."""
    n, steps, ages = scenario.age_interval, scenario.steps, scenario.ages
    series: list[tuple[str, str]] = []
    parts: dict[str, list[FloatArray]] = {k: [] for k in ("base", "asfr", "radix", "srb", "migrants")}
    mortality: list[tuple[BrassModel, float, FloatArray, str]] = []
    for index, plan in enumerate(scenario.regions):
        for variant in scenario.variants:
            tfr, e0, total = variant_paths(plan, variant, steps)
            for sex, model in enumerate(plan.mortality):
                key = f"regions.{plan.code}.mortality.e0.{'FM'[sex]} ({variant.name})"
                mortality.append((model, plan.beta, e0[sex], key))
            parts["base"].append(scenario.base[index])
            parts["asfr"].append(asfr_from_tfr(tfr, plan.shape))
            parts["radix"].append(np.full(steps, RADIX))
            parts["srb"].append(plan.sex_ratio_at_birth)
            parts["migrants"].append(net_migrants(total, plan.profile, n))
            series.append((plan.code, variant.name))
    person_years = person_years_batch(mortality, ages, n)
    # Requests alternate F, M per series: pair them back into (K, T, 2, A).
    nLx = np.stack([np.stack(person_years[2 * k : 2 * k + 2], axis=1) for k in range(len(series))])
    return ExplicitInputs(
        age_interval=n,
        start_year=scenario.start_year,
        steps=steps,
        migration_timing=scenario.migration_timing,
        ages=ages,
        series=series,
        base=np.stack(parts["base"]),
        asfr=np.stack(parts["asfr"]),
        nLx=nLx,
        radix=np.stack(parts["radix"]),
        sex_ratio_at_birth=np.stack(parts["srb"]),
        net_migrants=np.stack(parts["migrants"]),
    )
