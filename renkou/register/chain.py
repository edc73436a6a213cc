"""The hash chain over batches.

``batch_hash = sha256(previous batch_hash || batch header || each event's id and hash, in event order || the batch's
encrypted identities in event order)``. Event hashes (SHA-256 of the canonical event) are computed set-wise in SQL
(:func:`renkou.register.transform.event_hash_expression`) and stored as two 128-bit halves; here each event
contributes 40 bytes: its id as 8 little-endian bytes, then the high and the low half of its hash, each as 16
little-endian bytes. Covering the ids makes renumbering, reordering, insertion and deletion break the chain; the
header covers the batch id and recording time. The chain is streamed, so a batch of millions of events never sits in
memory as one string. Covering the identity ciphertexts makes any change to a stored ID number or name break the
chain too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from renkou.engine import Engine
from renkou.register.transform import event_hash_expression, first_half, second_half

GENESIS = "0" * 64
EVENT_RECORD_BYTES = 40


def batch_header(batch_id: int, file_sha256: str, recorded_at: str, n_events: int) -> str:
    """The batch's own facts that the chain protects besides its events."""
    return f"{batch_id}\x1f{file_sha256}\x1f{recorded_at}\x1f{n_events}"


def uint128_words(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """The 16 little-endian bytes of each value of a 128-bit column (Arrow carries UHUGEINT as decimal128)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if column.null_count:
        raise ValueError("128-bit value missing")
    buffer = column.buffers()[1]
    assert buffer is not None
    words = np.frombuffer(buffer, dtype=np.uint8)[column.offset * 16 : (column.offset + len(column)) * 16]
    return words.reshape(-1, 16)


def event_records(event_ids: np.ndarray, hash_hi: np.ndarray, hash_lo: np.ndarray) -> memoryview:
    """The chain's bytes for a run of events: id (8 bytes LE), hash high half, hash low half (16 bytes LE each)."""
    # Filled as 64-bit words (five per record): copying 8-byte elements is faster than copying single bytes.
    records = np.empty((len(event_ids), EVENT_RECORD_BYTES // 8), dtype="<u8")
    records[:, 0] = np.asarray(event_ids).astype("<i8", copy=False).view("<u8")
    records[:, 1:3] = np.ascontiguousarray(hash_hi).view("<u8")
    records[:, 3:5] = np.ascontiguousarray(hash_lo).view("<u8")
    return records.view(np.uint8).reshape(-1).data


def _binary_bytes(column: pa.Array) -> memoryview:
    array = column.cast(pa.large_binary())
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)[array.offset : array.offset + len(array) + 1]
    data = array.buffers()[2]
    if data is None or not len(array):
        return memoryview(b"")
    return np.frombuffer(data, dtype=np.uint8)[int(offsets[0]) : int(offsets[-1])].data


def batch_hash(prev_hash: str, header: str, records: Iterable[memoryview], ciphertexts: Iterable[pa.Array]) -> str:
    """The batch hash from the previous one, the header, the event records and the identity ciphertexts."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(header.encode("utf-8"))
    for chunk in records:
        digest.update(chunk)
    for column in ciphertexts:
        digest.update(_binary_bytes(column))
    return digest.hexdigest()


def chain_hash(engine: Engine, prev_hash: str, header: str, batch_id: int) -> str:
    """Recompute a stored batch's hash from its events and identities (in event_id order)."""
    batch = int(batch_id)

    def records() -> Iterable[memoryview]:
        for part in engine.batches(
            f"SELECT event_id, hash_hi, hash_lo FROM events WHERE batch_id = {batch} ORDER BY event_id", 1_000_000
        ):
            ids = part.column(0).to_numpy(zero_copy_only=False)
            yield event_records(ids, uint128_words(part.column(1)), uint128_words(part.column(2)))

    def ciphertexts() -> Iterable[pa.Array]:
        for part in engine.batches(
            f"SELECT ciphertext FROM identity WHERE batch_id = {batch} ORDER BY event_id", 1_000_000
        ):
            yield part.column(0)

    return batch_hash(prev_hash, header, records(), ciphertexts())


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
    recomputed = event_hash_expression("e.source")
    broken = engine.rows(
        f"SELECT event_id, batch_id FROM (SELECT e.event_id, e.batch_id, e.hash_hi, e.hash_lo, {recomputed} AS hash_now "
        f"FROM events e) x WHERE hash_hi IS DISTINCT FROM {first_half('hash_now')} "
        f"OR hash_lo IS DISTINCT FROM {second_half('hash_now')} ORDER BY event_id LIMIT 1"
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
    last_event_before = 0
    for batch_id, file_sha, recorded, n_accepted, prev_hash, batch_hash, first_id, last_id in batches:
        n_here = int(counted.get(batch_id, 0))
        first_event = int(first_id) if first_id is not None else None
        problem = None
        if prev_hash != previous:
            problem = "链接的前一批次哈希不符 / link to the previous batch does not match"
        elif n_here != int(n_accepted):
            problem = f"事件数 {n_here} 与记录的 {n_accepted} 不符 / holds {n_here} events, recorded {n_accepted}"
        elif n_here and (first_event is None or first_event <= last_event_before):
            problem = "事件编号与前一批次重叠 / event ids overlap the previous batch"
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
            last_event_before = int(last_id)
    if n_events != sum(int(v) for v in counted.values()) or set(counted) - {b[0] for b in batches}:
        return VerifyResult(False, len(batches), n_events, "存在不属于任何批次的事件 / events outside any batch")
    return VerifyResult(
        True, len(batches), n_events, f"哈希链完整 / hash chain intact: {len(batches)} batches, {n_events} events"
    )
