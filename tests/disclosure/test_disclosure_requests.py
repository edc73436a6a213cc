"""Receipt day by channel (art. 31), reply kinds (arts. 35-39), event records and the state machine's menu."""

from __future__ import annotations

from datetime import date

import pytest

from renkou.disclosure.events import (
    Answered,
    ConsultationStarted,
    CorrectionRequested,
    Event,
    Received,
    event_from_dict,
    event_to_dict,
)
from renkou.disclosure.receipt import Channel, parse_channel, receipt_date
from renkou.disclosure.responses import RESPONSE_KINDS, Response, ResponseKind, WithholdingGround
from renkou.disclosure.text import DisclosureError
from renkou.disclosure.workflow import RequestState, allowed_events


def test_receipt_day_by_channel() -> None:
    assert receipt_date(Channel.IN_PERSON, submitted=date(2025, 3, 3)).received == date(2025, 3, 3)
    assert receipt_date(Channel.MAIL, signed_for=date(2025, 3, 5)).received == date(2025, 3, 5)
    online = receipt_date(Channel.ONLINE, submitted=date(2025, 3, 1), confirmed=date(2025, 3, 3))
    assert online.received == date(2025, 3, 3) and "31(3)" in online.rule.en
    assert receipt_date(Channel.FAX, confirmed=date(2025, 3, 4)).received == date(2025, 3, 4)
    slow = receipt_date(Channel.ORDINARY_MAIL, arrived=date(2025, 3, 3), confirmed=date(2025, 3, 5))
    assert slow.received == date(2025, 3, 5)
    assert slow.warnings and "same-day" in slow.warnings[0].en


def test_receipt_needs_the_channels_date() -> None:
    with pytest.raises(DisclosureError, match="signed_for"):
        receipt_date(Channel.MAIL, submitted=date(2025, 3, 3))
    with pytest.raises(DisclosureError, match="before submitted"):
        receipt_date(Channel.ONLINE, submitted=date(2025, 3, 4), confirmed=date(2025, 3, 3))


def test_channel_names() -> None:
    assert parse_channel("in-person") is Channel.IN_PERSON
    assert parse_channel(" ONLINE ") is Channel.ONLINE
    with pytest.raises(DisclosureError, match="in_person"):
        parse_channel("carrier pigeon")


def test_every_reply_kind_has_an_article() -> None:
    assert set(RESPONSE_KINDS) == set(ResponseKind)
    assert RESPONSE_KINDS[ResponseKind.ALREADY_PUBLIC].article.en == "art. 36(1)"
    assert RESPONSE_KINDS[ResponseKind.PARTIALLY_PROVIDED].article.en == "art. 37"
    assert RESPONSE_KINDS[ResponseKind.NOT_A_REQUEST].article.en == "art. 39"


def test_replies_must_carry_their_details() -> None:
    with pytest.raises(DisclosureError, match="where"):
        Response(kind=ResponseKind.ALREADY_PUBLIC)
    with pytest.raises(DisclosureError, match="grounds"):
        Response(kind=ResponseKind.NOT_DISCLOSED)
    with pytest.raises(DisclosureError, match="no withholding grounds"):
        Response(kind=ResponseKind.PROVIDED, grounds=(WithholdingGround.STATE_SECRET,))
    reply = Response(
        kind=ResponseKind.PARTIALLY_PROVIDED,
        grounds=(WithholdingGround.THIRD_PARTY_RIGHTS, WithholdingGround.PROCESS_INFORMATION),
    )
    assert reply.legal_basis.zh == "《政府信息公开条例》第三十七条、第十五条、第十六条第二款"


def test_events_round_trip_through_json_form() -> None:
    events: list[Event] = [
        Received(on=date(2025, 3, 3), channel=Channel.ONLINE),
        CorrectionRequested(on=date(2025, 3, 4), period_working_days=10, items="年份"),
        ConsultationStarted(on=date(2025, 3, 10), party="某公司", party_received=date(2025, 3, 11)),
        Answered(
            on=date(2025, 4, 1),
            response=Response(kind=ResponseKind.NOT_DISCLOSED, grounds=(WithholdingGround.STATE_SECRET,)),
        ),
    ]
    for event in events:
        data = event_to_dict(event)
        assert data["on"] == event.on.isoformat()
        assert event_from_dict(data) == event
    assert event_to_dict(events[0]) == {"on": "2025-03-03", "channel": "online", "kind": "received"}


def test_bad_event_record_names_the_key() -> None:
    with pytest.raises(DisclosureError, match="channel"):
        event_from_dict({"kind": "received", "on": "2025-03-03", "channel": "pigeon"})
    with pytest.raises(DisclosureError, match="on"):
        event_from_dict({"kind": "fee_paid", "on": "2025-02-30"})


def test_allowed_events_per_state() -> None:
    assert allowed_events(RequestState.AWAITING_CORRECTION) == ["correction_received", "withdrawn"]
    assert "answered" in allowed_events(RequestState.IN_PROGRESS)
    assert "answered" not in allowed_events(RequestState.CONSULTING)
    assert allowed_events(RequestState.ANSWERED) == []
