"""From validated rows to events: the effect of each event type on a person's attributes, as SQL.

The fold of :mod:`renkou.register.state` takes the last non-null value of each attribute, so an event sets exactly
the attributes it changes. Derived attributes (whether a region is in the city, when a residence began or ended,
alive) are decided here, once, from the event type and the city's division prefix.
"""

from __future__ import annotations

import re
from collections.abc import Collection

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
    """SQL for the subject key of an ID number: the first 128 bits of SHA-256(register secret || number).

    ``secret_sql`` is the secret as a hex text literal; it enters the hash as its 32 raw bytes, so that secret and
    an 18-character number fit SHA-256's single 64-byte block (half the work of hashing the hex text).
    """
    digest = f"sha256(unhex({secret_sql}) || encode({value_sql}))"
    return f"CASE WHEN {value_sql} IS NULL THEN NULL ELSE {first_half(digest)} END"


RESIDENCE = "rk_residence"  # the event's residence region, computed once below the attributes that use it


def _residence_expression(feed: Feed, city_prefix: str) -> str:
    """SQL of the residence region an event leaves the person with."""

    def col(name: str) -> str:
        return name if name in feed.columns else "CAST(NULL AS VARCHAR)"

    return (
        f"CASE WHEN event_type IN ('baseline', 'birth', 'hukou_in', 'hukou_transfer') "
        f"THEN coalesce({col('residence_region')}, {col('hukou_region')}) "
        f"WHEN event_type = 'hukou_out' AND starts_with({col('residence_region')}, '{city_prefix}') "
        f"THEN {col('residence_region')} "
        f"WHEN event_type = 'hukou_out' THEN NULL ELSE {col('residence_region')} END"
    )


