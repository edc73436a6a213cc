"""Age layouts of a life table: validation of age groups, standard layouts and regrouping of counts.

A layout is two 1-D arrays: ``ages`` (the lower bound of each age group, in years) and ``intervals`` (the width ``n``
of each group). The last group is the open one (85+, 100+, ...): its interval is empty, stored as ``inf``.
Everything here is pure NumPy; errors are :class:`LifeTableInputError` naming the 0-based row, which the file layer
turns into a line number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from renkou.errors import UserError

FloatArray = NDArray[np.float64]

# Ages are whole or decimal years; two boundaries closer than this are the same age (guards float round-off such as
# 0.1 + 0.2 when someone uses fractional ages).
AGE_TOLERANCE = 1e-9


class LifeTableInputError(UserError):
    """Bad life-table input, with the 0-based ``row`` (age group) and, for stacked tables, the ``region`` index."""

    def __init__(self, zh: str, en: str, *, row: int | None = None, region: tuple[int, ...] | None = None) -> None:
        self.row = row
        self.region = region
        if region:
            label = ",".join(str(i) for i in region)
            zh, en = f"第 {label} 个区域：{zh}", f"region {label}: {en}"
        super().__init__(zh, en, code="bad_life_table")


def format_age(age: float) -> str:
    """An age for messages and files: ``5`` rather than ``5.0``, decimals kept when present."""
    return str(int(age)) if float(age).is_integer() else f"{age:g}"


def _as_intervals(intervals: Sequence[float | None] | ArrayLike) -> FloatArray:
    """Intervals as floats, with ``None``/NaN/inf all meaning "open" (stored as NaN until validated)."""
    values = [np.nan if v is None else v for v in intervals] if isinstance(intervals, list | tuple) else intervals
    result = np.array(values, dtype=np.float64).reshape(-1)
    result[np.isinf(result)] = np.nan
    return result


def validate_layout(ages: ArrayLike, intervals: Sequence[float | None] | ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Check an age layout and return ``(ages, intervals)`` with ``inf`` as the open interval.

    Rules: at least one group; ages finite and not negative; every interval but the last positive; the last
    interval empty (the open group); each group starts where the previous one ends (``age + interval`` equals the
    next age). Raises :class:`LifeTableInputError` naming the row that breaks a rule.
    """
    age_array = np.array(ages, dtype=np.float64).reshape(-1)
    n = _as_intervals(intervals)
    if age_array.size == 0:
        raise LifeTableInputError("生命表没有任何年龄组", "the life table has no age groups")
    if n.size != age_array.size:
        raise LifeTableInputError(
            f"年龄有 {age_array.size} 个，组距有 {n.size} 个，数量应相同",
            f"{age_array.size} ages but {n.size} intervals; they must match",
        )
    for row, age in enumerate(age_array):
        if not math.isfinite(age) or age < 0:
            raise LifeTableInputError(f"年龄 {age} 无效", f"invalid age {age}", row=row)
    last = age_array.size - 1
    for row in range(last):
        width = n[row]
        if math.isnan(width):
            raise LifeTableInputError(
                f"年龄 {format_age(age_array[row])} 的组距为空，但只有最后一个年龄组可以是开口组",
                f"age {format_age(age_array[row])} has an empty interval, but only the last age group may be open",
                row=row,
            )
        if width <= 0:
            raise LifeTableInputError(
                f"年龄 {format_age(age_array[row])} 的组距 {width:g} 应为正数",
                f"age {format_age(age_array[row])}: interval {width:g} must be positive",
                row=row,
            )
        end = age_array[row] + width
        if abs(end - age_array[row + 1]) > AGE_TOLERANCE:
            raise LifeTableInputError(
                f"年龄不连续：{format_age(age_array[row])} + 组距 {width:g} = {format_age(end)}，"
                f"但下一行的年龄是 {format_age(age_array[row + 1])}",
                f"ages are not contiguous: {format_age(age_array[row])} + interval {width:g} = {format_age(end)} "
                f"but the next row has age {format_age(age_array[row + 1])}",
                row=row + 1,
            )
    if not math.isnan(n[last]):
        raise LifeTableInputError(
            f"缺少开口年龄组：最后一行（年龄 {format_age(age_array[last])}）的组距应为空，例如 85+",
            f"the open age group is missing: the last row (age {format_age(age_array[last])}) must have an empty "
            "interval, e.g. 85+",
            row=last,
        )
    n[last] = np.inf
    return age_array, n


