"""The set-wise SQL ID checks of ingest agree with renkou.ids.parse_id, the reference implementation."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from renkou.engine.duckdb import DuckDBEngine
from renkou.ids import InvalidCitizenID, make_id, parse_id
from renkou.register.validate import install_macros

TODAY = date(2021, 1, 1)
ENGINE = DuckDBEngine(":memory:")
install_macros(ENGINE)
ENGINE.execute(
    "CREATE TEMP TABLE rk_known_divisions AS SELECT * FROM (VALUES ('330106'), ('110105'), ('340104')) t(code)"
)


def sql_reasons(texts: list[str]) -> list[str | None]:
    """The SQL verdicts for many numbers in one query (a query per number would dominate the test's time)."""
    rows = ENGINE.rows(
        "SELECT CASE WHEN r IS NOT NULL THEN r WHEN substr(n, 1, 6) NOT IN (SELECT code FROM rk_known_divisions) "
        "THEN 'id_unknown_division' END FROM (SELECT i, n, rk_id_reason(n, ?) AS r FROM "
        "(SELECT i, rk_norm_id(t) AS n FROM (SELECT unnest(?) AS t, generate_subscripts(?, 1) AS i))) ORDER BY i",
        [TODAY, texts, texts],
    )
    return [row[0] for row in rows]


def sql_reason(text: str) -> str | None:
    return sql_reasons([text])[0]


def reference_reason(text: str) -> str | None:
    try:
        number = parse_id(text, today=TODAY, check_division=False)
    except InvalidCitizenID as error:
        return "id_missing" if error.reason == "empty" else f"id_{error.reason}"
    return None if number.division in {"330106", "110105", "340104"} else "id_unknown_division"


valid_ids = st.builds(
    lambda division, born, sequence: make_id(division, born, sequence),
    st.sampled_from(["330106", "110105", "340104", "999999"]),
    st.dates(min_value=date(1870, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=0, max_value=999),
)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    number = draw(valid_ids)
    kind = draw(st.sampled_from(["keep", "digit", "swap", "cut", "extra", "lower", "fullwidth", "legacy", "junk"]))
    position = draw(st.integers(min_value=0, max_value=17))
    if kind == "digit":
        return number[:position] + draw(st.sampled_from("0123456789X")) + number[position + 1 :]
    if kind == "swap" and position < 17:
        return number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    if kind == "cut":
        return number[:position]
    if kind == "extra":
        return number + draw(st.sampled_from("0X "))
    if kind == "lower":
        return number.lower()
    if kind == "fullwidth":
        return number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if kind == "legacy":
        return number[:6] + number[8:17]
    if kind == "junk":
        return draw(st.text(alphabet="0123456789Xx -a中", max_size=20))
    return number


@settings(max_examples=40, deadline=None)
@given(st.lists(mutated(), min_size=50, max_size=50))
def test_sql_reason_matches_parse_id(texts: list[str]) -> None:
    assert sql_reasons(texts) == [reference_reason(text) for text in texts]


def test_standard_example_passes_in_sql() -> None:
    assert sql_reason("11010519491231002X") is None
    assert sql_reason("11010519491231002x") is None