def _attribute_expressions(feed: Feed, secret_sql: str, city_prefix: str) -> dict[str, str]:
    """SQL of each attribute (schema order) over the validated rows of ``feed`` (with ``id_birth``, the birth
    date of the ID number, and :data:`RESIDENCE`)."""

    def col(name: str) -> str:
        return name if name in feed.columns else "CAST(NULL AS VARCHAR)"

    def date_col(name: str) -> str:
        return name if name in feed.columns else "CAST(NULL AS DATE)"

    prefix = f"'{city_prefix}'"
    expressions = {
        "sex": f"coalesce({col('sex')}, CASE WHEN event_type IN {_in(INTRODUCING)} THEN rk_id_sex(id_number) END)",
        "birth_date": (
            f"coalesce({date_col('birth_date')}, CASE WHEN event_type = 'birth' THEN occurred_on "
            f"WHEN event_type IN {_in(INTRODUCING)} THEN id_birth END)"  # validation's birth date of the number
        ),
        "ethnicity": col("ethnicity"),
        "id_division": "substr(id_number, 1, 6)",
        "hukou_region": col("hukou_region"),
        "hukou_in_city": (
            f"CASE WHEN event_type = 'hukou_out' THEN false "
            f"WHEN {col('hukou_region')} IS NOT NULL THEN starts_with({col('hukou_region')}, {prefix}) END"
        ),
        "residence_region": RESIDENCE,
        "residence_in_city": (
            f"CASE WHEN event_type = 'residence_left' THEN false "
            f"WHEN event_type = 'hukou_out' THEN coalesce(starts_with({col('residence_region')}, {prefix}), false) "
            f"WHEN {RESIDENCE} IS NOT NULL THEN starts_with({RESIDENCE}, {prefix}) END"
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
        # An application changes no status (a person may apply while holding no permit); a suspension (missed
        # endorsement, 居住证暂行条例 art. 10) holds the permit's use until a restoration.
        "permit_status": (
            "CASE WHEN event_type IN ('permit_issued', 'permit_renewed', 'permit_restored', 'permit_replaced') "
            "THEN 'valid' WHEN event_type = 'permit_suspended' THEN 'suspended' "
            "WHEN event_type = 'permit_cancelled' THEN 'cancelled' END"
        ),
        "alive": "CASE WHEN event_type = 'death' THEN false WHEN event_type IN ('baseline', 'birth') THEN true END",
        "mother_id": keyed(secret_sql, col("mother_id")),
        "father_id": keyed(secret_sql, col("father_id")),
        "partner_id": keyed(secret_sql, col("partner_id")),
        "supersedes": "supersedes",
    }
    assert tuple(expressions) == ATTRIBUTE_NAMES, "every attribute needs an expression, in schema order"
    return expressions


def absent_attributes(feed: Feed) -> tuple[str, ...]:
    """Attributes that ``feed`` can never set (always NULL in its events): intermediate tables leave them out, since
    even a column of NULLs costs time to materialise."""
    expressions = _attribute_expressions(feed, "''", "''")
    absent = [name for name, sql in expressions.items() if sql.startswith("CAST(NULL AS")]
    if "residence_region" not in feed.columns and "hukou_region" not in feed.columns:
        absent.append("residence_region")
    absent += [name for name in ("mother_id", "father_id", "partner_id") if name not in feed.columns]
    if "corrects_record_no" not in feed.columns:
        absent.append("supersedes")
    return tuple(name for name in ATTRIBUTE_NAMES if name in absent)


def events_select(feed: Feed, checked: str, secret_sql: str, city_prefix: str, carried: tuple[str, ...] = ()) -> str:
    """SQL turning the rows of ``checked`` into event columns (without ids and hashes), with ``carried`` columns of
    ``checked`` passed through unchanged."""

    def col(name: str) -> str:
        return name if name in feed.columns else "CAST(NULL AS VARCHAR)"

    expressions = _attribute_expressions(feed, secret_sql, city_prefix)
    attributes = ",\n  ".join(f"{sql} AS {name}" for name, sql in expressions.items())
    return (
        f"SELECT line, {''.join(name + ', ' for name in carried)}event_type, "
        f"{keyed(secret_sql, 'id_number')} AS subject_id, occurred_on, "
        f"{col('record_no')} AS record_no, id_number, {col('name')} AS name,\n  {attributes}\n"
        f"FROM (SELECT *, {_residence_expression(feed, city_prefix)} AS {RESIDENCE} FROM {checked})"
    )


def content_expression(source_sql: str, absent: Collection[str] = ()) -> str:
    """The canonical event (everything but its place in the log), as one unit-separated string.

    Fields in order: event type, subject key, date, source, record number, then every attribute of the schema;
    NULL is the empty text. ``absent`` names attributes known to be NULL in every row (a feed or file that cannot
    set them): they enter as the empty text directly. The text is the same as ``concat_ws`` of every field would
    give, built with one ``concat`` whose constant stretches (separators, absent fields, a literal source) are
    joined beforehand: fewer arguments and no NULL handling per field.
    """
    # 128-bit keys enter as hex: DuckDB's decimal rendering of UHUGEINT is orders of magnitude slower.
    fields: list[tuple[str, bool]] = [  # (SQL expression or constant text, is constant)
        ("event_type", False),
        ("hex(subject_id)", False),
        ("CAST(occurred_on AS VARCHAR)", False),
    ]
    literal = re.fullmatch(r"'((?:[^']|'')*)'", source_sql)
    fields.append((literal.group(1).replace("''", "'"), True) if literal else (source_sql, False))
    fields.append(("coalesce(record_no, '')", False))
    for name, kind in ATTRIBUTES:
        if name in absent:
            fields.append(("", True))
        elif kind == "UHUGEINT":
            fields.append((f"coalesce(hex({name}), '')", False))
        elif kind == "VARCHAR":
            fields.append((f"coalesce({name}, '')", False))
        else:
            fields.append((f"coalesce(CAST({name} AS VARCHAR), '')", False))
    arguments: list[str] = []
    constant = ""
    for index, (sql, is_constant) in enumerate(fields):
        if index:
            constant += "\x1f"
        if is_constant:
            constant += sql
            continue
        if constant:
            arguments.append(_text_literal(constant))
            constant = ""
        arguments.append(sql)
    if constant:
        arguments.append(_text_literal(constant))
    return f"concat({', '.join(arguments)})"


def _text_literal(text: str) -> str:
    """A SQL text constant; the unit separator is spelled with chr(31) so that the SQL stays printable."""
    pieces: list[str] = []
    for index, piece in enumerate(text.split("\x1f")):
        if index:
            pieces.append("chr(31)")
        if piece:
            pieces.append("'" + piece.replace("'", "''") + "'")
    return " || ".join(pieces)


def event_hash_expression(source_sql: str, absent: Collection[str] = ()) -> str:
    """The event's hash: SHA-256 (hex) of the canonical event.

    Its place in the log (event id, batch, recording time) is protected by the batch chain, which covers each
    event's id with its hash, and the batch header; so the same content delivered twice has the same hash, and the
    first 128 bits (``hash_hi``) are the key that finds repeated deliveries.
    """
    return f"sha256({content_expression(source_sql, absent)})"
