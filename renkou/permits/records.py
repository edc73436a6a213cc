"""Reading what the permits need from the register: a person's state and permit events, holders, masked IDs.

Everything here is read-only. The register keys a person by a keyed hash of the ID number; that key is computed
inside SQL with the register's own definition (:func:`renkou.register.transform.keyed`), so this module does not
depend on how the key is stored. Keys that come back to Python are in hex (``hex(key)``): casting a 128-bit key to
text, or fetching it as a Python integer, costs about 0.1 ms per value in DuckDB 2.0, ``hex`` almost nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pyarrow as pa

from renkou.errors import UserError
from renkou.ids import InvalidCitizenID, mask, parse_id
from renkou.permits.lifecycle import EventKind, PermitEvent
from renkou.register import identity
from renkou.register.state import state_sql
from renkou.register.store import Register
from renkou.register.transform import keyed

PERMIT_EVENT_TYPES = tuple(kind.value for kind in EventKind)
_IN_TYPES = "(" + ", ".join(f"'{name}'" for name in PERMIT_EVENT_TYPES) + ")"
_LIVE = "event_id NOT IN (SELECT supersedes FROM events WHERE supersedes IS NOT NULL)"


@dataclass(frozen=True)
class Person:
    """A person the clerk named: the normalised ID number (kept in memory only) and its display form."""

    number: str
    masked: str


@dataclass(frozen=True)
class PersonState:
    """The register's state of a person on a date (the attributes the permits use)."""

    alive: bool
    hukou_in_city: bool | None
    hukou_region: str | None
    residence_in_city: bool | None
    residence_region: str | None
    residence_since: date | None
    employment: str | None
    housing: str | None


def _secret(register: Register) -> str:
    return "'" + register.keys.pseudonym_prefix_hex() + "'"


def key_sql(register: Register) -> str:
    """A scalar subquery for the register key of the ID number bound to its one ``?`` parameter."""
    return f"(SELECT {keyed(_secret(register), 'rk_n')} FROM (SELECT CAST(? AS VARCHAR) AS rk_n))"


def subject_keys(register: Register, numbers: Iterable[str]) -> dict[str, str]:
    """The register key (hex) of each normalised ID number."""
    wanted = sorted(set(numbers))
    if not wanted:
        return {}
    register.engine.register_arrow("rk_permit_numbers", pa.table({"rk_n": pa.array(wanted, pa.string())}))
    rows = register.engine.rows(f"SELECT rk_n, hex({keyed(_secret(register), 'rk_n')}) FROM rk_permit_numbers")
    return {str(number): str(key) for number, key in rows}


def find_person(register: Register, id_text: str) -> Person:
    """The person with this ID number; a malformed number or one the register has never seen is a user error."""
    try:
        number = parse_id(id_text).number
    except InvalidCitizenID as error:
        raise UserError(f"公民身份号码无效：{error}", f"invalid citizen ID number: {error}") from None
    person = Person(number, mask(number))
    known = register.engine.scalar(
        f"SELECT count(*) FROM (SELECT 1 FROM events WHERE subject_id = {key_sql(register)} LIMIT 1)", [number]
    )
    if not known:
        raise UserError(
            f"登记库中没有公民身份号码为 {person.masked} 的人员（请先办理居住登记）",
            f"no person with ID {person.masked} in the register (register the residence first)",
            code="unknown_person",
        )
    return person


def person_state(register: Register, person: Person, on: date) -> PersonState | None:
    """The person's state on ``on`` (None when the register knows nothing of them by that date)."""
    rows = register.engine.rows(
        "SELECT coalesce(alive, true), hukou_in_city, hukou_region, residence_in_city, residence_region, "
        f"residence_since, employment, housing FROM ({state_sql(on)}) s WHERE subject_id = {key_sql(register)}",
        [person.number],
    )
    if not rows:
        return None
    alive, hukou_in_city, hukou_region, residence_in_city, residence_region, since, employment, housing = rows[0]
    return PersonState(
        bool(alive), hukou_in_city, hukou_region, residence_in_city, residence_region, since, employment, housing
    )


def _event(event_type: str, occurred_on: date, permit_no: str | None, event_id: int) -> PermitEvent:
    return PermitEvent(EventKind(event_type), occurred_on, permit_no, int(event_id))


def permit_events(register: Register, person: Person) -> list[PermitEvent]:
    """A person's events that bear on a permit (corrected ones left out), in register order."""
    rows = register.engine.rows(
        f"SELECT event_type, occurred_on, permit_no, event_id FROM events WHERE subject_id = {key_sql(register)} "
        f"AND event_type IN {_IN_TYPES} AND {_LIVE} ORDER BY occurred_on, event_id",
        [person.number],
    )
    return [_event(*row) for row in rows]


KIND_SQL = (
    "CASE e.event_type WHEN 'permit_issued' THEN 0 WHEN 'permit_renewed' THEN 1 WHEN 'permit_cancelled' THEN 2 "
    "WHEN 'residence_left' THEN 3 WHEN 'death' THEN 4 WHEN 'permit_applied' THEN 5 WHEN 'permit_suspended' THEN 6 "
    "WHEN 'permit_restored' THEN 7 WHEN 'permit_replaced' THEN 8 END"
)  # the codes of renkou.permits.fold_arrays.KIND_CODES


