"""The two sides of the linkage as base tables: quarantined rows (left) and the register's persons (right)."""

from __future__ import annotations

import pyarrow as pa

from renkou.engine import Engine
from renkou.linkage.features import clean_id, clean_sex
from renkou.linkage.secrets_io import identities, quarantined_rows
from renkou.register.feeds import event_type_map
from renkou.register.keys import RegisterKeys

# Attributes that single out a person or a household (beside the ID number): a row with none of them carries only a
# name, plus at most a sex, a district, a status code and the event date, which many persons share.
IDENTIFYING = ("birth_date", "permit_no", "partner_id", "mother_id", "father_id", "household_id")
NAME_ONLY = "name_only"
# A row whose only pointers (permit, partner, mother, household) point to no one the register knows: in effect a
# name and the district of the pointer. Both classes are "weak": too little to single out a person in a city.
UNKNOWN_POINTER = "unknown_pointer"
WEAK_EVIDENCE = frozenset({NAME_ONLY, UNKNOWN_POINTER})
ID_EVIDENCE = "id_number"


def pointers_only(evidence: str) -> bool:
    """Whether a row's evidence is pointers alone (permit, partner, mother, household; no ID number, no birth)."""
    return evidence not in (ID_EVIDENCE, NAME_ONLY, UNKNOWN_POINTER) and "birth_date" not in evidence.split("+")


# Only rows quarantined for their ID number are linkage candidates; a bad date does not hide who the person is.
ID_REASON_PREFIX = "id_"


def left_records(engine: Engine, keys: RegisterKeys) -> pa.Table:
    """Quarantined rows not yet re-filed, as base columns keyed ``batch_id:line``, plus file, line, reason and the
    evidence they carry (needs the linkage schema)."""
    done = {(int(b), int(n)) for b, n in engine.rows("SELECT batch_id, line FROM link_refiled")}
    rows = [
        row
        for row in quarantined_rows(engine, keys)
        if str(row["reason"]).startswith(ID_REASON_PREFIX) and (row["batch_id"], row["line"]) not in done
    ]
    raws = [row["raw"] for row in rows]

    def text(raw: object, key: str) -> str | None:
        value = raw.get(key) if isinstance(raw, dict) else None
        return None if value in (None, "") else str(value)

    event_types = event_type_map()

    def evidence(raw: object) -> str:
        if text(raw, "id_number") is not None:
            return ID_EVIDENCE
        present = [key for key in IDENTIFYING if text(raw, key) is not None]
        return "+".join(present) if present else NAME_ONLY

    return pa.table(
        {
            "unique_id": pa.array([f"{row['batch_id']}:{row['line']}" for row in rows], pa.string()),
            "id_number": pa.array([clean_id(text(raw, "id_number")) for raw in raws], pa.string()),
            "name": pa.array([text(raw, "name") or "" for raw in raws], pa.string()),
            "sex": pa.array([clean_sex(text(raw, "sex")) for raw in raws], pa.string()),
            "birth_date": pa.array([text(raw, "birth_date") for raw in raws], pa.string()),
            "region": pa.array(
                [text(raw, "residence_region") or text(raw, "hukou_region") for raw in raws], pa.string()
            ),
            "permit_no": pa.array([text(raw, "permit_no") for raw in raws], pa.string()),
            "partner_number": pa.array([clean_id(text(raw, "partner_id")) for raw in raws], pa.string()),
            "mother_number": pa.array([clean_id(text(raw, "mother_id")) for raw in raws], pa.string()),
            "household_id": pa.array([text(raw, "household_id") for raw in raws], pa.string()),
            "event_type": pa.array([event_types.get(text(raw, "event_type") or "") for raw in raws], pa.string()),
            "occurred_on": pa.array([text(raw, "occurred_on") for raw in raws], pa.string()),
            "evidence": pa.array([evidence(raw) for raw in raws], pa.string()),
            "batch_id": pa.array([row["batch_id"] for row in rows], pa.int64()),
            "file_name": pa.array([row["file_name"] for row in rows], pa.string()),
            "line": pa.array([row["line"] for row in rows], pa.int64()),
            "reason": pa.array([row["reason"] for row in rows], pa.string()),
        }
    )


def right_records(engine: Engine, keys: RegisterKeys) -> pa.Table:
    """One row per person of the register: ID number, most frequent delivered name, latest sex, birth, residence."""
    engine.register_arrow("linkage_identities", identities(engine, keys))
    try:
        return engine.arrow(
            "WITH names AS (SELECT subject, any_value(id_number) AS id_number, mode(name) AS name "
            "FROM linkage_identities GROUP BY subject), "
            "latest AS (SELECT hex(subject_id) AS subject, arg_max(sex, valid_from) AS sex, "
            "arg_max(birth_date, valid_from) AS birth_date, arg_max(residence_region, valid_from) AS region "
            "FROM spells GROUP BY subject_id) "
            "SELECT n.subject AS unique_id, n.id_number, n.name, l.sex, CAST(l.birth_date AS VARCHAR) AS birth_date, "
            "l.region FROM names n LEFT JOIN latest l ON l.subject = n.subject"
        )
    finally:
        engine.connection.unregister("linkage_identities")  # type: ignore[attr-defined]
