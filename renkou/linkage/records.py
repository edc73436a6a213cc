"""The two sides of the linkage as base tables: quarantined rows (left) and the register's persons (right)."""

from __future__ import annotations

import pyarrow as pa

from renkou.engine import Engine
from renkou.linkage.features import clean_id, clean_sex
from renkou.linkage.secrets_io import identities, quarantined_rows
from renkou.register.keys import RegisterKeys

# Only rows quarantined for their ID number are linkage candidates; a bad date does not hide who the person is.
ID_REASON_PREFIX = "id_"


def left_records(engine: Engine, keys: RegisterKeys) -> pa.Table:
    """Quarantined rows as base columns, keyed ``batch_id:line``, plus their file, line and reason."""
    rows = [row for row in quarantined_rows(engine, keys) if str(row["reason"]).startswith(ID_REASON_PREFIX)]
    raws = [row["raw"] for row in rows]

    def text(raw: object, key: str) -> str | None:
        value = raw.get(key) if isinstance(raw, dict) else None
        return None if value in (None, "") else str(value)

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
