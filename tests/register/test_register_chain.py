"""The hash chain: any edit, deletion, insertion or reordering of events is found by verify."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import HUKOU_HEADER, write_csv

from renkou.register.store import Register


@pytest.fixture
def loaded(tmp_path: Path, people: dict[str, str]) -> Path:
    db = tmp_path / "chain.duckdb"
    register = Register.open(db)
    rows_a = [
        ["baseline", people[name], name, "2015-12-31", "", "", "330106", "", ""] for name in ("wang", "li", "zhang")
    ]
    rows_b = [["baseline", people[name], name, "2016-01-31", "", "", "330102", "", ""] for name in ("chen", "zhao")]
    register.ingest(
        [
            write_csv(tmp_path / "hukou_a.csv", HUKOU_HEADER, rows_a),
            write_csv(tmp_path / "hukou_b.csv", HUKOU_HEADER, rows_b),
        ],
        today=date(2021, 1, 1),
    )
    assert register.verify(deep=True).ok
    register.close()
    return db


def tamper(db: Path, *statements: str) -> None:
    register = Register.open(db)
    for statement in statements:
        register.engine.execute(statement)
    register.close()


def verify(db: Path) -> tuple[bool, int | None]:
    register = Register.open(db, read_only=True)
    result = register.verify()
    register.close()
    return result.ok, result.first_broken_event


def test_intact_chain_verifies(loaded: Path) -> None:
    assert verify(loaded) == (True, None)


def test_edited_attribute_is_found(loaded: Path) -> None:
    tamper(loaded, "UPDATE events SET hukou_region = '330102' WHERE event_id = 2")
    assert verify(loaded) == (False, 2)


def test_edited_hash_too_is_found_by_the_chain(loaded: Path) -> None:
    # An attacker who recomputes the event's own hashes still breaks the batch chain.
    from renkou.register.transform import event_hash_expression, first_half, second_half

    rehashed = event_hash_expression("source")
    tamper(
        loaded,
        "UPDATE events SET hukou_region = '330102' WHERE event_id = 2",
        f"UPDATE events SET hash_hi = {first_half(rehashed)}, hash_lo = {second_half(rehashed)} WHERE event_id = 2",
    )
    ok, first = verify(loaded)
    assert not ok
    assert first == 1  # the first event of the broken batch


def test_deleted_event_is_found(loaded: Path) -> None:
    tamper(loaded, "DELETE FROM events WHERE event_id = 4")
    ok, first = verify(loaded)
    assert not ok and first == 4


def test_inserted_event_is_found(loaded: Path) -> None:
    tamper(loaded, "INSERT INTO events SELECT * REPLACE (99 AS event_id) FROM events WHERE event_id = 1")
    ok, _ = verify(loaded)
    assert not ok


def test_altered_identity_is_found(loaded: Path) -> None:
    tamper(loaded, "UPDATE identity SET ciphertext = ciphertext || '\\x00'::BLOB WHERE event_id = 4")
    ok, first = verify(loaded)
    assert not ok and first == 4  # the first event of batch 2, whose chain no longer holds


def test_reordered_events_are_found(loaded: Path) -> None:
    tamper(
        loaded,
        "UPDATE events SET event_id = -1 WHERE event_id = 1",
        "UPDATE events SET event_id = 1 WHERE event_id = 2",
        "UPDATE events SET event_id = 2 WHERE event_id = -1",
    )
    ok, first = verify(loaded)
    assert not ok and first == 1


def test_verify_command_exit_codes(loaded: Path) -> None:
    command = [sys.executable, "-m", "renkou.cli", "verify", "--db", str(loaded)]
    good = subprocess.run(command, capture_output=True, text=True, check=False)
    assert good.returncode == 0, good.stderr
    assert "intact" in good.stdout
    tamper(loaded, "UPDATE events SET sex = 'M' WHERE event_id = 3")
    bad = subprocess.run(command, capture_output=True, text=True, check=False)
    assert bad.returncode != 0
    assert "event 3" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_verify_command_covers_the_audit_log(loaded: Path) -> None:
    from datetime import UTC, datetime

    from renkou.api.audit import AuditEvent, append
    from renkou.api.schema import ensure_schema

    register = Register.open(loaded)
    ensure_schema(register.engine)
    for target in ("a", "b", "c"):
        append(register.engine, AuditEvent(action="person.read", actor="clerk1", target=target), datetime.now(UTC))
    register.close()
    command = [sys.executable, "-m", "renkou.cli", "verify", "--db", str(loaded)]
    assert subprocess.run(command, capture_output=True, text=True, check=False).returncode == 0
    tamper(loaded, "UPDATE audit_log SET actor = 'someone else' WHERE seq = 2")
    bad = subprocess.run(command, capture_output=True, text=True, check=False)
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr
    assert "审计" in bad.stderr or "audit" in bad.stderr.lower()


def test_register_of_another_format_version_is_refused_in_one_line(tmp_path: Path) -> None:
    import duckdb

    from renkou.errors import UserError

    path = tmp_path / "old.duckdb"
    Register.open(path).close()
    with duckdb.connect(str(path)) as connection:
        connection.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with pytest.raises(UserError, match="version 1"):
        Register.open(path)
