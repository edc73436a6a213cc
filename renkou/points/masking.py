"""Masked display of applicants in rankings and public lists: ID as first 6 + ``********`` + last 4, name as
surname + ``*``.

The ID mask is :func:`renkou.ids.mask`; for a million applicants the common case (an already normalised
18-character number) is done column-wise with pyarrow and everything else goes through ``renkou.ids.mask`` itself,
so both paths give the same text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from renkou.ids import mask as mask_id

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["COMPOUND_SURNAMES", "mask_id", "mask_ids", "mask_name", "mask_names"]

# Two-character surnames (复姓) still in use; for these the first two characters are the surname.
COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "司徒", "夏侯",
    "轩辕", "端木", "独孤", "南宫", "西门", "百里", "呼延", "澹台", "公冶", "申屠", "太史", "闻人", "赫连", "万俟",
)  # fmt: skip
_NORMALISED_18 = r"^[0-9]{17}[0-9X]$"


def mask_name(name: str) -> str:
    """Surname and one ``*`` (the length of the given name is hidden too); empty stays empty."""
    name = name.strip()
    if not name:
        return ""
    surname = name[:2] if len(name) > 2 and name[:2] in COMPOUND_SURNAMES else name[:1]
    return surname + "*"


def mask_ids(ids: pa.Array) -> pa.Array:
    """:func:`renkou.ids.mask` of every element, vectorised for normalised 18-character numbers."""
    import pyarrow as pa
    import pyarrow.compute as pc

    plain = pc.match_substring_regex(ids, _NORMALISED_18)
    fast = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(ids, 0, 6), pc.utf8_slice_codeunits(ids, 14, 18), "********"
    )
    if pc.all(plain).as_py() is not False:
        return fast
    slow_rows = pc.indices_nonzero(pc.invert(plain))
    slow_values = pa.array([mask_id(v) for v in ids.take(slow_rows).to_pylist()], pa.string())
    return pc.replace_with_mask(fast, pc.invert(plain), slow_values)


def mask_names(names: pa.Array) -> pa.Array:
    """:func:`mask_name` of every element, vectorised."""
    import pyarrow.compute as pc

    trimmed = pc.utf8_trim_whitespace(names)
    two = pc.utf8_slice_codeunits(trimmed, 0, 2)
    compound = pc.and_(pc.is_in(two, value_set=_compound_set()), pc.greater(pc.utf8_length(trimmed), 2))
    surname = pc.if_else(compound, two, pc.utf8_slice_codeunits(trimmed, 0, 1))
    masked = pc.binary_join_element_wise(surname, "*", "")
    return pc.if_else(pc.equal(pc.utf8_length(trimmed), 0), trimmed, masked)


def _compound_set() -> pa.Array:
    import pyarrow as pa

    return pa.array(COMPOUND_SURNAMES, pa.string())
