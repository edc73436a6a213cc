"""Citizen ID numbers (GB 11643-1999) and administrative division codes (GB/T 2260).

Pure functions over the numbers and a read-only code table; nothing here touches a database or the network.
"""

from __future__ import annotations

from renkou.ids.checksum import check_character
from renkou.ids.citizen import (
    EARLIEST_BIRTH_YEAR,
    REASONS,
    CitizenID,
    InvalidCitizenID,
    is_valid,
    make_id,
    parse_id,
    upgrade_15,
)
from renkou.ids.divisions import (
    Division,
    all_divisions,
    find_by_name,
    is_known,
    lookup,
    prefecture_of,
    province_of,
)
from renkou.ids.normalise import mask, normalise

__all__ = [
    "EARLIEST_BIRTH_YEAR",
    "REASONS",
    "CitizenID",
    "Division",
    "InvalidCitizenID",
    "all_divisions",
    "check_character",
    "find_by_name",
    "is_known",
    "is_valid",
    "lookup",
    "make_id",
    "mask",
    "normalise",
    "parse_id",
    "prefecture_of",
    "province_of",
    "upgrade_15",
]
