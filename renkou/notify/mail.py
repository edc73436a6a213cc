"""E-mail over SMTP (smtplib): plain-text UTF-8 messages, optional STARTTLS or implicit TLS, optional login.

SMTP replies decide what happens next: a 4xx reply, a refused or dropped connection or a timeout is temporary (the
outbox tries again later); a 5xx reply (no such mailbox, refused content) is permanent (dead letter). A failed login
is counted temporary: the message is fine, the settings are not, and once they are fixed the retries get through.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Literal

from renkou.notify.message import Channel, Message, mask_recipient
from renkou.notify.senders import PermanentSendError, SendError, TemporarySendError


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to hand mail over."""

    host: str
    port: int = 25
    sender: str = "noreply@renkou.invalid"
    security: Literal["none", "starttls", "tls"] = "none"
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0
    ssl_context: ssl.SSLContext | None = None


def _by_code(code: int, detail: str) -> SendError:
    return PermanentSendError(detail) if 500 <= code < 600 else TemporarySendError(detail)


class EmailSender:
    """Sends e-mail messages through one SMTP server."""

    channel = Channel.EMAIL

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def build(self, message: Message) -> EmailMessage:
        """The e-mail for ``message``: From, To, Subject, Date, Message-ID and a UTF-8 text body."""
        email = EmailMessage()
        email["From"] = self.settings.sender
        email["To"] = message.recipient
        email["Subject"] = message.subject or message.topic
        email["Date"] = formatdate(localtime=False)
        domain = self.settings.sender.rpartition("@")[2] or "renkou.invalid"
        email["Message-ID"] = make_msgid(idstring=f"renkou-{message.id}", domain=domain)
        email.set_content(message.body, charset="utf-8")
        return email

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = s.ssl_context or ssl.create_default_context()
        if s.security == "tls":
            return smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        if s.security == "starttls":
            client.starttls(context=context)
        return client

    def send(self, message: Message) -> str:
        """Hand the message to the SMTP server; return its Message-ID."""
        email = self.build(message)
        who = mask_recipient(message.recipient)
        try:
            with self._connect() as client:
                if self.settings.username:
                    client.login(self.settings.username, self.settings.password or "")
                refused = client.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            raise _by_code(code, f"e-mail to {who} refused: {code} {reply.decode(errors='replace')}") from None
        except smtplib.SMTPAuthenticationError as error:
            raise TemporarySendError(f"SMTP login failed: {error.smtp_code}") from None
        except smtplib.SMTPResponseException as error:
            raw: object = error.smtp_error
            text = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
            raise _by_code(error.smtp_code, f"e-mail to {who}: {error.smtp_code} {text}") from None
        except (smtplib.SMTPException, OSError) as error:  # disconnects, refused connections, timeouts, TLS errors
            raise TemporarySendError(f"e-mail to {who}: {type(error).__name__}: {error}") from None
        if refused:  # one recipient only, so a partial refusal cannot happen; kept for safety
            raise PermanentSendError(f"e-mail to {who} refused: {refused}")
        return str(email["Message-ID"])
