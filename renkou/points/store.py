"""Stored publicity rounds: the applicants file of each round and its hash-chained history, in the service database.

A round keeps the applicants file exactly as uploaded (so the published evidence can be rebuilt and re-checked),
the rule set's name and SHA-256, the quota and the publicity window. Its history (objections, decisions,
re-scoring) is the :class:`~renkou.points.history.ScoringHistory` of :mod:`renkou.points.history`, one row per
record. Applicants' ID numbers and names must not lie in the database in clear (the register encrypts its
identities too), so the file and every history record are sealed with AES-GCM under a key derived from the
register's identity key; the sequence, kind and chain hash stay readable for listing and checking.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from renkou.engine import Engine
from renkou.errors import UserError
from renkou.points.history import HistoryRecord

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS points_rounds (round_id BIGINT PRIMARY KEY, title VARCHAR, rules VARCHAR, "
    "rules_id VARCHAR, rules_sha256 VARCHAR, quota BIGINT, opens DATE, closes DATE, created_at TIMESTAMP, "
    "created_by VARCHAR, file_name VARCHAR, applicants_sha256 VARCHAR, applicant_count BIGINT, nonce BLOB, "
    "applicants BLOB, published_at TIMESTAMP, published_by VARCHAR, evidence_on DATE)",
    "CREATE TABLE IF NOT EXISTS points_history (round_id BIGINT, seq BIGINT, kind VARCHAR, recorded_at TIMESTAMP, "
    "hash VARCHAR, nonce BLOB, sealed BLOB, PRIMARY KEY (round_id, seq))",
)
INFO_COLUMNS = (
    "round_id",
    "title",
    "rules",
    "rules_id",
    "rules_sha256",
    "quota",
    "opens",
    "closes",
    "created_at",
    "created_by",
    "file_name",
    "applicants_sha256",
    "applicant_count",
    "published_at",
    "published_by",
    "evidence_on",
)


@dataclass(frozen=True)
class RoundInfo:
    """What is known of a stored round without opening its sealed parts."""

    round_id: int
    title: str
    rules: str
    rules_id: str
    rules_sha256: str
    quota: int | None
    opens: date
    closes: date
    created_at: datetime
    created_by: str | None
    file_name: str
    applicants_sha256: str
    applicant_count: int
    published_at: datetime | None
    published_by: str | None
    evidence_on: date | None = None  # the register's values on this date replaced the declared ones

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (dates as ISO text)."""
        return {
            key: value.isoformat() if isinstance(value, date | datetime) else value for key, value in vars(self).items()
        }


def _cipher(secret: bytes) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"renkou points rounds v1").derive(secret)
    return AESGCM(key)


def _record_json(record: HistoryRecord) -> bytes:
    return json.dumps(
        {
            "seq": record.seq,
            "kind": record.kind,
            "applicant_id": record.applicant_id,
            "on": record.on.isoformat(),
            "recorded_at": record.recorded_at.isoformat(),
            "data": record.data,
            "previous_hash": record.previous_hash,
            "hash": record.hash,
        },
        ensure_ascii=False,
        default=str,
    ).encode("utf-8")


def _record_of(raw: bytes) -> HistoryRecord:
    item = json.loads(raw.decode("utf-8"))
    return HistoryRecord(
        seq=int(item["seq"]),
        kind=item["kind"],
        applicant_id=str(item["applicant_id"]),
        on=date.fromisoformat(item["on"]),
        recorded_at=datetime.fromisoformat(item["recorded_at"]),
        data=item["data"],
        previous_hash=str(item["previous_hash"]),
        hash=str(item["hash"]),
    )


