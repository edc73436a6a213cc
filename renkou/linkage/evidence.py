"""Evidence rules: a row without a usable ID number found through what else it carries, checked against the log.

A residence row carries its permit number, a civil row the partner's ID number, a birth row the mother's, a hukou
row its household number. Each points to a person in the register's events, and the row's name must agree (in
simplified characters or in pinyin) before the pointer counts:

- ``permit_no``: the person whose events carry that residence permit number;
- ``partner``: the person that the partner's own marriage or divorce row of the same day names as partner, or whom
  any of the partner's events names as partner;
- ``mother``: the child of that mother born on the row's birth date;
- ``household``: a member of that household (by name, with the birth date agreeing when the row has one).

A row is linked when exactly one person passes; two or more are left to the model and the clerk. All of it is set
work in the register's database (hash joins over the events), no loop over rows.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from renkou.engine import Engine
from renkou.register.keys import RegisterKeys
from renkou.register.transform import keyed

# Left columns the rules read (besides the name features name_s and name_py).
LEFT_COLUMNS = (
    "unique_id",
    "permit_no",
    "partner_number",
    "mother_number",
    "household_id",
    "event_type",
    "occurred_on",
    "birth_date",
    "name_s",
    "name_py",
)


def candidates_sql(secret_sql: str, left: str, persons: str) -> str:
    """SQL of (left unique_id, person, rule) for every person a row's evidence points to and whose name agrees."""
    day = "TRY_CAST(l.occurred_on AS DATE)"
    born = "TRY_CAST(l.birth_date AS DATE)"
    return (
        f"WITH l AS (SELECT *, {keyed(secret_sql, 'partner_number')} AS partner_key, "
        f"{keyed(secret_sql, 'mother_number')} AS mother_key FROM {left}), "
        "pointed AS ("
        "SELECT l.unique_id, e.subject_id AS person, 'permit_no' AS rule FROM l JOIN events e "
        "ON e.permit_no = l.permit_no "
        "UNION ALL "
        "SELECT l.unique_id, e.partner_id, 'partner' FROM l JOIN events e ON e.subject_id = l.partner_key "
        f"AND e.event_type = l.event_type AND e.occurred_on = {day} WHERE e.partner_id IS NOT NULL "
        "UNION ALL "
        "SELECT l.unique_id, e.subject_id, 'partner' FROM l JOIN events e ON e.partner_id = l.partner_key "
        "UNION ALL "
        f"SELECT l.unique_id, e.subject_id, 'mother' FROM l JOIN events e ON e.mother_id = l.mother_key "
        f"AND e.birth_date = {born} "
        "UNION ALL "
        "SELECT l.unique_id, e.subject_id, 'household' FROM l JOIN events e ON e.household_id = l.household_id "
        f"WHERE {born} IS NULL OR e.birth_date IS NULL OR e.birth_date = {born}"
        ") "
        "SELECT DISTINCT p.unique_id AS left_id, hex(p.person) AS right_id, p.rule, "
        "(r.name_s = l.name_s OR r.name_py = l.name_py) AS name_agrees FROM pointed p "
        "JOIN l ON l.unique_id = p.unique_id "
        f"LEFT JOIN {persons} r ON r.unique_id = hex(p.person)"
    )


def evidence_links(
    engine: Engine, keys: RegisterKeys, left: pa.Table, persons: pa.Table
) -> tuple[dict[str, tuple[str, str]], set[str]]:
    """Left ``unique_id`` -> (person, rule) for rows whose evidence singles out exactly one person, and the rows
    whose evidence points to no one in the register (a permit number it never saw says only which district issued
    it)."""
    if left.num_rows == 0:
        return {}, set()
    secret = "'" + keys.pseudonym_prefix_hex() + "'"
    engine.register_arrow("linkage_evidence_left", left.select(list(LEFT_COLUMNS)))
    engine.register_arrow("linkage_evidence_persons", persons.select(["unique_id", "name_s", "name_py"]))
    try:
        engine.execute(
            "CREATE OR REPLACE TEMP TABLE linkage_evidence AS "
            + candidates_sql(secret, "linkage_evidence_left", "linkage_evidence_persons")
        )
        rows = engine.rows(
            "SELECT left_id, any_value(right_id), min(rule) FROM linkage_evidence WHERE name_agrees "
            "GROUP BY left_id HAVING count(DISTINCT right_id) = 1"
        )
        pointed = {str(row[0]) for row in engine.rows("SELECT DISTINCT left_id FROM linkage_evidence")}
        engine.execute("DROP TABLE linkage_evidence")
    finally:
        engine.connection.unregister("linkage_evidence_left")  # type: ignore[attr-defined]
        engine.connection.unregister("linkage_evidence_persons")  # type: ignore[attr-defined]
    links = {str(left_id): (str(person), f"evidence_{rule}") for left_id, person, rule in rows}
    carrying = pc.or_(
        pc.or_(pc.is_valid(left["permit_no"]), pc.is_valid(left["partner_number"])),
        pc.or_(pc.is_valid(left["mother_number"]), pc.is_valid(left["household_id"])),
    )
    dangling = set(left.filter(carrying)["unique_id"].to_pylist()) - pointed
    return links, dangling
