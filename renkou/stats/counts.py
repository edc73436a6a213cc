"""Counts behind the indicators, read from the register in a few grouped queries through the Engine interface.

One query per kind of count, each grouped by district (and sex, age, ...) for all districts at once; the arithmetic
happens afterwards in NumPy (:mod:`renkou.stats.indicators`). Arrays have the areas on their first axis: index 0 is
the whole city, then one row per district of :class:`Areas`. Persons whose district is not one of the listed
districts count for the city only.

Population membership (registered / resident / floating) and the district of a person come from
:func:`renkou.register.population.membership_sql`, the one definition of the register; vital events take the
person's state on the day of the event (see :mod:`renkou.stats.definitions` for the exact rules).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pandas as pd
import pyarrow as pa

from renkou.engine import Engine
from renkou.register.codes import YEARS_OF_SCHOOLING
from renkou.register.population import Kind, age_sql, membership_sql
from renkou.register.state import state_sql
from renkou.stats.indicators import OPEN_AGE

FloatArray = np.ndarray

BLOCK_KINDS: tuple[Kind, ...] = ("registered", "resident")
SEXES = ("F", "M")  # index 2 of a sex axis holds persons of unknown sex
AGE_UNKNOWN = OPEN_AGE + 1  # index of unknown age on an age axis of length OPEN_AGE + 2
MOTHER_AGES = (15, 50)  # single years 15..49 (younger and older mothers are clamped), then one for unknown
MOVE_GROUPS = 18  # five-year groups 0-4 .. 85+, then one for unknown age
# Whole months lived in the city: the census groups of 离开户口登记地时间.
STAY_LABELS = ("<0.5", "0.5-1", "1-2", "2-3", "3-4", "4-5", "5-6", "6+")
STAY_BOUNDS_MONTHS = (6, 12, 24, 36, 48, 60, 72)
EVENT_STATES = "rk_stats_event_states"  # temporary table of the persons' states on their event days
_SENTINEL_DAY = date(1111, 11, 11)  # stands for a per-row date column in a membership condition


@dataclass(frozen=True)
class Areas:
    """The city and its districts: ``codes[0]`` is the city, then districts in code order."""

    codes: list[str]
    names: list[str]

    @property
    def size(self) -> int:
        """Number of areas (the city and its districts)."""
        return len(self.codes)

    def rows(self, district_codes: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, np.ndarray]:
        """For a column of district codes ('' = unknown, null = not a member): (member mask, district row or -1)."""
        values = pd.Series(district_codes.to_numpy(zero_copy_only=False), dtype=object)
        member = values.notna().to_numpy()
        index = pd.Index(self.codes[1:]).get_indexer(values.fillna(""))
        return member, np.where(index >= 0, index + 1, -1)


@dataclass
class BlockCounts:
    """Counts of one population (registered or resident) for every area."""

    population_start: FloatArray  # [areas, 3 sexes, ages 0..100+ and unknown]
    population_end: FloatArray
    urban: FloatArray  # [areas] urban persons on the as-of date
    urban_known: FloatArray  # [areas] persons with an urban-rural code
    schooling_years: FloatArray  # [areas] sum of years of schooling, ages 16-59
    schooling_known: FloatArray  # [areas] persons aged 16-59 with an education record
    births: FloatArray  # [areas, 3 sexes of the child]
    births_by_mother_age: FloatArray  # [areas, 35 single years 15..49 and unknown]
    deaths: FloatArray  # [areas, 3 sexes, ages]
    households: FloatArray  # [areas]
    household_members: FloatArray  # [areas]
    one_person_households: FloatArray  # [areas]
    elderly_only_households: FloatArray  # [areas]
    moves: FloatArray | None = None  # [areas, 2 (in, out), five-year groups and unknown]; registered only


@dataclass
class FloatingCounts:
    """Counts of the floating population for every area."""

    population_start: FloatArray  # [areas, 3 sexes]
    population_end: FloatArray  # [areas, 3 sexes]
    permit_holders: FloatArray  # [areas]
    by_stay: FloatArray  # [areas, len(STAY_LABELS) + 1 (unknown)]
    by_province: list[dict[str, int]] = field(default_factory=list)  # per area: province code -> persons


@dataclass
class RegisterCounts:
    """Everything the indicators need, for the year ending on ``as_of``."""

    as_of: date
    start: date
    areas: Areas
    blocks: dict[str, BlockCounts]
    floating: FloatingCounts


@dataclass(frozen=True)
class RegisterRange:
    """The dates the register covers and how many events fall in the year."""

    start: date | None  # the baseline snapshot's date, or the first event's when there is no baseline
    first_event: date | None
    last_event: date | None
    last_recorded: date | None
    events_in_year: int


def year_start(as_of: date) -> date:
    """The same day one year earlier (28 February for 29 February): the year is (start, as_of]."""
    try:
        return as_of.replace(year=as_of.year - 1)
    except ValueError:
        return as_of.replace(year=as_of.year - 1, day=28)


def _day(on: date) -> str:
    return f"DATE '{on.isoformat()}'"


def _known(known_at: datetime | None, column: str = "recorded_at") -> str:
    return f"AND {column} <= TIMESTAMP '{known_at.isoformat(sep=' ')}'" if known_at else ""


def _live(known_at: datetime | None) -> str:
    """Events known at ``known_at`` that no known correction supersedes (the rule of the state fold)."""
    known = _known(known_at)
    return f"TRUE {known} AND event_id NOT IN (SELECT supersedes FROM events WHERE supersedes IS NOT NULL {known})"


def _state_rows(known_at: datetime | None) -> str:
    """Every state row of every person (subject_id, valid_from, valid_to, event_id, attributes) as known at
    ``known_at``: the source that :func:`renkou.register.state.state_sql` filters to one date.

    The state on an event's day is needed for many persons and days at once, which ``state_sql`` (one date) cannot
    give; this borrows the register's own row source so that the definition of the fold stays in one place.
    """
    from renkou.register import state

    if known_at is None:
        return f"({state._indexed_sql()})"
    return f"({state._fold_sql(state._live_events_sql(known_at))})"


def _membership_on(kind: Kind, day_column: str) -> tuple[str, str]:
    """Membership condition and district of ``kind`` over alias ``s``, judged on the date in ``day_column``."""
    condition, district = membership_sql(kind, _SENTINEL_DAY)
    literal = _day(_SENTINEL_DAY)
    if kind == "resident" and literal not in condition:
        raise RuntimeError("membership_sql no longer writes the date as a literal; update _membership_on")
    return condition.replace(literal, day_column), district.replace(literal, day_column)


def _age_between(birth: str, day: str) -> str:
    """Completed years from ``birth`` to ``day`` (two SQL date expressions), as in ``age_sql``."""
    return (
        f"(((year({day}) * 10000 + month({day}) * 100 + day({day})) - "
        f"(year({birth}) * 10000 + month({birth}) * 100 + day({birth}))) // 10000)"
    )


def _district_columns(kinds: tuple[Kind, ...], on: date | str) -> str:
    parts = []
    for kind in kinds:
        condition, district = membership_sql(kind, on) if isinstance(on, date) else _membership_on(kind, on)
        parts.append(f"CASE WHEN {condition} THEN coalesce({district}, '') END AS {kind}_d")
    return ", ".join(parts)


def _any_member(kinds: tuple[Kind, ...], on: date | str) -> str:
    conditions = [(membership_sql(k, on) if isinstance(on, date) else _membership_on(k, on))[0] for k in kinds]
    return " OR ".join(f"({c})" for c in conditions)


def register_range(engine: Engine, as_of: date, known_at: datetime | None = None) -> RegisterRange:
    """First and last dates of the register and the number of events in the year ending on ``as_of``."""
    start = year_start(as_of)
    row = engine.rows(
        "SELECT min(occurred_on) FILTER (WHERE event_type = 'baseline'), min(occurred_on), max(occurred_on), "
        f"max(recorded_at), count(*) FILTER (WHERE occurred_on > {_day(start)} AND occurred_on <= {_day(as_of)}) "
        f"FROM events WHERE TRUE {_known(known_at)}"
    )[0]
    baseline, first, last, recorded, in_year = row
    return RegisterRange(
        start=baseline or first,
        first_event=first,
        last_event=last,
        last_recorded=recorded.date() if recorded is not None else None,
        events_in_year=int(in_year or 0),
    )


def district_list(engine: Engine, city: str, city_prefix: str, year: int) -> list[tuple[str, str]]:
    """(code, name) of the city's districts and counties in use in ``year`` (from the register's division table)."""
    rows = engine.rows(
        "SELECT code, arg_max(name, coalesce(valid_from, 0)) FROM divisions WHERE parent_code = ? AND level = 'county' "
        "AND name <> '市辖区' AND (valid_from IS NULL OR valid_from <= ?) AND (valid_to IS NULL OR valid_to >= ?) "
        "GROUP BY code ORDER BY code",
        [city, year, year],
    )
    return [(str(code), str(name)) for code, name in rows if str(code).startswith(city_prefix)]


def _division_name(engine: Engine, code: str) -> str:
    name = engine.scalar(
        "SELECT arg_max(name, coalesce(valid_from, 0)) FROM divisions WHERE code = ?",
        [code],
    )
    return str(name) if name is not None else code


def _sex_index(column: pa.ChunkedArray) -> np.ndarray:
    values = np.asarray(column.to_numpy(zero_copy_only=False), dtype=object)
    return np.select([values == SEXES[0], values == SEXES[1]], [0, 1], 2)


def _age_index(column: pa.ChunkedArray, top: int = OPEN_AGE, unknown: int = AGE_UNKNOWN) -> np.ndarray:
    ages = column.to_numpy(zero_copy_only=False)
    ages = np.asarray(pd.array(ages, dtype="Int64").fillna(-1), dtype=np.int64)
    return np.where(ages < 0, unknown, np.minimum(ages, top))


def _values(table: pa.Table, name: str) -> np.ndarray:
    return np.asarray(
        pd.array(table.column(name).to_numpy(zero_copy_only=False), dtype="Float64").fillna(0.0), dtype=np.float64
    )


def _scatter(
    target: np.ndarray, member: np.ndarray, rows: np.ndarray, index: tuple[np.ndarray, ...], values: np.ndarray
) -> None:
    """Add ``values`` to the city (row 0) for members and to their district row when it is known."""
    selected = tuple(i[member] for i in index)
    np.add.at(target, (np.zeros(int(member.sum()), dtype=np.intp), *selected), values[member])
    in_district = member & (rows >= 0)
    np.add.at(target, (rows[in_district], *(i[in_district] for i in index)), values[in_district])


class CountReader:
    """Runs the grouped queries for one as-of date and fills the count arrays."""

    def __init__(self, engine: Engine, areas: Areas, as_of: date, known_at: datetime | None = None) -> None:
        self.engine = engine
        self.areas = areas
        self.as_of = as_of
        self.start = year_start(as_of)
        self.known_at = known_at

    def _state(self, on: date) -> str:
        return state_sql(on, self.known_at)

    def read(self) -> RegisterCounts:
        """All counts of the year ending on ``as_of``."""
        size = self.areas.size
        start_pop, start_floating, _ = self._stock(self.start, details=False)
        end_pop, end_floating, details = self._stock(self.as_of, details=True)
        self._event_states()
        try:
            births, by_mother = self._births()
            deaths = self._deaths()
            moves = self._moves()
        finally:
            self.engine.execute(f"DROP TABLE IF EXISTS {EVENT_STATES}")
        households = self._households()
        blocks: dict[str, BlockCounts] = {}
        for kind in BLOCK_KINDS:
            blocks[kind] = BlockCounts(
                population_start=start_pop[kind],
                population_end=end_pop[kind],
                urban=details[kind]["urban"],
                urban_known=details[kind]["urban_known"],
                schooling_years=details[kind]["schooling_years"],
                schooling_known=details[kind]["schooling_known"],
                births=births[kind],
                births_by_mother_age=by_mother[kind],
                deaths=deaths[kind],
                households=households[kind][:, 0],
                household_members=households[kind][:, 1],
                one_person_households=households[kind][:, 2],
                elderly_only_households=households[kind][:, 3],
                moves=moves if kind == "registered" else None,
            )
        by_stay, by_province = self._floating_details()
        floating = FloatingCounts(
            population_start=start_floating,
            population_end=end_floating,
            permit_holders=details["floating"]["permits"],
            by_stay=by_stay,
            by_province=by_province,
        )
        assert all(array.shape[0] == size for array in (by_stay, start_floating))
        return RegisterCounts(self.as_of, self.start, self.areas, blocks, floating)

    def _stock(
        self, on: date, *, details: bool
    ) -> tuple[dict[str, np.ndarray], np.ndarray, dict[str, dict[str, np.ndarray]]]:
        """Population by district x sex x single age of each kind on ``on`` (one query for all kinds)."""
        kinds: tuple[Kind, ...] = (*BLOCK_KINDS, "floating")
        years = " ".join(f"WHEN '{code}' THEN {value}" for code, value in YEARS_OF_SCHOOLING.items())
        extra = (
            f", sum(CASE s.education {years} END) AS schooling_years, "
            f"count(CASE s.education {years} END) AS schooling_known, "
            "count(*) FILTER (WHERE s.permit_status = 'valid') AS permits"
            if details
            else ""
        )
        table = self.engine.arrow(
            f"SELECT {_district_columns(kinds, on)}, s.sex AS sex, {age_sql(on)} AS age, "
            f"starts_with(s.urban_rural, '1') AS urban, count(*) AS n{extra} "
            f"FROM ({self._state(on)}) s WHERE {_any_member(kinds, on)} GROUP BY ALL"
        )
        size = self.areas.size
        sex = _sex_index(table.column("sex"))
        age = _age_index(table.column("age"))
        n = _values(table, "n")
        urban = table.column("urban").to_numpy(zero_copy_only=False)
        is_urban = np.asarray(urban == True, dtype=np.float64)  # noqa: E712 - nulls compare False
        has_code = np.asarray(pd.notna(urban), dtype=np.float64)
        populations: dict[str, np.ndarray] = {}
        extras: dict[str, dict[str, np.ndarray]] = {}
        working = (age >= 16) & (age <= 59)
        for kind in kinds:
            member, rows = self.areas.rows(table.column(f"{kind}_d"))
            if kind == "floating":
                floating = np.zeros((size, 3))
                _scatter(floating, member, rows, (sex,), n)
            else:
                counts = np.zeros((size, 3, OPEN_AGE + 2))
                _scatter(counts, member, rows, (sex, age), n)
                populations[kind] = counts
            if details:
                sums = {}
                for name, values in (
                    ("urban", n * is_urban),
                    ("urban_known", n * has_code),
                    ("schooling_years", _values(table, "schooling_years") * working),
                    ("schooling_known", _values(table, "schooling_known") * working),
                    ("permits", _values(table, "permits")),
                ):
                    target = np.zeros(size)
                    _scatter(target, member, rows, (), values)
                    sums[name] = target
                extras[kind] = sums
        return populations, floating, extras

    def _event_states(self) -> None:
        """Store, in a temporary table, the state of each person on the day of each vital event and hukou move.

        One pass: the state on an event's day is the spell that starts that day (the event opened it), and the state
        the day before a move is the spell that ends that day; both are found among the spells that start or end in
        the year, so no full join of the register is needed. A birth reported by police and by health is one
        person: its date is the earlier report's, its state that of the day of the last report within the year (so
        both departments' attributes are in it); a corrected birth record still is a birth. A death reported twice
        counts once, on the earlier date.
        """
        live = _live(self.known_at)
        spells = _state_rows(self.known_at)
        start, end = _day(self.start), _day(self.as_of)
        in_year = f"> {start} AND {{column}} <= {end}"
        self.engine.execute(
            f"""