class RoundStore:
    """Rounds in one database; the caller holds the database for the duration (the service's lock)."""

    def __init__(self, engine: Engine, secret: bytes) -> None:
        self.engine = engine
        self._aead = _cipher(secret)
        for statement in SCHEMA:
            engine.execute(statement)

    def _seal(self, plain: bytes, context: bytes) -> tuple[bytes, bytes]:
        nonce = os.urandom(12)
        return nonce, self._aead.encrypt(nonce, plain, context)

    def _open(self, nonce: bytes, sealed: bytes, context: bytes) -> bytes:
        try:
            return self._aead.decrypt(bytes(nonce), bytes(sealed), context)
        except Exception:  # cryptography raises InvalidTag: the row was altered or the key is another register's
            raise UserError(
                "积分轮次数据无法解密（数据被改动或密钥不符）",
                "a points round cannot be decrypted (the data were altered or the key does not match)",
                code="round_sealed",
            ) from None

    def create(
        self,
        *,
        title: str,
        rules: str,
        rules_id: str,
        rules_sha256: str,
        quota: int | None,
        opens: date,
        closes: date,
        file_name: str,
        applicants: bytes,
        applicant_count: int,
        created_by: str | None,
        now: datetime,
        evidence_on: date | None = None,
    ) -> int:
        """Store a new round; returns its number."""
        round_id = int(self.engine.scalar("SELECT coalesce(max(round_id), 0) + 1 FROM points_rounds"))
        nonce, sealed = self._seal(applicants, f"round {round_id}".encode())
        self.engine.execute(
            "INSERT INTO points_rounds VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?)",
            [
                round_id,
                title,
                rules,
                rules_id,
                rules_sha256,
                quota,
                opens,
                closes,
                now,
                created_by,
                file_name,
                hashlib.sha256(applicants).hexdigest(),
                applicant_count,
                nonce,
                sealed,
                evidence_on,
            ],
        )
        return round_id

    def rounds(self) -> list[RoundInfo]:
        """Every stored round, newest first."""
        rows = self.engine.rows(f"SELECT {', '.join(INFO_COLUMNS)} FROM points_rounds ORDER BY round_id DESC")
        return [RoundInfo(*row) for row in rows]

    def info(self, round_id: int) -> RoundInfo:
        """One round's description; an unknown number is a user error."""
        rows = self.engine.rows(f"SELECT {', '.join(INFO_COLUMNS)} FROM points_rounds WHERE round_id = ?", [round_id])
        if not rows:
            raise UserError(f"没有第 {round_id} 轮积分", f"no points round {round_id}", code="unknown_round")
        return RoundInfo(*rows[0])

    def applicants(self, round_id: int) -> bytes:
        """The applicants file of a round as uploaded (checked against its stored SHA-256)."""
        info = self.info(round_id)
        nonce, sealed = self.engine.rows("SELECT nonce, applicants FROM points_rounds WHERE round_id = ?", [round_id])[
            0
        ]
        plain = self._open(nonce, sealed, f"round {round_id}".encode())
        if hashlib.sha256(plain).hexdigest() != info.applicants_sha256:
            raise UserError(
                f"第 {round_id} 轮的申请人文件与记录的校验值不符",
                f"round {round_id}: the applicants file does not match its recorded checksum",
                code="round_sealed",
            )
        return plain

    def records(self, round_id: int) -> tuple[HistoryRecord, ...]:
        """The round's history, oldest first."""
        rows = self.engine.rows(
            "SELECT seq, nonce, sealed FROM points_history WHERE round_id = ? ORDER BY seq", [round_id]
        )
        return tuple(
            _record_of(self._open(nonce, sealed, f"round {round_id} seq {seq}".encode())) for seq, nonce, sealed in rows
        )

    def append(self, round_id: int, records: tuple[HistoryRecord, ...]) -> None:
        """Store history records not stored yet (those after the last stored sequence number)."""
        last = int(
            self.engine.scalar("SELECT coalesce(max(seq), 0) FROM points_history WHERE round_id = ?", [round_id])
        )
        for record in records:
            if record.seq <= last:
                continue
            nonce, sealed = self._seal(_record_json(record), f"round {round_id} seq {record.seq}".encode())
            self.engine.execute(
                "INSERT INTO points_history VALUES (?, ?, ?, ?, ?, ?, ?)",
                [round_id, record.seq, record.kind, record.recorded_at, record.hash, nonce, sealed],
            )

    def publish(self, round_id: int, by: str | None, now: datetime) -> RoundInfo:
        """Mark the round's public list as published (once)."""
        info = self.info(round_id)
        if info.published_at is None:
            self.engine.execute(
                "UPDATE points_rounds SET published_at = ?, published_by = ? WHERE round_id = ?", [now, by, round_id]
            )
        return self.info(round_id)
