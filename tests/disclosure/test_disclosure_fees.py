"""Information-processing fees (国办函〔2020〕109号) at every band edge, and the fee notice."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from renkou.disclosure.fee_rules import DEFAULT_FEES, load_fee_schedule
from renkou.disclosure.fees import FeeMethod, FeeSchedule, assess, fee_notice, monthly_positions
from renkou.disclosure.notices import load_calendar
from renkou.disclosure.text import DisclosureError

SCHEDULE = load_fee_schedule()


def count_rate_from_the_text(n: int) -> int:
    """Art. 4 read literally: 1-10 free; 11-30 100 each; from 31 bands of 10, each 100 dearer than the one before."""
    if n <= 10:
        return 0
    if n <= 30:
        return 100
    band = (n - 31) // 10  # 31-40 -> 0, 41-50 -> 1, ...
    return 200 + 100 * band


def pages_total_from_the_text(pages: int) -> int:
    """Art. 5 read literally, one page at a time."""
    total = 0
    for page in range(1, pages + 1):
        if page <= 30:
            total += 0
        elif page <= 100:
            total += 10
        elif page <= 200:
            total += 20
        else:
            total += 40
    return total


@pytest.mark.parametrize(
    ("position", "fee"),
    [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200), (41, 300), (50, 300), (51, 400)],
)
def test_count_fee_at_band_edges(position: int, fee: int) -> None:
    assert assess(SCHEDULE, FeeMethod.COUNT, position=position).amount == fee
    assert count_rate_from_the_text(position) == fee


@pytest.mark.parametrize(
    ("requests", "total"),
    # 11: 1x100 | 30: 20x100 | 31: 2000 + 200 | 40: 2000 + 10x200 | 41: 4000 + 300
    [(0, 0), (10, 0), (11, 100), (30, 2000), (31, 2200), (40, 4000), (41, 4300)],
)
def test_monthly_count_totals(requests: int, total: int) -> None:
    assert SCHEDULE.count.total(requests) == total


def test_count_totals_match_a_plain_sum_up_to_200_requests() -> None:
    for requests in range(201):
        assert SCHEDULE.count.total(requests) == sum(count_rate_from_the_text(n) for n in range(1, requests + 1))


@pytest.mark.parametrize(
    ("pages", "fee"),
    # 31: 1x10 | 100: 70x10 | 101: 700 + 20 | 200: 700 + 100x20 | 201: 2700 + 40
    [(0, 0), (30, 0), (31, 10), (100, 700), (101, 720), (200, 2700), (201, 2740)],
)
def test_page_fee_at_band_edges(pages: int, fee: int) -> None:
    assert assess(SCHEDULE, FeeMethod.PAGES, pages=pages).amount == fee


def test_page_fees_match_a_page_by_page_sum() -> None:
    for pages in range(0, 420):
        assert assess(SCHEDULE, FeeMethod.PAGES, pages=pages).amount == pages_total_from_the_text(pages)


def test_page_breakdown_lines_add_up() -> None:
    result = assess(SCHEDULE, FeeMethod.PAGES, pages=150)
    assert [line.zh for line in result.lines] == [
        "第 1—30 页，0 元/页，小计 0 元",
        "第 31—100 页，10 元/页，小计 700 元",
        "第 101—150 页，20 元/页，小计 1000 元",
    ]
    assert result.amount == 1700


def test_one_method_per_request() -> None:
    with pytest.raises(DisclosureError, match="exactly one"):
        assess(SCHEDULE, FeeMethod.COUNT, position=12, pages=40)
    with pytest.raises(DisclosureError, match="exactly one"):
        assess(SCHEDULE, FeeMethod.PAGES)
    with pytest.raises(DisclosureError, match="page count"):
        assess(SCHEDULE, FeeMethod.PAGES, position=12)


def test_monthly_positions_count_per_applicant_and_calendar_month() -> None:
    requests = [
        ("r1", "A", date(2025, 1, 31)),
        ("r2", "B", date(2025, 1, 31)),
        ("r3", "A", date(2025, 2, 1)),
        ("r4", "A", date(2025, 1, 5)),
        ("r5", "A", date(2025, 2, 1)),
    ]
    assert monthly_positions(requests) == {"r4": 1, "r1": 2, "r2": 1, "r3": 1, "r5": 2}


def test_fee_notice_text_and_payment_deadline() -> None:
    # Notice received Thu 2026-02-12; 20 working days: 02-13 1, Sat 02-14 (make-up) 2, (02-15..02-23 off)
    # 02-24..02-27 3-6, Sat 02-28 (make-up) 7, 03-02..03-06 8-12, 03-09..03-13 13-17, 03-16..03-18 18-20.
    assessment = assess(SCHEDULE, FeeMethod.COUNT, position=35)
    notice = fee_notice(
        SCHEDULE,
        assessment,
        request_ref="YSQ-2026-0012",
        applicant="张三",
        issued=date(2026, 2, 10),
        calendar=load_calendar(use_env=False),
        applicant_received=date(2026, 2, 12),
    )
    assert notice.payment_due == date(2026, 3, 18)
    for words in ["张三", "YSQ-2026-0012", "200 元", "20 个工作日", "2026-03-18", "视为放弃申请", "缴纳方式"]:
        assert words in notice.text
    assert not notice.provisional


def test_no_notice_for_a_free_request() -> None:
    with pytest.raises(DisclosureError, match="no fee notice"):
        fee_notice(
            SCHEDULE,
            assess(SCHEDULE, FeeMethod.COUNT, position=3),
            request_ref="x",
            applicant="y",
            issued=date(2025, 1, 2),
            calendar=load_calendar(use_env=False),
        )


def test_schedule_file_is_validated_with_file_and_key(tmp_path: Path) -> None:
    text = DEFAULT_FEES.read_text(encoding="utf-8").replace("- {up_to: 100, rate: 10}", "- {up_to: 20, rate: 10}")
    bad = tmp_path / "fees.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(DisclosureError) as caught:
        load_fee_schedule(bad)
    assert str(bad) in str(caught.value) and "pages" in str(caught.value)


def test_shipped_schedule_settings() -> None:
    assert isinstance(SCHEDULE, FeeSchedule)
    assert SCHEDULE.payment_working_days == 20
    assert "109" in SCHEDULE.source