CREATE OR REPLACE TEMP TABLE {EVENT_STATES} AS
WITH birth_reports AS (
  SELECT subject_id, occurred_on FROM events WHERE event_type = 'birth' AND {live}
  UNION ALL
  SELECT c.subject_id, c.occurred_on
  FROM (SELECT subject_id, occurred_on, supersedes FROM events WHERE event_type = 'correction' AND {live}) c
  JOIN events o ON o.event_id = c.supersedes WHERE o.event_type = 'birth'
),
wanted AS (
  SELECT 'birth' AS what, subject_id, max(occurred_on) FILTER (WHERE occurred_on <= {end}) AS state_day,
    min(occurred_on) AS day
  FROM birth_reports GROUP BY subject_id HAVING min(occurred_on) {in_year.format(column="min(occurred_on)")}
  UNION ALL
  SELECT 'death', subject_id, min(occurred_on), min(occurred_on) FROM events WHERE event_type = 'death' AND {live}
  GROUP BY subject_id HAVING min(occurred_on) {in_year.format(column="min(occurred_on)")}
  UNION ALL
  SELECT DISTINCT 'move', subject_id, occurred_on, occurred_on FROM events
  WHERE event_type IN ('hukou_in', 'hukou_out', 'hukou_transfer')
    AND occurred_on {in_year.format(column="occurred_on")} AND {live}
)
SELECT w.what, w.day, s.* EXCLUDE (valid_from, valid_to, event_id)
FROM wanted w JOIN (SELECT * FROM {spells} WHERE valid_from {in_year.format(column="valid_from")}) s
  ON s.subject_id = w.subject_id AND s.valid_from = w.state_day AND w.state_day < s.valid_to
