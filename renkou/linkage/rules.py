"""Deterministic rules, applied before the model: a normalised valid ID number, or a legacy 15-digit one upgraded."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from renkou.ids.citizen import InvalidCitizenID, upgrade_15


def candidate_number(number: str | None) -> tuple[str | None, str | None]:
    """(18-digit number to look up, rule name) for an ID as typed; (None, None) when no rule applies."""
    if number is None:
        return None, None
    if len(number) == 18:
        return number, "exact_id"
    if len(number) == 15:
        try:
            return upgrade_15(number), "upgraded_15"
        except InvalidCitizenID:
            return None, None
    return None, None


def deterministic_links(left: pa.Table, right: pa.Table) -> dict[str, tuple[str, str]]:
    """Left ``unique_id`` -> (person ``unique_id``, rule) where the (upgraded) ID number equals a person's.

    A hash join of the two sides; only the (rare) 15-digit numbers are upgraded one by one.
    """
    lengths = pc.utf8_length(left["id_number"])
    full = left.filter(pc.fill_null(pc.equal(lengths, 18), False))
    legacy = left.filter(pc.fill_null(pc.equal(lengths, 15), False))
    upgraded = [candidate_number(number)[0] for number in legacy["id_number"].to_pylist()]
    candidates = pa.concat_tables(
        [
            pa.table(
                {
                    "unique_id": full["unique_id"],
                    "looked_up": full["id_number"],
                    "rule": pa.array(["exact_id"] * full.num_rows, pa.string()),
                }
            ),
            pa.table(
                {
                    "unique_id": legacy["unique_id"],
                    "looked_up": pa.array(upgraded, pa.string()),
                    "rule": pa.array(["upgraded_15"] * legacy.num_rows, pa.string()),
                }
            ),
        ]
    )
    candidates = candidates.filter(pc.is_valid(candidates["looked_up"]))
    persons = right.select(["unique_id", "id_number"]).rename_columns(["person", "looked_up"])
    joined = candidates.join(persons, "looked_up", join_type="inner")
    return dict(
        zip(
            joined["unique_id"].to_pylist(),
            zip(joined["person"].to_pylist(), joined["rule"].to_pylist(), strict=True),
            strict=True,
        )
    )
