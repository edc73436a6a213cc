"""Cohort-component projection in Leslie form: pure NumPy, no I/O.

Arrays carry any number of leading axes (regions x variants x trajectories, in any arrangement the caller likes)
followed by ``(sex, age)`` for populations, with sex 0 = female and 1 = male and age groups of width ``n`` equal to
the projection step, the last group open. Conventions follow Preston, Heuveline & Guillot, *Demography* (2001),
section 6.3 and Box 6.2:

- survivorship of the births of a step: ``S0 = nL0 / (n * l0)``;
- survivorship from group x into x+n: ``S_x = nL_{x+n} / nL_x``; into the open group (from both the last closed
  group and the open group itself): ``S = L_open / (L_prev + L_open)``, where ``L_open`` is the person-years lived
  in the open group (``T`` of its first age). An infinite ``L_open`` means no one dies there (``S = 1``);
- net migrants of a step, by age group at the end of the step: with ``half`` timing, half are added at the start to
  the group of the same index and survived over the step, half are added at the end; with ``end`` timing all are
  added at the end;
- births over a step: ``n * sum_x asfr_x * (W_x(start) + W_x(end)) / 2``, W the women including the start
  half-migrants, split into girls and boys by the sex ratio at birth (boys per girl).

Arithmetic is in double precision unless every input is single precision (the stochastic mode's choice: half the
memory traffic, and a relative error near 1e-6 is far inside its intervals).

Deaths are counted per cohort as entrants minus survivors and indexed by the age group the cohort reaches at the end
of the step (group 0: deaths among the step's births), so that for every step
``population(t+n) = population(t) + births - deaths + net migrants`` holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.floating[Any]]  # double precision, or single for stochastic runs
Timing = Literal["half", "end"]
TIMINGS: tuple[Timing, ...] = ("half", "end")
FEMALE, MALE = 0, 1
SEXES: tuple[str, str] = ("F", "M")


@dataclass(frozen=True)
class StepRates:
    """The rates of one projection step, each broadcastable against the population's leading axes.

    Shapes (``...`` = leading axes): ``asfr (..., A)`` births per woman per year by the mother's age group;
    ``nLx (..., 2, A)`` life-table person-years per age group and sex, the last entry the open group's total;
    ``radix (..., 2)`` the life table's ``l0`` per sex; ``sex_ratio_at_birth (...)`` boys per girl;
    ``net_migrants (..., 2, A)`` net migrants over the whole step by age group at the end of the step.
    """

    asfr: FloatArray
    nLx: FloatArray
    radix: FloatArray
    sex_ratio_at_birth: FloatArray
    net_migrants: FloatArray


@dataclass(frozen=True)
class StepResult:
    """What one step produces. ``population (..., 2, A)`` at the end of the step; ``births_by_age (..., A)`` births
    by mother's age group; ``births (..., 2)`` births by sex of the child; ``deaths (..., 2, A)`` by age group reached
    at the end of the step; ``net_migrants (..., 2, A)`` net migrants added during the step."""

    population: FloatArray
    births_by_age: FloatArray
    births: FloatArray
    deaths: FloatArray
    net_migrants: FloatArray


@dataclass(frozen=True)
class Projection:
    """A whole projection: ``population (..., T+1, 2, A)`` including the base, and per step ``births_by_age
    (..., T, A)``, ``births (..., T, 2)``, ``deaths (..., T, 2, A)``, ``net_migrants (..., T, 2, A)``."""

    population: FloatArray
    births_by_age: FloatArray
    births: FloatArray
    deaths: FloatArray
    net_migrants: FloatArray


def survival_ratios(nLx: FloatArray, radix: FloatArray, n: int) -> tuple[FloatArray, FloatArray]:
    """Survivorship ratios from life-table person-years.

    Returns ``(s0, s)``: ``s0 (..., 2)`` for the births of a step, ``nL0 / (n * l0)``; ``s (..., 2, A-1)`` where
    ``s[..., x]`` moves group x into x+1 and the last entry, ``L_open / (L_prev + L_open)``, also applies to the open
    group. An infinite ``L_open`` gives 1 (no deaths at the oldest ages).
    """
    nLx = np.asarray(nLx)
    radix = np.asarray(radix)
    s0 = nLx[..., 0] / (n * radix)
    s = np.empty((*nLx.shape[:-1], nLx.shape[-1] - 1), dtype=np.result_type(nLx, radix, np.float32))
    np.divide(nLx[..., 1:-1], nLx[..., :-2], out=s[..., :-1])
    last_closed, last = nLx[..., -2], nLx[..., -1]
    with np.errstate(invalid="ignore"):
        s[..., -1] = np.where(np.isinf(last), 1.0, last / (last_closed + last))
    return s0, s


def project_step(population: FloatArray, rates: StepRates, n: int, timing: Timing = "half") -> StepResult:
    """Advance a population ``(..., 2, A)`` by one step of ``n`` years.

    Fertility in the first age group is not modelled: women born during the step cannot give birth in it
    (``asfr[..., 0]`` is expected to be zero; the file layer rejects anything else).
    """
    arrays = [
        np.asarray(value)
        for value in (population, rates.asfr, rates.nLx, rates.radix, rates.sex_ratio_at_birth, rates.net_migrants)
    ]
    # Double precision unless every input is single precision (the stochastic mode's choice, for speed).
    dtype = np.result_type(*arrays, np.float32)
    population, asfr, nLx, radix, srb, migrants = (a.astype(dtype, copy=False) for a in arrays)
    ages = population.shape[-1]
    # Rates may carry leading axes the base lacks (e.g. variants over one base): broadcast everything once.
    shape = np.broadcast_shapes(
        population.shape,
        migrants.shape,
        nLx.shape,
        (*asfr.shape[:-1], 1, ages),
        (*radix.shape, 1),
        (*srb.shape, 1, 1),
    )
    population = np.broadcast_to(population, shape)
    migrants = np.broadcast_to(migrants, shape)
    s0, s = survival_ratios(nLx, radix, n)

    if timing == "half":
        end_migrants = 0.5 * migrants
        start = population + end_migrants  # the other half, added at the start
    else:
        end_migrants = migrants
        start = np.array(population)
    # Cohorts already alive: group x moves to x+1; the last closed group and the open group both end in the open one.
    survivors = np.empty(shape, dtype=dtype)
    survivors[..., 0] = 0.0  # the step's births come later; women aged 0 at the end are the end migrants only
    np.multiply(start[..., :-1], s, out=survivors[..., 1:])
    open_survivors = start[..., -1] * s[..., -1]
    survivors[..., -1] += open_survivors

    # Women at the start include the start half-migrants; at the end, the survivors and the end migrants.
    women_mean = start[..., FEMALE, :] + survivors[..., FEMALE, :]
    women_mean += end_migrants[..., FEMALE, :]
    women_mean *= 0.5
    births_by_age = women_mean
    births_by_age *= asfr
    births_by_age *= n
    total_births = births_by_age.sum(axis=-1)
    births = total_births[..., None] * np.stack([1.0 / (1.0 + srb), srb / (1.0 + srb)], axis=-1)
    survivors[..., 0] = births * s0

    # Deaths per cohort, entrants minus survivors, by the age group reached at the end of the step.
    deaths = np.empty(shape, dtype=dtype)
    deaths[..., 0] = births - survivors[..., 0]
    np.subtract(start[..., :-1], survivors[..., 1:], out=deaths[..., 1:])
    # The open group's entrants are both of its source groups (summed as its survivors were, so no deaths is 0).
    deaths[..., -1] = (start[..., -2] + start[..., -1]) - survivors[..., -1]
    population_end = np.add(survivors, end_migrants, out=survivors)
    return StepResult(
        population=population_end,
        births_by_age=births_by_age,
        births=births,
        deaths=deaths,
        net_migrants=migrants,
    )


def iterate_steps(
    base: FloatArray,
    rates: Sequence[StepRates] | Callable[[int], StepRates],
    steps: int,
    n: int,
    timing: Timing = "half",
) -> Iterator[StepResult]:
    """Yield the result of each step in turn; ``rates`` is one :class:`StepRates` per step or a function of the
    step index (so large stochastic runs can build each step's rates on demand and summarise as they go)."""
    rates_at = rates if callable(rates) else rates.__getitem__
    population = np.asarray(base)
    for step in range(steps):
        result = project_step(population, rates_at(step), n, timing)
        population = result.population
        yield result


def project(
    base: FloatArray,
    rates: Sequence[StepRates] | Callable[[int], StepRates],
    steps: int,
    n: int,
    timing: Timing = "half",
) -> Projection:
    """Project ``base (..., 2, A)`` over ``steps`` steps of ``n`` years and keep every output (time on axis -3 for
    age-sex arrays, -2 for births)."""
    results = list(iterate_steps(base, rates, steps, n, timing))
    base = np.asarray(base)
    shape = results[0].population.shape if results else base.shape
    populations = [np.broadcast_to(base, shape), *(r.population for r in results)]
    return Projection(
        population=np.stack(populations, axis=-3),
        births_by_age=np.stack([r.births_by_age for r in results], axis=-2),
        births=np.stack([r.births for r in results], axis=-2),
        deaths=np.stack([r.deaths for r in results], axis=-3),
        net_migrants=np.stack([r.net_migrants for r in results], axis=-3),
    )
