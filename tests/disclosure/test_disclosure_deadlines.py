"""Answer deadlines checked against hand counts on the official calendar.

Each case lists, in its comment, the working days as counted by hand from the State Council's holiday notices:
2024 国办发明电〔2023〕7号 (2023-10-25), 2025 国办发明电〔2024〕12号 (2024-11-12), 2026 国务院办公厅关于2026年部分节假日
安排的通知 (2025-11-04). Day 1 is the first working day after the receipt (or correction) day. Each case also checks
the chinesecalendar package's data for the holidays and make-up days the count relies on.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import chinese_calendar
import pytest

from renkou.disclosure.calendar import WorkingCalendar
from renkou.disclosure.deadlines import compute_deadlines
from renkou.disclosure.events import (
    Answered,
    ConsultationEnded,
    ConsultationKind,
    ConsultationStarted,
    CorrectionReceived,
    CorrectionRequested,
    Event,
    ExtensionApproved,
    FeeNoticeSent,
    FeePaid,
    Received,
    Withdrawn,
)
from renkou.disclosure.notices import load_calendar
from renkou.disclosure.receipt import Channel
from renkou.disclosure.responses import Response, ResponseKind
from renkou.disclosure.text import DisclosureError
from renkou.disclosure.workflow import RequestState


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return load_calendar(use_env=False)


def d(text: str) -> date:
    return date.fromisoformat(text)


def package_says(working: list[str], off: list[str]) -> None:
    """Cross-check the chinesecalendar package for the days a hand count relies on."""
    for day in working:
        assert chinese_calendar.is_workday(d(day)), day
    for day in off:
        assert not chinese_calendar.is_workday(d(day)), day


def test_spring_festival_2024(calendar: WorkingCalendar) -> None:
    # Received Thu 2024-02-01 online. Holidays 02-10..02-17; make-up Sundays 02-04 and 02-18; 除夕 02-09 works.
    # 1 Fri 02-02 | 2 Sun 02-04 (make-up) | 3-7 Mon-Fri 02-05..02-09 | (02-10..02-17 off) | 8 Sun 02-18 (make-up)
    # 9-13 02-19..02-23 | 14-18 02-26..03-01 | 19 Mon 03-04 | 20 Tue 03-05
    package_says(["2024-02-04", "2024-02-09", "2024-02-18"], ["2024-02-03", "2024-02-10", "2024-02-16"])
    report = compute_deadlines([Received(on=d("2024-02-01"), channel=Channel.ONLINE)], calendar)
    assert report.answer_due == d("2024-03-05")
    assert report.counted_days[1] == d("2024-02-04") and report.counted_days[7] == d("2024-02-18")
    assert not report.provisional
    assert report.state is RequestState.IN_PROGRESS


def test_national_day_2025(calendar: WorkingCalendar) -> None:
    # Received Thu 2025-09-25 in person. National Day + Mid-autumn 10-01..10-08; make-up Sun 09-28 and Sat 10-11.
    # 1 Fri 09-26 | 2 Sun 09-28 | 3 Mon 09-29 | 4 Tue 09-30 | (10-01..10-08 off) | 5 Thu 10-09 | 6 Fri 10-10
    # 7 Sat 10-11 | 8-12 10-13..10-17 | 13-17 10-20..10-24 | 18 Mon 10-27 | 19 Tue 10-28 | 20 Wed 10-29
    package_says(["2025-09-28", "2025-10-11"], ["2025-10-01", "2025-10-06", "2025-10-08", "2025-10-12"])
    report = compute_deadlines([Received(on=d("2025-09-25"), channel=Channel.IN_PERSON)], calendar)
    assert report.answer_due == d("2025-10-29")
    assert report.counted_days[6] == d("2025-10-11")


def test_across_the_year_end_2025_2026(calendar: WorkingCalendar) -> None:
    # Received Mon 2025-12-15 by signed-for mail. New Year 2026: 01-01..01-03 off, make-up Sun 01-04.
    # 1-4 12-16..12-19 | 5-9 12-22..12-26 | 10 Mon 12-29 | 11 Tue 12-30 | 12 Wed 12-31 | (01-01..01-03 off)
    # 13 Sun 01-04 | 14-18 01-05..01-09 | 19 Mon 01-12 | 20 Tue 01-13
    package_says(["2025-12-31", "2026-01-04"], ["2026-01-01", "2026-01-02", "2026-01-03"])
    report = compute_deadlines([Received(on=d("2025-12-15"), channel=Channel.MAIL)], calendar)
    assert report.answer_due == d("2026-01-13")
    assert not report.provisional


def test_correction_restarts_the_clock_over_spring_festival_2026(calendar: WorkingCalendar) -> None:
    # Received Mon 2026-02-02 online. Correction notice due within 7 working days: 02-03, 02-04, 02-05, 02-06,
    # 02-09, 02-10, 02-11 -> 2026-02-11. Notice sent Wed 02-04 with 10 working days: 02-05 1, 02-06 2, 02-09..02-13
    # 3-7, Sat 02-14 (make-up) 8, (02-15..02-23 off), 02-24 9, 02-25 10 -> correction due 2026-02-25.
    # Correction received Fri 02-13; day 1 is the day after: Sat 02-14 (make-up) 1 | (02-15..02-23 off)
    # 2-5 02-24..02-27 | 6 Sat 02-28 (make-up) | 7-11 03-02..03-06 | 12-16 03-09..03-13 | 17-20 03-16..03-19
    package_says(["2026-02-14", "2026-02-28"], ["2026-02-15", "2026-02-23", "2026-03-01"])
    events: list[Event] = [
        Received(on=d("2026-02-02"), channel=Channel.ONLINE),
        CorrectionRequested(on=d("2026-02-04"), period_working_days=10, items="请明确所需统计年度"),
        CorrectionReceived(on=d("2026-02-13")),
    ]
    report = compute_deadlines(events, calendar)
    assert report.correction_notice_due == d("2026-02-11")
    assert report.correction_due == d("2026-02-25")
    assert report.clock_start == d("2026-02-13")
    assert report.answer_due == d("2026-03-19")
    assert report.warnings == ()


def test_waiting_for_a_correction_then_abandoned(calendar: WorkingCalendar) -> None:
    events: list[Event] = [
        Received(on=d("2026-02-02"), channel=Channel.ONLINE),
        CorrectionRequested(on=d("2026-02-04"), period_working_days=10),
    ]
    waiting = compute_deadlines(events, calendar, as_of=d("2026-02-25"))
    assert waiting.state is RequestState.AWAITING_CORRECTION
    assert waiting.answer_due is None and waiting.next_due == d("2026-02-25")
    gone = compute_deadlines(events, calendar, as_of=d("2026-02-26"))
    assert gone.state is RequestState.ABANDONED
    assert gone.next_due is None
    assert any("视为放弃" in step.text.zh for step in gone.trail)


def test_late_correction_notice_is_warned(calendar: WorkingCalendar) -> None:
    # Notice due 2026-02-11 (see above); sent 02-12, one working day late.
    events: list[Event] = [
        Received(on=d("2026-02-02"), channel=Channel.ONLINE),
        CorrectionRequested(on=d("2026-02-12"), until=d("2026-03-10")),
    ]
    report = compute_deadlines(events, calendar)
    assert any("7-working-day" in warning.en for warning in report.warnings)
    assert report.correction_due == d("2026-03-10")


def test_extension_across_national_day_2024(calendar: WorkingCalendar) -> None:
    # Received Mon 2024-09-02 by fax. Mid-autumn 09-15..09-17 off (make-up Sat 09-14); National Day 10-01..10-07 off
    # (make-up Sun 09-29, Sat 10-12).
    # 1-4 09-03..09-06 | 5-9 09-09..09-13 | 10 Sat 09-14 | (09-15..09-17 off) | 11-13 09-18..09-20
    # 14-18 09-23..09-27 | 19 Sun 09-29 | 20 Mon 09-30 (unextended due) | (10-01..10-07 off) | 21-24 10-08..10-11
    # 25 Sat 10-12 | 26-30 10-14..10-18 | 31-35 10-21..10-25 | 36-40 10-28..11-01
    package_says(["2024-09-14", "2024-09-29", "2024-10-12"], ["2024-09-16", "2024-10-01", "2024-10-07"])
    events: list[Event] = [
        Received(on=d("2024-09-02"), channel=Channel.FAX),
        ExtensionApproved(on=d("2024-09-27"), working_days=20, approved_by="公开办主任"),
    ]
    report = compute_deadlines(events, calendar)
    assert report.period == 40
    assert report.counted_days[19] == d("2024-09-30")
    assert report.answer_due == d("2024-11-01")
    assert report.warnings == ()


def test_extension_approved_after_the_due_date_is_warned(calendar: WorkingCalendar) -> None:
    events: list[Event] = [
        Received(on=d("2024-09-02"), channel=Channel.FAX),
        ExtensionApproved(on=d("2024-10-08"), working_days=5),
    ]
    report = compute_deadlines(events, calendar)
    # 20th day 09-30; 5 more: 10-08, 10-09, 10-10, 10-11, Sat 10-12 (make-up).
    assert report.answer_due == d("2024-10-12")
    assert any("after the original due date 2024-09-30" in warning.en for warning in report.warnings)


def test_third_party_consultation_time_is_not_counted(calendar: WorkingCalendar) -> None:
    # Received Mon 2025-03-03 in person; letter to the third party sent Mon 03-10, reply arrived Fri 03-21.
    # 1-4 03-04..03-07 | 5 Mon 03-10 (sending day counts) | not counted: 03-11..03-14, 03-17..03-21 (9 days)
    # 6-10 03-24..03-28 | 11 Mon 03-31 | 12-14 04-01..04-03 | (Qingming 04-04..04-06 off) | 15-19 04-07..04-11
    # 20 Mon 04-14
    package_says(["2025-04-03", "2025-04-07"], ["2025-04-04"])
    events: list[Event] = [
        Received(on=d("2025-03-03"), channel=Channel.IN_PERSON),
        ConsultationStarted(on=d("2025-03-10"), party="某公司"),
        ConsultationEnded(on=d("2025-03-21"), party="某公司"),
    ]
    report = compute_deadlines(events, calendar)
    assert report.answer_due == d("2025-04-14")
    assert report.counted_days[4] == d("2025-03-10") and report.counted_days[5] == d("2025-03-24")
    assert any("9 working days not counted" in step.text.en for step in report.trail)


def test_a_late_reply_is_excluded_only_up_to_the_15_day_limit(calendar: WorkingCalendar) -> None:
    # The party's 15 working days after 03-10: 03-11..03-14 (4), 03-17..03-21 (9), 03-24..03-28 (14), 03-31 (15).
    # Not counted: 03-11..03-31 = 15 days. Counted: 1-5 03-04..03-10 | 6-8 04-01..04-03 | (04-04 off)
    # 9-13 04-07..04-11 | 14-18 04-14..04-18 | 19 Mon 04-21 | 20 Tue 04-22
    events: list[Event] = [
        Received(on=d("2025-03-03"), channel=Channel.IN_PERSON),
        ConsultationStarted(on=d("2025-03-10"), party="某公司"),
        ConsultationEnded(on=d("2025-04-08"), party="某公司"),
    ]
    report = compute_deadlines(events, calendar)
    assert report.pauses[0].through == d("2025-03-31")
    assert report.answer_due == d("2025-04-22")
    assert any("15-working-day limit 2025-03-31" in warning.en for warning in report.warnings)


def test_an_open_consultation_is_assumed_to_run_to_its_limit(calendar: WorkingCalendar) -> None:
    events: list[Event] = [
        Received(on=d("2025-03-03"), channel=Channel.IN_PERSON),
        ConsultationStarted(on=d("2025-03-10"), party="区统计局", consulted=ConsultationKind.AGENCY),
    ]
    report = compute_deadlines(events, calendar)
    assert report.state is RequestState.CONSULTING
    assert report.pauses[0].assumed
    assert report.answer_due == d("2025-04-22")  # same as the capped late reply above
    assert any("第三十四条" in step.text.zh for step in report.trail)


def test_fee_notice_to_payment_is_not_counted_and_unpaid_is_abandoned(calendar: WorkingCalendar) -> None:
    # Received Mon 2025-03-03; fee notice Fri 03-07 (day 4), paid Wed 03-12: 03-10, 03-11, 03-12 not counted.
    # 1-4 03-04..03-07 | 5-6 03-13..03-14 | 7-11 03-17..03-21 | 12-16 03-24..03-28 | 17 03-31 | 18-20 04-01..04-03
    base: list[Event] = [
        Received(on=d("2025-03-03"), channel=Channel.ONLINE),
        FeeNoticeSent(on=d("2025-03-07"), amount=200),
    ]
    paid = compute_deadlines([*base, FeePaid(on=d("2025-03-12"))], calendar)
    assert paid.answer_due == d("2025-04-03")
    # Payment period: 20 working days after 03-07: ... 04-03 is day 19, (04-04 off), 04-07 is day 20.
    waiting = compute_deadlines(base, calendar, as_of=d("2025-04-07"))
    assert waiting.state is RequestState.AWAITING_PAYMENT and waiting.payment_due == d("2025-04-07")
    assert waiting.next_due == d("2025-04-07")
    assert compute_deadlines(base, calendar, as_of=d("2025-04-08")).state is RequestState.ABANDONED
    counted = compute_deadlines([*base, FeePaid(on=d("2025-03-12"))], calendar, fee_time_excluded=False)
    assert counted.answer_due == d("2025-03-31")


def test_provisional_deadline_in_2027_with_a_warning(calendar: WorkingCalendar, tmp_path: Path) -> None:
    # Received Tue 2026-12-15. 1-3 12-16..12-18 | 4-8 12-21..12-25 | 9-12 12-28..12-31 | 13 Fri 2027-01-01
    # (no 2027 calendar: weekends only) | 14-18 01-04..01-08 | 19 Mon 01-11 | 20 Tue 01-12
    events: list[Event] = [Received(on=d("2026-12-15"), channel=Channel.ONLINE)]
    report = compute_deadlines(events, calendar)
    assert report.answer_due == d("2027-01-12")
    assert report.provisional
    assert any("2027" in warning.zh and "provisional" in warning.en for warning in report.warnings)
    # Once a 2027 notice is entered (a fictitious test notice making 01-01 a holiday) the date moves and is final.
    notice = tmp_path / "2027.yaml"
    notice.write_text(
        "year: 2027\ntitle: 测试用通知\nissued: 2026-11-01\nholidays:\n  - {name: 元旦, from: 2027-01-01}\n",
        encoding="utf-8",
    )
    final = compute_deadlines(events, load_calendar([notice], use_env=False))
    assert final.answer_due == d("2027-01-13")
    assert not final.provisional and final.warnings == ()


def test_answered_late_is_overdue_and_open_requests_are_checked_as_of(calendar: WorkingCalendar) -> None:
    received = Received(on=d("2024-02-01"), channel=Channel.ONLINE)
    late = Answered(on=d("2024-03-06"), response=Response(kind=ResponseKind.PROVIDED))
    report = compute_deadlines([received, late], calendar)
    assert report.state is RequestState.ANSWERED and report.overdue and report.next_due is None
    assert not compute_deadlines([received], calendar, as_of=d("2024-03-05")).overdue
    assert compute_deadlines([received], calendar, as_of=d("2024-03-06")).overdue
    withdrawn = compute_deadlines([received, Withdrawn(on=d("2024-02-20"))], calendar, as_of=d("2024-04-01"))
    assert withdrawn.state is RequestState.WITHDRAWN and not withdrawn.overdue


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([], "first event must be received"),
        (
            [
                Received(on=date(2024, 3, 4), channel=Channel.ONLINE),
                ExtensionApproved(on=date(2024, 3, 5), working_days=10),
                ExtensionApproved(on=date(2024, 3, 6), working_days=10),
            ],
            "extended only once",
        ),
        (
            [
                Received(on=date(2024, 3, 4), channel=Channel.ONLINE),
                ExtensionApproved(on=date(2024, 3, 5), working_days=21),
            ],
            "1 to 20 working days",
        ),
        (
            [
                Received(on=date(2024, 3, 4), channel=Channel.ONLINE),
                CorrectionRequested(on=date(2024, 3, 5), period_working_days=5),
                CorrectionReceived(on=date(2024, 3, 6)),
                CorrectionRequested(on=date(2024, 3, 7), period_working_days=5),
            ],
            "only once",
        ),
        (
            [
                Received(on=date(2024, 3, 4), channel=Channel.ONLINE),
                ConsultationStarted(on=date(2024, 3, 5), party="A"),
                Answered(on=date(2024, 3, 6), response=Response(kind=ResponseKind.PROVIDED)),
            ],
            "end of the consultation first",
        ),
        (
            [
                Received(on=date(2024, 3, 4), channel=Channel.ONLINE),
                ConsultationEnded(on=date(2024, 3, 5), party="A"),
            ],
            "cannot be recorded",
        ),
        (
            [
                Received(on=date(2024, 3, 4), channel=Channel.ONLINE),
                Withdrawn(on=date(2024, 3, 3)),
            ],
            "out of order",
        ),
    ],
)
def test_illegal_histories_are_bilingual_errors(calendar: WorkingCalendar, events: list[Event], message: str) -> None:
    with pytest.raises(DisclosureError, match=message) as caught:
        compute_deadlines(events, calendar)
    assert caught.value.zh and caught.value.en
