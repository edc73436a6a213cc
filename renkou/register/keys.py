"""Secrets of a register: the pseudonym key (keyed hash of ID numbers) and the identity key (encryption of ID
numbers and names at rest).

They live in a key file beside the database (``renkou.duckdb.key``, mode 0600), created on first use, or in the file
named by ``RENKOU_KEY_FILE``. The database alone reveals no ID number or name. Backups must keep the key file
separately.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from renkou.errors import UserError


@dataclass(frozen=True)
class RegisterKeys:
    """The two secrets of a register."""

    pseudonym: bytes
    identity: bytes

    def pseudonym_prefix_hex(self) -> str:
        """Hex of the secret prepended to an ID number before SHA-256 to form its subject key."""
        return self.pseudonym.hex()


def key_path_for(database: str | Path) -> Path:
    """Where the key file of ``database`` lives."""
    override = os.environ.get("RENKOU_KEY_FILE")
    if override:
        return Path(override)
    return Path(f"{database}.key")


def load_or_create(database: str | Path) -> RegisterKeys:
    """Read the register's keys, creating them (0600) the first time."""
    if str(database) == ":memory:":
        return RegisterKeys(secrets.token_bytes(32), secrets.token_bytes(32))
    path = key_path_for(database)
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return RegisterKeys(bytes.fromhex(data["pseudonym"]), bytes.fromhex(data["identity"]))
        except (ValueError, KeyError) as error:
            raise UserError(f"密钥文件 {path} 已损坏：{error}", f"key file {path} is damaged: {error}") from None
    keys = RegisterKeys(secrets.token_bytes(32), secrets.token_bytes(32))
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({"pseudonym": keys.pseudonym.hex(), "identity": keys.identity.hex()}, handle)
    return keys
