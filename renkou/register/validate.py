"""Row validation and normalisation, written as set-based SQL so that millions of rows are checked in one pass.

``checked_sql`` turns a staging table (text columns) into typed, normalised columns plus ``reason`` (the first
failed check, NULL when the row is good) and ``reason_column``. The ID checks mirror :func:`renkou.ids.parse_id`
and are tested against it.
"""

from __future__ import annotations

from renkou.engine import Engine
from renkou.register import codes
from renkou.register.feeds import COLUMNS, Feed, event_type_map

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y年%m月%d日",
    "%Y%m%d",
    "%Y.%m.%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
)
EARLIEST_YEAR = 1880
_ID_SHAPE = "'[0-9]{17}[0-9X]'"  # an 18-character number needing no normalisation


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _check_from_number(n17: str) -> str:
    # Digits taken arithmetically from the 17-digit number: several times faster than 17 substrings.
    terms = " + ".join(f"(({n17} // {10 ** (16 - i)}) % 10) * {w}" for i, w in enumerate(ID_WEIGHTS))
    return f"substr('10X98765432', CAST(1 + (({terms}) % 11) AS INTEGER), 1)"


def install_macros(engine: Engine) -> None:
    """Create the SQL macros used by validation (temporary, per connection)."""
    formats = "[" + ", ".join(_literal(f) for f in DATE_FORMATS) + "]"
    statements = [
        f"CREATE OR REPLACE TEMP MACRO rk_check_num(n17) AS {_check_from_number('n17')}",
        "CREATE OR REPLACE TEMP MACRO rk_check_char(s) AS rk_check_num(TRY_CAST(s AS BIGINT))",
        # The common case (18 ASCII characters) passes untouched; anything else has whitespace (incl. the
        # ideographic space) removed, full-width digits and x made ASCII, upper case, and a 15-digit number upgraded.
        "CREATE OR REPLACE TEMP MACRO rk_norm_id(x) AS CASE WHEN x IS NULL THEN NULL "
        f"WHEN regexp_full_match(x, {_ID_SHAPE}) THEN x "
        "ELSE rk_upgrade_id(upper(translate(regexp_replace(x, '[\\s\u3000]', '', 'g'), "
        "'０１２３４５６７８９ｘＸ', '0123456789XX'))) END",
        "CREATE OR REPLACE TEMP MACRO rk_upgrade_id(n) AS CASE "
        "WHEN length(n) = 15 AND regexp_full_match(n, '[0-9]{15}') "
        "THEN substr(n, 1, 6) || '19' || substr(n, 7, 9) || rk_check_char(substr(n, 1, 6) || '19' || substr(n, 7, 9)) "
        "ELSE n END",
        "CREATE OR REPLACE TEMP MACRO rk_id_birth(n) AS CASE WHEN substr(n, 7, 4) = '0000' THEN NULL ELSE "
        "CAST(try_strptime(substr(n, 7, 8), '%Y%m%d') AS DATE) END",
        # Precedence mirrors renkou.ids.parse_id; ``birth`` and ``check`` are computed once by the caller.
        # ``shaped``: the number is known to be 17 digits and a digit or X (then the characters and the length
        # need no second look; AND evaluates its right side only where the left holds).
        "CREATE OR REPLACE TEMP MACRO rk_reason_shaped(n, shaped, birth, check_char, today) AS CASE "
        "WHEN n IS NULL OR n = '' THEN 'id_missing' "
        "WHEN NOT shaped AND NOT regexp_full_match(n, '[0-9]*X?') THEN 'id_characters' "
        "WHEN NOT shaped AND length(n) <> 18 THEN 'id_length' "
        "WHEN birth IS NULL THEN 'id_impossible_date' "
        "WHEN birth > today THEN 'id_future_date' "
        f"WHEN birth < DATE '{EARLIEST_YEAR}-01-01' THEN 'id_too_old' "
        "WHEN check_char <> substr(n, 18, 1) THEN 'id_checksum' "
        "ELSE NULL END",
        "CREATE OR REPLACE TEMP MACRO rk_reason_of(n, birth, check_char, today) AS "
        "rk_reason_shaped(n, false, birth, check_char, today)",
        "CREATE OR REPLACE TEMP MACRO rk_id_reason(n, today) AS "
        "rk_reason_of(n, rk_id_birth(n), rk_check_char(substr(n, 1, 17)), today)",
        "CREATE OR REPLACE TEMP MACRO rk_id_sex(n) AS "
        "CASE WHEN (ascii(substr(n, 17, 1)) - 48) % 2 = 1 THEN 'M' ELSE 'F' END",
        "CREATE OR REPLACE TEMP MACRO rk_date(x) AS CASE WHEN x IS NULL THEN NULL "
        "WHEN regexp_full_match(x, '[0-9]{5}(\\.0+)?') "
        "THEN CAST(DATE '1899-12-30' + CAST(CAST(x AS DOUBLE) AS INTEGER) AS DATE) "
        f"ELSE CAST(try_strptime(x, {formats}) AS DATE) END",
    ]
    for statement in statements:
        engine.execute(statement)


