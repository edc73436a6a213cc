"""Delivery passes over a flaky SMS gateway: retries by the clock, dead letters, and no message ever lost."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renkou.notify.dispatch import deliver
from renkou.notify.message import Channel, Message, MessageStatus, Notification
from renkou.notify.outbox import Outbox
from renkou.notify.retry import RetryPolicy
from renkou.notify.sms import FakeSmsGateway, GatewayError, SmsSender

T0 = datetime(2024, 3, 1, 9, 0, 0)


def sms(number: int) -> Notification:
    return Notification("permit.endorsement_due", Channel.SMS, f"1380013{number:04d}", f"提醒 {number}")


def test_gateway_outage_is_ridden_out_with_backoff(outbox: Outbox) -> None:
    gateway = FakeSmsGateway()
    senders = {Channel.SMS: SmsSender(gateway)}
    ids = [outbox.enqueue(sms(n), now=T0).id for n in range(3)]
    gateway.fail_next(4)  # the first four calls fail
    first = deliver(outbox, senders, now=T0)
    assert (first.claimed, first.sent, first.retrying, first.dead) == (3, 0, 3, 0)
    assert deliver(outbox, senders, now=T0 + timedelta(seconds=59)).claimed == 0  # not due before 1 minute
    second = deliver(outbox, senders, now=T0 + timedelta(minutes=1))
    assert (second.sent, second.retrying) == (2, 1)  # call 4 fails, 5 and 6 succeed
    third = deliver(outbox, senders, now=T0 + timedelta(minutes=5))  # 1 + 4 minutes for the second failure
    assert third.sent == 1
    assert [outbox.get(i).status for i in ids] == [MessageStatus.SENT] * 3
    assert sorted(s.phone for s in gateway.sent) == ["13800130000", "13800130001", "13800130002"]
    assert all(s.text.startswith("【人口服务】提醒") for s in gateway.sent)
    assert {s.client_ref for s in gateway.sent} == {f"renkou-{i}" for i in ids}


def test_refused_number_is_a_dead_letter_and_others_go_through(outbox: Outbox) -> None:
    gateway = FakeSmsGateway()
    gateway.refuse("13800130001")
    for n in range(3):
        outbox.enqueue(sms(n), now=T0)
    report = deliver(outbox, {Channel.SMS: SmsSender(gateway)}, now=T0)
    assert (report.sent, report.dead) == (2, 1)
    [dead] = outbox.dead_letters()
    assert dead.recipient == "13800130001" and "138****0001" in (dead.last_error or "")
    assert "13800130001" not in (dead.last_error or "")  # the stored reason masks the number


class _Broken:
    channel = Channel.SMS

    def send(self, message: Message) -> str:
        raise RuntimeError("adapter bug")


def test_a_sender_bug_keeps_the_message_for_retry(outbox: Outbox) -> None:
    message_id = outbox.enqueue(sms(1), now=T0).id
    report = deliver(outbox, {Channel.SMS: _Broken()}, now=T0)
    assert (report.retrying, report.dead) == (1, 0)
    assert outbox.get(message_id).status is MessageStatus.PENDING
    assert "RuntimeError: adapter bug" in (outbox.get(message_id).last_error or "")


def test_channel_without_a_sender_stays_queued(outbox: Outbox) -> None:
    outbox.enqueue(Notification("t", Channel.EMAIL, "a@example.cn", "x"), now=T0)
    assert deliver(outbox, {Channel.SMS: SmsSender(FakeSmsGateway())}, now=T0).claimed == 0
    assert outbox.counts()["pending"] == 1


@settings(max_examples=40, deadline=None)
@given(
    outcomes=st.lists(st.sampled_from(["ok", "ok", "busy", "refused"]), min_size=1, max_size=60),
    count=st.integers(min_value=1, max_value=8),
)
def test_every_message_ends_sent_or_dead_and_none_is_lost(
    tmp_path_factory: pytest.TempPathFactory, outcomes: list[str], count: int
) -> None:
    path = tmp_path_factory.mktemp("box") / "outbox.sqlite"
    policy = RetryPolicy(max_attempts=4)

    def script(_phone: str, _text: str, call: int) -> GatewayError | None:
        outcome = outcomes[(call - 1) % len(outcomes)]
        if outcome == "busy":
            return GatewayError("busy", temporary=True)
        if outcome == "refused":
            return GatewayError("refused", temporary=False)
        return None

    gateway = FakeSmsGateway(fail=script)
    with Outbox.open(path) as box:
        ids = [box.enqueue(sms(n), now=T0).id for n in range(count)]
        now, passes = T0, 0
        while (due := box.next_due()) is not None:
            now = max(now, due)
            deliver(box, {Channel.SMS: SmsSender(gateway)}, now=now, policy=policy)
            passes += 1
            assert passes < 10 * count * policy.max_attempts
        finals = [box.get(i) for i in ids]
        assert {m.status for m in finals} <= {MessageStatus.SENT, MessageStatus.DEAD}
        sent_ids = {int(s.client_ref.removeprefix("renkou-")) for s in gateway.sent}
        assert sent_ids == {m.id for m in finals if m.status is MessageStatus.SENT}
        assert len(gateway.sent) == len(sent_ids)  # each delivered once
        # Every gateway call is one recorded attempt, and the attempts agree with the outcomes.
        attempts = [a for i in ids for a in box.attempts(i)]
        assert len(attempts) == gateway.calls
        for message in finals:
            if message.status is MessageStatus.DEAD:
                assert message.last_error and message.attempts <= policy.max_attempts
