"""Overdue tracking: which open requests are past or near their answer due date, and one reminder e-mail to the
officer through the ``renkou.notify`` outbox (deduplicated per day, so running the check twice sends once).

The reminder names request numbers and due dates only, never an applicant.
"""

from __future__ import annotations

from datetime import date

from renkou.disclosure.views import RequestView, sort_for_officer
from renkou.notify.message import Channel, Notification

OPEN_STATES = ("in_progress", "consulting")


def overdue_views(views: list[RequestView]) -> list[RequestView]:
    """Open requests whose answer is overdue or near due (the office's clock runs), by due date."""
    chosen = [v for v in views if v.state in OPEN_STATES and (v.overdue or v.near_due)]
    return sort_for_officer(chosen)


def reminder(views: list[RequestView], to: str, today: date) -> Notification | None:
    """One e-mail listing the overdue and near-due requests (None when there are none)."""
    if not views:
        return None
    lines = []
    for view in views:
        report = view.report
        assert report is not None and report.answer_due is not None
        flag = "已逾期" if view.overdue else f"剩余{view.working_days_left}个工作日"
        lines.append(f"{view.request.request_no}  答复期限 {report.answer_due.isoformat()}  {flag}")
    overdue = sum(v.overdue for v in views)
    body = (
        f"截至{today.isoformat()}，以下政府信息公开申请已逾期或临近答复期限（逾期 {overdue} 件）：\n"
        + "\n".join(lines)
        + f"\n\nAs of {today.isoformat()}: disclosure requests overdue or near their answer due date ({overdue} overdue)."
    )
    return Notification(
        topic="disclosure.overdue",
        channel=Channel.EMAIL,
        recipient=to,
        subject=f"政府信息公开申请期限提醒 {today.isoformat()} / disclosure deadlines",
        body=body,
        dedupe_key=f"disclosure.overdue:{to}:{today.isoformat()}",
        reference=",".join(v.request.request_no for v in views[:10]),
    )
