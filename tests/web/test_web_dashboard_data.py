"""The dashboard's shaping of the indicator set: cards with changes, district rows, trend series, usable years.
Expected values are worked by hand from the small dictionaries below."""

from __future__ import annotations

from datetime import date

import pytest

from renkou.web import dashboard_data as dd


def area(registered: int, resident: int, floating: int, **resident_more: float | None) -> dict[str, object]:
    return {
        "registered": {"population": registered},
        "resident": {"population": resident, **resident_more},
        "floating": {"population": floating},
    }


def test_cards_show_value_previous_and_change() -> None:
    now = area(1200, 1500, 400, births=12, share_60_plus=0.25, total_fertility_rate=None)
    before = area(1000, 1500, 500, births=16, share_60_plus=0.2, total_fertility_rate=1.1)
    cards = {card["key"]: card for card in dd.overview_cards(now, before)}
    registered = cards["card.registered"]
    assert (registered["value"], registered["previous"], registered["change"]) == (1200, 1000, 200)
    assert registered["relative_change"] == pytest.approx(0.2)
    assert cards["card.resident"]["change"] == 0 and cards["card.resident"]["relative_change"] == 0
    assert cards["card.floating"]["relative_change"] == pytest.approx(-0.2)
    assert cards["card.births"]["change"] == -4 and cards["card.births"]["relative_change"] == pytest.approx(-0.25)
    # Shares change in points, not relatively.
    share = cards["card.share60"]
    assert share["change"] == pytest.approx(0.05) and share["relative_change"] is None
    # A value missing in either year gives no change.
    assert cards["card.tfr"]["value"] is None and cards["card.tfr"]["change"] is None
    assert cards["card.deaths"]["value"] is None


def test_cards_without_a_previous_year() -> None:
    cards = dd.overview_cards(area(10, 20, 5), None)
    assert all(card["previous"] is None and card["change"] is None for card in cards)
    assert [card["key"] for card in cards] == [card.key for card in dd.CARDS]


def test_change_of_zero_base_has_no_relative_change() -> None:
    assert dd.change(5.0, 0.0) == (5.0, None)
    assert dd.change(None, 3.0) == (None, None)


def test_district_rows() -> None:
    current = {
        "330102": {
            "name": "上城区",
            **area(100, 120, 30, share_60_plus=0.3, births=2, deaths=1, crude_birth_rate=16.7),
        },
        "330106": {"name": "西湖区", **area(200, 260, 80)},
    }
    previous = {"330102": area(90, 100, 20)}
    rows = {row["code"]: row for row in dd.district_rows(current, previous)}
    assert rows["330102"]["name"] == "上城区"
    assert (rows["330102"]["resident_change"], rows["330102"]["resident_relative_change"]) == (20, 0.2)
    assert rows["330102"]["share_60_plus"] == 0.3 and rows["330102"]["births"] == 2
    assert rows["330106"]["resident_change"] is None  # no previous figure for this district
    assert (rows["330106"]["registered"], rows["330106"]["floating"]) == (200, 80)


def test_trend_series_in_year_order() -> None:
    stats = {
        2020: {"city": area(3, 30, 300, births=9, crude_birth_rate=1.5)},
        2019: {"city": area(2, 20, 200, births=8)},
    }
    found = dd.trend([2020, 2019], stats)
    assert found["years"] == [2019, 2020]
    assert found["series"]["registered.population"] == [2, 3]
    assert found["series"]["floating.population"] == [200, 300]
    assert found["series"]["resident.births"] == [8, 9]
    assert found["series"]["resident.crude_birth_rate"] == [None, 1.5]


@pytest.mark.parametrize(
    ("start", "last_recorded", "today", "with_events", "expected"),
    [
        # The baseline on 31 December counts for its own year; years after "today" or the last recording do not.
        (date(2015, 12, 31), date(2026, 1, 5), date(2026, 1, 5), range(1990, 2027), list(range(2015, 2026))),
        # A year with no events is left out; years before the register's start too.
        (
            date(2015, 12, 31),
            date(2021, 3, 1),
            date(2022, 1, 1),
            [2010, 2015, 2016, 2018, 2020, 2021],
            [2015, 2016, 2018, 2020],
        ),
        # Recorded later than today (a clock set back): today limits.
        (date(2018, 12, 31), date(2030, 1, 1), date(2021, 6, 1), [2018, 2019, 2020, 2021], [2018, 2019, 2020]),
        # A register that starts mid-year: its first year-end is after the start.
        (date(2018, 7, 1), date(2021, 6, 1), date(2021, 6, 1), [2018, 2019], [2018, 2019]),
        (None, None, date(2021, 6, 1), [2019], []),
    ],
)
def test_usable_years(
    start: date | None, last_recorded: date | None, today: date, with_events: list[int], expected: list[int]
) -> None:
    assert dd.usable_years(start, last_recorded, today, with_events) == expected


def test_pyramid_groups_by_sex_and_five_year_age() -> None:
    rows = [
        ("F", 0, 3),
        ("F", 4, 2),
        ("M", 5, 7),
        ("M", 84, 1),
        ("M", 85, 4),
        ("F", 103, 2),
        (None, 30, 9),
        ("F", None, 5),
    ]
    found = dd.pyramid(rows)
    labels = dd.pyramid_labels()
    assert labels[0] == "0-4" and labels[-2] == "80-84" and labels[-1] == "85+" and len(labels) == 18
    assert found["F"][0] == 5 and found["M"][1] == 7 and found["M"][16] == 1
    assert found["M"][17] == 4 and found["F"][17] == 2  # the open group
    assert sum(found["F"]) + sum(found["M"]) == 3 + 2 + 7 + 1 + 4 + 2  # unknown sex or age left out
