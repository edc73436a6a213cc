"""What officers and applicants see of a stored request: its state, due dates and flags, as plain data.

:func:`request_view` combines a stored request (masked details) with its deadline report as of a day; lists are
sorted by the next due date, with ``overdue`` and ``near_due`` (at most :data:`NEAR_DUE_WORKING_DAYS` working days
left) for highlighting. :func:`public_view` is the little the public may see with its request number and secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from renkou.disclosure.applicants import APPLICANT_KINDS
from renkou.disclosure.calendar import WorkingCalendar
from renkou.disclosure.deadlines import DeadlineReport, compute_deadlines
from renkou.disclosure.events import Answered
from renkou.disclosure.fees import FeeSchedule
from renkou.disclosure.receipt import RECEIPT_RULES, Channel
from renkou.disclosure.responses import RESPONSE_KINDS
from renkou.disclosure.store import FORMS, MEDIA, StoredRequest
from renkou.disclosure.text import Text
from renkou.disclosure.workflow import allowed_events, replay

NEAR_DUE_WORKING_DAYS = 5
CHANNEL_NAMES: dict[Channel, Text] = {
    Channel.IN_PERSON: Text("当面", "in person"),
    Channel.MAIL: Text("邮寄", "mail"),
    Channel.ORDINARY_MAIL: Text("平常信函", "ordinary mail"),
    Channel.ONLINE: Text("网上", "online"),
    Channel.FAX: Text("传真", "fax"),
}
AWAITING_RECEIPT = "awaiting_receipt"
AWAITING_RECEIPT_NAME = Text("待双方确认收到", "awaiting confirmation of receipt")


@dataclass(frozen=True)
class RequestView:
    """A request's state and deadlines as of ``as_of``."""

    request: StoredRequest
    as_of: date
    report: DeadlineReport | None  # None until the receipt is confirmed
    working_days_left: int | None

    @property
    def state(self) -> str:
        """The state's code (``awaiting_receipt`` before an online or fax request is confirmed)."""
        return self.report.state.value if self.report else AWAITING_RECEIPT

    @property
    def state_name(self) -> Text:
        """The state's bilingual name."""
        return self.report.state_name if self.report else AWAITING_RECEIPT_NAME

    @property
    def overdue(self) -> bool:
        """True when the answer is late (or was answered late)."""
        return bool(self.report and self.report.overdue)

    @property
    def near_due(self) -> bool:
        """True when an open request has at most a few working days left before its answer is due."""
        return (
            not self.overdue
            and self.working_days_left is not None
            and self.report is not None
            and self.report.answer_due is not None
            and self.report.state.value not in ("answered", "abandoned", "withdrawn")
            and self.working_days_left <= NEAR_DUE_WORKING_DAYS
        )

    @property
    def answered(self) -> Answered | None:
        """The reply event, if any."""
        return next((e.event for e in self.request.events if isinstance(e.event, Answered)), None)

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        """The JSON form for lists and the officer's API (masked details only)."""
        request, report = self.request, self.report

        def day(value: date | None) -> str | None:
            return value.isoformat() if value else None

        def pick(text: Text) -> str:
            return text.zh if lang == "zh" else text.en

        answered = self.answered
        return {
            "request_no": request.request_no,
            "filed_on": day(request.filed_on),
            "channel": request.channel.value,
            "channel_name": pick(CHANNEL_NAMES[request.channel]),
            "receipt_rule": pick(RECEIPT_RULES[request.channel]),
            "applicant_kind": request.applicant_kind.value,
            "applicant_kind_name": pick(APPLICANT_KINDS[request.applicant_kind]),
            "name_masked": request.name_masked,
            "id_type": request.id_type,
            "id_masked": request.id_masked,
            "contact_masked": request.contact_masked,
            "description": request.description,
            "form_wanted": pick(Text(*FORMS[request.form_wanted])),
            "medium": pick(Text(*MEDIA[request.medium])),
            "received_on": day(request.received_on),
            "state": self.state,
            "state_name": pick(self.state_name),
            "answer_due": day(report.answer_due) if report else None,
            "next_due": day(report.next_due) if report else None,
            "working_days_left": self.working_days_left,
            "provisional": bool(report and report.provisional),
            "overdue": self.overdue,
            "near_due": self.near_due,
            "response": answered.response.kind.value if answered else None,
            "response_name": pick(RESPONSE_KINDS[answered.response.kind].name) if answered else None,
            "warnings": [pick(w) for w in report.warnings] if report else [],
            "trail": [{"on": day(step.on), "text": pick(step.text)} for step in report.trail] if report else [],
            "allowed": allowed_events(replay(request.domain_events).state) if report and request.events else [],
            "events": [
                {
                    "seq": stored.seq,
                    "kind": stored.event.kind,
                    "on": day(stored.event.on),
                    "recorded_at": stored.recorded_at.isoformat(timespec="seconds"),
                    "recorded_by": stored.recorded_by,
                    "detail": stored.detail,
                }
                for stored in request.events
            ],
        }


def request_view(request: StoredRequest, calendar: WorkingCalendar, schedule: FeeSchedule, as_of: date) -> RequestView:
    """The request's deadlines as of ``as_of`` (a day before the last event is taken as that event's day)."""
    if not request.events:
        return RequestView(request, as_of, None, None)
    events = request.domain_events
    effective = max(as_of, events[-1].on)
    report = compute_deadlines(
        events,
        calendar,
        as_of=effective,
        payment_period=schedule.payment_working_days,
        fee_time_excluded=schedule.fee_time_excluded,
    )
    left = None
    if report.answer_due is not None:
        if report.answer_due >= effective:
            left = calendar.count_working_days(effective, report.answer_due)
        else:
            left = -calendar.count_working_days(report.answer_due, effective)
    return RequestView(request, as_of, report, left)


def sort_for_officer(views: list[RequestView]) -> list[RequestView]:
    """Open requests first, by next due date (overdue first), then closed ones by number, newest first."""

    def key(view: RequestView) -> tuple[int, str, str]:
        report = view.report
        if report is None:
            return (0, view.request.filed_on.isoformat(), view.request.request_no)
        if report.state.value in ("answered", "abandoned", "withdrawn"):
            return (2, "", _reverse(view.request.request_no))
        due = report.next_due or report.answer_due
        return (1, due.isoformat() if due else "9999", view.request.request_no)

    return sorted(views, key=key)


def _reverse(text: str) -> str:
    return "".join(chr(0x10FFFF - ord(c)) for c in text)


def public_view(view: RequestView, lang: str = "zh") -> dict[str, Any]:
    """What an applicant sees with its number and secret: state, receipt and due days, the reply kind. Nothing
    else (no officer, no trail of internal notes, no other request)."""
    full = view.to_json(lang)
    keys = ("request_no", "filed_on", "channel", "received_on", "state", "state_name", "answer_due", "next_due")
    result = {key: full[key] for key in keys}
    result["description"] = full["description"]
    result["response_name"] = full["response_name"]
    result["provisional"] = full["provisional"]
    return result
