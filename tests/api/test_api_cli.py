"""The CLI: ``renkou serve`` owns the register (other writers get a one-line message), the first admin is created
without any default password (directly, or through a running server), ``renkou admin verify-audit``."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from renkou.api.cli import mask_path
from renkou.register.store import Register

PASSWORD = "a long admin passphrase"


def renkou(*args: str, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "renkou.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_access_log_paths_are_masked() -> None:
    number = "11010519491231002X"
    assert mask_path(f"/api/persons/{number}") == "/api/persons/110105********002X"
    assert mask_path(f"/api/persons/{number}?reason=查 王伟") == "/api/persons/110105********002X?…"
    assert mask_path(f"/api/audit?id_number={number}&limit=5") == "/api/audit?id_number=110105********002X&limit=5"
    assert mask_path("/api/public/population?year=2020") == "/api/public/population?year=2020"


def test_create_admin_directly_and_its_errors(db_path: Path) -> None:
    made = renkou(
        "admin", "create-admin", "--db", str(db_path), "--username", "root1", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert made.returncode == 0, made.stderr
    assert "root1" in made.stdout
    again = renkou(
        "admin", "create-admin", "--db", str(db_path), "--username", "root1", "--password-stdin", stdin=PASSWORD
    )
    assert again.returncode == 1 and again.stderr.count("\n") == 1 and "already exists" in again.stderr
    weak = renkou(
        "admin", "create-admin", "--db", str(db_path), "--username", "root2", "--password-stdin", stdin="short\n"
    )
    assert weak.returncode == 1 and "Traceback" not in weak.stderr and "12 characters" in weak.stderr
    missing = renkou(
        "admin",
        "create-admin",
        "--db",
        str(db_path.parent / "nope.duckdb"),
        "--username",
        "root3",
        "--password-stdin",
        stdin=PASSWORD,
    )
    assert missing.returncode == 1 and "not found" in missing.stderr
    register = Register.open(db_path, read_only=True)
    try:
        rows = register.engine.rows("SELECT username, role, password_hash FROM api_users")
        logged = register.engine.rows("SELECT action, target FROM audit_log")
    finally:
        register.close()
    assert [(u, r) for u, r, _ in rows] == [("root1", "admin")]
    assert rows[0][2].startswith("$argon2id$") and PASSWORD not in rows[0][2]
    assert ("account.create", "root1") in logged


def test_verify_audit_command(db_path: Path) -> None:
    renkou("admin", "create-admin", "--db", str(db_path), "--username", "root1", "--password-stdin", stdin=PASSWORD)
    ok = renkou("admin", "verify-audit", "--db", str(db_path))
    assert ok.returncode == 0 and "intact" in ok.stdout
    register = Register.open(db_path)
    register.engine.execute("UPDATE audit_log SET target = 'someone' WHERE seq = 1")
    register.close()
    broken = renkou("admin", "verify-audit", "--db", str(db_path))
    assert broken.returncode == 1 and "audit entry 1" in broken.stderr


@pytest.mark.slow
def test_serve_owns_the_register_and_creates_the_first_admin_through_the_server(db_path: Path, tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "renkou.cli", "serve", "--db", str(db_path), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        setup_file = Path(f"{db_path}.setup")
        assert setup_file.exists()
        assert oct(setup_file.stat().st_mode & 0o777) == "0o600"
        # No admin can be made through the setup endpoint without the secret.
        assert httpx.post(f"{base}/api/setup/admin", json={"username": "x1x", "password": "y" * 20}).status_code == 403
        made = renkou(
            "admin", "create-admin", "--db", str(db_path), "--username", "root1", "--password-stdin", stdin=PASSWORD
        )
        assert made.returncode == 0, made.stderr
        assert not setup_file.exists()
        login = httpx.post(f"{base}/api/auth/login", json={"username": "root1", "password": PASSWORD})
        assert login.status_code == 200 and login.json()["user"]["role"] == "admin"
        second = renkou(
            "admin", "create-admin", "--db", str(db_path), "--username", "root2", "--password-stdin", stdin=PASSWORD
        )
        assert second.returncode == 1 and "an admin exists" in second.stderr
        # Another process that wants to write the register gets one clear line, not a lock traceback.
        extra = tmp_path / "hukou_more.csv"
        extra.write_text("event_type,id_number,occurred_on,hukou_region\n", encoding="utf-8")
        blocked = renkou("ingest", str(extra), "--db", str(db_path))
        assert blocked.returncode == 1
        assert "Traceback" not in blocked.stderr and blocked.stderr.count("\n") == 1
        assert "renkou serve" in blocked.stderr
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert not Path(f"{db_path}.setup").exists()
    assert server.returncode == 0, server.stderr.read() if server.stderr else ""


def test_serve_refuses_a_missing_database_and_a_busy_port(tmp_path: Path, db_path: Path) -> None:
    missing = renkou("serve", "--db", str(tmp_path / "none.duckdb"), "--port", str(free_port()))
    assert missing.returncode == 1 and "not found" in missing.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = renkou("serve", "--db", str(db_path), "--port", str(busy.getsockname()[1]))
    assert taken.returncode == 1 and "cannot listen" in taken.stderr and "Traceback" not in taken.stderr


def test_module_help_is_bilingual() -> None:
    result = renkou("admin", "--help")
    assert result.returncode == 0
    assert "create-admin" in result.stdout and "账户" in result.stdout
    assert os.environ.get("RENKOU_FAULT") is None
