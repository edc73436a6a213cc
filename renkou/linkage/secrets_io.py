"""Reading the register's encrypted identities and quarantined rows back into plain Arrow tables.

The register encrypts each batch as one AES-CTR stream (see :mod:`renkou.register.identity`). Decrypting row by row
costs one cipher set-up per row; here a batch's keystream is generated once and XOR-ed onto every row at its offset,
which is what makes linking millions of rows affordable.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from renkou.engine import Engine
from renkou.register.identity import SEPARATOR
from renkou.register.keys import RegisterKeys


def quarantine_nonce(batch_nonce: bytes) -> bytes:
    """The CTR nonce of a batch's quarantined raw rows (the register derives it from the batch nonce this way)."""
    return hashlib.sha256(batch_nonce + b"quarantine").digest()[:16]


def decrypt_column(ciphertexts: pa.Array, offsets: pa.Array, key: bytes, nonce: bytes) -> list[str]:
    """Decrypt rows of one CTR stream, each starting at its byte offset; returns the plaintexts in input order."""
    return [str(text) for text in decrypt_array(ciphertexts, offsets, key, nonce).to_pylist()]


def decrypt_array(ciphertexts: pa.Array, offsets: pa.Array, key: bytes, nonce: bytes) -> pa.Array:
    """:func:`decrypt_column` as an Arrow string array (no Python object per row)."""
    if len(ciphertexts) == 0:
        return pa.array([], pa.large_string())
    column = ciphertexts.cast(pa.large_binary())
    lengths = np.asarray(pa.compute.binary_length(column).to_numpy(zero_copy_only=False), dtype=np.int64)
    starts = np.asarray(offsets.to_numpy(zero_copy_only=False), dtype=np.int64)
    end = int((starts + lengths).max())
    # One keystream for the whole stream: AES-CTR of zeros is the keystream itself.
    encryptor = Cipher(algorithms.AES(key), modes.CTR(nonce)).encryptor()
    keystream = np.frombuffer(encryptor.update(b"\0" * end) + encryptor.finalize(), dtype=np.uint8)
    value_offsets = np.frombuffer(column.buffers()[1], dtype=np.int64)[column.offset : column.offset + len(column) + 1]
    data = np.frombuffer(column.buffers()[2], dtype=np.uint8)[value_offsets[0] : value_offsets[-1]]
    # Position in the keystream of every ciphertext byte: its row's start plus its index within the row.
    row_of_byte = np.repeat(np.arange(len(lengths)), lengths)
    within = np.arange(len(data)) - np.repeat(value_offsets[:-1] - value_offsets[0], lengths)
    plain = data ^ keystream[starts[row_of_byte] + within]
    relative = value_offsets - value_offsets[0]
    return pa.LargeStringArray.from_buffers(
        len(lengths), pa.py_buffer(relative.tobytes()), pa.py_buffer(plain.tobytes())
    )


def _batch_nonces(engine: Engine) -> dict[int, bytes]:
    return {int(row[0]): bytes(row[1]) for row in engine.rows("SELECT batch_id, nonce FROM batches")}


def identities(engine: Engine, keys: RegisterKeys) -> pa.Table:
    """One row per identity record: hex subject key, event id, ID number and name as delivered."""
    nonces = _batch_nonces(engine)
    parts: list[pa.Table] = []
    for batch_id, nonce in sorted(nonces.items()):
        table = engine.arrow(
            "SELECT hex(subject_id) AS subject, event_id, stream_offset, ciphertext FROM identity "
            f"WHERE batch_id = {batch_id}"
        )
        if table.num_rows == 0:
            continue
        plain = decrypt_column(
            table["ciphertext"].combine_chunks(), table["stream_offset"].combine_chunks(), keys.identity, nonce
        )
        numbers, names = zip(*(text.partition(SEPARATOR)[::2] for text in plain), strict=True)
        parts.append(
            pa.table(
                {
                    "subject": table["subject"],
                    "event_id": table["event_id"],
                    "id_number": pa.array(numbers, pa.string()),
                    "name": pa.array(names, pa.string()),
                }
            )
        )
    if not parts:
        return pa.table({n: pa.array([], pa.string()) for n in ("subject", "id_number", "name")}).append_column(
            "event_id", pa.array([], pa.int64())
        )
    return pa.concat_tables(parts)


