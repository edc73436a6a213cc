"""The audit log: append-only and hash-chained.

Every read of a person's record, every write and every security event (log-in, lock-out, account change) appends
one entry: who (actor and role), what (action, target shown masked, the person's keyed subject id), when (UTC),
from where (client address), why (the reason given for a read outside one's district), and the outcome.

Entry ``seq`` carries ``hash = sha256(prev_hash || canonical(entry))`` with ``prev_hash`` the hash of entry
``seq - 1`` (64 zeros for the first), so any edit, deletion, insertion or reordering breaks the chain at that entry;
:func:`verify_audit` recomputes it. Removing entries from the end leaves a shorter valid chain: compare the head hash
that ``verify_audit`` reports with one noted earlier (for example in the day's operations log).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from renkou.api.schema import has_table
from renkou.engine import Engine

GENESIS = "0" * 64
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"
COLUMNS = (
    "seq",
    "logged_at",
    "actor",
    "role",
    "action",
    "target",
    "subject_id",
    "client",
    "reason",
    "outcome",
    "detail",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class AuditEvent:
    """What happened, as the caller knows it (the log adds sequence, time and hashes)."""

    action: str
    outcome: str = "ok"
    actor: str | None = None
    role: str | None = None
    target: str | None = None
    subject_id: str | None = None
    client: str | None = None
    reason: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)


def canonical(
    seq: int,
    at: datetime,
    actor: str | None,
    role: str | None,
    action: str,
    target: str | None,
    subject_id: str | None,
    client: str | None,
    reason: str | None,
    outcome: str,
    detail: str | None,
) -> str:
    """The entry as one unambiguous string (a JSON array keeps null apart from the empty string)."""
    fields = [seq, at.strftime(TIME_FORMAT), actor, role, action, target, subject_id, client, reason, outcome, detail]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def chain_hash(prev_hash: str, text: str) -> str:
    """The hash linking an entry to its predecessor."""
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()


def append(engine: Engine, event: AuditEvent, at: datetime) -> int:
    """Append one entry and return its sequence number.

    The caller holds the service's database lock (one writer), so reading the head and inserting cannot interleave
    with another append; run it inside the transaction of the write it records so both land or neither.
    """
    head = engine.rows("SELECT seq, hash FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)")
    seq, prev_hash = (int(head[0][0]) + 1, str(head[0][1])) if head else (1, GENESIS)
    detail = json.dumps(dict(event.detail), ensure_ascii=False, sort_keys=True) if event.detail else None
    text = canonical(
        seq,
        at,
        event.actor,
        event.role,
        event.action,
        event.target,
        event.subject_id,
        event.client,
        event.reason,
        event.outcome,
        detail,
    )
    engine.execute(
        f"INSERT INTO audit_log ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})",
        [
            seq,
            at,
            event.actor,
            event.role,
            event.action,
            event.target,
            event.subject_id,
            event.client,
            event.reason,
            event.outcome,
            detail,
            prev_hash,
            chain_hash(prev_hash, text),
        ],
    )
    return seq


@dataclass
class AuditVerifyResult:
    """Outcome of recomputing the audit chain."""

    ok: bool
    entries: int
    head_hash: str
    message: str
    first_broken_seq: int | None = None


def verify_audit(engine: Engine, *, batch_size: int = 50_000) -> AuditVerifyResult:
    """Recompute every entry's hash and link; report the first break (the register's ``renkou verify`` calls this)."""
    if not has_table(engine, "audit_log"):
        return AuditVerifyResult(True, 0, GENESIS, "审计日志为空 / audit log is empty")
    previous = GENESIS
    expected_seq = 1
    last_seq = 0
    while True:
        rows = engine.rows(
            f"SELECT {', '.join(COLUMNS)} FROM audit_log WHERE seq > ? ORDER BY seq LIMIT {int(batch_size)}",
            [last_seq],
        )
        if not rows:
            break
        for row in rows:
            seq = int(row[0])
            problem = None
            if seq != expected_seq:
                problem = f"序号应为 {expected_seq} / sequence should be {expected_seq} (entries deleted or inserted)"
            elif row[11] != previous:
                problem = "与前一条的链接不符 / link to the previous entry does not match"
            elif chain_hash(previous, canonical(*row[:11])) != row[12]:
                problem = "内容与哈希不符（条目被修改）/ content does not match its hash (entry altered)"
            if problem:
                # Name the first position that is wrong (for a missing entry, the number that is missing).
                at = min(seq, expected_seq)
                return AuditVerifyResult(
                    False, expected_seq - 1, previous, f"审计日志第 {at} 条：{problem} / audit entry {at}", at
                )
            previous = str(row[12])
            expected_seq += 1
            last_seq = seq
    # Duplicated sequence numbers would be skipped by "seq > last" above: count them separately.
    n_rows = int(engine.scalar("SELECT count(*) FROM audit_log") or 0)
    if n_rows != expected_seq - 1:
        return AuditVerifyResult(
            False,
            expected_seq - 1,
            previous,
            f"审计日志有 {n_rows - expected_seq + 1} 条重复序号的条目 / audit log holds entries with repeated sequence numbers",
            None,
        )
    return AuditVerifyResult(
        True,
        n_rows,
        previous,
        f"审计日志完整 / audit chain intact: {n_rows} entries, head {previous[:16]}",
    )


@dataclass(frozen=True)
class AuditQuery:
    """Filters of an auditor's search (all optional, combined with AND)."""

    actor: str | None = None
    action: str | None = None
    outcome: str | None = None
    subject_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100
    offset: int = 0


def search(engine: Engine, query: AuditQuery) -> tuple[int, list[dict[str, Any]]]:
    """(number of matching entries, the page of them, newest first)."""
    conditions: list[str] = []
    params: list[Any] = []
    for column in ("actor", "action", "outcome", "subject_id"):
        value = getattr(query, column)
        if value is not None:
            conditions.append(f"{column} = ?")
            params.append(value)
    if query.since is not None:
        conditions.append("logged_at >= ?")
        params.append(query.since)
    if query.until is not None:
        conditions.append("logged_at < ?")
        params.append(query.until)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    total = int(engine.scalar(f"SELECT count(*) FROM audit_log {where}", params) or 0)
    rows = engine.rows(
        f"SELECT {', '.join(COLUMNS)} FROM audit_log {where} ORDER BY seq DESC LIMIT ? OFFSET ?",
        [*params, int(query.limit), int(query.offset)],
    )
    entries = []
    for row in rows:
        entry = dict(zip(COLUMNS, row, strict=True))
        entry["detail"] = json.loads(entry["detail"]) if entry["detail"] else {}
        entries.append(entry)
    return total, entries
