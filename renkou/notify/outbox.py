"""The durable outbox: a SQLite file of messages and of every delivery attempt.

Why SQLite and not the register's DuckDB file: an outbox changes rows (a message goes pending -> sending -> sent or
dead) while the register is an append-only, hash-chained log; delivery runs beside ``renkou serve``, which owns the
register file for writing, and SQLite in WAL mode lets a clerk's command enqueue while a delivery run updates, with
short row-level transactions; and phone numbers and e-mail addresses, which the register does not hold, stay out of
it. sqlite3 is in the standard library, so this adds no dependency.

Durability: an enqueue (and a re-queue) is committed with ``synchronous=FULL``, so a queued message survives a power
cut. Delivery bookkeeping (claims and outcomes) commits with ``synchronous=NORMAL`` (no fsync per message): a power
cut can only undo the latest outcomes, which makes those messages due again (a possible duplicate, never a loss).

Delivery is at-least-once: a message is claimed with a lease (and the attempt counted) before it is sent; if the
run dies, the lease expires and the message is due again. A message leaves the outbox only as ``sent`` or ``dead``
(the dead-letter list), and a dead letter can be queued again; nothing is ever deleted.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from renkou.errors import UserError
from renkou.notify.message import Channel, Message, MessageStatus, Notification
from renkou.notify.retry import RetryPolicy
from renkou.notify.senders import SendError

SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  topic TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL,
  reference TEXT NOT NULL DEFAULT '',
  dedupe_key TEXT UNIQUE,
  created_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  round_start INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  lease_until TEXT,
  last_error TEXT,
  sent_at TEXT,
  provider_id TEXT
);
CREATE INDEX IF NOT EXISTS messages_due ON messages (status, next_attempt_at);
CREATE TABLE IF NOT EXISTS attempts (
  message_id INTEGER NOT NULL REFERENCES messages (id),
  attempt INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  outcome TEXT CHECK (outcome IN ('sent', 'temporary', 'permanent', 'lost')),
  detail TEXT,
  PRIMARY KEY (message_id, attempt)
);
"""

_COLUMNS = (
    "id, topic, channel, recipient, subject, body, reference, dedupe_key, status, attempts, created_at, "
    "next_attempt_at, last_error, sent_at, provider_id, round_start"
)


def utc_now() -> datetime:
    """The current time in UTC, naive (the outbox stores UTC throughout)."""
    return datetime.now(UTC).replace(tzinfo=None)