def holder_events(register: Register, on: date, district: str | None = None) -> tuple[pa.Table, pa.Table]:
    """Every person issued a permit by ``on`` (optionally living in ``district``) and their permit events up to it.

    Returns ``(holders, events)``. ``holders``: ``holder`` (0, 1, ...), ``subject`` (key, hex), ``district``
    (residence on ``on``). ``events``: ``holder``, ``kind`` (event code), ``day`` (days since 1970-01-01),
    ``permit_no``, ``event_id``; sorted by holder, then date and register order. Holders are numbered once, so the
    events are sorted on small integers and the 128-bit keys are turned into text once per person.
    """
    where = "WHERE s.residence_region = ?" if district else ""
    register.engine.execute(
        f"CREATE OR REPLACE TEMP TABLE rk_permit_holders AS "
        f"WITH issued AS (SELECT DISTINCT subject_id FROM events WHERE event_type = 'permit_issued' "
        f"AND occurred_on <= ? AND {_LIVE}) "
        f"SELECT CAST(row_number() OVER (ORDER BY s.subject_id) - 1 AS BIGINT) AS holder, s.subject_id, "
        f"s.residence_region AS district FROM ({state_sql(on)}) s SEMI JOIN issued i ON i.subject_id = s.subject_id "
        f"{where}",
        [on, *([district] if district else [])],
    )
    try:
        people = register.engine.arrow(
            "SELECT holder, hex(subject_id) AS subject, district FROM rk_permit_holders ORDER BY holder"
        )
        events = register.engine.arrow(
            f"SELECT h.holder, CAST({KIND_SQL} AS TINYINT) AS kind, "
            f"CAST(e.occurred_on - DATE '1970-01-01' AS BIGINT) AS day, e.permit_no, e.event_id "
            f"FROM events e JOIN rk_permit_holders h ON h.subject_id = e.subject_id "
            f"WHERE e.event_type IN {_IN_TYPES} AND e.occurred_on <= ? AND e.{_LIVE} "
            f"ORDER BY h.holder, e.occurred_on, e.event_id",
            [on],
        )
    finally:
        register.engine.execute("DROP TABLE IF EXISTS rk_permit_holders")
    return people, events


def masked_ids(register: Register, event_ids: Iterable[int]) -> dict[int, str]:
    """The masked ID number behind each event (decrypted from the register's identity store, then masked)."""
    return {event_id: mask(number) for event_id, number in id_numbers(register, event_ids).items()}


def id_numbers(register: Register, event_ids: Iterable[int]) -> dict[int, str]:
    """The ID number behind each event, decrypted from the register's identity store (kept in memory only: for
    recording an event about the person, never for display)."""
    wanted = sorted({int(event_id) for event_id in event_ids})
    if not wanted:
        return {}
    register.engine.register_arrow("rk_permit_events", pa.table({"event_id": pa.array(wanted, pa.int64())}))
    rows = register.engine.rows(
        "SELECT i.event_id, i.ciphertext, i.stream_offset, b.nonce FROM identity i "
        "JOIN batches b ON b.batch_id = i.batch_id SEMI JOIN rk_permit_events w ON w.event_id = i.event_id"
    )
    result = {}
    for event_id, ciphertext, offset, nonce in rows:
        plain = identity.decrypt_one(bytes(ciphertext), int(offset), register.keys.identity, bytes(nonce))
        number, _name = identity.split_identity(plain)
        result[int(event_id)] = number
    return result


def suspension_recorded(register: Register, since: dict[str, date]) -> set[str]:
    """The subjects (hex keys) with a ``permit_suspended`` event on or after their date in ``since``."""
    if not since:
        return set()
    register.engine.register_arrow(
        "rk_permit_suspended",
        pa.table({"subject": pa.array(list(since), pa.string()), "since": pa.array(list(since.values()), pa.date32())}),
    )
    rows = register.engine.rows(
        f"SELECT DISTINCT w.subject FROM rk_permit_suspended w JOIN (SELECT hex(subject_id) AS subject, occurred_on "
        f"FROM events WHERE event_type = 'permit_suspended' AND {_LIVE}) e "
        f"ON e.subject = w.subject AND e.occurred_on >= w.since"
    )
    return {str(subject) for (subject,) in rows}


def district_names(register: Register, codes: Iterable[str | None]) -> dict[str, str]:
    """The current name of each division code (the latest valid row of the divisions table)."""
    wanted = sorted({code for code in codes if code})
    if not wanted:
        return {}
    marks = ", ".join("?" for _ in wanted)
    rows = register.engine.rows(
        f"SELECT code, arg_max(name, coalesce(valid_to, 9999)) FROM divisions WHERE code IN ({marks}) GROUP BY code",
        wanted,
    )
    return {str(code): str(name) for code, name in rows}


def permit_number_held_by_another(register: Register, permit_no: str, person: Person) -> bool:
    """True when ``permit_no`` already appears on someone else's events."""
    count = register.engine.scalar(
        f"SELECT count(*) FROM events WHERE permit_no = ? AND subject_id <> {key_sql(register)} AND {_LIVE}",
        [permit_no, person.number],
    )
    return bool(count)


def permits_issued_with_prefix(register: Register, prefix: str) -> int:
    """How many permit numbers starting with ``prefix`` have been issued (to number the next one)."""
    return int(
        register.engine.scalar(
            "SELECT count(DISTINCT permit_no) FROM events WHERE event_type = 'permit_issued' "
            "AND starts_with(permit_no, ?)",
            [prefix],
        )
    )
