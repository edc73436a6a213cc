"""Loading department files: one file, one batch, loaded atomically.

Steps: checksum (a file already loaded changes nothing) -> stage (text columns, line numbers) -> validate (set-wise
SQL) -> in one transaction: events (deduplicated against the file and the register), encrypted identities,
quarantine with reasons, the batch row that extends the hash chain, the spells index and cross-department findings.
A crash before COMMIT leaves the register as it was; re-running the load completes it.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa

from renkou.engine import Engine
from renkou.ids import mask
from renkou.register import chain, findings, identity, reader, state, validate
from renkou.register.feeds import COLUMNS, Feed
from renkou.register.keys import RegisterKeys
from renkou.register.schema import ATTRIBUTES
from renkou.register.transform import absent_attributes, event_hash_expression, events_select, first_half, second_half

Progress = Callable[[str], None]


@dataclass
class BatchSummary:
    """What happened to one file."""

    file: str
    feed: str | None
    status: str  # loaded | already_loaded | rejected
    batch_id: int | None = None
    rows: int = 0
    accepted: int = 0
    quarantined: int = 0
    duplicates: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    findings: dict[str, int] = field(default_factory=dict)
    encoding: str | None = None
    message: str | None = None

    def to_json(self) -> dict[str, object]:
        """JSON-ready dictionary."""
        return asdict(self)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, streamed."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(8 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class _Checksum(threading.Thread):
    """Hash the file on a second thread while DuckDB reads it (hashlib releases the GIL)."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.value = ""

    def run(self) -> None:
        self.value = file_sha256(self.path)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def ingest_file(
    engine: Engine,
    keys: RegisterKeys,
    path: Path,
    *,
    city_prefix: str,
    feed_name: str | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> BatchSummary:
    """Load one department file as one batch."""
    note = progress or (lambda _step: None)
    today = today or date.today()
    if not path.exists():
        return BatchSummary(str(path), None, "rejected", message=f"文件不存在 / file not found: {path}")
    checksum = _Checksum(path)
    checksum.start()
    note("read")
    try:
        staged = reader.stage_file(engine, path, "rk_stage", feed_name=feed_name)
    except reader.FileRejected as error:
        checksum.join()
        return BatchSummary(str(path), None, "rejected", message=str(error))
    checksum.join()
    already = engine.rows("SELECT batch_id, n_rows FROM batches WHERE file_sha256 = ?", [checksum.value])
    if already:
        return BatchSummary(
            str(path),
            staged.feed.name,
            "already_loaded",
            batch_id=int(already[0][0]),
            rows=staged.n_rows,
            duplicates=staged.n_rows,
            message="该文件已载入，未作任何改动 / this file was loaded before; nothing changed",
        )
    note("validate")
    feed = staged.feed.narrowed(staged.columns)
    secret = _literal(keys.pseudonym_prefix_hex())
    absent = absent_attributes(feed)
    engine.execute(_rows_statement(feed, today, secret, city_prefix))
    register_empty = engine.scalar("SELECT count(*) FROM (SELECT 1 FROM events LIMIT 1)") == 0
    kept = _accepted_filter(engine, register_empty)
    accepted = kept.condition
    n_new = int(engine.scalar("SELECT count(*) FROM rk_rows WHERE reason IS NULL"))
    n_unique = n_new - kept.repeats  # rk_drop holds each dropped valid line once (UNION)

    note("write")
    recorded_at = datetime.now(UTC).replace(tzinfo=None)
    with engine.transaction():
        batch_id = int(engine.scalar("SELECT coalesce(max(batch_id), 0) + 1 FROM batches"))
        # Event ids follow the file's line numbers (a gap where a line was quarantined or repeated): numbering
        # needs no sort, and the ids still increase in file order and across batches.
        first_line, last_line = engine.rows(f"SELECT min(line), max(line) FROM rk_rows WHERE {accepted}")[0]
        # The first accepted line gets the id after the register's last; JSON lines and Parquet count lines from 1,
        # CSV and XLSX from 2 (the header), so the offset is taken from the first line actually present.
        id_base = int(engine.scalar("SELECT coalesce(max(event_id), 0) FROM events")) + 1 - int(first_line or 0)
        attributes = ", ".join(f"CAST(NULL AS {kind})" if name in absent else name for name, kind in ATTRIBUTES)
        stamp = f"TIMESTAMP '{recorded_at.isoformat(sep=' ')}'"
        engine.execute(
            f"INSERT INTO events SELECT {id_base} + line, {batch_id}, event_type, subject_id, occurred_on, {stamp}, "
            f"{_literal(feed.name)}, record_no, {attributes}, hash_hi, hash_lo FROM rk_rows WHERE {accepted}"
        )
        _fault_point("after_events")
        note("identity")
        nonce = identity.new_nonce()
        records, ciphertexts = _store_identities(engine, keys, batch_id, id_base, nonce, accepted)
        reasons = _quarantine(engine, keys, staged, batch_id, nonce)
        n_quarantined = sum(reasons.values())
        note("chain")
        recorded_text = engine.scalar(f"SELECT strftime({stamp}, '%Y-%m-%dT%H:%M:%S.%f')")
        prev_hash = engine.scalar("SELECT batch_hash FROM batches ORDER BY batch_id DESC LIMIT 1") or chain.GENESIS
        header = chain.batch_header(batch_id, checksum.value, recorded_text, n_unique)
        batch_hash = chain.batch_hash(prev_hash, header, records, ciphertexts)
        note("index")
        state.rebuild_spells(engine, batch_id, register_was_empty=register_empty)
        note("checks")
        found = findings.run_checks(engine, batch_id, recorded_at)
        summary = BatchSummary(
            str(path),
            feed.name,
            "loaded",
            batch_id=batch_id,
            rows=staged.n_rows,
            accepted=n_unique,
            quarantined=n_quarantined,
            duplicates=n_new - n_unique,
            reasons=reasons,
            findings=found,
            encoding=staged.encoding,
        )
        engine.execute(
            "INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                batch_id,
                feed.name,
                feed.department_zh,
                path.name,
                checksum.value,
                path.stat().st_size,
                recorded_at,
                nonce,
                staged.n_rows,
                n_unique,
                n_quarantined,
                n_new - n_unique,
                id_base + first_line if n_unique else None,
                id_base + last_line if n_unique else None,
                prev_hash,
                batch_hash,
                json.dumps(summary.to_json(), ensure_ascii=False),
            ],
        )
    for table in ("rk_stage", "rk_rows", "rk_drop"):
        engine.execute(f"DROP TABLE IF EXISTS {table}")
    return summary


