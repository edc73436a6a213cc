"""The outbox: validation, de-duplication, claims and leases, retries by the clock, dead letters, durability."""

from __future__ import annotations

import os
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from renkou.errors import UserError
from renkou.notify.message import Channel, MessageStatus, Notification, mask_recipient, normalise_mobile
from renkou.notify.outbox import Outbox
from renkou.notify.retry import RetryPolicy
from renkou.notify.senders import PermanentSendError, TemporarySendError

T0 = datetime(2024, 3, 1, 9, 0, 0)
SMS = Notification("permit.endorsement_due", Channel.SMS, "+86 138-0013-8000", "请办理签注", dedupe_key="k1")
MAIL = Notification("disclosure.reply", Channel.EMAIL, "Applicant <a.b@example.cn>", "答复", subject="答复书")


def test_recipients_are_validated_and_normalised(outbox: Outbox) -> None:
    stored = outbox.get(outbox.enqueue(SMS, now=T0).id)
    assert (stored.recipient, stored.status, stored.attempts) == ("13800138000", MessageStatus.PENDING, 0)
    assert outbox.get(outbox.enqueue(MAIL, now=T0).id).recipient == "a.b@example.cn"
    for bad, pattern in (
        (Notification("t", Channel.SMS, "12345", "x"), "invalid mobile number"),
        (Notification("t", Channel.EMAIL, "not-an-address", "x"), "invalid e-mail"),
        (Notification("t", Channel.SMS, "13800138000", "  "), "empty body"),
        (Notification("t", Channel.SMS, "13800138000", "字" * 501), "more than 500"),
        (Notification(" ", Channel.SMS, "13800138000", "x"), "no topic"),
    ):
        with pytest.raises(UserError, match=pattern):
            outbox.enqueue(bad, now=T0)
    assert outbox.counts()["pending"] == 2  # nothing half-stored
    assert normalise_mobile("8613900139000") == "13900139000"
    assert (mask_recipient("13800138000"), mask_recipient("zhang@example.cn")) == ("138****8000", "z***@example.cn")


def test_same_dedupe_key_is_stored_once(outbox: Outbox) -> None:
    first, again = outbox.enqueue(SMS, now=T0), outbox.enqueue(SMS, now=T0 + timedelta(days=1))
    assert first.created and not again.created and first.id == again.id
    assert outbox.counts()["pending"] == 1


def test_claim_takes_due_messages_of_the_given_channels_once(outbox: Outbox) -> None:
    sms = outbox.enqueue(SMS, now=T0).id
    mail = outbox.enqueue(MAIL, now=T0).id
    later = outbox.enqueue(
        Notification("t", Channel.SMS, "13900139000", "later", not_before=T0 + timedelta(hours=1)), now=T0
    ).id
    claimed = outbox.claim([Channel.SMS], now=T0)
    assert [m.id for m in claimed] == [sms] and claimed[0].attempts == 1
    assert outbox.get(sms).status is MessageStatus.SENDING
    assert outbox.claim([Channel.SMS], now=T0) == []  # leased, and the other is not due yet
    # An hour later: the mail, the first SMS again (its 5-minute lease expired without an outcome) and the later one.
    later_claim = outbox.claim([Channel.SMS, Channel.EMAIL], now=T0 + timedelta(hours=1))
    assert [(m.id, m.attempts) for m in later_claim] == [(mail, 1), (sms, 2), (later, 1)]


def test_temporary_failures_wait_by_the_policy_then_become_dead_letters(outbox: Outbox) -> None:
    policy = RetryPolicy(max_attempts=3)
    message_id = outbox.enqueue(SMS, now=T0).id
    now = T0
    for attempt, wait in ((1, timedelta(minutes=1)), (2, timedelta(minutes=4))):
        [claimed] = outbox.claim([Channel.SMS], now=now, policy=policy)
        assert claimed.attempts == attempt
        status = outbox.record_failure(claimed, TemporarySendError("busy"), now=now, policy=policy)
        assert status is MessageStatus.PENDING and outbox.get(message_id).next_attempt_at == now + wait
        assert outbox.claim([Channel.SMS], now=now + wait - timedelta(seconds=1), policy=policy) == []
        now += wait
    [claimed] = outbox.claim([Channel.SMS], now=now, policy=policy)
    assert outbox.record_failure(claimed, TemporarySendError("busy"), now=now, policy=policy) is MessageStatus.DEAD
    [dead] = outbox.dead_letters()
    assert (dead.id, dead.attempts, dead.last_error) == (message_id, 3, "busy")
    assert [a.outcome for a in outbox.attempts(message_id)] == ["temporary"] * 3
    # An officer queues it again: a fresh retry budget, due at once; the attempt history goes on.
    assert outbox.requeue([message_id], now=now) == 1
    again = outbox.get(message_id)
    assert (again.status, again.attempts, again.round_attempts) == (MessageStatus.PENDING, 3, 0)
    [claimed] = outbox.claim([Channel.SMS], now=now, policy=policy)
    assert (claimed.attempts, claimed.round_attempts) == (4, 1)
    assert outbox.record_failure(claimed, TemporarySendError("busy"), now=now, policy=policy) is MessageStatus.PENDING
    assert [a.attempt for a in outbox.attempts(message_id)] == [1, 2, 3, 4]
    with pytest.raises(UserError, match="only dead letters"):
        outbox.requeue([message_id], now=now)  # it is pending again
    with pytest.raises(UserError, match="no message 999"):
        outbox.requeue([999], now=now)


