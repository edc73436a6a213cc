"""Overdue tracking: which open requests are overdue or near due (counted on the official calendar), and one
reminder e-mail through the renkou.notify outbox, deduplicated per day and naming no applicant."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from renkou.disclosure.applicants import Applicant, ApplicantKind
from renkou.disclosure.receipt import Channel
from renkou.disclosure.reminders import overdue_views, reminder
from renkou.disclosure.responses import Response, ResponseKind
from renkou.disclosure.store import Actor, RequestDetails
from renkou.notify.outbox import Outbox

OFFICER = Actor("officer1", "disclosure_officer")


def received(desk: Any, on: date, name: str = "周九") -> str:
    applicant = Applicant(ApplicantKind.PERSON, name, "居民身份证", "110101199003074578", phone="13800000000")
    filed = desk.store.file(OFFICER, applicant, RequestDetails("x"), Channel.IN_PERSON, on, received_on=on)
    return str(filed.request_no)


def test_overdue_and_near_due_on_the_official_calendar(desk: Any) -> None:
    # Received 2026-02-02: 02-03..06 4, 09..13 9, 14 (make-up Saturday) 10, (15-23 Spring Festival), 24..27 14,
    # 28 (make-up Saturday) 15, 03-02..06 20 -> due 2026-03-06.
    late = received(desk, date(2026, 2, 2))
    # Received 2026-02-27: 02-28 1, 03-02..06 6, 09..13 11, 16..20 16, 23..26 20 -> due 2026-03-26.
    near = received(desk, date(2026, 2, 27))
    done = received(desk, date(2026, 2, 2))
    desk.reply(OFFICER, done, date(2026, 3, 10), Response(kind=ResponseKind.DOES_NOT_EXIST))  # late, but answered
    fresh = received(desk, date(2026, 3, 16))
    views = {v.request.request_no: v for v in desk.views(date(2026, 3, 19))}
    assert views[late].report.answer_due == date(2026, 3, 6) and views[late].overdue
    assert views[late].working_days_left == -9  # 03-09..13, 16..19 after the due day
    assert views[near].report.answer_due == date(2026, 3, 26)
    assert views[near].working_days_left == 5 and views[near].near_due  # 03-20, 23, 24, 25, 26
    assert not views[fresh].near_due and not views[fresh].overdue
    assert views[done].overdue  # answered late: shown as such in the list, but not chased
    chased = overdue_views(list(views.values()))
    assert [v.request.request_no for v in chased] == [late, near]


def test_one_reminder_a_day_through_the_outbox(desk: Any, tmp_path: Path) -> None:
    late = received(desk, date(2026, 2, 2), name="吴十")
    chased = overdue_views(desk.views(date(2026, 3, 19)))
    message = reminder(chased, "officer@example.cn", date(2026, 3, 19))
    assert message is not None
    assert late in message.body and "2026-03-06" in message.body and "已逾期" in message.body
    assert "吴十" not in message.body and "110101199003074578" not in message.body
    with Outbox.open(tmp_path / "outbox.sqlite") as outbox:
        first = outbox.enqueue(message)
        again = outbox.enqueue(reminder(chased, "officer@example.cn", date(2026, 3, 19)))  # type: ignore[arg-type]
        assert first.id == again.id
        assert outbox.counts().get("pending") == 1
    assert reminder([], "officer@example.cn", date(2026, 3, 19)) is None