def _rows_statement(feed: Feed, today: date, secret_sql: str, city_prefix: str) -> str:
    """The statement that fills ``rk_rows``: validation, the events' columns and their hashes in one pass over the
    staged rows (every intermediate table of a wide row set costs as much as the work itself). Rejected rows keep
    their reason and skip the hash; attributes the file cannot set are left out (NULL in every event)."""
    absent = absent_attributes(feed)
    return (
        f"CREATE OR REPLACE TEMP TABLE rk_rows AS SELECT * EXCLUDE (h{''.join(', ' + name for name in absent)}), "
        f"{first_half('h')} AS hash_hi, {second_half('h')} AS hash_lo FROM ("
        f"SELECT *, CASE WHEN reason IS NULL THEN {event_hash_expression(_literal(feed.name), absent)} END AS h FROM ("
        + events_select(
            feed, f"({_checked_with_supersedes(feed, today)})", secret_sql, city_prefix, ("reason", "reason_column")
        )
        + "))"
    )


def _checked_with_supersedes(feed: Feed, today: date) -> str:
    """The validated rows with ``supersedes``: the event a correction replaces (unknown targets are rejected)."""
    checked = validate.checked_sql(feed, "rk_stage", today.isoformat())
    if "corrects_record_no" not in feed.columns:
        return f"SELECT *, CAST(NULL AS BIGINT) AS supersedes FROM ({checked})"
    unknown = "c.reason IS NULL AND c.corrects_record_no IS NOT NULL AND t.event_id IS NULL"
    return (
        f"SELECT c.* REPLACE (CASE WHEN {unknown} THEN 'correction_target_unknown' ELSE c.reason END AS reason, "
        f"CASE WHEN {unknown} THEN 'corrects_record_no' ELSE c.reason_column END AS reason_column), "
        f"t.event_id AS supersedes FROM ({checked}) c LEFT JOIN (SELECT record_no, max(event_id) AS event_id "
        f"FROM events WHERE source = {_literal(feed.name)} GROUP BY record_no) t ON t.record_no = c.corrects_record_no"
    )


