"""SMS: the gateway adapter interface, the sender that uses it, and an in-memory gateway for tests and demos.

A city contracts an SMS platform (the operators' or a cloud provider's); each has its own API. An adapter for one
implements :class:`SmsGateway` (one method) and raises :class:`GatewayError` saying whether a retry can help; the
outbox's :class:`SmsSender` does the rest (signature, validation, mapping failures to retry or dead letter).
``renkou notify send --sms-gateway module:factory`` loads an adapter by import path.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from renkou.notify.message import Channel, Message, mask_recipient
from renkou.notify.senders import PermanentSendError, TemporarySendError


class GatewayError(Exception):
    """The gateway did not accept the message; ``temporary`` says whether trying again may help."""

    def __init__(self, detail: str, *, temporary: bool) -> None:
        super().__init__(detail)
        self.detail = detail
        self.temporary = temporary


class SmsGateway(Protocol):
    """An SMS platform's API, reduced to what the outbox needs."""

    def send_sms(self, phone: str, text: str, *, client_ref: str) -> str:
        """Submit one text to an 11-digit mobile number; return the gateway's message id.

        ``client_ref`` identifies the message on our side and is the same on every retry of it, so a gateway that
        supports it can drop a duplicate when an earlier attempt did get through.
        """
        ...


class SmsSender:
    """Sends SMS messages through a gateway, with the sender's signature (短信签名) in front as Chinese rules ask."""

    channel = Channel.SMS

    def __init__(self, gateway: SmsGateway, *, signature: str = "【人口服务】") -> None:
        self.gateway = gateway
        self.signature = signature

    def text_of(self, message: Message) -> str:
        """The text as sent: the body with the signature in front (once)."""
        body = message.body.strip()
        return body if not self.signature or body.startswith(self.signature) else self.signature + body

    def send(self, message: Message) -> str:
        """Submit the message; map the gateway's failure to a temporary or permanent send error."""
        try:
            return self.gateway.send_sms(message.recipient, self.text_of(message), client_ref=f"renkou-{message.id}")
        except GatewayError as error:
            detail = f"SMS to {mask_recipient(message.recipient)}: {error.detail}"
            if error.temporary:
                raise TemporarySendError(detail) from None
            raise PermanentSendError(detail) from None
        except (OSError, TimeoutError) as error:  # the network under an HTTP-based adapter
            raise TemporarySendError(
                f"SMS to {mask_recipient(message.recipient)}: {type(error).__name__}: {error}"
            ) from None


@dataclass
class SentSms:
    """A text the fake gateway accepted."""

    phone: str
    text: str
    client_ref: str
    gateway_id: str


@dataclass
class FakeSmsGateway:
    """An in-memory gateway: records what it accepts and fails on command (for tests and the demo).

    ``fail`` decides per call: return a :class:`GatewayError` to raise, or None to accept. Helpers set common
    scripts: :meth:`fail_next` (the next n calls fail temporarily) and :meth:`refuse` (a number is refused for good).
    """

    sent: list[SentSms] = field(default_factory=list)
    calls: int = 0
    fail: Callable[[str, str, int], GatewayError | None] | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def send_sms(self, phone: str, text: str, *, client_ref: str) -> str:
        """Accept (record) the text unless the failure script says otherwise."""
        self.calls += 1
        if self.fail is not None:
            error = self.fail(phone, text, self.calls)
            if error is not None:
                raise error
        gateway_id = f"fake-{next(self._ids)}"
        self.sent.append(SentSms(phone, text, client_ref, gateway_id))
        return gateway_id

    def fail_next(self, count: int, detail: str = "gateway busy (rate limited)") -> None:
        """Make the next ``count`` calls fail temporarily."""
        until = self.calls + count

        def script(_phone: str, _text: str, call: int) -> GatewayError | None:
            return GatewayError(detail, temporary=True) if call <= until else None

        self.fail = script

    def refuse(self, phone: str, detail: str = "number does not exist") -> None:
        """Refuse every text to ``phone`` permanently."""

        def script(to: str, _text: str, _call: int) -> GatewayError | None:
            return GatewayError(detail, temporary=False) if to == phone else None

        self.fail = script
