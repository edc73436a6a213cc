"""One person's record for a clerk: the state as of today and the history of events, identity decrypted on demand.

The register keeps a person under a keyed hash of the ID number (``subject_id``) and the ID number and name
encrypted; this module finds the events by that key and decrypts the latest identity row. Whether the full identity
may be shown is decided by :func:`renkou.api.permissions.person_access`; :func:`present` masks it otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from renkou.engine import Engine
from renkou.ids import lookup, mask
from renkou.register.feeds import EVENT_TYPES_ZH
from renkou.register.identity import decrypt_one, split_identity
from renkou.register.keys import RegisterKeys
from renkou.register.schema import ATTRIBUTE_NAMES, STATE_NAMES
from renkou.register.transform import keyed

# Keyed hashes of other persons (parents, partner) and of the name mean nothing to a reader: not shown.
HIDDEN_ATTRIBUTES = frozenset({"mother_id", "father_id", "partner_id", "name_digest"})
REGION_ATTRIBUTES = ("hukou_region", "residence_region", "id_division")


def _key_sql(keys: RegisterKeys) -> str:
    """SQL for the register's key of the ID number bound to the next ``?`` (the register's own keying)."""
    # A scalar subquery, so the one parameter is bound once however often the key expression names it.
    return f"(SELECT {keyed(repr(keys.pseudonym_prefix_hex()), 'rk_number')} FROM (SELECT CAST(? AS VARCHAR) AS rk_number))"


def subject_key(engine: Engine, keys: RegisterKeys, number: str) -> str:
    """The register's key of a person, as text (what the audit log records instead of the ID number)."""
    return str(engine.scalar(f"SELECT CAST({_key_sql(keys)} AS VARCHAR)", [number]))


@dataclass(frozen=True)
class PersonRecord:
    """What the register knows of one person."""

    id_number: str
    name: str
    state: dict[str, Any]
    events: list[dict[str, Any]]

    @property
    def districts(self) -> tuple[str, ...]:
        """The districts the person belongs to now: hukou and residence."""
        return tuple(str(self.state[k]) for k in ("hukou_region", "residence_region") if self.state.get(k) is not None)


def find(engine: Engine, keys: RegisterKeys, number: str, today: date) -> PersonRecord | None:
    """The record of the person with ID ``number``, or None when the register has no event of them."""
    columns = ["event_id", "event_type", "occurred_on", "recorded_at", "source", "record_no", *ATTRIBUTE_NAMES]
    rows = engine.rows(
        f"SELECT {', '.join(columns)} FROM events WHERE subject_id = {_key_sql(keys)} ORDER BY occurred_on, event_id",
        [number],
    )
    if not rows:
        return None
    records = [dict(zip(columns, row, strict=True)) for row in rows]
    superseded = {r["supersedes"] for r in records if r.get("supersedes") is not None}
    events = [
        {
            "event_id": r["event_id"],
            "event_type": r["event_type"],
            "event_type_name": EVENT_TYPES_ZH.get(r["event_type"], r["event_type"]),
            "occurred_on": r["occurred_on"],
            "recorded_at": r["recorded_at"],
            "source": r["source"],
            "record_no": r["record_no"],
            "superseded": r["event_id"] in superseded,
            "attributes": {
                name: r[name] for name in ATTRIBUTE_NAMES if r[name] is not None and name not in HIDDEN_ATTRIBUTES
            },
        }
        for r in records
    ]
    state = fold(records, superseded, today)
    for name in REGION_ATTRIBUTES:
        code = state.get(name)
        if code:
            division = lookup(str(code))
            state[f"{name}_name"] = division.name if division else None
    return PersonRecord(number, _latest_name(engine, keys, number), state, events)


def fold(records: list[dict[str, Any]], superseded: set[int], today: date) -> dict[str, Any]:
    """One person's state on ``today`` by the register's rule (:mod:`renkou.register.state`): over the events not
    superseded, in (occurred_on, event_id) order, each attribute takes its last non-null value.

    Events dated after ``today`` are left out, unless there is nothing else (a person registered ahead of time).
    """
    live = [r for r in records if r["event_id"] not in superseded]
    current = [r for r in live if r["occurred_on"] <= today] or live
    state: dict[str, Any] = {"as_of": today}
    for record in sorted(current, key=lambda r: (r["occurred_on"], r["event_id"])):
        for name in STATE_NAMES:
            if name not in HIDDEN_ATTRIBUTES and record[name] is not None:
                state[name] = record[name]
    return state


def _latest_name(engine: Engine, keys: RegisterKeys, number: str) -> str:
    rows = engine.rows(
        "SELECT i.ciphertext, i.stream_offset, b.nonce FROM identity i JOIN batches b USING (batch_id) "
        f"WHERE i.subject_id = {_key_sql(keys)} ORDER BY i.event_id DESC LIMIT 50",
        [number],
    )
    for ciphertext, offset, nonce in rows:
        _, name = split_identity(decrypt_one(bytes(ciphertext), int(offset), keys.identity, bytes(nonce)))
        if name:
            return name
    return ""


def mask_name(name: str) -> str:
    """The display form of a name: the family name (first character) and one ``*`` per other character."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1) if len(name) > 1 else "*"


def present(record: PersonRecord, full_identity: bool) -> dict[str, Any]:
    """The record as returned to a clerk: the full ID and name only with ``full_identity``."""
    return {
        "id_number": record.id_number if full_identity else mask(record.id_number),
        "name": record.name if full_identity else mask_name(record.name),
        "identity_masked": not full_identity,
        "districts": list(record.districts),
        "state": record.state,
        "events": record.events,
    }