@dataclass(frozen=True)
class Accepted:
    """Which rows of ``rk_rows`` become events: the valid ones, less the repeats listed in ``rk_drop``."""

    condition: str  # SQL condition on rk_rows
    repeats: int  # valid rows dropped as repeats of an earlier row of the file or of an event in the register


def _accepted_filter(engine: Engine, register_empty: bool) -> Accepted:
    """The rows of ``rk_rows`` that become events: valid, and not a repeat of an earlier row of the file or of an
    event already in the register (same hash = same canonical event)."""
    repeats = (
        "SELECT r.line FROM rk_rows r JOIN (SELECT hash_hi, min(line) AS first_line FROM rk_rows "
        "WHERE reason IS NULL GROUP BY hash_hi HAVING count(*) > 1) p "
        "ON p.hash_hi = r.hash_hi AND r.line <> p.first_line WHERE r.reason IS NULL"
    )
    # The hash set is built on this file's rows and the register is only scanned, not the other way round.
    known = (
        "SELECT line FROM rk_rows WHERE reason IS NULL AND hash_hi IN "
        "(SELECT hash_hi FROM events WHERE hash_hi IN (SELECT hash_hi FROM rk_rows WHERE reason IS NULL))"
    )
    engine.execute(f"CREATE OR REPLACE TEMP TABLE rk_drop AS {repeats}" + ("" if register_empty else f" UNION {known}"))
    dropped = int(engine.scalar("SELECT count(*) FROM rk_drop"))
    if dropped == 0:
        return Accepted("reason IS NULL", 0)
    return Accepted("reason IS NULL AND line NOT IN (SELECT line FROM rk_drop)", dropped)


def _fault_point(name: str) -> None:
    """Die here, like a killed process, when the test suite asks (RENKOU_FAULT=name); a no-op otherwise."""
    if os.environ.get("RENKOU_FAULT") == name:
        os._exit(137)


def _store_identities(
    engine: Engine, keys: RegisterKeys, batch_id: int, id_base: int, nonce: bytes, accepted: str
) -> tuple[list[memoryview], list[pa.Array]]:
    """Encrypt and store the batch's ID numbers and names; return the chain's event records and the ciphertexts.

    One scan of the accepted rows gives both, in event order, so the chain needs no second pass over the events.
    """
    rows = engine.arrow(
        f"SELECT {id_base} + line AS event_id, subject_id, hash_hi, hash_lo, "
        f"id_number || chr(31) || coalesce(name, '') AS plain FROM rk_rows WHERE {accepted}"
    )
    if rows.num_rows == 0:
        return [], []
    event_ids = rows.column("event_id").to_numpy()
    if len(event_ids) > 1 and not bool(np.all(np.diff(event_ids) > 0)):
        rows = rows.take(np.argsort(event_ids, kind="stable"))
        event_ids = rows.column("event_id").to_numpy()
    records = chain.event_records(
        event_ids, chain.uint128_words(rows.column("hash_hi")), chain.uint128_words(rows.column("hash_lo"))
    )
    ciphertexts, offsets = identity.encrypt_stream(rows.column("plain").combine_chunks(), keys.identity, nonce)
    # The subject key travels as two 64-bit words: Arrow has no unsigned 128-bit type DuckDB reads back as one.
    words = chain.uint128_words(rows.column("subject_id")).view("<u8")
    table = pa.table(
        {
            "event_id": pa.array(event_ids, pa.int64()),
            "subject_lo": pa.array(words[:, 0]),
            "subject_hi": pa.array(words[:, 1]),
            "stream_offset": offsets,
            "ciphertext": ciphertexts,
        }
    )
    engine.register_arrow("rk_identity_rows", table)
    # Ciphertexts are random bytes that no dictionary or FSST can shrink; DuckDB's trial of those methods cost two
    # thirds of this insert. Only which compressions are tried changes, not what is stored.
    engine.execute(f"SET disabled_compression_methods = '{_RANDOM_BYTES_SKIP}'")
    try:
        engine.execute(
            "INSERT INTO identity SELECT event_id, (CAST(subject_hi AS UHUGEINT) << 64) | CAST(subject_lo AS UHUGEINT), "
            f"{int(batch_id)}, stream_offset, ciphertext FROM rk_identity_rows"
        )
    finally:
        engine.execute("RESET disabled_compression_methods")
    return [records], [ciphertexts]