UNION ALL
SELECT 'before_move', w.day, s.* EXCLUDE (valid_from, valid_to, event_id)
FROM wanted w JOIN (SELECT * FROM {spells} WHERE valid_to {in_year.format(column="valid_to")}) s
  ON w.what = 'move' AND s.subject_id = w.subject_id AND s.valid_to = w.day AND s.valid_from < w.day
"""
        )

    def _births(self) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Births of the year by district, sex of the child and mother's age, for each block."""
        spells = _state_rows(self.known_at)
        # Newborns count from birth: the six-month rule is waived (residence_since) and a child who died the same
        # year still was born (alive).
        sql = f"""
WITH child AS (
  SELECT * REPLACE (CAST(NULL AS DATE) AS residence_since, CAST(NULL AS BOOLEAN) AS alive)
  FROM {EVENT_STATES} WHERE what = 'birth'
),
mothers AS (
  SELECT subject_id, max(birth_date) AS birth_date FROM {spells}
  WHERE sex = 'F' AND subject_id IN (SELECT mother_id FROM child WHERE mother_id IS NOT NULL) GROUP BY subject_id
)
SELECT {_district_columns(BLOCK_KINDS, "s.day")}, s.sex AS sex,
  {_age_between("m.birth_date", "s.day")} AS mother_age, count(*) AS n
FROM child s LEFT JOIN mothers m ON m.subject_id = s.mother_id
WHERE {_any_member(BLOCK_KINDS, "s.day")}
GROUP BY ALL"""
        table = self.engine.arrow(sql)
        sex = _sex_index(table.column("sex"))
        low, high = MOTHER_AGES
        raw_age = _age_index(table.column("mother_age"), top=10_000, unknown=-1)
        mother = np.where(raw_age < 0, high - low, np.clip(raw_age, low, high - 1) - low)
        n = _values(table, "n")
        births: dict[str, np.ndarray] = {}
        by_mother: dict[str, np.ndarray] = {}
        for kind in BLOCK_KINDS:
            member, rows = self.areas.rows(table.column(f"{kind}_d"))
            births[kind] = np.zeros((self.areas.size, 3))
            _scatter(births[kind], member, rows, (sex,), n)
            by_mother[kind] = np.zeros((self.areas.size, high - low + 1))
            _scatter(by_mother[kind], member, rows, (mother,), n)
        return births, by_mother

    def _deaths(self) -> dict[str, np.ndarray]:
        """Deaths of the year by district, sex and age at death, for each block."""
        # Membership is judged on the day of death as if the person were still alive (the death event itself
        # sets alive = false).
        sql = f"""
SELECT {_district_columns(BLOCK_KINDS, "s.day")}, s.sex AS sex, {_age_between("s.birth_date", "s.day")} AS age,
  count(*) AS n
FROM (SELECT * REPLACE (CAST(NULL AS BOOLEAN) AS alive) FROM {EVENT_STATES} WHERE what = 'death') s
WHERE {_any_member(BLOCK_KINDS, "s.day")}
GROUP BY ALL"""
        table = self.engine.arrow(sql)
        sex = _sex_index(table.column("sex"))
        age = _age_index(table.column("age"))
        n = _values(table, "n")
        deaths: dict[str, np.ndarray] = {}
        for kind in BLOCK_KINDS:
            member, rows = self.areas.rows(table.column(f"{kind}_d"))
            deaths[kind] = np.zeros((self.areas.size, 3, OPEN_AGE + 2))
            _scatter(deaths[kind], member, rows, (sex, age), n)
        return deaths

    def _households(self) -> dict[str, np.ndarray]:
        """Per block and area: households, members, one-person and elderly-only households on ``as_of``."""
        on = self.as_of
        parts = []
        for kind in BLOCK_KINDS:
            parts.append(
                f"SELECT '{kind}' AS kind, district, count(*) AS households, sum(members) AS members, "
                "count(*) FILTER (WHERE members = 1) AS one_person, "
                "count(*) FILTER (WHERE elderly = members) AS elderly_only "
                f"FROM (SELECT household_id, min({kind}_d) AS district, count(*) AS members, "
                f"count(*) FILTER (WHERE age >= 60) AS elderly FROM people WHERE {kind}_d IS NOT NULL "
                "GROUP BY household_id) GROUP BY district"
            )
        sql = (
            f"WITH people AS MATERIALIZED (SELECT s.household_id, {_district_columns(BLOCK_KINDS, on)}, "
            f"{age_sql(on)} AS age FROM ({self._state(on)}) s "
            f"WHERE s.household_id IS NOT NULL AND ({_any_member(BLOCK_KINDS, on)})) " + " UNION ALL ".join(parts)
        )
        table = self.engine.arrow(sql)
        kinds = np.asarray(table.column("kind").to_numpy(zero_copy_only=False), dtype=object)
        member, rows = self.areas.rows(table.column("district"))
        columns = np.stack(
            [_values(table, name) for name in ("households", "members", "one_person", "elderly_only")], axis=-1
        )
        result: dict[str, np.ndarray] = {}
        for kind in BLOCK_KINDS:
            target = np.zeros((self.areas.size, 4))
            mine = member & (kinds == kind)
            for column in range(4):
                _scatter(target[:, column], mine, rows, (), columns[:, column])
            result[kind] = target
        return result

    def _moves(self) -> np.ndarray:
        """Hukou moves in and out of each area in the year, by five-year age group at the move."""
        condition, district = membership_sql("registered", self.as_of)
        place = f"CASE WHEN {condition} THEN coalesce({district}, '') END"
        sql = f"""
SELECT b.d AS before_d, a.d AS after_d, a.age AS age, count(*) AS n
FROM (SELECT s.subject_id, s.day, {place} AS d, {_age_between("s.birth_date", "s.day")} AS age
      FROM {EVENT_STATES} s WHERE s.what = 'move') a
LEFT JOIN (SELECT s.subject_id, s.day, {place} AS d FROM {EVENT_STATES} s WHERE s.what = 'before_move') b
  ON b.subject_id = a.subject_id AND b.day = a.day
WHERE a.d IS DISTINCT FROM b.d
GROUP BY ALL"""
        table = self.engine.arrow(sql)
        size = self.areas.size
        moves = np.zeros((size, 2, MOVE_GROUPS + 1))
        raw_age = _age_index(table.column("age"), top=10_000, unknown=-1)
        group = np.where(raw_age < 0, MOVE_GROUPS, np.minimum(raw_age // 5, MOVE_GROUPS - 1))
        n = _values(table, "n")
        was, was_row = self.areas.rows(table.column("before_d"))
        now, now_row = self.areas.rows(table.column("after_d"))
        # The city: moves from outside (no registered state before) in, to outside out.
        np.add.at(moves[0, 0], group[now & ~was], n[now & ~was])
        np.add.at(moves[0, 1], group[was & ~now], n[was & ~now])
        # A district: every move whose destination (origin) is that district and whose origin (destination) is not.
        arrive = now & (now_row >= 0) & (now_row != np.where(was, was_row, -2))
        leave = was & (was_row >= 0) & (was_row != np.where(now, now_row, -2))
        np.add.at(moves[:, 0], (now_row[arrive], group[arrive]), n[arrive])
        np.add.at(moves[:, 1], (was_row[leave], group[leave]), n[leave])
        return moves

    def _floating_details(self) -> tuple[np.ndarray, list[dict[str, int]]]:
        """Floating population on ``as_of`` by time lived in the city and by province of hukou."""
        on = self.as_of
        condition, district = membership_sql("floating", on)
        months = (
            f"((year({_day(on)}) * 12 + month({_day(on)})) - (year(s.residence_since) * 12 + "
            f"month(s.residence_since)) - CASE WHEN day({_day(on)}) < day(s.residence_since) THEN 1 ELSE 0 END)"
        )
        bucket = " ".join(f"WHEN {months} < {bound} THEN {i}" for i, bound in enumerate(STAY_BOUNDS_MONTHS))
        table = self.engine.arrow(
            f"SELECT coalesce({district}, '') AS d, left(s.hukou_region, 2) AS province, "
            f"CASE WHEN s.residence_since IS NULL THEN {len(STAY_LABELS)} {bucket} ELSE {len(STAY_BOUNDS_MONTHS)} END "
            f"AS stay, count(*) AS n FROM ({self._state(on)}) s WHERE {condition} GROUP BY ALL"
        )
        size = self.areas.size
        by_stay = np.zeros((size, len(STAY_LABELS) + 1))
        member, rows = self.areas.rows(table.column("d"))
        stay = np.asarray(table.column("stay").to_numpy(zero_copy_only=False), dtype=np.intp)
        n = _values(table, "n")
        _scatter(by_stay, member, rows, (stay,), n)
        by_province: list[dict[str, int]] = [{} for _ in range(size)]
        provinces = table.column("province").to_pylist()
        for row, province, count in zip(rows.tolist(), provinces, n.tolist(), strict=True):
            key = f"{province}0000" if province else ""
            for area in (0, row) if row >= 0 else (0,):
                by_province[area][key] = by_province[area].get(key, 0) + int(count)
        return by_stay, by_province


def read_counts(engine: Engine, areas: Areas, as_of: date, known_at: datetime | None = None) -> RegisterCounts:
    """Every count of the year ending on ``as_of`` for the city and its districts."""
    return CountReader(engine, areas, as_of, known_at).read()


def make_areas(engine: Engine, city: str, city_prefix: str, city_name: str | None = None) -> Areas:
    """The city and every district or county the city has had (the caller drops those not in use and empty)."""
    rows = engine.rows(
        "SELECT code, arg_max(name, coalesce(valid_from, 0)) FROM divisions WHERE parent_code = ? AND level = 'county' "
        "AND name <> '市辖区' AND starts_with(code, ?) GROUP BY code ORDER BY code",
        [city, city_prefix],
    )
    name = city_name or _division_name(engine, city)
    return Areas([city, *(str(code) for code, _ in rows)], [name, *(str(n) for _, n in rows)])
