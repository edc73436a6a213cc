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
  added at the end. **Net emigration is limited to the persons at risk**: a part of the migrants added to a cell is
  at least minus the persons in that cell when it is added (at the start, the group's population; at the end, its
  survivors, for group 0 the surviving births), so no cell ever turns negative: the cell empties, and the emigrants
  beyond its persons do not leave (a register's net out-migration by age can exceed a small old cohort's survivors).
  The outputs record the migrants *applied*, which equal the assumed ones wherever no limit binds, and the step's
  result marks the cells where one bound (``StepResult.limited``), so the held-back emigrants are
  ``applied - assumed``;
- births over a step: ``n * sum_x asfr_x * (W_x(start) + W_x(end)) / 2``, W the women including the start
  half-migrants, split into girls and boys by the sex ratio at birth (boys per girl).

Arithmetic is in double precision unless every input is single precision (the stochastic mode's choice: half the
memory traffic, and a relative error near 1e-6 is far inside its intervals).

Deaths are counted per cohort as entrants minus survivors and indexed by the age group the cohort reaches at the end
of the step (group 0: deaths among the step's births), so that for every step
``population(t+n) = population(t) + births - deaths + applied net migrants`` holds (to rounding), the migrants being
those recorded in the outputs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.floating[Any]]  # double precision, or single for stochastic runs
BoolArray = NDArray[np.bool_]
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
    ``net_migrants (..., 2, A)`` net migrants assumed over the whole step by age group at the end of the step (the
    engine applies them up to the persons at risk, see the module docstring).
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
    at the end of the step; ``net_migrants (..., 2, A)`` net migrants applied during the step (the assumed ones, with
    net emigration limited to the persons at risk); ``limited (..., 2, A)`` the cells where that limit bound in
    either part of the step, None where it bound nowhere (then ``net_migrants`` are the assumed ones, unchanged)."""

    population: FloatArray
    births_by_age: FloatArray
    births: FloatArray
    deaths: FloatArray
    net_migrants: FloatArray
    limited: BoolArray | None = None


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

    Rule for net emigration (both timings): the migrants ``m`` added to a cell holding ``p`` persons at that moment
    are applied as ``max(m, -p)``: with ``half`` timing, ``max(M/2, -P_x)`` at the start and ``max(M/2, -S_x)`` at the
    end (``S_x`` the survivors reaching group x, the surviving births for x = 0); with ``end`` timing ``max(M, -S_x)``.
    A cell can thus empty but never turn negative when the population and the rates are non-negative. The result's
    ``net_migrants`` are the applied ones (start plus end part), so the balancing equation holds exactly (to
    rounding) with them; where no limit binds they equal the assumed migrants bit for bit.
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

    # Net emigration from a cell is limited to the persons at risk there (rule in the docstring). A limit binds
    # exactly where ``persons + migrants`` rounds below zero (a sum of two doubles or singles is negative iff its exact
    # value is), so the common case costs one comparison per part and leaves every number as it was without the rule.
    start_low: BoolArray | None = None
    start_applied: FloatArray | None = None
    half: FloatArray
    start: FloatArray
    if timing == "half":
        half = 0.5 * migrants
        start = population + half  # the other half, added at the start
        start_low = _limit(start)
        start_applied = half if start_low is None else np.where(start_low, -population, half)
    else:
        half = migrants
        start = population
    # Cohorts already alive: group x moves to x+1; the last closed group and the open group both end in the open one.
    survivors = np.empty(shape, dtype=dtype)
    survivors[..., 0] = 0.0  # the step's births come later; women aged 0 at the end are the end migrants only
    np.multiply(start[..., :-1], s, out=survivors[..., 1:])
    open_survivors = start[..., -1] * s[..., -1]
    survivors[..., -1] += open_survivors
    # The end part at ages 1+ is limited before the births, whose mothers at the end of the step it changes.
    population_end = np.empty(shape, dtype=dtype)
    np.add(survivors[..., 1:], half[..., 1:], out=population_end[..., 1:])
    closed_low = _limit(population_end[..., 1:])
    end_applied, end_low = half, None
    if closed_low is not None:
        end_low = np.zeros(shape, dtype=bool)
        end_low[..., 1:] = closed_low
        end_applied = np.where(end_low, -survivors, half)

    # Women at the start include the start half-migrants; at the end, the survivors and the end migrants.
    women_mean = start[..., FEMALE, :] + survivors[..., FEMALE, :]
    women_mean += end_applied[..., FEMALE, :]
    women_mean *= 0.5
    births_by_age = women_mean
    births_by_age *= asfr
    births_by_age *= n
    total_births = births_by_age.sum(axis=-1)
    births = total_births[..., None] * np.stack([1.0 / (1.0 + srb), srb / (1.0 + srb)], axis=-1)
    survivors[..., 0] = births * s0
    population_end[..., 0] = survivors[..., 0] + half[..., 0]
    newborn_low = _limit(population_end[..., 0])
    if newborn_low is not None:
        if end_low is None:  # end_applied is still the assumed half: copy before writing
            end_low = np.zeros(shape, dtype=bool)
            end_applied = np.array(half)
        end_low[..., 0] = newborn_low
        end_applied[..., 0] = np.where(newborn_low, -survivors[..., 0], half[..., 0])

    # Deaths per cohort, entrants minus survivors, by the age group reached at the end of the step.
    deaths = np.empty(shape, dtype=dtype)
    deaths[..., 0] = births - survivors[..., 0]
    np.subtract(start[..., :-1], survivors[..., 1:], out=deaths[..., 1:])
    # The open group's entrants are both of its source groups (summed as its survivors were, so no deaths is 0).
    deaths[..., -1] = (start[..., -2] + start[..., -1]) - survivors[..., -1]
    limited = end_low if start_low is None else start_low if end_low is None else start_low | end_low
    applied = migrants  # bit for bit where no limit binds (the assumed migrants, as the caller gave them)
    if limited is not None:
        # Elsewhere the assumed migrants themselves: halving a subnormal count and doubling it back is not exact.
        applied = end_applied if start_applied is None else np.where(limited, start_applied + end_applied, migrants)
    return StepResult(
        population=population_end,
        births_by_age=births_by_age,
        births=births,
        deaths=deaths,
        net_migrants=applied,
        limited=limited,
    )


def _limit(total: FloatArray) -> BoolArray | None:
    """Where ``total``, persons at risk plus a part of the migrants, is negative, set it to zero and return those
    cells (None if there are none): the part applied there is minus the persons at risk."""
    if total.size == 0 or not total.min() < 0:  # one read-only pass in the common case (NaN is not below zero either)
        return None
    low = total < 0
    total[low] = 0.0
    return low


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
