"""Deterministic rules, applied before the model: a normalised valid ID number, or a legacy 15-digit one upgraded."""

from __future__ import annotations

import pyarrow as pa

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
    """Left ``unique_id`` -> (person ``unique_id``, rule) where the (upgraded) ID number equals a person's."""
    by_number = dict(zip(right["id_number"].to_pylist(), right["unique_id"].to_pylist(), strict=True))
    links: dict[str, tuple[str, str]] = {}
    for unique_id, number in zip(left["unique_id"].to_pylist(), left["id_number"].to_pylist(), strict=True):
        looked_up, rule = candidate_number(number)
        if looked_up is not None and rule is not None and looked_up in by_number:
            links[unique_id] = (by_number[looked_up], rule)
    return links
