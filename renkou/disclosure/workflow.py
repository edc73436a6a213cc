"""The request state machine: which event may follow which, and the request's facts once its events are replayed.

States::

    in_progress ──correction_requested──> awaiting_correction ──correction_received──> in_progress
    in_progress ──consultation_started──> consulting ──(last) consultation_ended──> in_progress
    in_progress ──fee_notice_sent──> awaiting_payment ──fee_paid──> in_progress
    in_progress ──answered──> answered            any open state ──withdrawn──> withdrawn
    awaiting_correction / awaiting_payment ──(applicant's period runs out)──> abandoned   (computed, see deadlines)

The one-time rules of the regulation are enforced here: one correction notice (art. 30), one extension (art. 33).
Timing rules (late notices, late replies) are warnings computed in :mod:`renkou.disclosure.deadlines`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise

from renkou.disclosure.events import (
    Answered,
    ConsultationEnded,
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
from renkou.disclosure.text import DisclosureError, Text


class RequestState(StrEnum):
    """Where a request stands."""

    IN_PROGRESS = "in_progress"
    AWAITING_CORRECTION = "awaiting_correction"
    CONSULTING = "consulting"
    AWAITING_PAYMENT = "awaiting_payment"
    ANSWERED = "answered"
    ABANDONED = "abandoned"
    WITHDRAWN = "withdrawn"


STATE_NAMES: dict[RequestState, Text] = {
    RequestState.IN_PROGRESS: Text("办理中", "in progress"),
    RequestState.AWAITING_CORRECTION: Text("待补正", "awaiting correction"),
    RequestState.CONSULTING: Text("征求意见中", "consulting"),
    RequestState.AWAITING_PAYMENT: Text("待缴费", "awaiting payment"),
    RequestState.ANSWERED: Text("已答复", "answered"),
    RequestState.ABANDONED: Text("视为放弃申请", "treated as abandoned"),
    RequestState.WITHDRAWN: Text("申请人撤回", "withdrawn"),
}

TERMINAL_STATES = frozenset({RequestState.ANSWERED, RequestState.ABANDONED, RequestState.WITHDRAWN})

# The states in which each kind of event (other than the first, ``received``) may be recorded.
ALLOWED_FROM: dict[str, frozenset[RequestState]] = {
    "correction_requested": frozenset({RequestState.IN_PROGRESS}),
    "correction_received": frozenset({RequestState.AWAITING_CORRECTION}),
    "extension_approved": frozenset({RequestState.IN_PROGRESS, RequestState.CONSULTING}),
    "consultation_started": frozenset({RequestState.IN_PROGRESS, RequestState.CONSULTING}),
    "consultation_ended": frozenset({RequestState.CONSULTING}),
    "fee_notice_sent": frozenset({RequestState.IN_PROGRESS}),
    "fee_paid": frozenset({RequestState.AWAITING_PAYMENT}),
    "answered": frozenset({RequestState.IN_PROGRESS}),
    "withdrawn": frozenset(
        {
            RequestState.IN_PROGRESS,
            RequestState.AWAITING_CORRECTION,
            RequestState.CONSULTING,
            RequestState.AWAITING_PAYMENT,
        }
    ),
}


def allowed_events(state: RequestState) -> list[str]:
    """Event kinds the officer may record next (what a page offers as buttons)."""
    return [kind for kind, states in ALLOWED_FROM.items() if state in states]


@dataclass(frozen=True)
class Consultation:
    """One consultation and its end, if recorded."""

    started: ConsultationStarted
    ended: ConsultationEnded | None = None


@dataclass
class History:
    """A request's facts after replaying its events in order."""

    received: Received
    state: RequestState = RequestState.IN_PROGRESS
    correction_requested: CorrectionRequested | None = None
    correction_received: CorrectionReceived | None = None
    extension: ExtensionApproved | None = None
    consultations: list[Consultation] = field(default_factory=list)
    fee_notice: FeeNoticeSent | None = None
    fee_paid: FeePaid | None = None
    answered: Answered | None = None
    withdrawn: Withdrawn | None = None


def _reject(event: Event, state: RequestState, zh: str, en: str) -> DisclosureError:
    name = STATE_NAMES[state]
    return DisclosureError(
        f"{event.on} 的事件 {event.kind} 不能在“{name.zh}”状态下记录：{zh}",
        f"event {event.kind} on {event.on} cannot be recorded while {name.en}: {en}",
        code="workflow",
    )


