"""The officer's operations on stored requests, shared by the CLI and the service: each builds the domain event,
adds the details its letters need (fee lines, reply reference) and records it through the store.

Fees by count need the request's number among its applicant's requests in the receipt month: it is computed here
from the store (every request of the same keyed applicant), never typed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from renkou.disclosure.calendar import WorkingCalendar
from renkou.disclosure.documents import Document
from renkou.disclosure.events import (
    Answered,
    ConsultationEnded,
    ConsultationKind,
    ConsultationStarted,
    CorrectionReceived,
    CorrectionRequested,
    ExtensionApproved,
    FeeNoticeSent,
    FeePaid,
    Withdrawn,
)
from renkou.disclosure.fees import FeeAssessment, FeeMethod, FeeSchedule, assess, fee_notice, monthly_positions
from renkou.disclosure.responses import Response
from renkou.disclosure.store import Actor, DisclosureStore, StoredRequest
from renkou.disclosure.text import DisclosureError
from renkou.disclosure.views import RequestView, request_view


@dataclass(frozen=True)
class Desk:
    """What every operation needs: the store, the official calendar and the fee schedule."""

    store: DisclosureStore
    calendar: WorkingCalendar
    schedule: FeeSchedule

    def view(self, request_no: str, as_of: date) -> RequestView:
        """One request's state and deadlines as of ``as_of``."""
        return request_view(self.store.get(request_no), self.calendar, self.schedule, as_of)

    def views(self, as_of: date) -> list[RequestView]:
        """Every request's state and deadlines as of ``as_of``."""
        return [request_view(r, self.calendar, self.schedule, as_of) for r in self.store.requests()]

    # --- events -------------------------------------------------------------------------------------------------
    def correct(self, actor: Actor, request_no: str, on: date, *, days: int = 15, items: str = "") -> StoredRequest:
        """Send the one-time correction notice (art. 30) with a period of ``days`` working days."""
        event = CorrectionRequested(on=on, period_working_days=days, items=items.strip())
        return self.store.record(actor, request_no, event, {"items": items.strip()} if items.strip() else None)

    def correction_received(self, actor: Actor, request_no: str, on: date) -> StoredRequest:
        """The corrected request arrived: the answer period restarts."""
        return self.store.record(actor, request_no, CorrectionReceived(on=on))

    def extend(
        self, actor: Actor, request_no: str, on: date, *, days: int = 20, approved_by: str = ""
    ) -> StoredRequest:
        """Record the office head's approval of the one extension (art. 33)."""
        if not approved_by.strip():
            raise DisclosureError(
                "延长答复期限须经政府信息公开工作机构负责人同意，请填写批准人",
                "an extension needs the approval of the head of the disclosure office: name the approver",
                code="extension",
            )
        event = ExtensionApproved(on=on, working_days=days, approved_by=approved_by.strip())
        return self.store.record(actor, request_no, event)

    def consult(self, actor: Actor, request_no: str, on: date, *, party: str, agency: bool = False) -> StoredRequest:
        """Start a written consultation of a third party (art. 32) or another office (art. 34)."""
        if not party.strip():
            raise DisclosureError("请填写征求意见对象", "name the party consulted", code="consultation")
        kind = ConsultationKind.AGENCY if agency else ConsultationKind.THIRD_PARTY
        return self.store.record(actor, request_no, ConsultationStarted(on=on, party=party.strip(), consulted=kind))

    def consultation_ended(
        self, actor: Actor, request_no: str, on: date, *, party: str, replied: bool = True
    ) -> StoredRequest:
        """The consulted party's opinion arrived (or the office stopped waiting)."""
        return self.store.record(actor, request_no, ConsultationEnded(on=on, party=party.strip(), replied=replied))

    def assess_fee(self, request_no: str, method: FeeMethod, *, pages: int | None = None) -> FeeAssessment:
        """The fee of a request: by count from its number among the applicant's requests that month, or by pages."""
        request = self.store.get(request_no)
        if method is FeeMethod.PAGES:
            return assess(self.schedule, method, pages=pages)
        if pages is not None:
            raise DisclosureError(
                "按件计收不填页数（每件申请只能选一种计费方式）",
                "by count takes no page count (one method per request)",
                code="fee",
            )
        receipts = self.store.same_applicant_receipts(request.applicant_key)
        position = monthly_positions(receipts).get(request.request_no)
        if position is None:
            raise DisclosureError(
                f"申请 {request_no} 尚未确认收到，无法按件计费",
                f"request {request_no} is not yet received: cannot charge by count",
                code="fee",
            )
        return assess(self.schedule, method, position=position)

    def fee(
        self,
        actor: Actor,
        request_no: str,
        on: date,
        *,
        method: FeeMethod,
        pages: int | None = None,
        applicant_received: date | None = None,
    ) -> tuple[StoredRequest, str]:
        """Send a fee notice; returns the request and the notice text. Nothing to charge is an error."""
        assessment = self.assess_fee(request_no, method, pages=pages)
        applicant = self.store.applicant(actor, request_no, reason="fee notice")
        notice = fee_notice(
            self.schedule,
            assessment,
            request_ref=request_no,
            applicant=applicant.name,
            issued=on,
            calendar=self.calendar,
            applicant_received=applicant_received,
        )
        detail: dict[str, Any] = {
            "method": method.value,
            "pages": pages,
            "lines": [line.zh for line in assessment.lines],
            "basis": assessment.basis.zh,
            "amount": assessment.amount,
        }
        event = FeeNoticeSent(on=on, amount=assessment.amount, applicant_received=applicant_received)
        return self.store.record(actor, request_no, event, detail), notice.text

    def paid(self, actor: Actor, request_no: str, on: date) -> StoredRequest:
        """The applicant paid the fee."""
        return self.store.record(actor, request_no, FeePaid(on=on))

    def reply(self, actor: Actor, request_no: str, on: date, response: Response, *, note: str = "") -> StoredRequest:
        """Record the reply (arts. 35-39); ``note`` is the free text of the letter (what is provided, how)."""
        year = on.year
        detail = {"letter_ref": f"〔{year}〕第{request_no.split('-')[-1]}号", "note": note.strip()}
        return self.store.record(actor, request_no, Answered(on=on, response=response), detail)

    def reply_document(self, actor: Actor, request_no: str, *, office: str | None = None) -> Document:
        """The reply letter of an answered request (the applicant's details are read, and the read audited)."""
        from renkou.disclosure.letters import reply_letter

        request = self.store.get(request_no)
        stored = next((e for e in request.events if isinstance(e.event, Answered)), None)
        if stored is None or not isinstance(stored.event, Answered):
            raise DisclosureError(
                f"申请 {request_no} 尚未答复，没有答复书",
                f"request {request_no} is not answered: no letter",
                code="letter",
            )
        applicant = self.store.applicant(actor, request_no, reason="reply letter")
        return reply_letter(
            request,
            applicant,
            stored.event,
            letter_ref=str(stored.detail.get("letter_ref", "")),
            note=str(stored.detail.get("note", "")),
            office=office,
        )

    def fee_document(self, actor: Actor, request_no: str, *, office: str | None = None) -> Document:
        """The fee notice of a request, rebuilt from its stored fee event."""
        from renkou.disclosure.letters import fee_letter

        request = self.store.get(request_no)
        stored = next((e for e in request.events if isinstance(e.event, FeeNoticeSent)), None)
        if stored is None or not isinstance(stored.event, FeeNoticeSent):
            raise DisclosureError(
                f"申请 {request_no} 没有收费通知", f"request {request_no} has no fee notice", code="letter"
            )
        method = FeeMethod(stored.detail["method"])
        assessment = self.assess_fee(request_no, method, pages=stored.detail.get("pages"))
        applicant = self.store.applicant(actor, request_no, reason="fee notice")
        notice = fee_notice(
            self.schedule,
            assessment,
            request_ref=request_no,
            applicant=applicant.name,
            issued=stored.event.on,
            calendar=self.calendar,
            applicant_received=stored.event.applicant_received,
        )
        return fee_letter(notice.text, office=office, dated=stored.event.on)

    def withdraw(self, actor: Actor, request_no: str, on: date) -> StoredRequest:
        """The applicant withdrew the request."""
        return self.store.record(actor, request_no, Withdrawn(on=on))
