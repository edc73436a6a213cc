"""Events in a disclosure request's life, as plain immutable records.

A request is its ordered list of events; everything else (state, deadlines) is computed from it, so the store only
appends events and never updates a request. ``event_to_dict`` / ``event_from_dict`` give the JSON form for storage
and the API, with a ``kind`` key naming the event.

Days (``on`` and the other dates) are calendar dates; "the day after X is day 1" is handled by the deadline code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from typing import Any, Literal

from renkou.disclosure.receipt import Channel
from renkou.disclosure.responses import Response
from renkou.disclosure.text import DisclosureError


class ConsultationKind(StrEnum):
    """Whom the office consults: a third party (art. 32) or another office that made the information (art. 34)."""

    THIRD_PARTY = "third_party"
    AGENCY = "agency"


@dataclass(frozen=True, kw_only=True)
class Received:
    """The request counts as received on ``on`` (the art. 31 receipt day for ``channel``)."""

    on: date
    channel: Channel
    kind: Literal["received"] = "received"


@dataclass(frozen=True, kw_only=True)
class CorrectionRequested:
    """The one-time correction notice (补正告知, art. 30), with the period the office set.

    Give either ``period_working_days`` (counted from the day after ``on``) or ``until`` (the last day).
    """

    on: date
    period_working_days: int | None = None
    until: date | None = None
    items: str = ""
    kind: Literal["correction_requested"] = "correction_requested"


@dataclass(frozen=True, kw_only=True)
class CorrectionReceived:
    """The corrected request arrived; the answer period starts again the next day (art. 30)."""

    on: date
    kind: Literal["correction_received"] = "correction_received"


@dataclass(frozen=True, kw_only=True)
class ExtensionApproved:
    """The head of the disclosure office approved one extension of at most 20 working days (art. 33)."""

    on: date
    working_days: int = 20
    approved_by: str = ""
    kind: Literal["extension_approved"] = "extension_approved"


@dataclass(frozen=True, kw_only=True)
class ConsultationStarted:
    """A written consultation was sent on ``on`` to ``party``; it received it on ``party_received`` (default ``on``)."""

    on: date
    party: str
    consulted: ConsultationKind = ConsultationKind.THIRD_PARTY
    party_received: date | None = None
    kind: Literal["consultation_started"] = "consultation_started"


@dataclass(frozen=True, kw_only=True)
class ConsultationEnded:
    """The consulted party's opinion arrived on ``on`` (or, with ``replied`` false, the office stopped waiting)."""

    on: date
    party: str
    replied: bool = True
    kind: Literal["consultation_ended"] = "consultation_ended"


@dataclass(frozen=True, kw_only=True)
class FeeNoticeSent:
    """A fee notice for ``amount`` yuan was sent; the applicant received it on ``applicant_received`` (default ``on``)."""

    on: date
    amount: int
    applicant_received: date | None = None
    kind: Literal["fee_notice_sent"] = "fee_notice_sent"


@dataclass(frozen=True, kw_only=True)
class FeePaid:
    """The applicant paid the fee."""

    on: date
    kind: Literal["fee_paid"] = "fee_paid"


@dataclass(frozen=True, kw_only=True)
class Answered:
    """The office replied with ``response``."""

    on: date
    response: Response
    kind: Literal["answered"] = "answered"


@dataclass(frozen=True, kw_only=True)
class Withdrawn:
    """The applicant withdrew the request."""

    on: date
    kind: Literal["withdrawn"] = "withdrawn"


Event = (
    Received
    | CorrectionRequested
    | CorrectionReceived
    | ExtensionApproved
    | ConsultationStarted
    | ConsultationEnded
    | FeeNoticeSent
    | FeePaid
    | Answered
    | Withdrawn
)


@cache
def _adapter() -> Any:
    """The discriminated-union adapter, built once (building it costs tens of milliseconds)."""
    from typing import Annotated

    from pydantic import Field, TypeAdapter

    return TypeAdapter(Annotated[Event, Field(discriminator="kind")])


def event_to_dict(event: Event) -> dict[str, Any]:
    """The JSON-ready form of an event (dates as ISO strings, enums as their values)."""
    result: dict[str, Any] = _adapter().dump_python(event, mode="json")
    return result


def event_from_dict(data: dict[str, Any]) -> Event:
    """Rebuild an event from its JSON form; a bad record is a bilingual error naming the key and value."""
    from pydantic import ValidationError

    try:
        event: Event = _adapter().validate_python(data)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        raise DisclosureError(
            f"事件记录的键 {key} 取值 {first.get('input')!r} 无效：{first['msg']}",
            f"event record key {key} has invalid value {first.get('input')!r}: {first['msg']}",
            code="event",
        ) from error
    return event
