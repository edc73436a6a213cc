"""Number wording of the bulletin: units, 万人, and the phrases of change (expected strings written by hand)."""

from __future__ import annotations

from renkou.report import wording as w


def test_persons_switch_to_wan_from_one_hundred_thousand() -> None:
    assert w.persons(9_999) == "9999人"
    assert w.persons(10_000) == "1.00万人"
    assert w.persons(16_053) == "1.61万人"
    assert w.persons(11_936_010) == "1193.60万人"  # Hangzhou's 2020 census resident population
    assert w.persons(None) == "—"


def test_rates_and_shares() -> None:
    assert w.per_mille(10.4) == "10.40‰"
    assert w.percent(0.2309) == "23.09%"
    assert w.years(85.6593) == "85.66岁"
    assert w.count_cell(1234567) == "1,234,567"
    assert w.signed_count(-12) == "-12" and w.signed_count(375) == "+375"
    assert w.number(None) == "—"


def test_changes_read_as_increase_decrease_or_unchanged() -> None:
    assert w.change_in_persons(375) == "，比上年末增加375人"
    assert w.change_in_persons(67_309) == "，比上年末增加6.73万人"
    assert w.change_in_persons(-1_603_000) == "，比上年末减少160.30万人"
    assert w.change_in_persons(0) == "，与上年末持平"
    assert w.change_in_persons(None) == ""
    assert w.change_in_points(0.2309, 0.2216) == "，比上年提高0.93个百分点"
    assert w.change_in_points(5.11, 5.95, scale=1, unit="个千分点") == "，比上年下降0.84个千分点"
    assert w.change_in_points(0.5, 0.5) == "，与上年持平"
    assert w.change_in_points(0.5, None) == ""
    assert w.change_in_count(165, 175) == "，比上年减少10人"
