"""Cross-department checks (比对), run after every batch on the persons it touched; results are stored as findings
that a steward can list.

Kinds:
- death_hukou_active: a death reported (e.g. by health) while the hukou has not been cancelled by public security.
- birth_mother_unknown: a birth whose mother is not given or not in the register.
- resident_two_districts: two residence registrations in different districts with no departure between them.
- event_before_birth / event_after_death: an event dated before the person's birth or after their death.
- hukou_out_twice: a second move-out of the hukou with no move-in between.
"""

from __future__ import annotations

from datetime import datetime

from renkou.engine import Engine

KINDS_ZH = {
    "death_hukou_active": ("已报死亡但户籍未注销", "death reported while the hukou is still active"),
    "birth_mother_unknown": ("出生记录的母亲不明", "birth with unknown mother"),
    "resident_two_districts": ("同时在两个区居住登记", "resident in two districts at once"),
    "event_before_birth": ("事件早于出生日期", "event dated before birth"),
    "event_after_death": ("事件晚于死亡日期", "event dated after death"),
    "hukou_out_twice": ("户口重复迁出", "hukou moved out twice"),
}

_LIFE_EVENTS = "('birth', 'death', 'correction', 'baseline')"


def _checks(batch_id: int, touched_table: str | None = None) -> dict[str, str]:
    """SQL of each check for the persons of ``batch_id`` (listed in ``touched_table`` when the caller made one)."""
    touched = (
        f"(SELECT subject_id FROM {touched_table})"
        if touched_table
        else f"(SELECT DISTINCT subject_id FROM events WHERE batch_id = {batch_id})"
    )
    mine = f"e.subject_id IN {touched}"
    return {
        "death_hukou_active": (
            f"SELECT e.subject_id, e.event_id, e.occurred_on, 'source=' || e.source FROM events e "
            f"WHERE {mine} AND e.event_type = 'death' AND e.source <> 'hukou' "
            f"AND NOT EXISTS (SELECT 1 FROM events h WHERE h.subject_id = e.subject_id AND h.source = 'hukou' "
            f"AND h.event_type IN ('death', 'hukou_out')) "
            f"AND EXISTS (SELECT 1 FROM events h WHERE h.subject_id = e.subject_id AND h.hukou_in_city)"
        ),
        "birth_mother_unknown": (
            f"SELECT e.subject_id, e.event_id, e.occurred_on, "
            f"CASE WHEN e.mother_id IS NULL THEN 'mother not given' ELSE 'mother not in register' END "
            f"FROM events e WHERE e.batch_id = {batch_id} AND e.event_type = 'birth' AND "
            f"(e.mother_id IS NULL OR NOT EXISTS (SELECT 1 FROM events m WHERE m.subject_id = e.mother_id))"
        ),
        "resident_two_districts": (
            f"SELECT e.subject_id, e.event_id, e.occurred_on, 'also ' || p.residence_region FROM events e "
            f"JOIN events p ON p.subject_id = e.subject_id AND p.event_type = 'residence_registered' "
            f"AND p.event_id <> e.event_id AND p.occurred_on <= e.occurred_on "
            f"AND p.residence_region <> e.residence_region "
            f"WHERE e.batch_id = {batch_id} AND e.event_type = 'residence_registered' "
            f"AND NOT EXISTS (SELECT 1 FROM events l WHERE l.subject_id = e.subject_id "
            f"AND l.event_type IN ('residence_left', 'address_changed') "
            f"AND l.occurred_on BETWEEN p.occurred_on AND e.occurred_on)"
        ),
        # Birth dates are gathered only for persons with an event that can come before birth (a baseline batch
        # has none, so its millions of persons cost one scan, not an aggregate and a join).
        "event_before_birth": (
            f"WITH e AS (SELECT subject_id, event_id, occurred_on FROM events "
            f"WHERE event_type NOT IN {_LIFE_EVENTS} AND subject_id IN {touched}) "
            f"SELECT e.subject_id, e.event_id, e.occurred_on, 'born ' || CAST(b.birth_date AS VARCHAR) "
            f"FROM e JOIN (SELECT subject_id, max(birth_date) AS birth_date FROM events "
            f"WHERE subject_id IN (SELECT subject_id FROM e) AND birth_date IS NOT NULL GROUP BY subject_id) b "
            f"USING (subject_id) WHERE e.occurred_on < b.birth_date"
        ),
        # d holds only this batch's persons, so the join needs no second test of who was touched.
        "event_after_death": (
            f"SELECT e.subject_id, e.event_id, e.occurred_on, 'died ' || CAST(d.died AS VARCHAR) "
            f"FROM events e JOIN (SELECT subject_id, min(occurred_on) AS died FROM events "
            f"WHERE subject_id IN {touched} AND event_type = 'death' GROUP BY subject_id) d USING (subject_id) "
            f"WHERE e.occurred_on > d.died AND e.event_type NOT IN {_LIFE_EVENTS} "
            f"AND e.event_type NOT IN ('hukou_out', 'residence_left', 'permit_cancelled')"
        ),
        "hukou_out_twice": (
            f"SELECT e.subject_id, e.event_id, e.occurred_on, 'previous move-out ' || CAST(p.occurred_on AS VARCHAR) "
            f"FROM events e JOIN events p ON p.subject_id = e.subject_id AND p.event_type = 'hukou_out' "
            f"AND p.event_id < e.event_id AND p.occurred_on <= e.occurred_on "
            f"WHERE e.batch_id = {batch_id} AND e.event_type = 'hukou_out' "
            f"AND NOT EXISTS (SELECT 1 FROM events i WHERE i.subject_id = e.subject_id "
            f"AND i.event_type IN ('hukou_in', 'baseline', 'birth') AND i.occurred_on BETWEEN p.occurred_on AND e.occurred_on)"
        ),
    }


def run_checks(engine: Engine, batch_id: int, found_at: datetime) -> dict[str, int]:
    """Run every check for the persons of ``batch_id``; store new findings; return counts per kind."""
    counts: dict[str, int] = {}
    stamp = f"TIMESTAMP '{found_at.isoformat(sep=' ')}'"
    # The batch's persons, found once for all checks.
    engine.execute(
        f"CREATE OR REPLACE TEMP TABLE rk_check_subjects AS SELECT DISTINCT subject_id FROM events "
        f"WHERE batch_id = {int(batch_id)}"
    )
    for kind, sql in _checks(int(batch_id), "rk_check_subjects").items():
        next_id = int(engine.scalar("SELECT coalesce(max(finding_id), 0) FROM findings"))
        engine.execute(
            f"INSERT INTO findings SELECT {next_id} + row_number() OVER (ORDER BY event_id), {batch_id}, '{kind}', "
            f"subject_id, event_id, occurred_on, detail, {stamp} FROM (SELECT DISTINCT * FROM ({sql}) "
            f"AS f(subject_id, event_id, occurred_on, detail)) x "
            f"WHERE NOT EXISTS (SELECT 1 FROM findings g WHERE g.kind = '{kind}' AND g.event_id = x.event_id)"
        )
        added = int(engine.scalar(f"SELECT count(*) FROM findings WHERE batch_id = {batch_id} AND kind = '{kind}'"))
        if added:
            counts[kind] = added
    engine.execute("DROP TABLE rk_check_subjects")
    return counts
