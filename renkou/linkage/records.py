"""The two sides of the linkage as base tables: quarantined rows (left) and the register's persons (right)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from renkou.engine import Engine
from renkou.linkage.features import SEX_CODES, clean_id
from renkou.linkage.secrets_io import identities, quarantined_table
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


def _text(key: str) -> str:
    """SQL: a raw row's value as text, null when absent or empty."""
    return f"nullif(json_extract_string(raw, '$.{key}'), '')"


def left_records(engine: Engine, keys: RegisterKeys) -> pa.Table:
    """Quarantined rows not yet re-filed, as base columns keyed ``batch_id:line``, plus file, line, reason and the
    evidence they carry (needs the linkage schema).

    Set work in an in-memory DuckDB over the decrypted rows (JSON); only the distinct ID numbers are normalised in
    Python.
    """
    import duckdb

    connection = duckdb.connect()
    connection.register("quarantined", quarantined_table(engine, keys))
    connection.register("done", engine.arrow("SELECT batch_id, line FROM link_refiled"))
    spellings = event_type_map()
    connection.register("event_types", pa.table({"spelling": list(spellings), "event_type": list(spellings.values())}))
    connection.register("sex_codes", pa.table({"code": list(SEX_CODES), "sex": list(SEX_CODES.values())}))
    present = [f"CASE WHEN {_text(key)} IS NOT NULL THEN '{key}' END" for key in IDENTIFYING]
    rows = connection.sql(
        f"SELECT batch_id, file_name, line, reason, {_text('id_number')} AS id_raw, coalesce({_text('name')}, '') "
        f"AS name, trim({_text('sex')}) AS sex_raw, {_text('birth_date')} AS birth_date, "
        f"coalesce({_text('residence_region')}, {_text('hukou_region')}) AS region, "
        f"{_text('permit_no')} AS permit_no, {_text('partner_id')} AS partner_raw, {_text('mother_id')} AS mother_raw, "
        f"{_text('household_id')} AS household_id, {_text('event_type')} AS event_raw, "
        f"{_text('occurred_on')} AS occurred_on, CASE WHEN {_text('id_number')} IS NOT NULL THEN '{ID_EVIDENCE}' "
        f"ELSE coalesce(nullif(concat_ws('+', {', '.join(present)}), ''), '{NAME_ONLY}') END AS evidence "
        "FROM quarantined q WHERE starts_with(reason, '" + ID_REASON_PREFIX + "') "
        "AND NOT EXISTS (SELECT 1 FROM done d WHERE d.batch_id = q.batch_id AND d.line = q.line) "
        # A row quarantined for two reasons is one linkage record.
        "QUALIFY row_number() OVER (PARTITION BY batch_id, line ORDER BY reason) = 1"
    ).to_arrow_table()
    numbers = {
        text
        for column in ("id_raw", "partner_raw", "mother_raw")
        for text in pc.unique(rows[column].drop_null()).to_pylist()
    }
    connection.register(
        "cleaned",
        pa.table({"raw": pa.array(sorted(numbers), pa.string()), "clean": [clean_id(n) for n in sorted(numbers)]}),
    )
    connection.register("rows_in", rows)
    return connection.sql(
        "SELECT CAST(r.batch_id AS VARCHAR) || ':' || CAST(r.line AS VARCHAR) AS unique_id, i.clean AS id_number, "
        "r.name, s.sex, r.birth_date, r.region, r.permit_no, p.clean AS partner_number, m.clean AS mother_number, "
        "r.household_id, e.event_type, r.occurred_on, r.evidence, CAST(r.batch_id AS BIGINT) AS batch_id, "
        "r.file_name, CAST(r.line AS BIGINT) AS line, r.reason FROM rows_in r "
        "LEFT JOIN cleaned i ON i.raw = r.id_raw LEFT JOIN cleaned p ON p.raw = r.partner_raw "
        "LEFT JOIN cleaned m ON m.raw = r.mother_raw LEFT JOIN sex_codes s ON s.code = r.sex_raw "
        "LEFT JOIN event_types e ON e.spelling = r.event_raw ORDER BY r.batch_id, r.line"
    ).to_arrow_table()


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