_RANDOM_BYTES_SKIP = "fsst,dict_fsst,dictionary"


def _quarantine_nonce(nonce: bytes) -> bytes:
    return hashlib.sha256(nonce + b"quarantine").digest()[:16]


def _quarantine(
    engine: Engine, keys: RegisterKeys, staged: reader.StagedFile, batch_id: int, nonce: bytes
) -> dict[str, int]:
    """Store bad rows with line, column, masked value and reason; return counts per reason."""
    raw_columns = list(staged.feed.columns)
    # The raw record names every column of the feed (NULL where the file has none), as when all were staged.
    raw_json = (
        "to_json(struct_pack("
        + ", ".join(f"{c} := {f's.{c}' if c in staged.columns else 'CAST(NULL AS VARCHAR)'}" for c in raw_columns)
        + "))"
    )
    id_columns = {name for name in raw_columns if COLUMNS[name].kind == "id"}
    value_cases = " ".join(
        f"WHEN c.reason_column = '{name}' THEN CAST(s.{name} AS VARCHAR)"
        for name in raw_columns
        if name in staged.columns
    )
    bad = engine.arrow(
        f"SELECT c.line, c.reason_column, c.reason, CASE {value_cases} ELSE NULL END AS value, {raw_json} AS raw "
        f"FROM rk_rows c JOIN rk_stage s USING (line) WHERE c.reason IS NOT NULL ORDER BY c.line"
    )
    lines = bad.column("line").to_pylist()
    columns = bad.column("reason_column").to_pylist()
    reasons = bad.column("reason").to_pylist()
    values = bad.column("value").to_pylist()
    raws = bad.column("raw").to_pylist()
    for line, code, detail in staged.rejected_lines:
        lines.append(line)
        columns.append(None)
        reasons.append(code)
        values.append(None)
        raws.append(detail)
    if not lines:
        return {}
    shown = [
        (mask(v) if col in id_columns and v else (v[:200] if v else v)) for v, col in zip(values, columns, strict=True)
    ]
    ciphertexts, offsets = identity.encrypt_stream(pa.array(raws, pa.string()), keys.identity, _quarantine_nonce(nonce))
    rows = pa.table(
        {
            "batch_id": pa.array([batch_id] * len(lines), pa.int64()),
            "file_name": pa.array([staged.path.name] * len(lines), pa.string()),
            "line": pa.array(lines, pa.int64()),
            "column_name": pa.array(columns, pa.string()),
            "value_masked": pa.array(shown, pa.string()),
            "reason": pa.array(reasons, pa.string()),
            "stream_offset": offsets,
            "raw_ciphertext": ciphertexts,
        }
    )
    engine.register_arrow("rk_quarantine_rows", rows)
    engine.execute("INSERT INTO quarantine SELECT * FROM rk_quarantine_rows")
    counts: dict[str, int] = {}
    for reason in reasons:
        counts[reason] = counts.get(reason, 0) + 1
    return counts
