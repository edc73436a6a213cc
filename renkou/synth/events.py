"""Event rows of the department files, as Arrow tables in each feed's declared columns.

A generator hands over columns as NumPy code indices (:class:`Coded`), day numbers (:class:`Dates`) or ready
Arrow strings; :func:`block` turns them into one table per event type in the feed's layout, writing codes as the
department's system would: Chinese labels for 公安, 卫健, 民政 and 住建 files, English codes for the residence
registration system and 人社's Parquet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from renkou.register.feeds import COLUMNS, EVENT_TYPES_ZH, FEEDS
from renkou.synth.dates import Days, iso

# The columns each synthetic file carries (a subset of the feed's declared columns, in this order).
LAYOUT: dict[str, tuple[str, ...]] = {
    "hukou": (
        "record_no",
        "event_type",
        "id_number",
        "name",
        "occurred_on",
        "sex",
        "birth_date",
        "ethnicity",
        "hukou_region",
        "residence_region",
        "urban_rural",
        "residence_since",
        "household_id",
        "relation",
        "education",
        "marital_status",
        "employment",
        "insurance",
        "housing",
    ),
    "health": (
        "record_no",
        "event_type",
        "id_number",
        "name",
        "occurred_on",
        "sex",
        "birth_date",
        "hukou_region",
        "residence_region",
        "urban_rural",
        "mother_id",
        "father_id",
    ),
    "residence": (
        "record_no",
        "event_type",
        "id_number",
        "name",
        "occurred_on",
        "sex",
        "birth_date",
        "hukou_region",
        "residence_region",
        "urban_rural",
        "residence_since",
        "permit_no",
        "housing",
        "employment",
    ),
    "civil": ("record_no", "event_type", "id_number", "name", "occurred_on", "partner_id"),
    "hrss": ("record_no", "event_type", "id_number", "name", "occurred_on", "employment", "insurance"),
    "housing": ("record_no", "event_type", "id_number", "name", "occurred_on", "housing"),
}
CHINESE_LABELS = frozenset({"hukou", "health", "civil", "housing"})
TRUTH = "_person"  # hidden column: the true ID number of the row's person (for the dirt's ground truth)
DAY = "_day"  # hidden column: occurred_on as a day number (for routing rows to files by year)

for _feed, _columns in LAYOUT.items():
    assert set(_columns) <= set(FEEDS[_feed].columns), f"{_feed} layout has undeclared columns"

_CODE_LISTS = {name: column.code_list for name, column in COLUMNS.items() if column.code_list is not None}


@dataclass(frozen=True)
class Coded:
    """A code column: indices into ``vocabulary`` (register codes); -1 means empty."""

    index: NDArray[np.int64]
    vocabulary: tuple[str, ...]


@dataclass(frozen=True)
class Dates:
    """A date column as day numbers."""

    days: Days


Column: TypeAlias = pa.Array | Coded | Dates | str | None


def _labels(column: str, vocabulary: tuple[str, ...], chinese: bool) -> pa.Array:
    if not chinese or column not in _CODE_LISTS:
        return pa.array(vocabulary, pa.string())
    zh = {code.code: code.zh for code in _CODE_LISTS[column]}
    return pa.array([zh[value] for value in vocabulary], pa.string())


def _materialise(name: str, value: Column, n: int, chinese: bool) -> pa.Array:
    if value is None:
        return pa.nulls(n, pa.string())
    if isinstance(value, str):
        return pa.array([value], pa.string()).take(pa.array(np.zeros(n, dtype=np.int32)))
    if isinstance(value, Dates):
        return iso(value.days)
    if isinstance(value, Coded):
        index = np.asarray(value.index)
        mask = index < 0
        taken = _labels(name, value.vocabulary, chinese).take(pa.array(np.where(mask, 0, index), pa.int32()))
        return pc.if_else(pa.array(mask), pa.nulls(n, pa.string()), taken) if mask.any() else taken
    if value.type != pa.string():
        value = value.cast(pa.string())
    return value


def _permute(value: Column, order: NDArray[np.int64]) -> Column:
    if isinstance(value, Coded):
        return Coded(np.asarray(value.index)[order], value.vocabulary)
    if isinstance(value, Dates):
        return Dates(np.asarray(value.days)[order])
    if isinstance(value, pa.Array):
        return value.take(pa.array(order))
    return value


def block(feed: str, event_type: str, person: pa.Array, occurred: Days, **columns: Column) -> pa.Table:
    """One event type's rows in the layout of ``feed``, ordered by date (record numbers are set when writing)."""
    chinese = feed in CHINESE_LABELS
    n = len(person)
    unknown = set(columns) - set(LAYOUT[feed])
    if unknown:
        raise ValueError(f"{feed} rows have no column(s) {sorted(unknown)}")
    occurred = np.asarray(occurred, dtype=np.int64)
    if n > 1 and np.any(np.diff(occurred) < 0):
        order = np.argsort(occurred, kind="stable")
        occurred = occurred[order]
        person = person.take(pa.array(order))
        columns = {name: _permute(value, order) for name, value in columns.items()}
    arrays: dict[str, pa.Array] = {}
    for name in LAYOUT[feed]:
        if name == "record_no":
            arrays[name] = pa.nulls(n, pa.string())
        elif name == "event_type":
            arrays[name] = _materialise(name, EVENT_TYPES_ZH[event_type] if chinese else event_type, n, chinese)
        elif name == "id_number":
            arrays[name] = person
        elif name == "occurred_on":
            arrays[name] = iso(occurred)
        else:
            arrays[name] = _materialise(name, columns.get(name), n, chinese)
    arrays[TRUTH] = person
    arrays[DAY] = pa.array(occurred)
    return pa.table(arrays)


def region_text(codes: NDArray[np.int64]) -> pa.Array:
    """Six-digit region codes (integers) as text."""
    return pc.cast(pa.array(np.asarray(codes, dtype=np.int64)), pa.string())


def sex_coded(male: NDArray[np.bool_]) -> Coded:
    """Sex as a code column."""
    return Coded(np.where(male, 0, 1), ("M", "F"))
