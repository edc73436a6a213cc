"""What a part asks to send (``Notification``) and what the outbox keeps about it (``Message``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from enum import StrEnum

from renkou.errors import UserError

# Mainland mobile numbers: 11 digits starting 13-19 (an optional +86 / 86 prefix is removed).
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# The longest SMS text accepted: gateways split long messages into 67-character parts and most refuse beyond ~500.
MAX_SMS_CHARS = 500


class Channel(StrEnum):
    """How a message travels."""

    SMS = "sms"
    EMAIL = "email"


class MessageStatus(StrEnum):
    """Where a message is in the outbox."""

    PENDING = "pending"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a delivery run (a lease; it returns to pending if the run dies)
    SENT = "sent"
    DEAD = "dead"  # gave up: permanent failure or attempts exhausted (the dead-letter list)


def normalise_mobile(text: str) -> str:
    """An 11-digit mainland mobile number from ``text`` (spaces, dashes and a +86 prefix allowed)."""
    digits = re.sub(r"[\s\-()]", "", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not _MOBILE.fullmatch(digits):
        raise UserError(f"手机号码 {mask_recipient(text)} 无效", f"invalid mobile number {mask_recipient(text)}")
    return digits


def normalise_email(text: str) -> str:
    """A plain ``local@domain`` address from ``text`` (a display name is dropped)."""
    _, address = parseaddr(text.strip())
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in address):
        raise UserError(f"电子邮箱 {mask_recipient(text)} 无效", f"invalid e-mail address {mask_recipient(text)}")
    return address


def normalise_recipient(channel: Channel, recipient: str) -> str:
    """The canonical recipient for a channel, or a one-line error."""
    return normalise_mobile(recipient) if channel is Channel.SMS else normalise_email(recipient)


def mask_recipient(recipient: str) -> str:
    """Display form: a phone as 138****5678, an address as z***@example.cn."""
    text = recipient.strip()
    if "@" in text:
        local, _, domain = text.rpartition("@")
        return (local[:1] + "***@" + domain) if local else "***@" + domain
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 7:
        return digits[:3] + "****" + digits[-4:]
    return "*" * len(text)


@dataclass(frozen=True)
class Notification:
    """A message a part wants delivered.

    ``topic`` names the kind (``permit.endorsement_due``, ``points.result``, ``disclosure.reply``...);
    ``dedupe_key`` makes enqueueing idempotent (the same reminder computed twice is stored once);
    ``reference`` is what the officer sees in lists (a permit number, a request number), never an ID number.
    """

    topic: str
    channel: Channel
    recipient: str
    body: str
    subject: str = ""
    dedupe_key: str | None = None
    reference: str = ""
    not_before: datetime | None = None

    def checked(self) -> Notification:
        """This notification with its recipient normalised; bad input raises a one-line error."""
        if not self.topic.strip():
            raise UserError("通知缺少主题类别（topic）", "the notification has no topic")
        if not self.body.strip():
            raise UserError(f"通知 {self.topic} 的正文为空", f"notification {self.topic} has an empty body")
        if self.channel is Channel.SMS and len(self.body) > MAX_SMS_CHARS:
            raise UserError(
                f"短信正文 {len(self.body)} 字，超过 {MAX_SMS_CHARS} 字上限",
                f"the SMS text has {len(self.body)} characters, more than {MAX_SMS_CHARS}",
            )
        recipient = normalise_recipient(self.channel, self.recipient)
        return Notification(
            self.topic,
            self.channel,
            recipient,
            self.body,
            self.subject,
            self.dedupe_key,
            self.reference,
            self.not_before,
        )


@dataclass(frozen=True)
class Message:
    """A stored message and its delivery record."""

    id: int
    topic: str
    channel: Channel
    recipient: str
    subject: str
    body: str
    reference: str
    dedupe_key: str | None
    status: MessageStatus
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    last_error: str | None
    sent_at: datetime | None
    provider_id: str | None
    round_start: int = 0  # attempts made before the last re-queue of a dead letter

    @property
    def round_attempts(self) -> int:
        """Attempts since the message was (re-)queued: what the retry budget counts."""
        return self.attempts - self.round_start