def _stamp(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds")


def _parse(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _message(row: Sequence[object]) -> Message:
    return Message(
        id=int(row[0]),  # type: ignore[call-overload]
        topic=str(row[1]),
        channel=Channel(str(row[2])),
        recipient=str(row[3]),
        subject=str(row[4]),
        body=str(row[5]),
        reference=str(row[6]),
        dedupe_key=None if row[7] is None else str(row[7]),
        status=MessageStatus(str(row[8])),
        attempts=int(row[9]),  # type: ignore[call-overload]
        created_at=datetime.fromisoformat(str(row[10])),
        next_attempt_at=datetime.fromisoformat(str(row[11])),
        last_error=None if row[12] is None else str(row[12]),
        sent_at=_parse(None if row[13] is None else str(row[13])),
        provider_id=None if row[14] is None else str(row[14]),
        round_start=int(row[15]),  # type: ignore[call-overload]
    )


@dataclass(frozen=True)
class Enqueued:
    """The outcome of an enqueue: the message id and whether it is new (False: the dedupe key existed)."""

    id: int
    created: bool


@dataclass(frozen=True)
class Attempt:
    """One delivery attempt of a message."""

    message_id: int
    attempt: int
    started_at: datetime
    finished_at: datetime | None
    outcome: str | None
    detail: str | None


class Outbox:
    """A notification outbox in one SQLite file."""

    def __init__(self, connection: sqlite3.Connection, path: str) -> None:
        self.connection = connection
        self.path = path
        self._durable = True  # the connection starts with synchronous = FULL

    @classmethod
    def open(cls, path: str | Path) -> Outbox:
        """Open (creating if needed, mode 0600: it holds phone numbers and addresses) the outbox at ``path``."""
        file = Path(path)
        if str(path) != ":memory:":
            if file.is_dir():
                raise UserError(f"发件箱路径是一个目录：{file}", f"the outbox path is a directory: {file}")
            file.parent.mkdir(parents=True, exist_ok=True)
            if not file.exists():
                os.close(os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        try:
            connection = sqlite3.connect(str(path), timeout=30.0, isolation_level=None)
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = FULL")
            connection.execute("PRAGMA foreign_keys = ON")
            connection.executescript(SCHEMA)
        except sqlite3.DatabaseError as error:
            raise UserError(f"无法打开发件箱 {path}：{error}", f"cannot open the outbox {path}: {error}") from None
        return cls(connection, str(path))

    def close(self) -> None:
        """Close the file."""
        self.connection.close()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    @contextmanager
    def _write(self, *, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the lock at once (so two delivery runs never claim the same message).

        ``durable`` transactions are synced to disk before they return; the others only reach the OS.
        """
        if durable != self._durable:
            self.connection.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
            self._durable = durable
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    # -- enqueue -------------------------------------------------------------------------------------------------

    def enqueue(self, notification: Notification, *, now: datetime | None = None) -> Enqueued:
        """Store one notification (validated); an existing ``dedupe_key`` returns the stored message instead."""
        return self.enqueue_many([notification], now=now)[0]

    def enqueue_many(self, notifications: Iterable[Notification], *, now: datetime | None = None) -> list[Enqueued]:
        """Store several notifications in one transaction (all or none)."""
        checked = [n.checked() for n in notifications]
        created_at = now or utc_now()
        results = []
        with self._write() as db:
            for item in checked:
                due = max(created_at, item.not_before) if item.not_before else created_at
                cursor = db.execute(
                    "INSERT INTO messages (topic, channel, recipient, subject, body, reference, dedupe_key, "
                    "created_at, status, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?) "
                    "ON CONFLICT (dedupe_key) DO NOTHING",
                    (
                        item.topic,
                        item.channel.value,
                        item.recipient,
                        item.subject,
                        item.body,
                        item.reference,
                        item.dedupe_key,
                        _stamp(created_at),
                        _stamp(due),
                    ),
                )
                if cursor.rowcount == 1:
                    results.append(Enqueued(int(cursor.lastrowid or 0), True))
                else:
                    existing = db.execute("SELECT id FROM messages WHERE dedupe_key = ?", (item.dedupe_key,)).fetchone()
                    results.append(Enqueued(int(existing[0]), False))
        return results

    # -- delivery ------------------------------------------------------------------------------------------------

    def claim(
        self, channels: Iterable[Channel], *, now: datetime, limit: int = 100, policy: RetryPolicy | None = None
    ) -> list[Message]:
        """Reserve up to ``limit`` due messages of ``channels`` for one delivery run and count the attempt."""
        policy = policy or RetryPolicy()
        wanted = [channel.value for channel in channels]
        if not wanted or limit <= 0:
            return []
        marks = ", ".join("?" for _ in wanted)
        stamp = _stamp(now)
        with self._write(durable=False) as db:
            # A run that died mid-send left its lease; the attempt is lost, and the last one makes a dead letter.
            expired = db.execute(
                f"SELECT id, attempts, round_start FROM messages WHERE status = 'sending' AND lease_until <= ? "
                f"AND channel IN ({marks})",
                (stamp, *wanted),
            ).fetchall()
            for message_id, attempts, round_start in expired:
                db.execute(
                    "UPDATE attempts SET outcome = 'lost', finished_at = ?, detail = ? "
                    "WHERE message_id = ? AND attempt = ? AND outcome IS NULL",
                    (stamp, "delivery run ended without an outcome (lease expired)", message_id, attempts),
                )
                if policy.exhausted(attempts - round_start):
                    db.execute(
                        "UPDATE messages SET status = 'dead', lease_until = NULL, last_error = ? WHERE id = ?",
                        ("delivery run lost during the last attempt (lease expired)", message_id),
                    )
                else:
                    db.execute(
                        "UPDATE messages SET status = 'pending', lease_until = NULL, next_attempt_at = ? WHERE id = ?",
                        (stamp, message_id),
                    )
            rows = db.execute(
                f"SELECT id FROM messages WHERE status = 'pending' AND next_attempt_at <= ? AND channel IN ({marks}) "
                f"ORDER BY next_attempt_at, id LIMIT ?",
                (stamp, *wanted, int(limit)),
            ).fetchall()
            ids = [int(row[0]) for row in rows]
            lease = _stamp(now + policy.lease)
            for message_id in ids:
                db.execute(
                    "UPDATE messages SET status = 'sending', attempts = attempts + 1, lease_until = ? WHERE id = ?",
                    (lease, message_id),
                )
                db.execute(
                    "INSERT INTO attempts (message_id, attempt, started_at) "
                    "SELECT id, attempts, ? FROM messages WHERE id = ?",
                    (stamp, message_id),
                )
            claimed = [self._get(db, message_id) for message_id in ids]
        return claimed

    def record_sent(self, message: Message, provider_id: str, *, now: datetime) -> None:
        """Mark a claimed message sent."""
        stamp = _stamp(now)
        with self._write(durable=False) as db:
            db.execute(
                "UPDATE messages SET status = 'sent', sent_at = ?, provider_id = ?, lease_until = NULL, "
                "last_error = NULL WHERE id = ? AND status <> 'sent'",
                (stamp, provider_id, message.id),
            )
            db.execute(
                "UPDATE attempts SET outcome = 'sent', finished_at = ?, detail = ? "
                "WHERE message_id = ? AND attempt = ?",
                (stamp, provider_id, message.id, message.attempts),
            )

    def record_failure(
        self, message: Message, error: SendError, *, now: datetime, policy: RetryPolicy | None = None
    ) -> MessageStatus:
        """Schedule the next attempt of a claimed message, or make it a dead letter; returns the new status."""
        policy = policy or RetryPolicy()
        stamp = _stamp(now)
        dead = error.permanent or policy.exhausted(message.round_attempts)
        with self._write(durable=False) as db:
            db.execute(
                "UPDATE attempts SET outcome = ?, finished_at = ?, detail = ? WHERE message_id = ? AND attempt = ?",
                ("permanent" if error.permanent else "temporary", stamp, error.detail, message.id, message.attempts),
            )
            if dead:
                db.execute(
                    "UPDATE messages SET status = 'dead', lease_until = NULL, last_error = ? "
                    "WHERE id = ? AND status = 'sending'",
                    (error.detail, message.id),
                )
                return MessageStatus.DEAD
            retry_at = now + policy.delay(message.round_attempts)
            db.execute(
                "UPDATE messages SET status = 'pending', lease_until = NULL, last_error = ?, next_attempt_at = ? "
                "WHERE id = ? AND status = 'sending'",
                (error.detail, _stamp(retry_at), message.id),
            )
        return MessageStatus.PENDING

    def requeue(self, ids: Iterable[int] | None = None, *, now: datetime | None = None) -> int:
        """Queue dead letters again (all of them when ``ids`` is None) for a fresh round of attempts.

        The attempt numbers go on (the history of every attempt is kept); the retry budget starts again.
        """
        stamp = _stamp(now or utc_now())
        with self._write() as db:
            if ids is None:
                cursor = db.execute(
                    "UPDATE messages SET status = 'pending', round_start = attempts, next_attempt_at = ? "
                    "WHERE status = 'dead'",
                    (stamp,),
                )
                return cursor.rowcount
            count = 0
            for message_id in ids:
                row = db.execute("SELECT status FROM messages WHERE id = ?", (int(message_id),)).fetchone()
                if row is None:
                    raise UserError(f"发件箱中没有消息 {message_id}", f"no message {message_id} in the outbox")
                if row[0] != "dead":
                    raise UserError(
                        f"消息 {message_id} 的状态是 {row[0]}，只有失败消息（dead）可以重新排队",
                        f"message {message_id} is {row[0]}; only dead letters can be queued again",
                    )
                db.execute(
                    "UPDATE messages SET status = 'pending', round_start = attempts, next_attempt_at = ? WHERE id = ?",
                    (stamp, int(message_id)),
                )
                count += 1
            return count

    # -- reading -------------------------------------------------------------------------------------------------

    def _get(self, db: sqlite3.Connection, message_id: int) -> Message:
        row = db.execute(f"SELECT {_COLUMNS} FROM messages WHERE id = ?", (message_id,)).fetchone()
        if row is None:
            raise UserError(f"发件箱中没有消息 {message_id}", f"no message {message_id} in the outbox")
        return _message(row)

    def get(self, message_id: int) -> Message:
        """One message by id."""
        return self._get(self.connection, message_id)

    def messages(self, status: MessageStatus | None = None, *, limit: int = 100) -> list[Message]:
        """Messages (of one status), oldest first."""
        where, params = ("WHERE status = ?", [status.value]) if status else ("", [])
        rows = self.connection.execute(
            f"SELECT {_COLUMNS} FROM messages {where} ORDER BY id LIMIT ?", (*params, int(limit))
        ).fetchall()
        return [_message(row) for row in rows]

    def dead_letters(self, *, limit: int = 100) -> list[Message]:
        """The dead-letter list."""
        return self.messages(MessageStatus.DEAD, limit=limit)

    def counts(self) -> dict[str, int]:
        """Messages per status (every status present, 0 when none)."""
        found = dict(self.connection.execute("SELECT status, count(*) FROM messages GROUP BY status").fetchall())
        return {status.value: int(found.get(status.value, 0)) for status in MessageStatus}

    def attempts(self, message_id: int) -> list[Attempt]:
        """Every attempt of a message, in order."""
        rows = self.connection.execute(
            "SELECT message_id, attempt, started_at, finished_at, outcome, detail FROM attempts "
            "WHERE message_id = ? ORDER BY attempt",
            (int(message_id),),
        ).fetchall()
        return [Attempt(int(r[0]), int(r[1]), datetime.fromisoformat(r[2]), _parse(r[3]), r[4], r[5]) for r in rows]

    def next_due(self) -> datetime | None:
        """When the earliest pending message is due (None when nothing is pending)."""
        value = self.connection.execute("SELECT min(next_attempt_at) FROM messages WHERE status = 'pending'").fetchone()
        return _parse(value[0]) if value and value[0] else None