def _code_case(column: str, code_list: tuple[codes.Code, ...]) -> str:
    table = codes.lookup_table(code_list)
    by_code: dict[str, list[str]] = {}
    for spelling, code in table.items():
        by_code.setdefault(code, []).append(spelling)
    # Equalities, the code itself first: DuckDB runs a list IN (...) as a hash join of its own, one per code.
    branches = " ".join(
        f"WHEN {_any_of(column, _code_first(code, spellings))} THEN {_literal(code)}"
        for code, spellings in by_code.items()
    )
    return f"CASE WHEN {column} IS NULL THEN NULL {branches} ELSE '?' END"


def _code_first(code: str, spellings: list[str]) -> list[str]:
    """The spellings of ``code``, the code itself first (the spelling most files use)."""
    return sorted(set(spellings), key=lambda spelling: (spelling != code, spelling))


def _any_of(column: str, values: list[str] | tuple[str, ...]) -> str:
    """``column IN (values)`` as a chain of equalities (same result, NULL included)."""
    return "(" + " OR ".join(f"{column} = {_literal(v)}" for v in values) + ")"


def _event_type_case(column: str) -> str:
    mapping = event_type_map()
    branches = " ".join(f"WHEN {_literal(k)} THEN {_literal(v)}" for k, v in mapping.items())
    return f"CASE {column} {branches} ELSE NULL END"  # staged values are trimmed already


