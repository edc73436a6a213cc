"""Registered persons (户籍人口) of one chunk of a district: life lines drawn from the plan, then their events.

A chunk holds 1/K of every cell (sex x birth year x entry kind x exit kind) of the district's plan, rounded
systematically, so chunks are small cities of their own: households are formed, spouses matched, births given
mothers and fathers inside the chunk. Output: one Arrow table per (feed, event type) in the feed's layout.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from renkou.synth import attributes as attr
from renkou.synth.context import BASE_DAY, END_DAY, NEVER, Context
from renkou.synth.dates import birthday_in, completed_age, day, uniform_between, year_length, year_start
from renkou.synth.events import Coded, Dates, block, region_text, sex_coded
from renkou.synth.geography import issuing_division
from renkou.synth.households import CHILD, GRANDCHILD, HEAD, RELATIONS, SPOUSE, form_households
from renkou.synth.names import draw_surnames
from renkou.synth.plan import (
    COHORTS,
    ENTRY_BASELINE,
    ENTRY_BIRTH,
    ENTRY_IN,
    EXIT_DEATH,
    EXIT_OUT,
    EXIT_STAY,
    N_COHORTS,
)
from renkou.synth.rounding import pick_per_group, systematic_round
from renkou.synth.targets import YEARS

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

MARRIAGE_RATE = 0.005  # couples marrying per registered resident per year (China's crude rate is about 6-7 per mille)
DIVORCE_RATE = 0.0025  # couples divorcing per registered resident per year
MARRIED_MOTHER_WEIGHT = 4.0  # births favour married women, at the same age
URBAN_CODES = ("111", "112", "121", "122")
RURAL_CODES = ("210", "220")
URBAN_RURAL = URBAN_CODES + RURAL_CODES


def urban_rural_codes(urban: BoolArray, core: bool, rng: np.random.Generator) -> IntArray:
    """Urban-rural code indices (into :data:`URBAN_RURAL`): core districts mostly 111, others towns."""
    urban_share = [0.85, 0.1, 0.04, 0.01] if core else [0.35, 0.15, 0.4, 0.1]
    urban_pick = attr.draw_same(urban_share, len(urban), rng)
    rural_pick = len(URBAN_CODES) + attr.draw_same([0.3, 0.7], len(urban), rng)
    return np.where(urban, urban_pick, rural_pick)


def exact_flags(groups: IntArray, expected_share: NDArray[np.float64], rng: np.random.Generator) -> BoolArray:
    """Flags with exactly round(size x share) per group (systematic rounding across groups)."""
    sizes = np.bincount(groups, minlength=len(expected_share))
    wanted = systematic_round(sizes * expected_share, rng)
    return pick_per_group(groups, wanted, rng)


class RegisteredChunk:
    """The persons of one chunk and their state; :meth:`tables` renders their events."""

    def __init__(self, ctx: Context, district: int, chunk: int, n_chunks: int) -> None:
        self.ctx = ctx
        self.rng = ctx.rng(1, district, chunk)
        self.code = ctx.plan.district_codes[district]
        self.core = ctx.plan.targets.published.districts[district].group == "core"
        self.district = district
        self.chunk = chunk
        self._draw_lines(n_chunks)
        self._dates()
        self._attributes()
        self._households()
        self._away_and_transfers()
        self._family_years()
        self._finish_identity()

    # -- life lines ------------------------------------------------------------------------------------------
    def _draw_lines(self, n_chunks: int) -> None:
        plan, rng = self.ctx.plan, self.rng
        lines = plan.registered.lines[self.district]  # (sex, cohort, entry, exit)
        # Exit-major order keeps every year's deaths (and the stayers) contiguous, so their totals round exactly.
        expected = lines.transpose(3, 2, 0, 1) * self.ctx.scale / n_chunks
        counts = systematic_round(expected, rng)
        cell = np.repeat(np.arange(counts.size), counts.ravel())
        exit_, entry, sex, cohort_index = np.unravel_index(cell, counts.shape)
        self.n = len(cell)
        self.male = sex == 0
        self.sex = sex
        self.cohort_index = cohort_index
        self.cohort = COHORTS[cohort_index]
        self.entry = entry
        self.exit = exit_
        self.baseline = entry == ENTRY_BASELINE
        self.incoming = (entry >= ENTRY_IN) & (entry < ENTRY_BIRTH)
        self.born = entry == ENTRY_BIRTH
        self.dies = (exit_ >= EXIT_DEATH) & (exit_ < EXIT_OUT)
        self.leaves = exit_ >= EXIT_OUT
        self.stays = exit_ == EXIT_STAY
        self.exit_year = np.where(self.dies, 2015 + exit_ - EXIT_DEATH + 1, 2015 + exit_ - EXIT_OUT + 1)
        self.entry_year = np.where(
            self.baseline, 2015, np.where(self.incoming, 2015 + entry - ENTRY_IN + 1, self.cohort)
        )

    def _dates(self) -> None:
        rng, n = self.rng, self.n
        self.birth = year_start(self.cohort) + np.floor(rng.random(n) * year_length(self.cohort)).astype(np.int64)
        self.entry_day = np.full(n, BASE_DAY, dtype=np.int64)
        inc = self.incoming
        first = np.maximum(year_start(self.entry_year[inc]), self.birth[inc] + 1)
        self.entry_day[inc] = uniform_between(first, year_start(self.entry_year[inc] + 1) - 1, rng)
        self.exit_day = np.full(n, NEVER, dtype=np.int64)
        self._exit_days(~self.stays & ~self.born)

    def _exit_days(self, who: BoolArray) -> None:
        first = np.maximum(year_start(self.exit_year[who]), self.entry_day[who] + 1)
        last = year_start(self.exit_year[who] + 1) - 1
        self.exit_day[who] = uniform_between(np.minimum(first, last), last, self.rng)

    # -- attributes ------------------------------------------------------------------------------------------
    def _attributes(self) -> None:
        rng, n = self.rng, self.n
        self.reference_day = np.where(self.born, self.birth, self.entry_day)
        age = completed_age(self.birth, self.reference_day)
        age = np.where(self.born, 0, age)
        self.final_education = attr.final_education(self.cohort, rng)
        self.education = attr.education_at(self.final_education, age)
        self.marital = attr.marital_status(age, self.male, rng)
        self.marital_at_reference = self.marital.copy()
        self.employment = attr.employment_status(age, self.male, self.final_education, rng)
        self.insurance = attr.insurance_status(self.employment, age, rng)
        self.housing = np.where(age >= 18, attr.housing_status(n, False, rng), -1)
        self.ethnicity = attr.ethnicity(n, np.zeros(n, dtype=bool), rng)
        self.surname = draw_surnames(n, rng)
        self.age_at_reference = age

    def _households(self) -> None:
        rng, n = self.rng, self.n
        self.household = np.full(n, -1, dtype=np.int64)
        self.relation = np.full(n, HEAD, dtype=np.int64)
        self.partner = np.full(n, -1, dtype=np.int64)
        offset = 0
        for members in (np.nonzero(self.baseline)[0], np.nonzero(self.incoming)[0]):
            if len(members) == 0:
                continue
            years = (self.reference_day[members] - self.birth[members]) / 365.25
            status = self.marital[members]
            found = form_households(years, self.male[members], status == 1, status == 3, status == 0, rng)
            self.household[members] = found.household + offset
            self.relation[members] = found.relation
            self.partner[members] = np.where(found.partner >= 0, members[np.maximum(found.partner, 0)], -1)
            # Children carry the surname of the couple's husband.
            head = members[found.head]
            husband = np.where(self.male[head], head, self.partner[head])
            child = (found.relation == CHILD) & (husband >= 0)
            self.surname[members[child]] = self.surname[husband[child]]
            offset += found.count
        self.n_households = offset
        self.married_on = np.where(self.partner >= 0, BASE_DAY - 1, NEVER)
        self.divorced_on = np.full(n, NEVER, dtype=np.int64)

    def _away_and_transfers(self) -> None:
        rng, plan = self.rng, self.ctx.plan
        lines = plan.registered.lines[self.district]
        stayers_expected = lines[:, :, ENTRY_BASELINE, EXIT_STAY]
        ratio = np.divide(
            plan.away[self.district], stayers_expected, out=np.zeros_like(stayers_expected), where=stayers_expected > 0
        ).ravel()
        group = self.sex * N_COHORTS + self.cohort_index
        self.away = np.zeros(self.n, dtype=bool)
        stayer = self.baseline & self.stays
        self.away[stayer] = exact_flags(group[stayer], ratio, rng)
        other = self.baseline & ~self.stays
        self.away[other] = rng.random(int(other.sum())) < ratio[group[other]]
        away_regions = self.ctx.away_regions
        self.away_region = away_regions[rng.integers(0, len(away_regions), self.n)]
        # Hukou moved between districts during 2016-2020 (those who stayed, living in the city).
        share = plan.targets.assumptions.migration.transfer_share
        self.transferred = self.baseline & self.stays & ~self.away & (rng.random(self.n) < share)
        codes = np.array([int(c) for c in plan.district_codes])
        others = codes[codes != int(self.code)]
        self.previous_district = np.where(
            self.transferred, others[rng.integers(0, len(others), self.n)], int(self.code)
        )
        self.transfer_day = uniform_between(np.full(self.n, day(2016, 1, 1)), np.full(self.n, END_DAY), rng)

    # -- marriages, divorces, births -------------------------------------------------------------------------
    def _family_years(self) -> None:
        self.mother = np.full(self.n, -1, dtype=np.int64)
        self.father = np.full(self.n, -1, dtype=np.int64)
        self.marriages: list[tuple[IntArray, IntArray, IntArray]] = []
        self.divorces: list[tuple[IntArray, IntArray, IntArray]] = []
        for year in YEARS:
            self._marry(year)
            self._divorce(year)
            self._births(year)

    def _present_all_year(self, year: int) -> BoolArray:
        return (self.entry_day < day(year, 1, 1)) & (self.exit_day > day(year, 12, 31)) & ~self.away & ~self.born

    def _marry(self, year: int) -> None:
        rng = self.rng
        present = self._present_all_year(year)
        age = year - self.cohort
        men = np.nonzero(present & self.male & (self.marital == 0) & (age >= 22) & (age <= 45))[0]
        women = np.nonzero(present & ~self.male & (self.marital == 0) & (age >= 20) & (age <= 42))[0]
        wanted = int(systematic_round(np.array([present.sum() * MARRIAGE_RATE]), rng)[0])
        pairs = min(wanted, len(men), len(women))
        if pairs == 0:
            return
        zero_m = np.zeros(len(men), dtype=np.int64)
        zero_w = np.zeros(len(women), dtype=np.int64)
        weight_m = np.exp(-(((age[men] - 29) / 5.0) ** 2))
        weight_w = np.exp(-(((age[women] - 27) / 5.0) ** 2))
        men = men[pick_per_group(zero_m, np.array([pairs]), rng, weight_m)]
        women = women[pick_per_group(zero_w, np.array([pairs]), rng, weight_w)]
        men = men[np.argsort(self.birth[men], kind="stable")]
        women = women[np.argsort(self.birth[women], kind="stable")]
        when = uniform_between(np.full(pairs, day(year, 1, 1)), np.full(pairs, day(year, 12, 31)), rng)
        self.partner[men], self.partner[women] = women, men
        self.married_on[men] = self.married_on[women] = when
        self.marital[men] = self.marital[women] = 1
        self.marriages.append((men, women, when))

    def _divorce(self, year: int) -> None:
        rng = self.rng
        present = self._present_all_year(year)
        husbands = np.nonzero(
            present & self.male & (self.marital == 1) & (self.partner >= 0) & (self.married_on < day(year, 1, 1))
        )[0]
        husbands = husbands[present[self.partner[husbands]]]
        wanted = int(systematic_round(np.array([present.sum() * DIVORCE_RATE]), rng)[0])
        count = min(wanted, len(husbands))
        if count == 0:
            return
        husbands = rng.choice(husbands, size=count, replace=False)
        wives = self.partner[husbands]
        when = uniform_between(np.full(count, day(year, 1, 1)), np.full(count, day(year, 12, 31)), rng)
        self.divorced_on[husbands] = self.divorced_on[wives] = when
        self.marital[husbands] = self.marital[wives] = 2
        self.divorces.append((husbands, wives, when))

    def _births(self, year: int) -> None:
        rng, plan = self.rng, self.ctx.plan
        children = np.nonzero(self.born & (self.cohort == year))[0]
        if len(children) == 0:
            return
        jan1, next_jan1 = day(year, 1, 1), day(year + 1, 1, 1)
        # All registered women count for the allocation of births by age (the register's fertility rates divide by
        # them), but only those living in the city become mothers.
        women = np.nonzero(~self.male & ~self.born & (self.entry_day < next_jan1) & (self.exit_day >= jan1))[0]
        start = np.maximum(np.where(self.baseline[women], jan1, self.entry_day[women] + 1), jan1)
        end = np.minimum(self.exit_day[women], next_jan1)
        birthday = birthday_in(self.birth[women], np.full(len(women), year))
        before = year - self.cohort[women] - 1
        # Two parts per woman: before and after her birthday this year, each at its own completed age.
        who = np.concatenate([women, women])
        low = np.concatenate([start, np.maximum(start, birthday)])
        high = np.concatenate([np.minimum(end, birthday), end])
        age = np.concatenate([before, before + 1])
        fertile = (high > low) & (plan.fertility[np.clip(age, 0, len(plan.fertility) - 1)] > 0) & (age >= 0)
        who, low, high, age = who[fertile], low[fertile], high[fertile], age[fertile]
        exposure = (high - low).astype(np.float64)
        by_age = np.bincount(age, weights=exposure, minlength=len(plan.fertility))
        weight = plan.fertility[: len(by_age)] * by_age
        if weight.sum() <= 0:
            raise RuntimeError(f"no woman of childbearing age in chunk {self.chunk} of district {self.code}")
        wanted = systematic_round(len(children) * weight / weight.sum(), rng)
        married = (self.marital[who] == 1).astype(np.float64)
        weight = exposure * (1 + (MARRIED_MOTHER_WEIGHT - 1) * married) * ~self.away[who]
        chosen = pick_per_group(age, wanted, rng, weight)
        picked = np.nonzero(chosen)[0]
        if len(picked) < len(children):  # too few women at some age (tiny chunks only): take any others
            rest = np.nonzero(~chosen & ~self.away[who])[0]
            picked = np.concatenate([picked, rng.choice(rest, len(children) - len(picked), replace=False)])
        picked = rng.permutation(picked)[: len(children)]
        mothers = who[picked]
        when = uniform_between(low[picked], high[picked] - 1, rng)
        self.birth[children] = when
        self.entry_day[children] = when
        self.reference_day[children] = when
        self.mother[children] = mothers
        partner = self.partner[mothers]
        wed = (partner >= 0) & (self.married_on[mothers] <= when) & (self.divorced_on[mothers] > when)
        self.father[children] = np.where(wed, partner, -1)
        dying = ~self.stays[children]
        self._exit_days(np.isin(np.arange(self.n), children[dying]))
        # The child joins the mother's household and takes the father's surname (the mother's if unknown).
        self.household[children] = self.household[mothers]
        self.relation[children] = np.where(np.isin(self.relation[mothers], (HEAD, SPOUSE)), CHILD, GRANDCHILD)
        self.surname[children] = np.where(wed, self.surname[np.maximum(partner, 0)], self.surname[mothers])
        self.ethnicity[children] = self.ethnicity[mothers]

    # -- identity ----------------------------------------------------------------------------------------------
    def _finish_identity(self) -> None:
        rng, ctx = self.rng, self.ctx
        migration = ctx.plan.targets.assumptions.migration
        born_here = np.where(self.baseline, rng.random(self.n) < migration.born_in_city, self.born)
        origin = ctx.origins.sample(self.n, rng)
        birth_year = self.cohort
        division = origin.copy()
        for code in np.unique(self.previous_district):
            here = born_here & (self.previous_district == code)
            division[here] = issuing_division(str(code), birth_year[here])
        self.division = division
        self.id_number = ctx.ids(division, self.birth, self.male)
        self.name = ctx.names(self.male, rng, self.surname)
        # Urban residence: exact share among those living in the city at the end, drawn for everyone else.
        plan = ctx.plan
        share = float(plan.urban_share_registered[self.district])
        resident = self.stays & ~self.away
        urban = rng.random(self.n) < share
        urban[resident] = exact_flags(np.zeros(int(resident.sum()), dtype=np.int64), np.array([share]), rng)
        self.urban = urban
        self.urban_rural = urban_rural_codes(urban, self.core, rng)
        self.destination = ctx.origins.sample(self.n, rng)

    # -- event rows --------------------------------------------------------------------------------------------
    def _household_ids(self, who: IntArray) -> pa.Array:
        number = pc.utf8_lpad(pc.cast(pa.array(self.household[who]), pa.string()), width=7, padding="0")
        prefix = pa.array([f"{self.code}{self.chunk:04d}"], pa.string()).take(pa.array(np.zeros(len(who), np.int32)))
        return pc.binary_join_element_wise(prefix, number, "")

    def tables(self) -> list[tuple[str, pa.Table]]:
        """Every event of the chunk's persons, as (feed, table) pairs."""
        out: list[tuple[str, pa.Table]] = []
        out += self._hukou()
        out += self._health()
        out += self._residence()
        out += self._civil()
        out += self._hrss_and_housing()
        return out

    def _person(self, who: IntArray) -> pa.Array:
        return self.id_number.take(pa.array(who))

    def _hukou(self) -> list[tuple[str, pa.Table]]:
        out = []
        ids = self.id_number
        # The baseline is an extract of the household register: households together, the head first.
        b = np.nonzero(self.baseline)[0]
        b = b[np.lexsort((self.relation[b], self.household[b]))]
        living_region = np.where(self.away[b], self.away_region[b], self.previous_district[b])
        since = np.maximum(self.birth[b], BASE_DAY - np.floor(self.rng.exponential(3650, len(b))).astype(np.int64))
        out.append(
            (
                "hukou",
                block(
                    "hukou",
                    "baseline",
                    ids.take(pa.array(b)),
                    np.full(len(b), BASE_DAY),
                    name=self.name.take(pa.array(b)),
                    sex=sex_coded(self.male[b]),
                    birth_date=Dates(self.birth[b]),
                    ethnicity=pa.array(np.array(attr.ETHNICITY)[self.ethnicity[b]]),
                    hukou_region=region_text(self.previous_district[b]),
                    residence_region=region_text(living_region),
                    urban_rural=Coded(self.urban_rural[b], URBAN_RURAL),
                    residence_since=Dates(since),
                    household_id=self._household_ids(b),
                    relation=Coded(self.relation[b], RELATIONS),
                    education=Coded(self.education[b], attr.EDUCATION),
                    marital_status=Coded(self._baseline_marital(b), attr.MARITAL),
                    employment=Coded(self.employment[b], attr.EMPLOYMENT),
                    insurance=Coded(self.insurance[b], attr.INSURANCE),
                    housing=Coded(self.housing[b], attr.HOUSING),
                ),
            )
        )
        c = np.nonzero(self.born)[0]
        out.append(
            (
                "hukou",
                block(
                    "hukou",
                    "birth",
                    ids.take(pa.array(c)),
                    self.birth[c],
                    name=self.name.take(pa.array(c)),
                    sex=sex_coded(self.male[c]),
                    birth_date=Dates(self.birth[c]),
                    ethnicity=pa.array(np.array(attr.ETHNICITY)[self.ethnicity[c]]),
                    hukou_region=self.code,
                    residence_region=self.code,
                    urban_rural=Coded(self.urban_rural[c], URBAN_RURAL),
                    household_id=self._household_ids(c),
                    relation=Coded(self.relation[c], RELATIONS),
                ),
            )
        )
        i = np.nonzero(self.incoming)[0]
        out.append(
            (
                "hukou",
                block(
                    "hukou",
                    "hukou_in",
                    ids.take(pa.array(i)),
                    self.entry_day[i],
                    name=self.name.take(pa.array(i)),
                    sex=sex_coded(self.male[i]),
                    birth_date=Dates(self.birth[i]),
                    ethnicity=pa.array(np.array(attr.ETHNICITY)[self.ethnicity[i]]),
                    hukou_region=self.code,
                    residence_region=self.code,
                    urban_rural=Coded(self.urban_rural[i], URBAN_RURAL),
                    household_id=self._household_ids(i),
                    relation=Coded(self.relation[i], RELATIONS),
                    education=Coded(self.education[i], attr.EDUCATION),
                    marital_status=Coded(self._baseline_marital(i), attr.MARITAL),
                    employment=Coded(self.employment[i], attr.EMPLOYMENT),
                    insurance=Coded(self.insurance[i], attr.INSURANCE),
                    housing=Coded(self.housing[i], attr.HOUSING),
                ),
            )
        )
        dead = np.nonzero(self.dies)[0]
        out.append(
            (
                "hukou",
                block(
                    "hukou", "death", ids.take(pa.array(dead)), self.exit_day[dead], name=self.name.take(pa.array(dead))
                ),
            )
        )
        gone = np.nonzero(self.leaves)[0]
        out.append(
            (
                "hukou",
                block(
                    "hukou",
                    "hukou_out",
                    ids.take(pa.array(gone)),
                    self.exit_day[gone],
                    name=self.name.take(pa.array(gone)),
                    hukou_region=region_text(self.destination[gone]),
                ),
            )
        )
        moved = np.nonzero(self.transferred)[0]
        out.append(
            (
                "hukou",
                block(
                    "hukou",
                    "hukou_transfer",
                    ids.take(pa.array(moved)),
                    self.transfer_day[moved],
                    name=self.name.take(pa.array(moved)),
                    hukou_region=self.code,
                    residence_region=self.code,
                    urban_rural=Coded(self.urban_rural[moved], URBAN_RURAL),
                ),
            )
        )
        who, level, when = self._degrees()
        out.append(
            (
                "hukou",
                block(
                    "hukou",
                    "education_changed",
                    ids.take(pa.array(who)),
                    when,
                    name=self.name.take(pa.array(who)),
                    education=Coded(level, attr.EDUCATION),
                ),
            )
        )
        return out

    def _baseline_marital(self, who: IntArray) -> IntArray:
        """Marital status as first registered (before the marriages and divorces of the period); none under 15."""
        return np.where(self.age_at_reference[who] < 15, -1, self.marital_at_reference[who])

    def _degrees(self) -> tuple[IntArray, IntArray, NDArray[np.int64]]:
        """Tertiary degrees completed during the window (college, bachelor, master, doctor), on 1 July."""
        people, levels, days = [], [], []
        final = self.final_education
        for level in (4, 5, 6, 7):
            reached = (final == level) if level == 4 else (final >= level)
            when = year_start(self.cohort + attr.COMPLETION_AGE[level]) + 181
            inside = reached & (when > self.reference_day) & (when < self.exit_day) & (when <= END_DAY)
            inside &= when >= day(2016, 1, 1)
            people.append(np.nonzero(inside)[0])
            levels.append(np.full(int(inside.sum()), level))
            days.append(when[inside])
        return np.concatenate(people), np.concatenate(levels), np.concatenate(days)

    def _health(self) -> list[tuple[str, pa.Table]]:
        ids = self.id_number
        c = np.nonzero(self.born)[0]
        mother = self.mother[c]
        father = self.father[c]
        father_ids = pc.if_else(
            pa.array(father >= 0), ids.take(pa.array(np.maximum(father, 0))), pa.nulls(len(c), pa.string())
        )
        births = block(
            "health",
            "birth",
            ids.take(pa.array(c)),
            self.birth[c],
            name=self.name.take(pa.array(c)),
            sex=sex_coded(self.male[c]),
            birth_date=Dates(self.birth[c]),
            hukou_region=self.code,
            residence_region=self.code,
            urban_rural=Coded(self.urban_rural[c], URBAN_RURAL),
            mother_id=ids.take(pa.array(mother)),
            father_id=father_ids,
        )
        dead = np.nonzero(self.dies & ~self.away)[0]
        deaths = block(
            "health",
            "death",
            ids.take(pa.array(dead)),
            self.exit_day[dead],
            name=self.name.take(pa.array(dead)),
            sex=sex_coded(self.male[dead]),
            residence_region=self.code,
        )
        return [("health", births), ("health", deaths)]

    def _residence(self) -> list[tuple[str, pa.Table]]:
        """Residence registrations of in-migrants who lived in the city as floating residents before settling."""
        rng = self.rng
        share = self.ctx.plan.targets.assumptions.migration.in_from_floating
        adult = self.incoming & (self.age_at_reference >= 18) & (rng.random(self.n) < share)
        who = np.nonzero(adult)[0]
        earliest = self.birth[who] + 16 * 365
        arrival = np.maximum(
            self.entry_day[who] - 365 - np.floor(rng.random(len(who)) * 5 * 365).astype(np.int64), earliest
        )
        arrival = np.minimum(arrival, self.entry_day[who] - 30)
        table = block(
            "residence",
            "residence_registered",
            self.id_number.take(pa.array(who)),
            arrival,
            name=self.name.take(pa.array(who)),
            sex=sex_coded(self.male[who]),
            birth_date=Dates(self.birth[who]),
            hukou_region=region_text(self.division[who]),
            residence_region=self.code,
            urban_rural=Coded(self.urban_rural[who], URBAN_RURAL),
            residence_since=Dates(arrival),
            housing=Coded(np.ones(len(who), dtype=np.int64), attr.HOUSING),
            employment=Coded(np.zeros(len(who), dtype=np.int64), attr.EMPLOYMENT),
        )
        return [("residence", table)]

    def _civil(self) -> list[tuple[str, pa.Table]]:
        out = []
        for kind, records in (("marriage", self.marriages), ("divorce", self.divorces)):
            if not records:
                continue
            men = np.concatenate([r[0] for r in records])
            women = np.concatenate([r[1] for r in records])
            when = np.concatenate([r[2] for r in records])
            who = np.concatenate([men, women])
            partner = np.concatenate([women, men])
            out.append(
                (
                    "civil",
                    block(
                        "civil",
                        kind,
                        self.id_number.take(pa.array(who)),
                        np.concatenate([when, when]),
                        name=self.name.take(pa.array(who)),
                        partner_id=self.id_number.take(pa.array(partner)),
                    ),
                )
            )
        return out

    def _hrss_and_housing(self) -> list[tuple[str, pa.Table]]:
        rng, n = self.rng, self.n
        window_start = day(2016, 1, 1)
        alive_until = np.minimum(self.exit_day, END_DAY + 1)
        out = []
        # Retirement on the birthday reaching the statutory age.
        retire_at = attr.retirement_age(self.male, self.final_education)
        retire_day = birthday_in(self.birth, self.cohort + retire_at)
        retiring = (self.employment == 0) & (retire_day > self.reference_day) & (retire_day >= window_start)
        retiring &= retire_day < alive_until
        who = np.nonzero(retiring)[0]
        out.append(
            (
                "hrss",
                block(
                    "hrss",
                    "employment_changed",
                    self._person(who),
                    retire_day[who],
                    name=self.name.take(pa.array(who)),
                    employment=Coded(np.full(len(who), 2), attr.EMPLOYMENT),
                ),
            )
        )
        # First job after a degree; most start paying urban employees' pension insurance.
        graduate, _, graduated = self._degrees()
        start = graduated + rng.integers(30, 120, len(graduate))
        keep = start < alive_until[graduate]
        graduate, start = graduate[keep], start[keep]
        out.append(
            (
                "hrss",
                block(
                    "hrss",
                    "employment_changed",
                    self._person(graduate),
                    start,
                    name=self.name.take(pa.array(graduate)),
                    employment=Coded(np.zeros(len(graduate), dtype=np.int64), attr.EMPLOYMENT),
                ),
            )
        )
        paying = rng.random(len(graduate)) < 0.8
        insured, insured_day = graduate[paying], start[paying]
        out.append(
            (
                "hrss",
                block(
                    "hrss",
                    "insurance_changed",
                    self._person(insured),
                    insured_day,
                    name=self.name.take(pa.array(insured)),
                    insurance=Coded(np.zeros(len(insured), dtype=np.int64), attr.INSURANCE),
                ),
            )
        )
        # Job losses among the employed aged 25-55 (about 1.2% a year).
        lower = np.maximum(self.reference_day + 1, window_start)
        when = uniform_between(lower, np.maximum(lower, alive_until - 1), rng)
        age = completed_age(self.birth, when)
        losing = (self.employment == 0) & (age >= 25) & (age <= 55) & (rng.random(n) < 0.06) & (when < alive_until)
        who = np.nonzero(losing)[0]
        out.append(
            (
                "hrss",
                block(
                    "hrss",
                    "employment_changed",
                    self._person(who),
                    when[who],
                    name=self.name.take(pa.array(who)),
                    employment=Coded(np.ones(len(who), dtype=np.int64), attr.EMPLOYMENT),
                ),
            )
        )
        # Housing: about 1.2% of adults a year buy a home or move to public rental housing.
        moving = (age >= 25) & (rng.random(n) < 0.06) & (when < alive_until)
        who = np.nonzero(moving)[0]
        tenure = np.where(rng.random(len(who)) < 0.85, 0, 2)
        out.append(
            (
                "housing",
                block(
                    "housing",
                    "housing_changed",
                    self._person(who),
                    when[who],
                    name=self.name.take(pa.array(who)),
                    housing=Coded(tenure, attr.HOUSING),
                ),
            )
        )
        return out


def registered_tables(ctx: Context, district: int, chunk: int, n_chunks: int) -> list[tuple[str, pa.Table]]:
    """The events of one chunk of registered persons."""
    return RegisteredChunk(ctx, district, chunk, n_chunks).tables()