def test_permanent_failure_is_a_dead_letter_at_once(outbox: Outbox) -> None:
    outbox.enqueue(MAIL, now=T0)
    [claimed] = outbox.claim([Channel.EMAIL], now=T0)
    assert outbox.record_failure(claimed, PermanentSendError("550 no such user"), now=T0) is MessageStatus.DEAD
    assert outbox.counts() == {"pending": 0, "sending": 0, "sent": 0, "dead": 1}
    assert outbox.requeue(now=T0) == 1 and outbox.counts()["pending"] == 1


def test_a_run_that_dies_mid_send_loses_no_message(outbox: Outbox) -> None:
    policy = RetryPolicy(max_attempts=2, lease=timedelta(minutes=5))
    message_id = outbox.enqueue(SMS, now=T0).id
    outbox.claim([Channel.SMS], now=T0, policy=policy)  # ... and the run crashes: no outcome recorded
    assert outbox.claim([Channel.SMS], now=T0 + timedelta(minutes=4), policy=policy) == []  # lease still held
    [again] = outbox.claim([Channel.SMS], now=T0 + timedelta(minutes=5), policy=policy)
    assert again.id == message_id and again.attempts == 2
    assert [a.outcome for a in outbox.attempts(message_id)] == ["lost", None]
    # The second run dies too: that was the last attempt, so the message becomes a dead letter, not lost.
    assert outbox.claim([Channel.SMS], now=T0 + timedelta(minutes=10), policy=policy) == []
    dead = outbox.get(message_id)
    assert dead.status is MessageStatus.DEAD and "lease expired" in (dead.last_error or "")


def test_sent_is_recorded_and_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "box.sqlite"
    with Outbox.open(path) as box:
        message_id = box.enqueue(SMS, now=T0).id
        [claimed] = box.claim([Channel.SMS], now=T0)
        box.record_sent(claimed, "gw-1", now=T0 + timedelta(seconds=2))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600  # it holds phone numbers
    with Outbox.open(path) as box:
        sent = box.get(message_id)
        assert (sent.status, sent.provider_id, sent.sent_at) == (MessageStatus.SENT, "gw-1", T0 + timedelta(seconds=2))
        assert box.attempts(message_id)[0].outcome == "sent"
        assert box.next_due() is None


def test_opening_a_folder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="is a directory"):
        Outbox.open(tmp_path)
    (tmp_path / "junk.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.raises(UserError, match="cannot open the outbox"):
        Outbox.open(tmp_path / "junk.sqlite")


def test_two_delivery_runs_never_claim_the_same_message(tmp_path: Path) -> None:
    import threading

    path = tmp_path / "shared.sqlite"
    with Outbox.open(path) as box:
        ids = {box.enqueue(Notification("t", Channel.SMS, f"1390013{n:04d}", "x"), now=T0).id for n in range(200)}
    claimed: list[list[int]] = [[], []]

    def run(slot: int) -> None:
        with Outbox.open(path) as box:  # a second process would have its own connection like this
            while batch := box.claim([Channel.SMS], now=T0, limit=7):
                claimed[slot].extend(m.id for m in batch)

    threads = [threading.Thread(target=run, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not set(claimed[0]) & set(claimed[1])
    assert set(claimed[0]) | set(claimed[1]) == ids


def test_enqueues_are_synced_to_disk_and_delivery_bookkeeping_is_not(outbox: Outbox) -> None:
    def synchronous() -> int:
        return int(outbox.connection.execute("PRAGMA synchronous").fetchone()[0])

    outbox.enqueue(SMS, now=T0)
    assert synchronous() == 2  # FULL: a queued message survives a power cut
    [claimed] = outbox.claim([Channel.SMS], now=T0)
    outbox.record_sent(claimed, "gw", now=T0)
    assert synchronous() == 1  # NORMAL: a power cut may undo an outcome (a resend), never lose a message
    outbox.enqueue(MAIL, now=T0)
    assert synchronous() == 2