def single_year_ages(open_age: int = 100) -> tuple[FloatArray, FloatArray]:
    """The complete (single-year) layout 0, 1, ..., ``open_age``-1 and the open group ``open_age``+."""
    if open_age < 1:
        raise ValueError("open_age must be at least 1")
    ages = np.arange(open_age + 1, dtype=np.float64)
    intervals = np.ones(open_age + 1)
    intervals[-1] = np.inf
    return ages, intervals


def abridged_ages(open_age: int = 85) -> tuple[FloatArray, FloatArray]:
    """The abridged layout 0, 1-4, 5-9, ..., and the open group ``open_age``+ (a multiple of 5, at least 5)."""
    if open_age < 5 or open_age % 5:
        raise ValueError("open_age must be a multiple of 5, at least 5")
    ages = np.array([0.0, 1.0, *range(5, open_age + 1, 5)])
    intervals = np.diff(ages, append=np.inf)
    return ages, intervals


def regroup_indices(ages: FloatArray, new_ages: ArrayLike) -> NDArray[np.intp]:
    """Row index in ``ages`` where each new group starts; every new boundary must be an existing one."""
    targets = np.array(new_ages, dtype=np.float64).reshape(-1)
    if targets.size == 0 or abs(targets[0] - ages[0]) > AGE_TOLERANCE:
        raise ValueError(f"the new layout must start at age {format_age(ages[0])}")
    if np.any(np.diff(targets) <= 0):
        raise ValueError("the new ages must increase")
    found = np.searchsorted(ages, targets - AGE_TOLERANCE)
    clipped = np.minimum(found, ages.size - 1)
    missing = (found >= ages.size) | (np.abs(ages[clipped] - targets) > AGE_TOLERANCE)
    if np.any(missing):
        bad = ", ".join(format_age(a) for a in targets[missing])
        raise ValueError(f"new group boundaries {bad} are not boundaries of the existing age groups")
    return found.astype(np.intp)


def regroup_counts(
    ages: ArrayLike,
    intervals: Sequence[float | None] | ArrayLike,
    values: ArrayLike,
    new_ages: ArrayLike,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Sum counts (deaths, exposures, population) over coarser age groups.

    ``values`` has the age groups on its last axis (any leading region axes are kept). ``new_ages`` are the lower
    bounds of the new groups, the last of which becomes the open group (everything from that age up). Returns
    ``(new_ages, new_intervals, new_values)``. Only counts can be summed: rates must be recomputed from the sums.
    """
    age_array, _ = validate_layout(ages, intervals)
    starts = regroup_indices(age_array, new_ages)
    counts = np.asarray(values, dtype=np.float64)
    if counts.shape[-1:] != age_array.shape:
        raise ValueError(f"values have {counts.shape[-1:]} age groups on the last axis, expected {age_array.size}")
    summed = np.add.reduceat(counts, starts, axis=-1)
    new_age_array = age_array[starts]
    return new_age_array, np.diff(new_age_array, append=np.inf), summed


def abridge_counts(
    ages: ArrayLike,
    intervals: Sequence[float | None] | ArrayLike,
    values: ArrayLike,
    open_age: int | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Sum single-year (or finer) counts into the abridged groups 0, 1-4, 5-9, ..., ``open_age``+.

    ``open_age`` defaults to the highest multiple of 5 not above the input's open age.
    """
    age_array = np.array(ages, dtype=np.float64).reshape(-1)
    top = int(age_array[-1] // 5 * 5) if open_age is None else open_age
    new_ages, _ = abridged_ages(top)
    return regroup_counts(ages, intervals, values, new_ages)
