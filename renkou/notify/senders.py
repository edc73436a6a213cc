"""The sender interface: one per channel; it either delivers or says whether trying again may help."""

from __future__ import annotations

from typing import Protocol

from renkou.notify.message import Channel, Message


class SendError(Exception):
    """Delivery failed; ``detail`` is safe to store (no message body, recipients masked)."""

    permanent = False

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class TemporarySendError(SendError):
    """Try again later: connection refused, timeout, a 4xx SMTP reply, a gateway's rate limit."""


class PermanentSendError(SendError):
    """Trying again cannot help: the recipient does not exist, the gateway refuses the content (5xx)."""

    permanent = True


class Sender(Protocol):
    """Delivers messages of one channel."""

    channel: Channel

    def send(self, message: Message) -> str:
        """Deliver ``message``; return the provider's message id. Raise :class:`SendError` on failure."""
        ...
