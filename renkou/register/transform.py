"""From validated rows to events: the effect of each event type on a person's attributes, as SQL.

The fold of :mod:`renkou.register.state` takes the last non-null value of each attribute, so an event sets exactly
the attributes it changes. Derived attributes (whether a region is in the city, when a residence began or ended,
alive) are decided here, once, from the event type and the city's division prefix.
"""

from __future__ import annotations

from renkou.register.feeds import Feed
from renkou.register.schema import ATTRIBUTE_NAMES, ATTRIBUTES

US = "chr(31)"  # the unit separator cannot occur in validated text, so it delimits the canonical form
INTRODUCING = ("baseline", "birth", "residence_registered", "hukou_in")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def first_half(hex_sql: str) -> str:
    """The first 128 bits of a hex SHA-256 as an unsigned 128-bit integer."""
    return f"CAST('0x' || substr({hex_sql}, 1, 32) AS UHUGEINT)"


def second_half(hex_sql: str) -> str:
    """The last 128 bits of a hex SHA-256 as an unsigned 128-bit integer."""
    return f"CAST('0x' || substr({hex_sql}, 33, 32) AS UHUGEINT)"


def keyed(secret_sql: str, value_sql: str) -> str:
    """SQL for the subject key of an ID number: the first 128 bits of SHA-256(register secret || number)."""
    return f"CASE WHEN {value_sql} IS NULL THEN NULL ELSE {first_half(f'sha256({secret_sql} || {value_sql})')} END"


def events_select(feed: Feed, checked: str, secret_sql: str, city_prefix: str) -> str:
    """SQL turning the good rows of ``checked`` into event columns (without ids and hashes)."""

    def col(name: str) -> str:
        return name if name in feed.columns else "CAST(NULL AS VARCHAR)"

    def date_col(name: str) -> str:
        return name if name in feed.columns else "CAST(NULL AS DATE)"

    prefix = f"'{city_prefix}'"
    residence = (
        f"CASE WHEN event_type IN ('baseline', 'birth', 'hukou_in', 'hukou_transfer') "
        f"THEN coalesce({col('residence_region')}, {col('hukou_region')}) "
        f"WHEN event_type = 'hukou_out' AND starts_with({col('residence_region')}, {prefix}) "
        f"THEN {col('residence_region')} "
        f"WHEN event_type = 'hukou_out' THEN NULL ELSE {col('residence_region')} END"
    )
    expressions = {
        "sex": f"coalesce({col('sex')}, CASE WHEN event_type IN {_in(INTRODUCING)} THEN rk_id_sex(id_number) END)",
        "birth_date": (
            f"coalesce({date_col('birth_date')}, CASE WHEN event_type = 'birth' THEN occurred_on "
            f"WHEN event_type IN {_in(INTRODUCING)} THEN rk_id_birth(id_number) END)"
        ),
        "ethnicity": col("ethnicity"),
        "id_division": "substr(id_number, 1, 6)",
        "hukou_region": col("hukou_region"),
        "hukou_in_city": (
            f"CASE WHEN event_type = 'hukou_out' THEN false "
            f"WHEN {col('hukou_region')} IS NOT NULL THEN starts_with({col('hukou_region')}, {prefix}) END"
        ),
        "residence_region": residence,
        "residence_in_city": (
            f"CASE WHEN event_type = 'residence_left' THEN false "
            f"WHEN event_type = 'hukou_out' THEN coalesce(starts_with({col('residence_region')}, {prefix}), false) "
            f"WHEN ({residence}) IS NOT NULL THEN starts_with(({residence}), {prefix}) END"
        ),
        "urban_rural": col("urban_rural"),
        "residence_since": (
            f"CASE WHEN event_type = 'birth' THEN occurred_on "
            f"WHEN event_type IN ('residence_registered', 'hukou_in') "
            f"THEN coalesce({date_col('residence_since')}, occurred_on) ELSE {date_col('residence_since')} END"
        ),
        "left_on": (
            f"CASE WHEN event_type = 'residence_left' THEN occurred_on "
            f"WHEN event_type = 'hukou_out' AND NOT coalesce(starts_with({col('residence_region')}, {prefix}), false) "
            f"THEN occurred_on END"
        ),
        "household_id": col("household_id"),
        "relation": col("relation"),
        "education": col("education"),
        "marital_status": (
            f"CASE WHEN event_type = 'marriage' THEN 'married' WHEN event_type = 'divorce' THEN 'divorced' "
            f"ELSE {col('marital_status')} END"
        ),
        "employment": col("employment"),
        "insurance": col("insurance"),
        "housing": col("housing"),
        "permit_no": col("permit_no"),
        "permit_status": (
            "CASE WHEN event_type IN ('permit_issued', 'permit_renewed') THEN 'valid' "
            "WHEN event_type = 'permit_cancelled' THEN 'cancelled' END"
        ),
        "alive": "CASE WHEN event_type = 'death' THEN false WHEN event_type IN ('baseline', 'birth') THEN true END",
        "mother_id": keyed(secret_sql, col("mother_id")),
        "father_id": keyed(secret_sql, col("father_id")),
        "partner_id": keyed(secret_sql, col("partner_id")),
        "supersedes": "supersedes",
    }
    assert tuple(expressions) == ATTRIBUTE_NAMES, "every attribute needs an expression, in schema order"
    attributes = ",\n  ".join(f"{sql} AS {name}" for name, sql in expressions.items())
    return (
        f"SELECT line, event_type, {keyed(secret_sql, 'id_number')} AS subject_id, occurred_on, "
        f"{col('record_no')} AS record_no, id_number, {col('name')} AS name,\n  {attributes}\nFROM {checked}"
    )


def content_expression(source_sql: str) -> str:
    """The canonical content of an event (everything but its position in the log), as one string."""
    # 128-bit keys enter as hex: DuckDB's decimal rendering of UHUGEINT is orders of magnitude slower.
    parts = [
        "event_type",
        "hex(subject_id)",
        "CAST(occurred_on AS VARCHAR)",
        source_sql,
        "coalesce(record_no, '')",
    ]
    parts += [
        f"coalesce({'hex' if kind == 'UHUGEINT' else 'CAST'}({name}{'' if kind == 'UHUGEINT' else ' AS VARCHAR'}), '')"
        for name, kind in ATTRIBUTES
    ]
    return f"concat_ws({US}, {', '.join(parts)})"


def content_key_expression(source_sql: str) -> str:
    """The content key: first 128 bits of the SHA-256 of the canonical content (finds repeated deliveries)."""
    return first_half(f"sha256({content_expression(source_sql)})")


def hash_expression() -> str:
    """The event's SHA-256 (hex): its position in the log (id, batch, recording time) and its content key."""
    return (
        f"sha256(concat_ws({US}, CAST(event_id AS VARCHAR), CAST(batch_id AS VARCHAR), "
        f"strftime(recorded_at, '%Y-%m-%dT%H:%M:%S.%f'), hex(content_key)))"
    )