def quarantined_table(engine: Engine, keys: RegisterKeys) -> pa.Table:
    """Every quarantined row, decrypted: batch_id, file_name, line, reason, and the raw row as JSON text ``raw``."""
    parts: list[pa.Table] = []
    for batch_id, nonce in sorted(_batch_nonces(engine).items()):
        table = engine.arrow(
            "SELECT batch_id, file_name, line, reason, stream_offset, raw_ciphertext FROM quarantine "
            f"WHERE batch_id = {batch_id} ORDER BY line"
        )
        if table.num_rows == 0:
            continue
        raw = decrypt_array(
            table["raw_ciphertext"].combine_chunks(),
            table["stream_offset"].combine_chunks(),
            keys.identity,
            quarantine_nonce(nonce),
        )
        parts.append(table.select(["batch_id", "file_name", "line", "reason"]).append_column("raw", raw))
    if not parts:
        return pa.table(
            {
                "batch_id": pa.array([], pa.int64()),
                "file_name": pa.array([], pa.string()),
                "line": pa.array([], pa.int64()),
                "reason": pa.array([], pa.string()),
                "raw": pa.array([], pa.large_string()),
            }
        )
    return pa.concat_tables(parts, promote_options="permissive")


def quarantined_rows(engine: Engine, keys: RegisterKeys) -> list[dict[str, object]]:
    """Every quarantined row, decrypted: batch, file, line, reason, and the raw row's columns under ``raw``."""
    import json

    nonces = _batch_nonces(engine)
    rows: list[dict[str, object]] = []
    for batch_id, nonce in sorted(nonces.items()):
        table = engine.arrow(
            "SELECT file_name, line, column_name, reason, stream_offset, raw_ciphertext FROM quarantine "
            f"WHERE batch_id = {batch_id} ORDER BY line"
        )
        if table.num_rows == 0:
            continue
        plain = decrypt_column(
            table["raw_ciphertext"].combine_chunks(),
            table["stream_offset"].combine_chunks(),
            keys.identity,
            quarantine_nonce(nonce),
        )
        for record, text in zip(table.to_pylist(), plain, strict=True):
            rows.append(
                {
                    "batch_id": batch_id,
                    "file_name": record["file_name"],
                    "line": record["line"],
                    "column_name": record["column_name"],
                    "reason": record["reason"],
                    "raw": json.loads(text),
                }
            )
    return rows


def identities_of(engine: Engine, keys: RegisterKeys, subjects_hex: list[str]) -> dict[str, tuple[str, str]]:
    """Subject (hex) -> (ID number, name) as last delivered, for a few persons, decrypted (one scan of identities)."""
    if not subjects_hex:
        return {}
    found = engine.rows(
        "SELECT hex(i.subject_id), arg_max(i.stream_offset, i.event_id), arg_max(i.ciphertext, i.event_id), "
        "arg_max(b.nonce, i.event_id) FROM identity i JOIN batches b USING (batch_id) "
        "WHERE hex(i.subject_id) IN (SELECT unnest(?)) GROUP BY 1",
        [[subject.upper() for subject in subjects_hex]],
    )
    out: dict[str, tuple[str, str]] = {}
    for subject, offset, ciphertext, nonce in found:
        [text] = decrypt_column(pa.array([bytes(ciphertext)]), pa.array([int(offset)]), keys.identity, bytes(nonce))
        number, _, name = text.partition(SEPARATOR)
        out[str(subject)] = (number, name)
    return out


def identity_of(engine: Engine, keys: RegisterKeys, subject_hex: str) -> tuple[str, str] | None:
    """(ID number, name) of one person as last delivered, decrypted; ``None`` when the register has no such person."""
    return identities_of(engine, keys, [subject_hex]).get(subject_hex.upper())


def quarantined_row(engine: Engine, keys: RegisterKeys, batch_id: int, line: int) -> dict[str, object] | None:
    """One quarantined row's raw columns, decrypted (the first of its reasons when it has several); ``None``."""
    import json

    found = engine.rows(
        "SELECT q.stream_offset, q.raw_ciphertext, b.nonce FROM quarantine q JOIN batches b USING (batch_id) "
        "WHERE q.batch_id = ? AND q.line = ? LIMIT 1",
        [batch_id, line],
    )
    if not found:
        return None
    offset, ciphertext, nonce = found[0]
    [text] = decrypt_column(
        pa.array([bytes(ciphertext)]), pa.array([int(offset)]), keys.identity, quarantine_nonce(bytes(nonce))
    )
    raw = json.loads(text)
    return raw if isinstance(raw, dict) else None