def _invalid(event: Event, zh: str, en: str) -> DisclosureError:
    return DisclosureError(
        f"{event.on} 的事件 {event.kind} 无效：{zh}",
        f"event {event.kind} on {event.on} is invalid: {en}",
        code="workflow",
    )


def _check_order(events: Sequence[Event]) -> Received:
    if not events or not isinstance(events[0], Received):
        raise DisclosureError(
            "申请的第一个事件必须是收到申请（received）",
            "a request's first event must be received",
            code="workflow",
        )
    for earlier, later in pairwise(events):
        if later.on < earlier.on:
            raise DisclosureError(
                f"事件日期倒序：{later.kind} {later.on} 早于 {earlier.kind} {earlier.on}",
                f"events out of order: {later.kind} on {later.on} is before {earlier.kind} on {earlier.on}",
                code="workflow",
            )
    return events[0]


def replay(events: Sequence[Event]) -> History:
    """Replay a request's events, enforcing the order and the one-time rules; returns the request's facts."""
    history = History(received=_check_order(events))
    open_parties: list[int] = []
    for event in events[1:]:
        state = history.state
        if isinstance(event, Received):
            raise _reject(event, state, "一件申请只能收到一次", "a request is received only once")
        if state not in ALLOWED_FROM[event.kind]:
            hint = Text("请先记录征求意见结束", "record the end of the consultation first")
            if state is not RequestState.CONSULTING:
                hint = Text("该状态不允许此事件", "not allowed in this state")
            raise _reject(event, state, hint.zh, hint.en)
        if isinstance(event, CorrectionRequested):
            if history.correction_requested is not None:
                raise _reject(
                    event, state, "补正只能一次性告知（第三十条）", "correction may be requested only once (art. 30)"
                )
            if (event.period_working_days is None) == (event.until is None):
                raise _invalid(
                    event,
                    "应填写补正期限（工作日数或截止日期之一）",
                    "give the correction period: days or until, one of them",
                )
            if event.period_working_days is not None and event.period_working_days < 1:
                raise _invalid(event, "补正期限应至少1个工作日", "the correction period must be at least 1 working day")
            if event.until is not None and event.until <= event.on:
                raise _invalid(event, "补正截止日期应晚于告知日", "the correction deadline must be after the notice")
            history.correction_requested = event
            history.state = RequestState.AWAITING_CORRECTION
        elif isinstance(event, CorrectionReceived):
            history.correction_received = event
            history.state = RequestState.IN_PROGRESS
        elif isinstance(event, ExtensionApproved):
            if history.extension is not None:
                raise _invalid(
                    event, "答复期限只能延长一次（第三十三条）", "the answer period may be extended only once (art. 33)"
                )
            if not 1 <= event.working_days <= 20:
                raise _invalid(
                    event,
                    f"延长期限 {event.working_days} 应为1至20个工作日（第三十三条）",
                    f"extension {event.working_days} must be 1 to 20 working days (art. 33)",
                )
            history.extension = event
        elif isinstance(event, ConsultationStarted):
            if event.party_received is not None and event.party_received < event.on:
                raise _invalid(event, "第三方收到日早于发出日", "the party received the letter before it was sent")
            open_parties.append(len(history.consultations))
            history.consultations.append(Consultation(event))
            history.state = RequestState.CONSULTING
        elif isinstance(event, ConsultationEnded):
            match = next((i for i in open_parties if history.consultations[i].started.party == event.party), None)
            if match is None:
                raise _reject(
                    event, state, f"没有向 {event.party!r} 征求意见的记录", f"no open consultation with {event.party!r}"
                )
            open_parties.remove(match)
            history.consultations[match] = Consultation(history.consultations[match].started, event)
            history.state = RequestState.CONSULTING if open_parties else RequestState.IN_PROGRESS
        elif isinstance(event, FeeNoticeSent):
            if history.fee_notice is not None:
                raise _reject(event, state, "收费通知只能发出一次", "a fee notice may be sent only once")
            if event.amount <= 0:
                raise _invalid(event, "收费金额应大于0", "the fee amount must be positive")
            if event.applicant_received is not None and event.applicant_received < event.on:
                raise _invalid(event, "申请人收到日早于发出日", "the applicant received the notice before it was sent")
            history.fee_notice = event
            history.state = RequestState.AWAITING_PAYMENT
        elif isinstance(event, FeePaid):
            history.fee_paid = event
            history.state = RequestState.IN_PROGRESS
        elif isinstance(event, Answered):
            history.answered = event
            history.state = RequestState.ANSWERED
        elif isinstance(event, Withdrawn):
            history.withdrawn = event
            history.state = RequestState.WITHDRAWN
    return history
