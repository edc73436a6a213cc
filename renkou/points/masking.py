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
    import numpy as np
    import pyarrow as pa

__all__ = ["COMPOUND_SURNAMES", "id_bytes", "mask_id", "mask_ids", "mask_name", "mask_names"]

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


def id_bytes(ids: pa.Array) -> np.ndarray | None:
    """The IDs as an (n, 18) uint8 view when every one is a normalised 18-character number (17 digits, then a
    digit or ``X``); otherwise None. Lets masking and repeat checks work on a million IDs without Python loops."""
    import numpy as np
    import pyarrow as pa

    count = len(ids)
    if count == 0 or ids.null_count or not pa.types.is_string(ids.type):
        return None
    offsets = np.frombuffer(ids.buffers()[1], dtype=np.int32, count=count + 1, offset=ids.offset * 4)
    if not (np.diff(offsets) == 18).all():
        return None
    data = np.frombuffer(ids.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[0] + 18 * count].reshape(count, 18)
    # Unsigned bytes wrap below "0", so one comparison checks for a digit.
    above_nine = (data - np.uint8(ord("0"))) > 9
    if above_nine[:, :17].any() or (above_nine[:, 17] & (data[:, 17] != ord("X"))).any():
        return None
    return data


def _mask_fixed_width(ids: pa.Array, order: np.ndarray | None) -> pa.Array | None:
    """Mask normalised 18-character numbers byte-wise (rows in ``order``); None when not all are normalised."""
    import numpy as np
    import pyarrow as pa

    data = id_bytes(ids)
    if data is None:
        return None
    masked = data[order] if order is not None else data.copy()
    masked[:, 6:14] = ord("*")  # characters 7-14: the birth date
    count = len(masked)
    new_offsets = np.arange(0, 18 * (count + 1), 18, dtype=np.int32)
    return pa.StringArray.from_buffers(count, pa.py_buffer(new_offsets), pa.py_buffer(masked))


def mask_ids(ids: pa.Array, order: np.ndarray | None = None) -> pa.Array:
    """:func:`renkou.ids.mask` of every element (of the rows in ``order``, when given), vectorised.

    Reordering happens on the fixed-width bytes, which is much cheaper than gathering a million strings.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    fixed = _mask_fixed_width(ids, order)
    if fixed is not None:
        return fixed
    if order is not None:
        ids = ids.take(pa.array(order))
    plain = pc.match_substring_regex(ids, _NORMALISED_18)
    fast = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(ids, 0, 6), pc.utf8_slice_codeunits(ids, 14, 18), "********"
    )
    if pc.all(plain).as_py() is not False:
        return fast
    slow_rows = pc.indices_nonzero(pc.invert(plain))
    slow_values = pa.array([mask_id(v) for v in ids.take(slow_rows).to_pylist()], pa.string())
    return pc.replace_with_mask(fast, pc.invert(plain), slow_values)


def mask_names(names: pa.Array, order: np.ndarray | None = None) -> pa.Array:
    """:func:`mask_name` of every element (of the rows in ``order``, when given), vectorised.

    The result is dictionary-encoded: masked names repeat a lot (a surname and ``*``), so reordering moves small
    integers instead of strings.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    trimmed = pc.utf8_trim_whitespace(names)
    two = pc.utf8_slice_codeunits(trimmed, 0, 2)
    compound = pc.and_(pc.is_in(two, value_set=_compound_set()), pc.greater(pc.utf8_length(trimmed), 2))
    first = pc.utf8_slice_codeunits(trimmed, 0, 1)
    surname = pc.if_else(compound, two, first) if pc.any(compound).as_py() else first
    masked = pc.binary_join_element_wise(surname, "*", "")
    blank = pc.equal(pc.utf8_length(trimmed), 0)
    if pc.any(blank).as_py():
        masked = pc.if_else(blank, trimmed, masked)
    encoded = pc.dictionary_encode(masked)
    return encoded if order is None else encoded.take(pa.array(order))


def _compound_set() -> pa.Array:
    import pyarrow as pa

    return pa.array(COMPOUND_SURNAMES, pa.string())
