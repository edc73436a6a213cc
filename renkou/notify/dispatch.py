"""One delivery pass: claim the due messages, hand each to its channel's sender, record the outcome."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from renkou.notify.message import Channel, MessageStatus
from renkou.notify.outbox import Outbox, utc_now
from renkou.notify.retry import RetryPolicy
from renkou.notify.senders import Sender, SendError, TemporarySendError


@dataclass
class DeliveryReport:
    """What one pass did."""

    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    dead: int = 0
    errors: dict[str, int] = field(default_factory=dict)  # first words of each failure, counted

    def to_json(self) -> dict[str, object]:
        """JSON-ready dictionary."""
        return {
            "claimed": self.claimed,
            "sent": self.sent,
            "retrying": self.retrying,
            "dead": self.dead,
            "errors": self.errors,
        }


def deliver(
    outbox: Outbox,
    senders: Mapping[Channel, Sender],
    *,
    now: datetime | None = None,
    policy: RetryPolicy | None = None,
    limit: int = 100,
    clock: Callable[[], datetime] = utc_now,
) -> DeliveryReport:
    """Deliver up to ``limit`` due messages of the channels that have a sender; others stay pending.

    ``now`` fixes the time of the claim (tests); outcomes are stamped with ``clock()`` unless ``now`` is given.
    A sender that raises something other than :class:`SendError` has a bug or met the unexpected: the message is
    kept for a retry (temporary), never lost.
    """
    policy = policy or RetryPolicy()
    started = now or clock()
    report = DeliveryReport()
    for message in outbox.claim(senders.keys(), now=started, limit=limit, policy=policy):
        report.claimed += 1
        sender = senders[message.channel]
        try:
            provider_id = sender.send(message)
        except SendError as error:
            failure: SendError = error
        except Exception as error:  # any sender fault must leave the message retryable
            failure = TemporarySendError(f"{type(error).__name__}: {error}")
        else:
            outbox.record_sent(message, provider_id, now=now or clock())
            report.sent += 1
            continue
        status = outbox.record_failure(message, failure, now=now or clock(), policy=policy)
        key = failure.detail.split(":")[-1].strip()[:60] or type(failure).__name__
        report.errors[key] = report.errors.get(key, 0) + 1
        if status is MessageStatus.DEAD:
            report.dead += 1
        else:
            report.retrying += 1
    return report