def checked_sql(feed: Feed, stage: str, today: str) -> str:
    """SQL selecting the staged rows with normalised values, ``reason`` and ``reason_column``.

    ``feed`` is narrowed to the file's columns (:meth:`Feed.narrowed`): checks on a column the file lacks cannot
    fail, except that an event type requiring it is rejected.
    """
    today_sql = f"DATE {_literal(today)}"
    normalised = [
        "s.line",
        f"s.event_type AS event_type_raw, {_event_type_case('s.event_type')} AS event_type",
        f"regexp_full_match(s.id_number, {_ID_SHAPE}) AS id_shaped",
        "s.id_number AS id_number_raw",
    ]
    checks: list[tuple[str, str, str]] = []  # (condition, reason, column)
    for name in feed.columns:
        spec = COLUMNS[name]
        if name in {"event_type", "id_number"}:
            continue
        if spec.kind == "id":
            normalised.append(f"rk_norm_id(s.{name}) AS {name}")
        elif spec.kind == "date":
            normalised.append(f"rk_date(s.{name}) AS {name}, s.{name} AS {name}_raw")
            checks.append((f"{name}_raw IS NOT NULL AND {name} IS NULL", "date_invalid", name))
            checks.append((f"{name} > {today_sql}", "date_future", name))
            checks.append((f"{name} < DATE '{EARLIEST_YEAR}-01-01'", "date_too_old", name))
        elif spec.kind == "code" and spec.code_list is not None:
            normalised.append(f"{_code_case('s.' + name, spec.code_list)} AS {name}, s.{name} AS {name}_raw")
            checks.append((f"{name} = '?'", "code_invalid", name))
        elif spec.kind == "region":
            normalised.append(f"s.{name} AS {name}")
            # A known code is six digits (the list is taken so), so the pattern is tried only on unknown codes.
            known = f"{name} IN (SELECT code FROM rk_known_divisions WHERE regexp_full_match(code, '[0-9]{{6}}'))"
            checks.append((f"NOT ({known}) AND NOT regexp_full_match({name}, '[0-9]{{6}}')", "region_invalid", name))
            checks.append((f"NOT ({known})", "region_unknown", name))
        else:
            normalised.append(f"s.{name} AS {name}")
            if name in {"name", "household_id", "record_no", "permit_no", "ethnicity"}:
                checks.append((f"regexp_matches({name}, '[\\x00-\\x1f\\x7f]')", "control_characters", name))

    first: list[tuple[str, str, str]] = [
        ("event_type_raw IS NULL", "required_missing", "event_type"),
        ("event_type IS NULL", "event_type_unknown", "event_type"),
        (f"NOT {_any_of('event_type', feed.event_types)}", "event_type_not_in_feed", "event_type"),
    ]
    id_checks = [
        (
            f"rk_reason_shaped(id_number, coalesce(id_shaped, false), id_birth, id_check, {today_sql}) IS NOT NULL",
            f"rk_reason_shaped(id_number, coalesce(id_shaped, false), id_birth, id_check, {today_sql})",
            "id_number",
        ),
        (
            "substr(id_number, 1, 6) NOT IN (SELECT code FROM rk_known_divisions)",
            "'id_unknown_division'",
            "id_number",
        ),
    ]
    required = [("occurred_on_raw IS NULL", "required_missing", "occurred_on")]
    for event_type, columns in feed.required_by_event.items():
        for name in columns:
            if name not in feed.columns:  # the file lacks the column: every such event misses it
                required.append((f"event_type = {_literal(event_type)}", "required_missing", name))
                continue
            raw = f"{name}_raw" if COLUMNS[name].kind in {"date", "code"} else name
            required.append((f"event_type = {_literal(event_type)} AND {raw} IS NULL", "required_missing", name))
    parent_checks = []
    for name in ("mother_id", "father_id", "partner_id"):
        if name in feed.columns:
            parent_checks.append((f"{name} IS NOT NULL AND rk_id_reason({name}, {today_sql}) IS NOT NULL", "", name))
    consistency = []
    if "sex" in feed.columns:
        consistency.append(("sex IS NOT NULL AND sex <> rk_id_sex(id_number)", "id_sex_mismatch", "sex"))
    if "birth_date" in feed.columns:
        consistency.append(("birth_date IS NOT NULL AND birth_date <> id_birth", "id_birth_mismatch", "birth_date"))
    consistency.append(("occurred_on < id_birth AND event_type <> 'birth'", "before_birth", "occurred_on"))
    if "hukou_region" in feed.columns:
        consistency.append(
            (
                "event_type IN ('hukou_in', 'hukou_transfer') AND NOT starts_with(hukou_region, "
                "(SELECT value FROM meta WHERE key = 'city_prefix'))",
                "region_outside_city",
                "hukou_region",
            )
        )

    # (condition, reason as SQL, column), in order of precedence: the first that holds names the row's reason.
    ordered: list[tuple[str, str, str]] = [(c, _literal(r), col) for c, r, col in first]
    ordered += id_checks
    ordered += [(c, _literal(r), col) for c, r, col in required + checks]
    ordered += [(c, f"rk_id_reason({col}, {today_sql})", col) for c, _, col in parent_checks]
    ordered += [(c, _literal(r), col) for c, r, col in consistency]
    # One CASE gives reason and column together (evaluating the checks once), split afterwards. Neighbouring checks
    # with the same verdict are one branch (WHEN a THEN v WHEN b THEN v is WHEN a OR b THEN v): every branch costs
    # a pass over the rows still undecided, which is nearly all of them.
    merged: list[tuple[list[str], str, str]] = []
    for condition, reason, col in ordered:
        if merged and merged[-1][1:] == (reason, col):
            merged[-1][0].append(condition)
        else:
            merged.append(([condition], reason, col))
    branches = " ".join(
        f"WHEN {' OR '.join(f'({c})' for c in conditions) if len(conditions) > 1 else conditions[0]} "
        f"THEN {reason} || chr(31) || {_literal(col)}"
        for conditions, reason, col in merged
    )
    # The ID number as given when it already has the standard's shape (the common case: one pattern test per row),
    # normalised otherwise.
    identity_facts = (
        "SELECT *, rk_id_birth(id_number) AS id_birth, "
        "rk_check_num(TRY_CAST(substr(id_number, 1, 17) AS BIGINT)) AS id_check "
        "FROM (SELECT *, CASE WHEN id_shaped THEN id_number_raw ELSE rk_norm_id(id_number_raw) END AS id_number "
        f"FROM (SELECT {', '.join(normalised)} FROM {stage} s))"
    )
    return (
        "SELECT * EXCLUDE (verdict), NULLIF(split_part(verdict, chr(31), 1), '') AS reason, "
        "NULLIF(split_part(verdict, chr(31), 2), '') AS reason_column "
        f"FROM (SELECT *, CASE {branches} ELSE NULL END AS verdict FROM ({identity_facts}))"
    )
