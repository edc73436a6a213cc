"""Notification outbox (the plans' SMS service): messages are stored first, then delivered, retried, or kept.

- :mod:`.message` — ``Notification`` (what a part asks to send), ``Message`` (what the outbox holds), channels;
- :mod:`.outbox` — ``Outbox``: the durable SQLite outbox (enqueue with de-duplication, claim, outcome, dead letters);
- :mod:`.retry` — ``RetryPolicy``: exponential backoff and the attempt limit;
- :mod:`.senders` — the ``Sender`` protocol and the temporary / permanent failure it may raise;
- :mod:`.sms` — the ``SmsGateway`` adapter interface, ``SmsSender`` and the in-memory ``FakeSmsGateway``;
- :mod:`.mail` — ``EmailSender`` over SMTP (smtplib);
- :mod:`.dispatch` — ``deliver()``: one pass over the due messages.

Any part enqueues with ``Outbox.open(path).enqueue(Notification(...))``; delivery runs separately
(``renkou notify send``), so a failing gateway never blocks a clerk and never loses a message.
"""
