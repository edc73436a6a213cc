"""Linked rows back into the register: a quarantined row re-filed under its person through the public ingest.

A clerk's confirmed match (or a run's auto-links, on request) becomes a small department file of the row's own feed,
the row as delivered with the person's ID number put in, loaded by :meth:`Register.ingest` like any file: the same
validation, the event log, the hash chain and the cross-department checks. The person's history and state then
include the event. ``link_refiled`` remembers which quarantined rows were re-filed (and in which batch), so a row is
re-filed once and later runs no longer treat it as unlinked.

Each re-filing writes a new batch; loading the very same file twice changes nothing (the register recognises it).
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from renkou.errors import UserError
from renkou.linkage import store
from renkou.linkage.secrets_io import identity_of, quarantined_row
from renkou.register.ingest import BatchSummary
from renkou.register.store import Register

CLERK = "clerk"
AUTO = "auto"


@dataclass(frozen=True)
class Refiled:
    """What re-filing did: the new batch, and how many of its rows were accepted or quarantined again."""

    batch_id: int | None
    rows: int
    accepted: int
    quarantined: int
    reasons: dict[str, int]


@dataclass(frozen=True)
class _Row:
    batch_id: int
    line: int
    subject: str


def _feed_of(register: Register, batch_id: int) -> str:
    found = register.engine.rows("SELECT feed FROM batches WHERE batch_id = ?", [batch_id])
    if not found or not found[0][0]:
        raise UserError(f"找不到批次 {batch_id}", f"batch {batch_id} not found")
    return str(found[0][0])


def _department_row(register: Register, row: _Row) -> dict[str, str]:
    raw = quarantined_row(register.engine, register.keys, row.batch_id, row.line)
    if raw is None:
        raise UserError(
            f"批次 {row.batch_id} 第 {row.line} 行不在隔离区",
            f"batch {row.batch_id} line {row.line} is not a quarantined row",
        )
    person = identity_of(register.engine, register.keys, row.subject)
    if person is None:
        raise UserError("登记库中没有该人员", "the person is not in the register")
    values = {str(key): "" if value is None else str(value) for key, value in raw.items()}
    values["id_number"] = person[0]
    return values


def refile(register: Register, rows: Sequence[_Row], *, source: str, run_id: int, today: date | None = None) -> Refiled:
    """Write the rows (all of one feed) as one department file with the persons' ID numbers and ingest it."""
    engine = register.engine
    feed = _feed_of(register, rows[0].batch_id)
    department_rows = [_department_row(register, row) for row in rows]
    columns = list(dict.fromkeys(key for values in department_rows for key in values))
    with tempfile.TemporaryDirectory(prefix="renkou-link-") as folder:
        first = rows[0]
        path = Path(folder) / f"linkage-{feed}-b{first.batch_id}-l{first.line}-n{len(rows)}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, restval="")
            writer.writeheader()
            writer.writerows(department_rows)
        summary: BatchSummary = register.ingest([path], feed=feed, today=today)[0]
    if summary.status == "rejected":
        raise UserError(
            f"登记库拒绝了重新归档的记录：{summary.message}",
            f"the register refused the re-filed rows: {summary.message}",
        )
    now = datetime.now()
    for row in rows:
        engine.execute(
            "INSERT INTO link_refiled VALUES (?, ?, ?, ?, ?, ?, ?)",
            [row.batch_id, row.line, row.subject, summary.batch_id, source, run_id, now],
        )
    return Refiled(summary.batch_id, summary.rows, summary.accepted, summary.quarantined, dict(summary.reasons))


def decide_and_apply(
    register: Register,
    run_id: int,
    batch_id: int,
    line: int,
    *,
    accepted: bool,
    clerk: str,
    note: str = "",
    today: date | None = None,
) -> Refiled | None:
    """Record a clerk's decision on a reviewed pair; a match re-files the row under the person, in one transaction.

    Returns what re-filing did (``None`` for a non-match: the row stays in quarantine, unlinked).
    """
    engine = register.engine
    store.ensure_schema(engine)
    with engine.transaction():
        subject = store.record_decision(engine, run_id, batch_id, line, accepted, clerk, note)
        if not accepted:
            return None
        if store.refiled(engine, batch_id, line):
            raise UserError(
                f"批次 {batch_id} 第 {line} 行已归档到人员名下", f"batch {batch_id} line {line} was already re-filed"
            )
        return refile(register, [_Row(batch_id, line, subject)], source=CLERK, run_id=run_id, today=today)


def apply_auto_links(register: Register, run_id: int | None = None, *, today: date | None = None) -> list[Refiled]:
    """Re-file a run's auto-linked rows (default: the latest run), one batch per feed; already re-filed rows skip."""
    engine = register.engine
    store.ensure_schema(engine)
    run = run_id if run_id is not None else engine.scalar("SELECT max(run_id) FROM link_runs")
    if run is None:
        raise UserError("还没有比对结果，请先运行 renkou link run", "no linkage run yet: run `renkou link run` first")
    found = engine.rows(
        "SELECT b.feed, r.batch_id, r.line, r.subject FROM link_results r JOIN batches b USING (batch_id) "
        "WHERE r.run_id = ? AND r.decision = 'auto' AND NOT EXISTS (SELECT 1 FROM link_refiled f "
        "WHERE f.batch_id = r.batch_id AND f.line = r.line) ORDER BY b.feed, r.batch_id, r.line",
        [run],
    )
    by_feed: dict[str, list[_Row]] = {}
    for feed, batch, line, subject in found:
        by_feed.setdefault(str(feed), []).append(_Row(int(batch), int(line), str(subject)))
    done = []
    with engine.transaction():
        for rows in by_feed.values():
            done.append(refile(register, rows, source=AUTO, run_id=int(run), today=today))
    return done
