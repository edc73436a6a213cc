"""The SMS sender over the gateway interface: signature, mapping of gateway and network failures."""

from __future__ import annotations

from datetime import datetime

import pytest

from renkou.notify.message import Channel, Message, MessageStatus
from renkou.notify.senders import PermanentSendError, TemporarySendError
from renkou.notify.sms import FakeSmsGateway, GatewayError, SmsSender

NOW = datetime(2024, 3, 1, 9, 0)


def message(body: str, recipient: str = "13800138000") -> Message:
    return Message(
        7, "t", Channel.SMS, recipient, "", body, "", None, MessageStatus.SENDING, 1, NOW, NOW, None, None, None
    )


def test_signature_is_added_once() -> None:
    gateway = FakeSmsGateway()
    sender = SmsSender(gateway, signature="【杭州公安】")
    assert sender.send(message("请办理签注")) == "fake-1"
    sender.send(message("【杭州公安】请办理签注"))
    assert [s.text for s in gateway.sent] == ["【杭州公安】请办理签注"] * 2
    assert gateway.sent[0].client_ref == "renkou-7"


class _Network:
    def send_sms(self, phone: str, text: str, *, client_ref: str) -> str:
        raise ConnectionResetError("connection reset by peer")


def test_failures_map_to_retry_or_dead_letter() -> None:
    gateway = FakeSmsGateway()
    gateway.fail = lambda phone, text, call: GatewayError("content refused", temporary=False)
    with pytest.raises(PermanentSendError, match="138\\*\\*\\*\\*8000: content refused"):
        SmsSender(gateway).send(message("x"))
    gateway.fail_next(1)
    with pytest.raises(TemporarySendError, match="rate limited"):
        SmsSender(gateway).send(message("x"))
    with pytest.raises(TemporarySendError, match="ConnectionResetError"):
        SmsSender(_Network()).send(message("x"))
