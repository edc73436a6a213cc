"""E-mail over a real SMTP conversation with a server on 127.0.0.1: content, and how replies map to retries."""

from __future__ import annotations

import email
import socket
from datetime import datetime, timedelta
from email.policy import default

import pytest
from notify_smtp_server import SmtpServer

from renkou.notify.dispatch import deliver
from renkou.notify.mail import EmailSender, SmtpSettings
from renkou.notify.message import Channel, Message, MessageStatus, Notification
from renkou.notify.outbox import Outbox
from renkou.notify.senders import PermanentSendError, TemporarySendError

T0 = datetime(2024, 3, 1, 9, 0, 0)
BODY = "您的居住证应于2024年3月15日前办理签注。\n.a line that starts with a dot\nEnglish follows."


def _sender(server: SmtpServer) -> EmailSender:
    return EmailSender(SmtpSettings(host="127.0.0.1", port=server.port, sender="notice@renkou.example", timeout=5))


def _enqueue_and_claim(outbox: Outbox, to: str = "zhang@example.cn") -> Message:
    outbox.enqueue(Notification("permit.endorsement_due", Channel.EMAIL, to, BODY, subject="居住证签注提醒"), now=T0)
    [message] = outbox.claim([Channel.EMAIL], now=T0)
    return message


def test_message_arrives_with_utf8_subject_and_body(outbox: Outbox, smtp_server: SmtpServer) -> None:
    message = _enqueue_and_claim(outbox)
    message_id = _sender(smtp_server).send(message)
    [received] = smtp_server.received
    assert (received.mail_from, received.recipients) == ("notice@renkou.example", ["zhang@example.cn"])
    parsed = email.message_from_bytes(received.data, policy=default)
    assert parsed["Subject"] == "居住证签注提醒" and parsed["To"] == "zhang@example.cn"
    assert parsed["Message-ID"] == message_id and "renkou-1" in message_id
    assert parsed.get_content().replace("\r\n", "\n").rstrip("\n") == BODY  # the leading dot survived stuffing


def test_unknown_mailbox_is_permanent(outbox: Outbox, smtp_server: SmtpServer) -> None:
    smtp_server.script.refuse["nobody@example.cn"] = "550 5.1.1 no such user"
    message = _enqueue_and_claim(outbox, "nobody@example.cn")
    with pytest.raises(PermanentSendError, match="550") as error:
        _sender(smtp_server).send(message)
    assert "nobody@example.cn" not in error.value.detail and "n***@example.cn" in error.value.detail


def test_greylisting_and_busy_server_are_temporary(outbox: Outbox, smtp_server: SmtpServer) -> None:
    smtp_server.script.refuse["grey@example.cn"] = "450 4.2.0 greylisted"
    with pytest.raises(TemporarySendError, match="450"):
        _sender(smtp_server).send(_enqueue_and_claim(outbox, "grey@example.cn"))
    smtp_server.script.data_failures = 1
    outbox.enqueue(Notification("t", Channel.EMAIL, "a@example.cn", "x"), now=T0)
    [message] = outbox.claim([Channel.EMAIL], now=T0)
    with pytest.raises(TemporarySendError, match="451"):
        _sender(smtp_server).send(message)


def test_dropped_or_refused_connection_is_temporary(outbox: Outbox, smtp_server: SmtpServer) -> None:
    smtp_server.script.close_on_connect = 1
    message = _enqueue_and_claim(outbox)
    with pytest.raises(TemporarySendError, match="SMTPServerDisconnected"):
        _sender(smtp_server).send(message)
    with socket.socket() as probe:  # a loopback port with nobody listening
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    closed = EmailSender(SmtpSettings(host="127.0.0.1", port=closed_port, timeout=5))
    with pytest.raises(TemporarySendError, match="ConnectionRefusedError"):
        closed.send(message)


def test_outbox_delivers_through_a_failing_then_working_server(outbox: Outbox, smtp_server: SmtpServer) -> None:
    smtp_server.script.data_failures = 2
    for n in range(2):
        outbox.enqueue(Notification("points.result", Channel.EMAIL, f"p{n}@example.cn", f"结果 {n}"), now=T0)
    senders = {Channel.EMAIL: _sender(smtp_server)}
    first = deliver(outbox, senders, now=T0)
    assert (first.sent, first.retrying) == (0, 2) and smtp_server.received == []
    second = deliver(outbox, senders, now=T0 + timedelta(minutes=1))
    assert second.sent == 2
    assert sorted(r.recipients[0] for r in smtp_server.received) == ["p0@example.cn", "p1@example.cn"]
    assert outbox.counts() == {"pending": 0, "sending": 0, "sent": 2, "dead": 0}
    assert {m.status for m in outbox.messages()} == {MessageStatus.SENT}
