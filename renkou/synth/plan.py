"""Demographic accounting of the synthetic city: expected numbers of every kind of life line, 2015-2020.

A *life line* is one person's stay in the register within the window: how the person entered (on the register at
the 2015 baseline, moved the hukou in during a year, born during a year) and how the stay ended (still there at the
end of 2020, died in a year, moved the hukou out in a year). The plan gives, for every district, sex and birth year,
the expected number of each kind, at scale 1. The persons themselves are drawn later, chunk by chunk.

How the published figures are met (all at 2020-12-31 unless said):
- District registered populations are N_d = (60+ persons) / (60+ share) of Table 2, scaled to the Table 1 total.
  The age shape (census shape, single years) is tilted per district by exp(beta_d (age - 60)) so that the 60+
  count is exact; a common extra tilt gamma above 60 sets how old the old are, solved so that the 2020 crude death
  rate equals CBR - natural increase; a hump kappa on ages 18-44 makes the women of childbearing age such that
  the published births (CBR x mean population) give the published TFR (as ``renkou stats`` computes it: five-year
  groups of mothers, the mean of the women at the two year ends). The tilt by beta_d acts from age 40 down as
  one block, and the children aged 5-17 are set apart: their number is what the published registered 18-59 share
  leaves besides the 60+ and the persons born 2016-2020, shared among the districts like those younger ones.
- The baseline of 2015 is solved backwards from the 2020 survivors: deaths from the Siler hazard, gross hukou
  out-migration at an assumed rate, and in-migration whatever Table 1's yearly totals require.
- The senescent level of the hazard is solved per year so that the register's single-year life table (open 100+,
  from the expected deaths and person-years this accounting implies) gives the target life expectancy.
- Resident = registered living in the city + floating who have lived there six months or more. Registered persons
  living away make up the difference; the floating 60-64 and 65+ numbers, and the level of floating children
  aged 0-14, are solved from the census shares (0-14: 1 - the published 15-59 and 60+ shares).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq, root

from renkou.stats.indicators import FERTILE_AGES
from renkou.synth.lifetable import Siler, life_expectancy, rates_from, year_death_probability
from renkou.synth.schedules import hadwiger, per_year_of_groups, rogers_castro, single_years
from renkou.synth.targets import YEARS, CityTargets

Array = NDArray[np.float64]

FIRST_COHORT = 1910
LAST_COHORT = 2020
COHORTS = np.arange(FIRST_COHORT, LAST_COHORT + 1)
N_COHORTS = len(COHORTS)
AGE_END = LAST_COHORT - COHORTS  # age reached in 2020 by each cohort
MAX_AGE = int(AGE_END.max())
N_YEARS = len(YEARS)
SEXES = ("M", "F")

# Entry kinds of a registered life line.
ENTRY_BASELINE = 0
ENTRY_IN = 1  # 1..5: hukou moved in during 2016..2020
ENTRY_BIRTH = 6  # born during the cohort's year (2016..2020)
N_ENTRIES = 7
# Exit kinds.
EXIT_STAY = 0
EXIT_DEATH = 1  # 1..5: died in 2016..2020
EXIT_OUT = 6  # 6..10: hukou moved out in 2016..2020
N_EXITS = 11

# Arrival classes of floating residents and their exits.
ARRIVALS = ("pre2016", "2016", "2017", "2018", "2019", "2020H1", "2020H2")
N_ARRIVALS = len(ARRIVALS)
FLOAT_STAY = 0
FLOAT_LEFT = 1  # 1..5: left (residence_left) in 2016..2020
FLOAT_DIED = 6  # 6..10: died in 2016..2020
FLOAT_BORN = 11  # stayer born in the city (birth recorded by health), arrival class = birth period
N_FLOAT_KINDS = 12


def entry_year_index(entry: int) -> int:
    """Year index (0 = 2016) in which a registered life line enters; -1 for the baseline."""
    if entry == ENTRY_BASELINE:
        return -1
    if entry == ENTRY_BIRTH:
        raise ValueError("a birth enters in its cohort's year")
    return entry - ENTRY_IN


@dataclass
class Accounting:
    """Expected registered life lines and what follows from them (scale 1)."""

    lines: Array  # (district, sex, cohort, entry, exit)
    births: Array  # (district, sex, year)
    deaths_by_age: Array  # (sex, age, year), city
    exposure_by_age: Array  # (sex, age, year), city
    women_exposure: Array  # (district, age, year)
    year_end: Array  # registered at the end of 2015..2020 (6,)
    year_end_by_age: Array  # (6 year ends 2015..2020, sex, age at 31 December), city
    p_death: Array  # (sex, cohort, year)
    p_out: Array  # (cohort, year)


@dataclass
class CityPlan:
    """Everything the person generator needs, as expected counts at scale 1."""

    targets: CityTargets
    district_codes: list[str]
    registered: Accounting
    fertility: Array  # normalised age pattern over ages 0..MAX_AGE (zero outside the fertile span)
    tfr: Array  # by year
    siler: list[list[Siler]]  # [year][sex]
    away: Array  # expected registered baseline stayers living away, (district, sex, cohort)
    floating: Array  # (district, sex, cohort, arrival class, kind)
    urban_share_registered: Array  # by district, for registered residents
    urban_share_floating: Array  # by district
    solved: dict[str, float] = field(default_factory=dict)

    def district_index(self, code: str) -> int:
        """Position of a district code."""
        return self.district_codes.index(code)


class _Inputs:
    """Fixed inputs of the registered accounting, derived once from the targets."""

    def __init__(self, targets: CityTargets) -> None:
        pub, assume = targets.published, targets.assumptions
        self.targets = targets
        self.codes = [d.code for d in pub.districts]
        raw_total = np.array([d.aged_60_plus / d.share_60_plus for d in pub.districts])
        self.total_2020 = float(pub.registered_by_year[2020])
        self.n_district = raw_total * self.total_2020 / raw_total.sum()
        self.aged_60 = np.array([float(d.aged_60_plus) for d in pub.districts])
        # Registered 0-17 at the end of 2020: what the 18-59 share and Table 2's 60+ leave.
        self.children_2020 = self.total_2020 * (1 - pub.registered_share_18_59) - self.aged_60.sum()
        self.year_targets = np.array([float(pub.registered_by_year[y]) for y in (2015, *YEARS)])
        self.births_city = np.array(
            [
                targets.crude_birth_rate(y) / 1000 * (self.year_targets[i] + self.year_targets[i + 1]) / 2
                for i, y in enumerate(YEARS)
            ]
        )
        srb = pub.sex_ratio_at_birth_2020
        self.boy_share = srb / (100 + srb)
        ages = np.arange(MAX_AGE + 1, dtype=np.float64)
        shape = single_years(assume.age_shape_5y)
        self.base_shape = np.zeros(MAX_AGE + 1)
        self.base_shape[: min(len(shape), MAX_AGE + 1)] = shape[: MAX_AGE + 1]
        ratio = per_year_of_groups(assume.sex_ratio_5y, MAX_AGE + 1) / 100
        self.sex_split = np.stack([ratio / (1 + ratio), 1 / (1 + ratio)])  # (sex, age)
        fert = assume.fertility
        fertile = (ages >= fert.min_age) & (ages <= fert.max_age)
        self.fertility = np.zeros(MAX_AGE + 1)
        self.fertility[fertile] = hadwiger(ages[fertile], fert.mean_age, fert.hadwiger_h)
        migration = rogers_castro(ages, assume.migration.peak_age)
        self.in_profile = migration / migration.sum()
        mean_profile = migration[:80].mean()
        self.out_by_age = np.minimum(assume.migration.out_rate * migration / mean_profile, 0.2)
        self.in_district_share = self.n_district / self.n_district.sum()
        self.ages = ages
        # The childbearing-age hump (in-migrants of the hukou reform years, graduates settling) rises from the
        # late teens with the Rogers-Castro labour peak and falls faster after 32: a one-sided width of 8 years
        # on both sides would hollow out the ages 18-24 against the children's cohorts just below them.
        self.hump = np.exp(-(((ages - 32.0) / np.where(ages < 32, 14.0, 8.0)) ** 2))
        mort = assume.mortality
        self.mortality = mort
        e0_2015, e0_2020 = pub.life_expectancy_2015, pub.life_expectancy_2020
        self.e0_targets = np.array([e0_2015 + (e0_2020 - e0_2015) * (i + 1) / N_YEARS for i in range(N_YEARS)])
        self.cdr_2020 = pub.registered_crude_birth_rate_2020 - pub.registered_natural_increase_2020
        self.tfr_2020 = pub.total_fertility_rate_2020
        # Presence of a life line in each year (fraction of the year) and at each year's end.
        self.presence = np.zeros((N_ENTRIES, N_EXITS, N_YEARS))
        self.at_end = np.zeros((N_ENTRIES, N_EXITS, N_YEARS))
        for entry in range(N_ENTRIES):
            for exit_ in range(N_EXITS):
                for t in range(N_YEARS):
                    self.presence[entry, exit_, t], self.at_end[entry, exit_, t] = _presence(entry, exit_, t)

    def siler(self, level: float, sex: int) -> Siler:
        """The hazard of ``sex`` with senescent level ``level`` (men's scale)."""
        m = self.mortality
        infant = m.a1 * (m.male_infant_ratio if sex == 0 else 1.0)
        senescent = level * (1.0 if sex == 0 else m.female_senescent_ratio)
        return Siler(infant, m.b1, m.a2, senescent, m.b3)


def _presence(entry: int, exit_: int, t: int) -> tuple[float, float]:
    """(fraction of year t present, present at the end of year t) for a life line that does not enter by birth.

    Entry and exit dates are uniform in their year, so a partial year counts one half (births are handled by
    :func:`_birth_presence`).
    """
    if entry == ENTRY_BIRTH:
        return (0.0, 0.0)
    return _birth_presence(exit_, entry_year_index(entry), t) if entry != ENTRY_BASELINE else _span(-1, exit_, t)


def _stop_year(exit_: int) -> int:
    if exit_ == EXIT_STAY:
        return N_YEARS
    return exit_ - EXIT_DEATH if exit_ < EXIT_OUT else exit_ - EXIT_OUT


def _span(start: int, exit_: int, t: int) -> tuple[float, float]:
    stop = _stop_year(exit_)
    if t < start or t > stop:
        return (0.0, 0.0)
    if start < t < stop:
        return (1.0, 1.0)
    if t == start and t < stop:
        return (0.5, 1.0)
    if t == stop and t > start:
        return (0.5, 0.0)
    return (0.25, 0.0)


def _birth_presence(exit_: int, start: int, t: int) -> tuple[float, float]:
    """Presence in year t of a life line entering (by birth or move) in year ``start``."""
    return _span(start, exit_, t)


def _cohort_index(year: int) -> int:
    return year - FIRST_COHORT


def _follow(start_count: Array, first_year: int, p: Array, o: Array, entry: int, lines: Array) -> None:
    """Add the life lines of a group of ``start_count`` (district, sex, cohort) decremented from ``first_year``."""
    alive = start_count.copy()
    for t in range(first_year, N_YEARS):
        dead = alive * p[None, :, :, t]
        out = (alive - dead) * o[None, None, :, t]
        lines[:, :, :, entry, EXIT_DEATH + t] += dead
        lines[:, :, :, entry, EXIT_OUT + t] += out
        alive = alive - dead - out
    lines[:, :, :, entry, EXIT_STAY] += alive


def _age_split(by_cohort: Array, year_index: int) -> Array:
    """(..., cohort) counts in a year -> (..., age): half at the age before the birthday, half after."""
    year = YEARS[year_index]
    lead = by_cohort.shape[:-1]
    flat = by_cohort.reshape(-1, by_cohort.shape[-1])
    out = np.zeros((flat.shape[0], MAX_AGE + 2))
    ages = year - COHORTS
    newborn = ages == 0
    older = ages > 0
    out[:, 0] += flat[:, newborn].sum(axis=1)
    out[:, ages[older]] += 0.5 * flat[:, older]  # each age appears once among the cohorts: no collisions
    out[:, ages[older] - 1] += 0.5 * flat[:, older]
    return out[:, : MAX_AGE + 1].reshape(*lead, MAX_AGE + 1)


TILT_FROM = 40  # the district tilt of Table 2 acts from this age; younger adults move with it as one block
CHILD_END = 18  # registered children are 0-17: the published 18-59 share of 2020 gives their number


def _solve_young_old(inputs: _Inputs, gamma: float, kappa: float, kids: Array) -> Array:
    """End-2020 registered counts of cohorts born before 2016, (district, sex, cohort), meeting Table 2.

    ``kids`` are each district's registered persons born 2016-2020 (at the end of 2020). The children aged 5-17
    make up the published registered 0-17 share with them, shared among the districts like their younger
    siblings and shaped by the census within those ages; only the adults take the Table 2 tilt and the
    childbearing-age hump. Tilting the children too (exp(beta (age - 60)) with beta > 0 in the old districts, and
    the hump drawing on them) would leave the cohorts 2003-2015 at a third of the births of 2016-2020: a cliff
    at ages 4/5 that no birth series of the 2010s justifies.
    """
    ages = inputs.ages
    child = (ages >= 5) & (ages < CHILD_END)
    grown = ages >= CHILD_END
    children = (inputs.children_2020 - kids.sum()) * kids / kids.sum()
    if children.min() <= 0:
        raise RuntimeError("the births of 2016-2020 exceed the published registered 0-17 share")
    child_shape = np.where(child, inputs.base_shape, 0.0)
    child_shape = child_shape / child_shape.sum()
    base = inputs.base_shape * (1 + kappa * inputs.hump)
    old = ages >= 60
    base = base * np.where(old, np.exp(gamma * (ages - 60)), 1.0)
    out = np.zeros((len(inputs.codes), 2, N_COHORTS))
    age_of_cohort = AGE_END
    for d in range(len(inputs.codes)):
        young_target = inputs.n_district[d] - inputs.aged_60[d] - kids[d] - children[d]
        ratio_target = young_target / inputs.aged_60[d]

        def ratio(beta: float, target: float = ratio_target) -> float:
            shape = base * np.exp(beta * (np.maximum(ages, TILT_FROM) - 60))
            return float(shape[grown & ~old].sum() / shape[old].sum()) - target

        beta = brentq(ratio, -0.2, 0.2, xtol=1e-12)
        shape = base * np.exp(beta * (np.maximum(ages, TILT_FROM) - 60))
        shape = np.where(grown, shape, 0.0)
        scaled = np.where(
            old, shape * inputs.aged_60[d] / shape[old].sum(), shape * young_target / shape[grown & ~old].sum()
        )
        scaled = scaled + children[d] * child_shape
        by_sex = scaled[None, :] * inputs.sex_split
        out[d] = by_sex[:, age_of_cohort]
    return out


def account(inputs: _Inputs, levels: Array, gamma: float, kappa: float, inflow: Array) -> Accounting:
    """The registered accounting for given hazard levels (by year), old-age tilt, hump and in-migration totals."""
    n_d = len(inputs.codes)
    p = np.zeros((2, N_COHORTS, N_YEARS))
    for t, year in enumerate(YEARS):
        for s in range(2):
            probability = year_death_probability(inputs.siler(float(levels[t]), s), MAX_AGE + 1)
            ages = year - COHORTS
            valid = ages >= 0
            p[s, valid, t] = probability[ages[valid]]
    o = np.zeros((N_COHORTS, N_YEARS))
    for t, year in enumerate(YEARS):
        ages_start = year - COHORTS - 1
        valid = ages_start >= 0
        o[valid, t] = inputs.out_by_age[ages_start[valid]]
    stay = (1 - p) * (1 - o[None, :, :])  # (sex, cohort, year)
    # Survival products for solving the baseline backwards: after[..., t] = product of stay over years t..4.
    after = np.ones((2, N_COHORTS, N_YEARS + 1))
    for t in range(N_YEARS - 1, -1, -1):
        after[:, :, t] = after[:, :, t + 1] * stay[:, :, t]
    # Age at arrival follows the migration schedule (zero past 75); who arrives resembles the population the
    # district ends with at that age, so that districts with few young people also receive few young in-migrants.
    schedule = np.zeros((N_COHORTS, N_YEARS))
    for t, year in enumerate(YEARS):
        ages_start = year - COHORTS - 1
        valid = (ages_start >= 0) & (ages_start <= 75)
        schedule[valid, t] = inputs.in_profile[ages_start[valid]]

    kids = inputs.n_district * 0.05
    births = np.zeros((n_d, 2, N_YEARS))
    for t in range(N_YEARS):
        births[:, 0, t] = inputs.births_city[t] * inputs.in_district_share * inputs.boy_share
        births[:, 1, t] = inputs.births_city[t] * inputs.in_district_share * (1 - inputs.boy_share)
    lines = np.zeros((n_d, 2, N_COHORTS, N_ENTRIES, N_EXITS))
    for _ in range(30):
        end_adults = _solve_young_old(inputs, gamma, kappa, kids)
        resemble = end_adults.copy()
        for t in range(N_YEARS):
            resemble[:, :, _cohort_index(YEARS[t])] = births[:, :, t]
        arrivals = np.zeros((n_d, 2, N_COHORTS, N_YEARS))
        for t in range(N_YEARS):
            weight = resemble * schedule[None, None, :, t]
            arrivals[:, :, :, t] = inflow[t] * weight / weight.sum()
        in_survivors = np.zeros((n_d, 2, N_COHORTS))
        for t in range(N_YEARS):
            in_survivors += arrivals[:, :, :, t] * after[None, :, :, t + 1]
        baseline = np.zeros((n_d, 2, N_COHORTS))
        adults = COHORTS <= 2015
        baseline[:, :, adults] = (end_adults[:, :, adults] - in_survivors[:, :, adults]) / after[None, :, adults, 0]
        if baseline.min() < -1e-6:
            raise RuntimeError("in-migration exceeds the survivors of some cohort; the baseline would be negative")
        baseline = np.maximum(baseline, 0.0)
        lines = np.zeros((n_d, 2, N_COHORTS, N_ENTRIES, N_EXITS))
        _follow(baseline, 0, p, o, ENTRY_BASELINE, lines)
        for t in range(N_YEARS):
            _follow(arrivals[:, :, :, t], t + 1, p, o, ENTRY_IN + t, lines)
        # Women exposure of the adult life lines sets the districts' shares of each year's births.
        exposure = np.einsum("dscex,ext->dsct", lines, inputs.presence)
        women = np.stack([_age_split(exposure[:, 1, :, t], t) for t in range(N_YEARS)], axis=-1)
        weight = np.einsum("dat,a->dt", women, inputs.fertility)
        for t in range(N_YEARS):
            district_births = inputs.births_city[t] * weight[:, t] / weight[:, t].sum()
            births[:, 0, t] = district_births * inputs.boy_share
            births[:, 1, t] = district_births * (1 - inputs.boy_share)
            start = np.zeros((n_d, 2, N_COHORTS))
            start[:, :, _cohort_index(YEARS[t])] = births[:, :, t]
            _follow(start, t, p, o, ENTRY_BIRTH, lines)
        new_kids = lines[:, :, COHORTS >= 2016][..., EXIT_STAY].sum(axis=(1, 2, 3))
        converged = np.max(np.abs(new_kids - kids)) < 1e-7
        kids = new_kids
        if converged:
            break
    else:
        raise RuntimeError("the young-age structure did not converge")

    presence = np.zeros((N_COHORTS, N_ENTRIES, N_EXITS, N_YEARS))
    at_end = np.zeros((N_COHORTS, N_ENTRIES, N_EXITS, N_YEARS))
    presence[:] = inputs.presence[None]
    at_end[:] = inputs.at_end[None]
    for c_index, cohort in enumerate(COHORTS):
        if cohort >= 2016:
            for exit_ in range(N_EXITS):
                for t in range(N_YEARS):
                    presence[c_index, ENTRY_BIRTH, exit_, t], at_end[c_index, ENTRY_BIRTH, exit_, t] = _birth_presence(
                        exit_, int(cohort) - 2016, t
                    )
    exposure = np.einsum("dscex,cext->dsct", lines, presence)
    exposure_by_age = np.stack([_age_split(exposure.sum(axis=0)[:, :, t], t) for t in range(N_YEARS)], axis=-1)
    women = np.stack([_age_split(exposure[:, 1, :, t], t) for t in range(N_YEARS)], axis=-1)
    deaths = lines[:, :, :, :, EXIT_DEATH : EXIT_DEATH + N_YEARS].sum(axis=(0, 3))  # (sex, cohort, year)
    deaths_by_age = np.stack([_age_split(deaths[:, :, t], t) for t in range(N_YEARS)], axis=-1)
    year_end = np.concatenate([[lines[:, :, :, ENTRY_BASELINE, :].sum()], np.einsum("dscex,cext->t", lines, at_end)])
    by_cohort = np.concatenate(
        [lines[:, :, :, ENTRY_BASELINE, :].sum(axis=(0, 3))[None], np.einsum("dscex,cext->tsc", lines, at_end)]
    )  # (year end, sex, cohort)
    year_end_by_age = np.zeros((N_YEARS + 1, 2, MAX_AGE + 1))
    for index, year in enumerate((2015, *YEARS)):
        ages = year - COHORTS
        alive = ages >= 0
        year_end_by_age[index][:, ages[alive]] = by_cohort[index][:, alive]
    return Accounting(lines, births, deaths_by_age, exposure_by_age, women, year_end, year_end_by_age, p, o)


def _life_expectancy(acc: Accounting, t: int) -> float:
    """Life expectancy at birth of year t from the register's deaths and person-years, single years, open 100+.

    Single years rather than the abridged 0, 1-4, ..., 85+ table: with an open interval at 85 the table assumes a
    stationary population above 85, and this city's oldest are younger than that (few of the 1920s cohorts), which
    would add about a year to e0 at the same mortality.
    """
    deaths = acc.deaths_by_age[:, :, t].sum(axis=0)
    exposure = acc.exposure_by_age[:, :, t].sum(axis=0)
    return life_expectancy(rates_from(deaths, exposure), "T")


def _tfr(acc: Accounting, fertility: Array, t: int) -> float:
    """Total fertility of year t as ``renkou stats`` computes it: five-year groups 15-49, births over the mean of the
    women at the two year ends. Births fall on the mothers' ages in proportion to fertility x woman-years, as the
    generator allocates them.
    """
    woman_years = acc.women_exposure[:, :, t].sum(axis=0)
    births = acc.births[:, :, t].sum() * fertility * woman_years / float((fertility * woman_years).sum())
    women = (acc.year_end_by_age[t][1] + acc.year_end_by_age[t + 1][1]) / 2
    total = 0.0
    for low in range(FERTILE_AGES[0], FERTILE_AGES[1], 5):
        total += 5 * births[low : low + 5].sum() / women[low : low + 5].sum()
    return total


def _residuals(inputs: _Inputs, x: Array) -> Array:
    levels = np.exp(x[:N_YEARS])
    gamma, kappa = float(x[N_YEARS]), float(x[N_YEARS + 1])
    inflow = x[N_YEARS + 2 :] * 1e5
    acc = account(inputs, levels, gamma, kappa, inflow)
    e0 = np.array([_life_expectancy(acc, t) for t in range(N_YEARS)]) - inputs.e0_targets
    mean_2020 = (acc.year_end[-2] + acc.year_end[-1]) / 2
    cdr = acc.deaths_by_age[:, :, -1].sum() / mean_2020 * 1000 - inputs.cdr_2020
    tfr = _tfr(acc, inputs.fertility, N_YEARS - 1) - inputs.tfr_2020
    totals = (acc.year_end[:-1] - inputs.year_targets[:-1]) / 1e4
    return np.concatenate([e0, [cdr, tfr * 10], totals])


TOLERANCE = 1e-6  # years of e0, per mille of CDR, TFR x 10, tens of thousands of persons


def solve_registered(inputs: _Inputs, start: Array | None = None) -> tuple[Accounting, Array, Array]:
    """Solve hazard levels, tilts and in-migration so that the accounting meets the published figures.

    Unknowns: log senescent level per year, gamma, kappa, in-migration per year (in 1e5). Returns the accounting,
    the levels and the solution vector (which can be given back as ``start`` to skip the search).
    """
    if start is None or np.max(np.abs(_residuals(inputs, start))) > TOLERANCE:
        first = (
            start
            if start is not None
            else np.concatenate([np.log(np.full(N_YEARS, 2.0e-5)), [-0.02, 0.0], np.full(N_YEARS, 1.5)])
        )
        result = root(lambda x: _residuals(inputs, x), first, method="hybr", options={"xtol": 1e-12})
        worst = float(np.max(np.abs(_residuals(inputs, result.x))))
        if worst > TOLERANCE:
            raise RuntimeError(f"the synthetic city's calibration did not converge (largest residual {worst:.3g})")
        start = result.x
    x = start
    levels = np.exp(x[:N_YEARS])
    acc = account(inputs, levels, float(x[N_YEARS]), float(x[N_YEARS + 1]), x[N_YEARS + 2 :] * 1e5)
    return acc, levels, x


def _group_weights(weights: list[float], ages: NDArray[np.int64]) -> Array:
    """Weight by age group 0-17, 18-24, 25-34, 35-44, 45-59, 60+ at each age."""
    bounds = np.array([18, 25, 35, 45, 60])
    return np.asarray(weights, dtype=np.float64)[np.searchsorted(bounds, ages, side="right")]


def _arrival_probabilities(targets: CityTargets) -> Array:
    """(cohort, arrival class): arrival shares, restricted to classes after the birth year and renormalised."""
    shares = np.array(list(targets.assumptions.floating.arrival_share.values()))
    out = np.zeros((N_COHORTS, N_ARRIVALS))
    for index, cohort in enumerate(COHORTS):
        allowed = np.ones(N_ARRIVALS, dtype=bool)
        if cohort >= 2016:
            allowed[: 1 + (cohort - 2016)] = False  # nothing before the birth year
        weights = np.where(allowed, shares, 0.0)
        out[index] = weights / weights.sum()
    return out


RESIDENT_CLASSES = np.array([True, True, True, True, True, True, False])  # arrived by 2020-06-30


def _floating_shape(targets: CityTargets, x60: float, x65: float, under_60: float, children: float = 1.0) -> Array:
    """(sex, cohort) floating residents at the end of 2020 with totals under 60, 60-64 and 65+ as given.

    ``children`` multiplies the assumed shape at ages 0-14 (before it is scaled to ``under_60``).
    """
    floating = targets.assumptions.floating
    ages = AGE_END
    young = single_years(floating.age_shape_5y_under_60, last_width=5)  # ages 0..59
    young[:15] *= children
    by_age = np.zeros(N_COHORTS)
    under = ages < 60
    by_age[under] = young[ages[under]] / young.sum() * under_60
    band = (ages >= 60) & (ages < 65)
    by_age[band] = x60 / band.sum()
    old = ages >= 65
    decline = np.exp(-0.12 * (ages[old] - 65))
    by_age[old] = x65 * decline / decline.sum()
    ratio = np.where(ages < 60, floating.sex_ratio / 100, 0.95)
    return np.stack([by_age * ratio / (1 + ratio), by_age / (1 + ratio)])


def _logistic(x: Array) -> Array:
    return 1 / (1 + np.exp(-x))


def build_plan(targets: CityTargets, start: Array | None = None) -> tuple[CityPlan, Array]:
    """The full plan of a synthetic city (scale 1) and the registered solution vector (for reuse as ``start``)."""
    inputs = _Inputs(targets)
    pub, assume = targets.published, targets.assumptions
    acc, levels, solution = solve_registered(inputs, start)
    n_d = len(inputs.codes)
    ages = AGE_END
    end = acc.lines[..., EXIT_STAY].sum(axis=3)  # registered at the end of 2020 (district, sex, cohort)
    baseline_stayers = acc.lines[:, :, :, ENTRY_BASELINE, EXIT_STAY]
    away_weight = baseline_stayers * _group_weights(assume.away.age_weights, ages)[None, None, :]
    arrival = _arrival_probabilities(targets)
    born_here = assume.floating.born_here_share
    # Share of each cohort's floating residents who arrived (or were born) by 2020-06-30: as the table below is
    # built, children born here in 2016-2019 all count, those born in 2020 half (the first half-year).
    resident_fraction = (arrival * RESIDENT_CLASSES[None, :]).sum(axis=1)
    for index in np.nonzero(COHORTS >= 2016)[0]:
        born_share = 1.0 if COHORTS[index] < 2020 else 0.5
        resident_fraction[index] = born_here * born_share + (1 - born_here) * resident_fraction[index]
    resident = float(pub.resident_2020)
    total_floating = float(pub.floating_2020)
    group_of = np.array([d.group for d in pub.districts])

    # Fixed point: the floating age shape (its 60+ solved from the census shares) sets the share of floating who
    # are resident, which sets how many registered must be away, which sets the registered residents' ages.
    # The floating children's level (a factor on the assumed shape at 0-14) is solved the same way from the
    # census 0-14 share (1 - the published 15-59 and 60+ shares).
    x60, x65, children = 0.03 * total_floating, 0.02 * total_floating, 1.0
    share_0_14 = 1 - pub.resident_share_15_59 - pub.resident_share_60_plus
    away = np.zeros_like(end)
    shape = _floating_shape(targets, x60, x65, total_floating - x60 - x65, children)
    for _ in range(200):
        shape = _floating_shape(targets, x60, x65, total_floating - x60 - x65, children)
        resident_floating = float((shape * resident_fraction[None, :]).sum())
        away_total = float(pub.registered_by_year[2020]) - resident + resident_floating
        away = away_weight * away_total / away_weight.sum()
        if np.any(away > baseline_stayers):
            raise RuntimeError("more registered persons would live away than there are in some cohort")
        living = end - away
        old_fraction = resident_fraction[ages >= 65].mean()
        new_x65 = (pub.resident_share_65_plus * resident - living[:, :, ages >= 65].sum()) / old_fraction
        new_x60 = (pub.resident_share_60_plus * resident - living[:, :, ages >= 60].sum()) / old_fraction - new_x65
        young = ages <= 14
        need_children = share_0_14 * resident - living[:, :, young].sum()
        have_children = float((shape * resident_fraction[None, :])[:, young].sum())
        new_children = children * need_children / have_children
        if min(new_x60, new_x65, new_children) < 0:
            raise RuntimeError("the census age shares leave no room for floating residents of some ages")
        if abs(new_x60 - x60) + abs(new_x65 - x65) < 1e-6 and abs(new_children - children) < 1e-12:
            break
        x60, x65, children = new_x60, new_x65, new_children
    else:
        raise RuntimeError("the floating age structure did not converge")
    living = end - away

    # Floating residents by district: each area's resident share (published) minus its registered residents,
    # shared within the area in proportion to registered residents.
    living_d = living.sum(axis=(1, 2))
    floating_resident_d = np.zeros(n_d)
    for group, share in pub.resident_share_by_group.items():
        members = group_of == group
        need = share * resident - living_d[members].sum()
        if need <= 0:
            raise RuntimeError(f"area {group}: registered residents exceed its published resident share")
        floating_resident_d[members] = need * living_d[members] / living_d[members].sum()
    share_d = floating_resident_d / floating_resident_d.sum()

    floating = np.zeros((n_d, 2, N_COHORTS, N_ARRIVALS, N_FLOAT_KINDS))
    stock = share_d[:, None, None] * shape[None, :, :]  # (district, sex, cohort)
    kids = COHORTS >= 2016
    for index in np.nonzero(kids)[0]:
        cohort = int(COHORTS[index])
        born_class = [1 + cohort - 2016] if cohort < 2020 else [5, 6]
        for klass in born_class:
            floating[:, :, index, klass, FLOAT_BORN] = stock[:, :, index] * born_here / len(born_class)
    movers = np.where(kids, 1 - born_here, 1.0)
    floating[..., FLOAT_STAY] = (stock * movers[None, None, :])[..., None] * arrival[None, None, :, :]

    # Deaths among floating residents (arrived before 2016; a small number) and departures.
    p = acc.p_death
    for t in range(N_YEARS):
        floating[:, :, :, 0, FLOAT_DIED + t] = floating[:, :, :, 0, FLOAT_STAY] * p[None, :, :, t]
    pre_stayers = floating[:, :, :, 0, FLOAT_STAY]
    pre_leavers = pub.floating_2015 - pre_stayers.sum() - floating[:, :, :, 0, FLOAT_DIED:].sum()
    if pre_leavers < 0:
        raise RuntimeError("more floating residents arrived before 2016 and stayed than were there in 2015")
    for t in range(N_YEARS):
        floating[:, :, :, 0, FLOAT_LEFT + t] = pre_stayers / pre_stayers.sum() * pre_leavers / N_YEARS
    ratio = assume.floating.leavers_per_stayer_2016_2020
    for klass in range(1, 6):
        year_index = min(klass - 1, N_YEARS - 1)
        stayers = floating[:, :, :, klass, FLOAT_STAY] + floating[:, :, :, klass, FLOAT_BORN]
        leave_years = range(year_index, N_YEARS)
        for t in leave_years:
            floating[:, :, :, klass, FLOAT_LEFT + t] = stayers * ratio / len(leave_years)

    # Urban shares: one logit shift for all districts meets the published resident urbanization.
    base = np.array([assume.urbanization.base_urban_share[code] for code in inputs.codes])
    logit = np.log(base / (1 - base))
    bonus = assume.urbanization.floating_logit_bonus
    floating_living = floating_resident_d

    def urbanization(shift: float) -> float:
        urban = living_d * _logistic(logit + shift) + floating_living * _logistic(logit + bonus + shift)
        return float(urban.sum() / resident) - pub.resident_urbanization_2020

    shift = brentq(urbanization, -10, 10, xtol=1e-12)
    tfr = np.array([_tfr(acc, inputs.fertility, t) for t in range(N_YEARS)])
    solved = {
        "gamma": float(solution[N_YEARS]),
        "kappa": float(solution[N_YEARS + 1]),
        "away": float(away.sum()),
        "floating_60_64": float(x60),
        "floating_65_plus": float(x65),
        "floating_children_factor": float(children),
        "urban_logit_shift": float(shift),
        **{f"senescent_level_{y}": float(levels[i]) for i, y in enumerate(YEARS)},
        **{f"hukou_in_{y}": float(solution[N_YEARS + 2 + i] * 1e5) for i, y in enumerate(YEARS)},
    }
    plan = CityPlan(
        targets=targets,
        district_codes=inputs.codes,
        registered=acc,
        fertility=inputs.fertility,
        tfr=tfr,
        siler=[[inputs.siler(float(levels[t]), s) for s in range(2)] for t in range(N_YEARS)],
        away=away,
        floating=floating,
        urban_share_registered=_logistic(logit + shift),
        urban_share_floating=_logistic(logit + bonus + shift),
        solved=solved,
    )
    return plan, solution
