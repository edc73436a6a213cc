"""The services table: the national one transcribed from arts. 12, 13 and 15; a city table with years; errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from permits_helpers import calendar, rules

from renkou.errors import UserError
from renkou.permits.entitlements import entitlements, load_table
from renkou.permits.lifecycle import EventKind, PermitEvent, permit_state
from renkou.permits.rules import DATA_DIR

EXAMPLE = DATA_DIR / "entitlements-example.yaml"


def test_national_table_lists_the_regulation_services_at_zero_years() -> None:
    table = load_table()
    # Art. 12 (rights + six services), art. 13 (six conveniences), art. 15 (settlement): 13 entries.
    assert len(table.services) == 13
    assert {s.min_years for s in table.services} == {0}
    assert table.source.number == "中华人民共和国国务院令第663号"
    assert {"compulsory_education", "driving_licence", "settlement_application"} <= {s.key for s in table.services}


def test_years_held_unlock_a_city_table_and_suspension_gives_nothing() -> None:
    table = load_table(EXAMPLE)
    assert len(table.services) == 16  # the national 13 (included) + 3 with years
    events = [PermitEvent(EventKind.ISSUED, date(2019, 7, 15), "P1"), PermitEvent(EventKind.ENDORSED, date(2020, 7, 1))]
    state = permit_state(events, date(2020, 7, 15), rules().endorsement, calendar())
    found = entitlements(state, table)
    keys = {s.key for s in found.granted}
    assert found.years == 1 and "school_admission_points" in keys and "public_rental_housing" not in keys
    assert [(s.key, d) for s, d in found.upcoming] == [
        ("public_rental_housing", date(2022, 7, 15)),
        ("settlement_points", date(2024, 7, 15)),
    ]
    suspended = permit_state(events, date(2021, 7, 16), rules().endorsement, calendar())
    assert entitlements(suspended, table).granted == ()


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "table.yaml"
    path.write_text(text, encoding="utf-8")
    return path


HEAD = "title: t\nsource: {title: s}\n"


def test_bad_tables_name_the_key(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"services\.0\.min_years"):
        load_table(_write(tmp_path, HEAD + "services:\n  - {key: a, zh: 甲, en: a, min_years: -1, article: x}\n"))
    with pytest.raises(UserError, match=r"unknown key services\.0\.years"):
        load_table(_write(tmp_path, HEAD + "services:\n  - {key: a, zh: 甲, en: a, years: 1, article: x}\n"))
    with pytest.raises(UserError, match=r"services\.1\.key 'a' appears twice"):
        load_table(
            _write(
                tmp_path,
                HEAD
                + "services:\n  - {key: a, zh: 甲, en: a, min_years: 0, article: x}\n"
                + "  - {key: a, zh: 乙, en: b, min_years: 1, article: y}\n",
            )
        )
    with pytest.raises(UserError, match="file not found"):
        load_table(tmp_path / "missing.yaml")
    with pytest.raises(UserError, match="not valid YAML at line"):
        load_table(_write(tmp_path, "title: [unclosed\n"))


def test_include_cycle_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        HEAD + "include: b.yaml\nservices:\n  - {key: a, zh: 甲, en: a, min_years: 0, article: x}\n", encoding="utf-8"
    )
    (tmp_path / "b.yaml").write_text(
        HEAD + "include: a.yaml\nservices:\n  - {key: b, zh: 乙, en: b, min_years: 0, article: x}\n", encoding="utf-8"
    )
    with pytest.raises(UserError, match="cycle"):
        load_table(tmp_path / "a.yaml")
