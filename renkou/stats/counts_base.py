"""Shared pieces of the count queries: the areas, SQL fragments over the register and array scattering.

Population membership (registered / resident / floating) and the district of a person always come from
:func:`renkou.register.population.membership_sql`, the register's one definition; these helpers only place it in
queries (for a literal date, or for a date held in a column).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from renkou.register.population import Kind, membership_sql
from renkou.stats.indicators import OPEN_AGE

BLOCK_KINDS: tuple[Kind, ...] = ("registered", "resident")
SEXES = ("F", "M")  # index 2 of a sex axis holds persons of unknown sex
AGE_UNKNOWN = OPEN_AGE + 1  # index of unknown age on an age axis of length OPEN_AGE + 2
# Whole months lived in the city: the census groups of 离开户口登记地时间.
STAY_LABELS = ("<0.5", "0.5-1", "1-2", "2-3", "3-4", "4-5", "5-6", "6+")
STAY_BOUNDS_MONTHS = (6, 12, 24, 36, 48, 60, 72)
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
        column = district_codes.combine_chunks() if isinstance(district_codes, pa.ChunkedArray) else district_codes
        encoded = pc.dictionary_encode(column)
        member = np.asarray(pc.is_valid(encoded.indices).to_numpy(zero_copy_only=False), dtype=bool)
        position = {code: i + 1 for i, code in enumerate(self.codes[1:])}
        lookup = np.array([position.get(code, -1) for code in encoded.dictionary.to_pylist()] or [-1], dtype=np.intp)
        indices = np.asarray(pc.fill_null(encoded.indices, 0).to_numpy(zero_copy_only=False), dtype=np.intp)
        return member, np.where(member, lookup[indices], -1)


def year_start(as_of: date) -> date:
    """The same day one year earlier (28 February for 29 February): the year is (start, as_of]."""
    try:
        return as_of.replace(year=as_of.year - 1)
    except ValueError:
        return as_of.replace(year=as_of.year - 1, day=28)


def day_sql(on: date) -> str:
    """A date literal."""
    return f"DATE '{on.isoformat()}'"


def known_sql(known_at: datetime | None, column: str = "recorded_at") -> str:
    """``AND`` clause keeping the events recorded by ``known_at`` (empty when None: everything recorded)."""
    return f"AND {column} <= TIMESTAMP '{known_at.isoformat(sep=' ')}'" if known_at else ""


def live_sql(known_at: datetime | None) -> str:
    """Events known at ``known_at`` that no known correction supersedes (the rule of the state fold)."""
    known = known_sql(known_at)
    return f"TRUE {known} AND event_id NOT IN (SELECT supersedes FROM events WHERE supersedes IS NOT NULL {known})"


def state_rows_sql(known_at: datetime | None) -> str:
    """Every state row of every person (subject_id, valid_from, valid_to, event_id, attributes) as known at
    ``known_at``: the source that :func:`renkou.register.state.state_sql` filters to one date.

    The state on an event's day is needed for many persons and days at once, which ``state_sql`` (one date) cannot
    give; this is the register's own public row source so that the definition of the fold stays in one place.
    """
    from renkou.register.state import state_rows_sql as register_state_rows

    return register_state_rows(known_at)


def membership_on(kind: Kind, day_column: str) -> tuple[str, str]:
    """Membership condition and district of ``kind`` over alias ``s``, judged on the date in ``day_column``."""
    condition, district = membership_sql(kind, _SENTINEL_DAY)
    literal = day_sql(_SENTINEL_DAY)
    if kind == "resident" and literal not in condition:
        raise RuntimeError("membership_sql no longer writes the date as a literal; update membership_on")
    return condition.replace(literal, day_column), district.replace(literal, day_column)


def age_between(birth: str, day: str) -> str:
    """Completed years from ``birth`` to ``day`` (two SQL date expressions), as in ``age_sql``."""
    return (
        f"(((year({day}) * 10000 + month({day}) * 100 + day({day})) - "
        f"(year({birth}) * 10000 + month({birth}) * 100 + day({birth}))) // 10000)"
    )


def district_columns(kinds: tuple[Kind, ...], on: date | str) -> str:
    """``<kind>_d`` columns: the district of each kind ('' unknown) or null when not a member, on a date or on the
    date held in a column (given as SQL text)."""
    parts = []
    for kind in kinds:
        condition, district = membership_sql(kind, on) if isinstance(on, date) else membership_on(kind, on)
        parts.append(f"CASE WHEN {condition} THEN coalesce({district}, '') END AS {kind}_d")
    return ", ".join(parts)


def any_member(kinds: tuple[Kind, ...], on: date | str) -> str:
    """Condition: a member of any of ``kinds`` on the date (or the date column)."""
    conditions = [(membership_sql(k, on) if isinstance(on, date) else membership_on(k, on))[0] for k in kinds]
    return " OR ".join(f"({c})" for c in conditions)


def sex_index(column: pa.ChunkedArray) -> np.ndarray:
    """0 for F, 1 for M, 2 for unknown."""
    female = np.asarray(pc.fill_null(pc.equal(column, SEXES[0]), False).to_numpy(zero_copy_only=False), dtype=bool)
    male = np.asarray(pc.fill_null(pc.equal(column, SEXES[1]), False).to_numpy(zero_copy_only=False), dtype=bool)
    return np.where(female, 0, np.where(male, 1, 2))


def age_index(column: pa.ChunkedArray, top: int = OPEN_AGE, unknown: int = AGE_UNKNOWN) -> np.ndarray:
    """Ages capped at ``top`` (the open group); null and negative ages become ``unknown``."""
    ages = np.asarray(pc.fill_null(column, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    return np.where(ages < 0, unknown, np.minimum(ages, top))


def column_values(table: pa.Table, name: str) -> np.ndarray:
    """A numeric column as floats, nulls as 0 (sums arrive as 128-bit decimals: cast in Arrow, not in Python)."""
    column = pc.cast(table.column(name), pa.float64())
    return np.asarray(pc.fill_null(column, 0.0).to_numpy(zero_copy_only=False), dtype=np.float64)


def scatter(
    target: np.ndarray, member: np.ndarray, rows: np.ndarray, index: tuple[np.ndarray, ...], weights: np.ndarray
) -> None:
    """Add ``weights`` to the city (row 0) for members and to their district row when it is known.

    ``target`` has the areas on its first axis and one more axis per array in ``index``.
    """
    in_district = member & (rows >= 0)
    area = np.concatenate([np.zeros(int(member.sum()), dtype=np.intp), rows[in_district]])
    cells = tuple(np.concatenate([i[member], i[in_district]]) for i in index)
    flat = np.ravel_multi_index((area, *cells), target.shape)
    added = np.concatenate([weights[member], weights[in_district]])
    target += np.bincount(flat, weights=added, minlength=target.size).reshape(target.shape)
