"""Encryption of ID numbers and names at rest.

A batch's identities are encrypted as one AES-256-CTR stream (fast, one call for millions of rows); each row keeps
its byte offset in the stream, and CTR mode lets one row be decrypted alone by starting the counter at that offset.
Every batch has a fresh random nonce, so no keystream is ever reused. Integrity is guarded by the hash chain, which
covers a keyed digest of the name (see :mod:`renkou.register.chain`), not by the cipher.
"""

from __future__ import annotations

import secrets

import numpy as np
import pyarrow as pa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

SEPARATOR = "\x1f"


def new_nonce() -> bytes:
    """A fresh 16-byte initial counter block for one batch."""
    return secrets.token_bytes(16)


def _counter_block(nonce: bytes, block_index: int) -> bytes:
    value = (int.from_bytes(nonce, "big") + block_index) % (1 << 128)
    return value.to_bytes(16, "big")


def encrypt_stream(plaintexts: pa.Array, key: bytes, nonce: bytes) -> tuple[pa.Array, pa.Array]:
    """Encrypt a string column as one CTR stream; return (ciphertexts as large_binary, offsets in the stream)."""
    column = plaintexts.cast(pa.large_string())
    if column.null_count:
        column = column.fill_null("")
    offsets = np.frombuffer(column.buffers()[1], dtype=np.int64)[column.offset : column.offset + len(column) + 1]
    start, end = int(offsets[0]), int(offsets[-1])
    data = column.buffers()[2]
    plain = np.frombuffer(data, dtype=np.uint8)[start:end].data if data is not None else memoryview(b"")
    encryptor = Cipher(algorithms.AES(key), modes.CTR(nonce)).encryptor()
    cipher_bytes = encryptor.update(plain) + encryptor.finalize()
    relative = offsets - start
    ciphertexts = pa.LargeBinaryArray.from_buffers(
        pa.large_binary(), len(column), [None, pa.py_buffer(relative.tobytes()), pa.py_buffer(cipher_bytes)]
    )
    return ciphertexts, pa.array(relative[:-1], type=pa.int64())


def decrypt_one(ciphertext: bytes, stream_offset: int, key: bytes, nonce: bytes) -> str:
    """Decrypt one row encrypted by :func:`encrypt_stream` at ``stream_offset``."""
    skip = stream_offset % 16
    decryptor = Cipher(algorithms.AES(key), modes.CTR(_counter_block(nonce, stream_offset // 16))).decryptor()
    plain = decryptor.update(b"\0" * skip + ciphertext) + decryptor.finalize()
    return plain[skip:].decode("utf-8")


def split_identity(plaintext: str) -> tuple[str, str]:
    """(ID number, name) from the stored plaintext form."""
    number, _, name = plaintext.partition(SEPARATOR)
    return number, name
