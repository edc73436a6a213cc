"""A synthetic city's projection inputs for tests, benchmarks and demonstrations (made-up numbers, no real data).

Pure: returns BASE.csv rows and a scenario mapping (the YAML layout of :mod:`renkou.projection.scenario_file`)
with standard mortality inline, so callers decide where to write them.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def standard_mx(omega: int = 110) -> dict[str, list[float]]:
    """Single-year death rates 0..omega (omega open) shaped like a low-mortality population: an infant rate, a
    Makeham constant and a Gompertz slope from middle age; men 40% above women. e0 is about 83 (F) and 79 (M)."""
    x = np.arange(omega + 1, dtype=np.float64)
    female = 0.000012 * np.exp(0.1 * x) + 0.00015
    female[0] = 0.0025
    male = female * 1.4
    return {"F": np.minimum(female, 0.8).round(8).tolist(), "M": np.minimum(male, 0.8).round(8).tolist()}


def base_rows(regions: int, n: int, open_age: int = 100, seed: int = 7) -> list[tuple[str, str, int, float]]:
    """BASE.csv rows for ``regions`` districts with codes 330101, 330102, ... and age groups of width ``n``."""
    rng = np.random.default_rng(seed)
    ages = np.arange(0, open_age + n, n)
    rows: list[tuple[str, str, int, float]] = []
    for r in range(regions):
        size = rng.uniform(200_000, 1_500_000)
        # A bulge of working ages over a smaller young cohort and an ageing tail.
        shape = np.exp(-0.5 * ((ages - 35.0) / 18.0) ** 2) + 0.35 * np.exp(-ages / 60.0)
        shape[-1] = shape[-1] * 3  # the open group collects the oldest ages
        shape /= shape.sum()
        for sex, share in (("F", 0.49), ("M", 0.51)):
            counts = size * share * shape * rng.uniform(0.95, 1.05, ages.size)
            rows.extend(
                (f"3301{r + 1:02d}", sex, int(a), round(float(c), 1)) for a, c in zip(ages, counts, strict=True)
            )
    return rows


def scenario_data(
    regions: int, n: int, steps: int, *, variants: bool = True, trajectories: int = 1000
) -> dict[str, Any]:
    """A scenario mapping: TFR near 1.0 with Hadwiger schedules, rising e0 by Brass on :func:`standard_mx`, net
    in-migration with the Rogers-Castro fundamental profile, low/medium/high variants and stochastic settings."""
    step_years = n
    tfr = [round(1.0 + 0.01 * t * step_years / 5, 4) for t in range(steps)]
    e0_f = [round(83.0 + 0.12 * step_years * (t + 1), 3) for t in range(steps)]
    e0_m = [round(79.0 + 0.15 * step_years * (t + 1), 3) for t in range(steps)]
    data: dict[str, Any] = {
        "age_interval": n,
        "start_year": 2020,
        "steps": steps,
        "migration_timing": "half",
        "defaults": {
            "fertility": {
                "tfr": tfr,
                "schedule": {"model": "hadwiger", "mean_age": 30.5, "sd": 5.5},
                "sex_ratio_at_birth": 1.06,
            },
            "mortality": {"standard": standard_mx(), "e0": {"F": e0_f, "M": e0_m}},
            "migration": {"total": 8000, "profile": {"model": "rogers_castro", "params": "fundamental"}},
        },
        "regions": {f"3301{r + 1:02d}": {"migration": {"total": 2000 + 1000 * r}} for r in range(regions)},
        "stochastic": {
            "trajectories": trajectories,
            "seed": 20240601,
            "correlation": "common",
            "tfr": {"model": "ar1", "rho": 0.9, "sigma": 0.04 * (n**0.5)},
            "e0": {"model": "random_walk", "drift": 0.0, "sigma": 0.2 * (n**0.5)},
            "migration": {"model": "ar1", "rho": 0.6, "sigma": 0.2, "scale": "relative"},
        },
    }
    if variants:
        data["variants"] = {
            "low": {"tfr_shift": -0.25, "migration_factor": 0.6, "ramp_steps": max(1, 5 // n)},
            "medium": {},
            "high": {"tfr_shift": 0.25, "migration_factor": 1.4, "ramp_steps": max(1, 5 // n)},
        }
    return data
