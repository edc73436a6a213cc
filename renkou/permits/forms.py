"""A clerk's single form as a batch of one (DESIGN.md): written as a one-row department file and ingested.

The form goes through the same path as a department's file: validation, quarantine, the event log, the hash chain
and the cross-department checks. It is a UTF-8 CSV file of the residence feed (公安局流动人口管理) in a private
temporary folder, removed after loading; its record number is unique, so two identical forms on different days are
two events, while loading the same file twice would change nothing. (CSV rather than JSON lines: the register
numbers events from the file's line numbers assuming a header line, and a JSON-lines batch currently gets an event id
that overlaps the previous batch, which ``renkou verify`` reports.)
"""

from __future__ import annotations

import csv
import tempfile
import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from renkou.errors import UserError
from renkou.register.ingest import BatchSummary
from renkou.register.reasons import describe
from renkou.register.store import Register

FEED = "residence"


def new_record_no(on: date) -> str:
    """A unique business record number for a form (业务流水号): RP, the date, and 12 random hex digits."""
    return f"RP{on:%Y%m%d}{uuid.uuid4().hex[:12].upper()}"


def submit_form(register: Register, rows: Sequence[Mapping[str, str]], *, today: date | None = None) -> BatchSummary:
    """Load one form (one row, or a few events of the same form) as one batch; any refused row is an error."""
    if not rows:
        raise ValueError("a form has at least one row")
    with tempfile.TemporaryDirectory(prefix="renkou-form-") as folder:
        record = rows[0].get("record_no") or "form"
        path = Path(folder) / f"{FEED}-form-{record}.csv"
        columns = list(dict.fromkeys(key for row in rows for key in row))  # union, in first-seen order
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)  # a missing value is written empty (null)
            writer.writeheader()
            writer.writerows(rows)
        [summary] = register.ingest([path], feed=FEED, today=today)
    if summary.status == "rejected":
        raise UserError(f"表单未被登记库接受：{summary.message}", f"the register refused the form: {summary.message}")
    if summary.quarantined:
        rows_found = register.engine.rows(
            "SELECT line, column_name, value_masked, reason FROM quarantine WHERE batch_id = ? ORDER BY line",
            [summary.batch_id],
        )
        line, column, value, reason = rows_found[0]
        raise UserError(
            f"表单第 {line} 行 {column or ''}“{value or ''}”进入隔离区：{describe(reason).split(' / ')[0]}",
            f"form row {line}, {column or '-'} '{value or ''}' was quarantined: {describe(reason).split(' / ')[-1]}",
            code="quarantined",
        )
    return summary
