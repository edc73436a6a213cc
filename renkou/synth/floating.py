"""Floating residents (流动人口) of one chunk of a district: arrivals, stays, departures, permits, births, deaths.

Each person has an arrival class (before 2016, a year of 2016-2019, the first or second half of 2020) and a fate
(still here at the end of 2020, left in a year, died in a year, or born here). Those who arrived by 2020-06-30 and
are still here count as resident on 2020-12-31; the 2020H2 arrivals are floating but not yet resident.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from renkou.synth import attributes as attr
from renkou.synth.context import BASE_DAY, END_DAY, NEVER, Context
from renkou.synth.dates import completed_age, day, uniform_between, year_start
from renkou.synth.events import Coded, Dates, block, region_text, sex_coded
from renkou.synth.names import draw_surnames
from renkou.synth.plan import COHORTS, FLOAT_BORN, FLOAT_DIED, FLOAT_LEFT, FLOAT_STAY, RESIDENT_CLASSES
from renkou.synth.registered import URBAN_RURAL, exact_flags, urban_rural_codes
from renkou.synth.rounding import pick_per_group, systematic_round

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

# First and last day of each arrival class (the pre-2016 class is handled apart).
PERIODS = (
    (None, None),
    (day(2016, 1, 1), day(2016, 12, 31)),
    (day(2017, 1, 1), day(2017, 12, 31)),
    (day(2018, 1, 1), day(2018, 12, 31)),
    (day(2019, 1, 1), day(2019, 12, 31)),
    (day(2020, 1, 1), day(2020, 6, 30)),
    (day(2020, 7, 1), day(2020, 12, 31)),
)
MEAN_YEARS_BEFORE_2016 = 4.0  # arrivals before 2016: time since arrival is exponential with this mean
MAX_RENEWALS = 5


class FloatingChunk:
    """The floating residents of one chunk and their events."""

    def __init__(self, ctx: Context, district: int, chunk: int, n_chunks: int) -> None:
        self.ctx = ctx
        self.rng = ctx.rng(2, district, chunk)
        self.district = district
        self.chunk = chunk
        self.code = ctx.plan.district_codes[district]
        self.core = ctx.plan.targets.published.districts[district].group == "core"
        self._draw(n_chunks)
        self._dates()
        self._attributes()
        self._births()
        self._identity()

    def _draw(self, n_chunks: int) -> None:
        table = self.ctx.plan.floating[self.district]  # (sex, cohort, class, kind)
        expected = table.transpose(3, 2, 0, 1) * self.ctx.scale / n_chunks
        counts = systematic_round(expected, self.rng)
        cell = np.repeat(np.arange(counts.size), counts.ravel())
        kind, klass, sex, cohort_index = np.unravel_index(cell, counts.shape)
        self.n = len(cell)
        self.kind, self.klass, self.male = kind, klass, sex == 0
        self.cohort = COHORTS[cohort_index]
        self.born_here = kind == FLOAT_BORN
        self.left = (kind >= FLOAT_LEFT) & (kind < FLOAT_DIED)
        self.died = (kind >= FLOAT_DIED) & (kind < FLOAT_BORN)
        self.stays = (kind == FLOAT_STAY) | self.born_here
        self.exit_year = np.where(self.left, 2015 + kind - FLOAT_LEFT + 1, 2015 + kind - FLOAT_DIED + 1)

    def _dates(self) -> None:
        rng, n = self.rng, self.n
        first = year_start(self.cohort)
        last = year_start(self.cohort + 1) - 1
        # Someone who arrived in the first half of 2020 and was born in 2020 was born by then.
        for klass, (_, period_end) in enumerate(PERIODS):
            if period_end is not None:
                last = np.where((self.klass == klass) & (self.cohort == 2020), np.minimum(last, period_end - 1), last)
        self.birth = uniform_between(first, last, rng)
        arrival = np.empty(n, dtype=np.int64)
        before = self.klass == 0
        back = np.floor(rng.exponential(MEAN_YEARS_BEFORE_2016 * 365.25, int(before.sum()))).astype(np.int64)
        arrival[before] = np.maximum(BASE_DAY - back, self.birth[before])
        for klass, (start, end) in enumerate(PERIODS):
            if start is None:
                continue
            here = self.klass == klass
            arrival[here] = uniform_between(np.maximum(start, self.birth[here] + 1), np.full(int(here.sum()), end), rng)
        self.arrival = arrival
        self.exit_day = np.full(n, NEVER, dtype=np.int64)
        going = self.left | self.died
        low = np.maximum(year_start(self.exit_year[going]), self.arrival[going] + 1)
        high = year_start(self.exit_year[going] + 1) - 1
        self.exit_day[going] = uniform_between(np.minimum(low, high), high, rng)

    def _attributes(self) -> None:
        rng, n = self.rng, self.n
        self.division = self.ctx.origins.sample(n, rng)
        age = completed_age(self.birth, self.arrival)
        self.age_at_arrival = age
        self.final_education = attr.final_education(self.cohort, rng)
        self.employment = attr.employment_status(age, self.male, self.final_education, rng)
        self.housing = attr.housing_status(n, True, rng)
        self.ethnicity = attr.ethnicity(n, self.division // 10000 == 52, rng)
        self.surname = draw_surnames(n, rng)
        self.mother = np.full(n, -1, dtype=np.int64)
        self.father = np.full(n, -1, dtype=np.int64)

    def _births(self) -> None:
        """Children born in the city: mothers among floating women present the whole birth period."""
        rng, plan = self.rng, self.ctx.plan
        for klass, (start, end) in enumerate(PERIODS):
            if start is None or end is None:
                continue
            children = np.nonzero(self.born_here & (self.klass == klass))[0]
            if len(children) == 0:
                continue
            middle = (start + end) // 2
            age = completed_age(self.birth, np.full(self.n, middle))
            present = ~self.born_here & (self.arrival < start) & (self.exit_day > end)
            fertility = plan.fertility[np.clip(age, 0, len(plan.fertility) - 1)] * (age >= 0)
            women = np.nonzero(present & ~self.male & (fertility > 0))[0]
            chosen = women[
                pick_per_group(np.zeros(len(women), np.int64), np.array([len(children)]), rng, fertility[women])
            ]
            children = children[: len(chosen)]  # a chunk too small to have mothers leaves a few without
            when = uniform_between(np.full(len(chosen), start), np.full(len(chosen), end), rng)
            self.birth[children] = when
            self.arrival[children] = when
            self.mother[children] = chosen
            self.division[children] = self.division[chosen]
            self.ethnicity[children] = self.ethnicity[chosen]
            men = np.nonzero(present & self.male & (age >= 18))[0]
            if len(men):
                men = men[np.argsort(self.birth[men], kind="stable")]
                target = self.birth[chosen] - np.floor(rng.random(len(chosen)) * 5 * 365).astype(np.int64)
                fathers = men[np.clip(np.searchsorted(self.birth[men], target), 0, len(men) - 1)]
                self.father[children] = fathers
                self.surname[children] = self.surname[fathers]
        self.has_mother = self.mother >= 0

    def _identity(self) -> None:
        rng, ctx = self.rng, self.ctx
        self.id_number = ctx.ids(self.division, self.birth, self.male)
        self.name = ctx.names(self.male, rng, self.surname)
        share = float(ctx.plan.urban_share_floating[self.district])
        resident = self.stays & RESIDENT_CLASSES[self.klass]
        urban = rng.random(self.n) < share
        urban[resident] = exact_flags(np.zeros(int(resident.sum()), dtype=np.int64), np.array([share]), rng)
        self.urban_rural = urban_rural_codes(urban, self.core, rng)
        codes = np.array([int(c) for c in ctx.plan.district_codes])
        others = codes[codes != int(self.code)]
        mover_share = ctx.plan.targets.assumptions.floating.mover_share
        stay_until = np.minimum(self.exit_day, END_DAY)
        self.moves = ~self.born_here & (rng.random(self.n) < mover_share) & (stay_until - self.arrival > 90)
        self.first_district = np.where(self.moves, others[rng.integers(0, len(others), self.n)], int(self.code))
        self.move_day = uniform_between(self.arrival + 30, np.maximum(self.arrival + 30, stay_until - 30), rng)
        self.move_day = np.maximum(self.move_day, day(2016, 1, 1))
        self.moves &= self.move_day < stay_until

    def _person(self, who: IntArray) -> pa.Array:
        return self.id_number.take(pa.array(who))

    def tables(self) -> list[tuple[str, pa.Table]]:
        """Every event of the chunk's floating residents, as (feed, table) pairs."""
        rng = self.rng
        out: list[tuple[str, pa.Table]] = []
        name = self.name
        registered = np.nonzero(~self.born_here)[0]
        out.append(
            (
                "residence",
                block(
                    "residence",
                    "residence_registered",
                    self._person(registered),
                    self.arrival[registered],
                    name=name.take(pa.array(registered)),
                    sex=sex_coded(self.male[registered]),
                    birth_date=Dates(self.birth[registered]),
                    hukou_region=region_text(self.division[registered]),
                    residence_region=region_text(self.first_district[registered]),
                    urban_rural=Coded(self.urban_rural[registered], URBAN_RURAL),
                    residence_since=Dates(self.arrival[registered]),
                    housing=Coded(self.housing[registered], attr.HOUSING),
                    employment=Coded(self.employment[registered], attr.EMPLOYMENT),
                ),
            )
        )
        moved = np.nonzero(self.moves)[0]
        out.append(
            (
                "residence",
                block(
                    "residence",
                    "address_changed",
                    self._person(moved),
                    self.move_day[moved],
                    name=name.take(pa.array(moved)),
                    residence_region=self.code,
                    urban_rural=Coded(self.urban_rural[moved], URBAN_RURAL),
                ),
            )
        )
        gone = np.nonzero(self.left)[0]
        out.append(
            (
                "residence",
                block(
                    "residence",
                    "residence_left",
                    self._person(gone),
                    self.exit_day[gone],
                    name=name.take(pa.array(gone)),
                ),
            )
        )
        out += self._permits(rng)
        births = np.nonzero(self.born_here)[0]
        mother = self.mother[births]
        father = self.father[births]
        ids = self.id_number
        out.append(
            (
                "health",
                block(
                    "health",
                    "birth",
                    self._person(births),
                    self.birth[births],
                    name=name.take(pa.array(births)),
                    sex=sex_coded(self.male[births]),
                    birth_date=Dates(self.birth[births]),
                    hukou_region=region_text(self.division[births]),
                    residence_region=self.code,
                    urban_rural=Coded(self.urban_rural[births], URBAN_RURAL),
                    mother_id=pc.if_else(
                        pa.array(mother >= 0),
                        ids.take(pa.array(np.maximum(mother, 0))),
                        pa.nulls(len(births), pa.string()),
                    ),
                    father_id=pc.if_else(
                        pa.array(father >= 0),
                        ids.take(pa.array(np.maximum(father, 0))),
                        pa.nulls(len(births), pa.string()),
                    ),
                ),
            )
        )
        dead = np.nonzero(self.died)[0]
        out.append(
            (
                "health",
                block(
                    "health",
                    "death",
                    self._person(dead),
                    self.exit_day[dead],
                    name=name.take(pa.array(dead)),
                    sex=sex_coded(self.male[dead]),
                    residence_region=self.code,
                ),
            )
        )
        # Jobs found after arriving (2016 on), with urban employees' pension insurance for most.
        working_age = (self.age_at_arrival >= 18) & (self.age_at_arrival < 60) & (self.arrival >= day(2016, 1, 1))
        start = self.arrival + rng.integers(0, 60, self.n)
        hired = np.nonzero(working_age & (rng.random(self.n) < 0.3) & (start < np.minimum(self.exit_day, END_DAY + 1)))[
            0
        ]
        out.append(
            (
                "hrss",
                block(
                    "hrss",
                    "employment_changed",
                    self._person(hired),
                    start[hired],
                    name=name.take(pa.array(hired)),
                    employment=Coded(np.zeros(len(hired), dtype=np.int64), attr.EMPLOYMENT),
                ),
            )
        )
        insured = hired[rng.random(len(hired)) < 0.6]
        out.append(
            (
                "hrss",
                block(
                    "hrss",
                    "insurance_changed",
                    self._person(insured),
                    start[insured],
                    name=name.take(pa.array(insured)),
                    insurance=Coded(np.zeros(len(insured), dtype=np.int64), attr.INSURANCE),
                ),
            )
        )
        return out

    def _permits(self, rng: np.random.Generator) -> list[tuple[str, pa.Table]]:
        """Residence permits: issued after six months' stay (from 2016), endorsed yearly, cancelled on leaving."""
        assume = self.ctx.plan.targets.assumptions.floating
        until = np.minimum(self.exit_day, END_DAY + 1)
        issue = np.maximum(
            self.arrival + 183 + rng.integers(0, 90, self.n), day(2016, 1, 1) + rng.integers(0, 365, self.n)
        )
        holder = ~self.born_here & (issue < until) & (rng.random(self.n) < assume.permit_share)
        who = np.nonzero(holder)[0]
        serial = pc.utf8_lpad(
            pc.cast(pa.array(np.arange(len(who)) + self.chunk * 10**6), pa.string()), width=8, padding="0"
        )
        prefix = pa.array([self.code + "JZ"], pa.string()).take(pa.array(np.zeros(len(who), np.int32)))
        permit = pc.binary_join_element_wise(prefix, serial, "")
        tables = [
            (
                "residence",
                block(
                    "residence",
                    "permit_issued",
                    self._person(who),
                    issue[who],
                    name=self.name.take(pa.array(who)),
                    permit_no=permit,
                ),
            )
        ]
        renew_who, renew_day, renew_permit = [], [], []
        for k in range(1, MAX_RENEWALS + 1):
            when = issue[who] + 365 * k
            due = (when < until[who]) & (rng.random(len(who)) < assume.renewal_share)
            renew_who.append(who[due])
            renew_day.append(when[due])
            renew_permit.append(permit.filter(pa.array(due)))
        renewed = np.concatenate(renew_who)
        tables.append(
            (
                "residence",
                block(
                    "residence",
                    "permit_renewed",
                    self._person(renewed),
                    np.concatenate(renew_day),
                    name=self.name.take(pa.array(renewed)),
                    permit_no=pa.concat_arrays(renew_permit),
                ),
            )
        )
        cancelled = holder[who] & self.left[who] & (rng.random(len(who)) < 0.5)
        gone = who[cancelled]
        tables.append(
            (
                "residence",
                block(
                    "residence",
                    "permit_cancelled",
                    self._person(gone),
                    self.exit_day[gone],
                    name=self.name.take(pa.array(gone)),
                    permit_no=permit.filter(pa.array(cancelled)),
                ),
            )
        )
        return tables


def floating_tables(ctx: Context, district: int, chunk: int, n_chunks: int) -> list[tuple[str, pa.Table]]:
    """The events of one chunk of floating residents."""
    return FloatingChunk(ctx, district, chunk, n_chunks).tables()
