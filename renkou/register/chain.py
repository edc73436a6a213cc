"""The hash chain over batches.

``batch_hash = sha256(previous batch_hash || batch header || the batch's event hashes in event order)``; event hashes
are computed set-wise in SQL (:func:`renkou.register.transform.hash_expression`), the chain is streamed here so a
batch of millions of events never needs to sit in memory as one string.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from renkou.engine import Engine
from renkou.register.transform import content_expression, hash_expression

GENESIS = "0" * 64


def batch_header(batch_id: int, file_sha256: str, recorded_at: str, n_events: int) -> str:
    """The batch's own facts that the chain protects besides its events."""
    return f"{batch_id}\x1f{file_sha256}\x1f{recorded_at}\x1f{n_events}"


def _feed_hashes(digest: hashlib._Hash, column: pa.Array) -> None:
    """Add the concatenated hex hashes of an Arrow string column to ``digest`` without building Python strings."""
    array = column.cast(pa.large_string())
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)[array.offset : array.offset + len(array) + 1]
    data = array.buffers()[2]
    if data is not None and len(array):
        digest.update(np.frombuffer(data, dtype=np.uint8)[int(offsets[0]) : int(offsets[-1])].data)


def chain_hash(engine: Engine, prev_hash: str, header: str, batch_id: int, events_table: str = "events") -> str:
    """Compute the batch hash from the previous one and the batch's event hashes (in event_id order)."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(header.encode("utf-8"))
    for record_batch in engine.batches(
        f"SELECT hash FROM {events_table} WHERE batch_id = {int(batch_id)} ORDER BY event_id", 1_000_000
    ):
        _feed_hashes(digest, record_batch.column(0))
    return digest.hexdigest()


@dataclass
class VerifyResult:
    """Outcome of recomputing the chain."""

    ok: bool
    batches: int
    events: int
    message: str
    first_broken_event: int | None = None
    first_broken_batch: int | None = None


def verify(engine: Engine) -> VerifyResult:
    """Recompute every event hash and the batch chain; report the first break."""
    broken = engine.rows(
        f"SELECT event_id, batch_id FROM (SELECT e.event_id, e.batch_id, e.hash, "
        f"sha256({content_expression('e.source')}) AS content_now, e.content_key, e.recorded_at, "
        f"e.event_type FROM events e) x "
        f"WHERE content_now <> content_key OR content_key IS NULL "
        f"OR {hash_expression().replace('content_key', 'content_now')} <> hash OR hash IS NULL "
        f"ORDER BY event_id LIMIT 1"
    )
    n_events = int(engine.scalar("SELECT count(*) FROM events") or 0)
    batches = engine.rows(
        "SELECT batch_id, file_sha256, strftime(recorded_at, '%Y-%m-%dT%H:%M:%S.%f'), n_accepted, prev_hash, "
        "batch_hash, first_event_id, last_event_id FROM batches ORDER BY batch_id"
    )
    if broken:
        event_id, batch_id = broken[0]
        return VerifyResult(
            False,
            len(batches),
            n_events,
            f"事件 {event_id}（批次 {batch_id}）的内容与其哈希不符 / event {event_id} (batch {batch_id}) "
            "does not match its hash",
            int(event_id),
            int(batch_id),
        )
    counted = dict(engine.rows("SELECT batch_id, count(*) FROM events GROUP BY batch_id"))
    previous = GENESIS
    expected_next_event = 1
    for batch_id, file_sha, recorded, n_accepted, prev_hash, batch_hash, first_id, last_id in batches:
        n_here = int(counted.get(batch_id, 0))
        first_event = int(first_id) if first_id is not None else None
        problem = None
        if prev_hash != previous:
            problem = "链接的前一批次哈希不符 / link to the previous batch does not match"
        elif n_here != int(n_accepted):
            problem = f"事件数 {n_here} 与记录的 {n_accepted} 不符 / holds {n_here} events, recorded {n_accepted}"
        elif n_here and first_event != expected_next_event:
            problem = "事件编号不连续（有插入或删除）/ event ids are not contiguous (insertion or deletion)"
        else:
            header = batch_header(int(batch_id), file_sha, recorded, int(n_accepted))
            if chain_hash(engine, previous, header, int(batch_id)) != batch_hash:
                problem = "批次哈希不符（事件被删除、插入或重排）/ batch hash mismatch (events deleted, inserted or reordered)"
        if problem:
            first_event_in_batch = first_event if first_event is not None else None
            return VerifyResult(
                False,
                len(batches),
                n_events,
                f"批次 {batch_id}：{problem}",
                first_event_in_batch,
                int(batch_id),
            )
        previous = batch_hash
        if n_here:
            expected_next_event = int(last_id) + 1
    if n_events != sum(int(v) for v in counted.values()) or set(counted) - {b[0] for b in batches}:
        return VerifyResult(False, len(batches), n_events, "存在不属于任何批次的事件 / events outside any batch")
    return VerifyResult(
        True, len(batches), n_events, f"哈希链完整 / hash chain intact: {len(batches)} batches, {n_events} events"
    )
