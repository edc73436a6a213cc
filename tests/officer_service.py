"""A service over a test register with a fixed clock and the accounts a suite names; a client that logs in with
the session cookie and sends the CSRF header on writes, as the pages' scripts do. Shared by the points and permits
tests (each names its own clerks)."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fastapi.testclient import TestClient

from renkou.api import accounts
from renkou.api.service import Service
from renkou.api.settings import ServiceSettings

FAST = ServiceSettings(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1)
NOW = datetime(2021, 6, 1, 2, 0, 0)  # 10:00 in Hangzhou
PASSWORD = "correct horse battery staple"


def copy_register(template: Path, target: Path) -> Path:
    """A private copy of the template register (database and key file)."""
    for name in ("renkou.duckdb", "renkou.duckdb.key"):
        shutil.copy(template / name, target / name)
    return target / "renkou.duckdb"


def open_service_with(db_path: Path, users: Mapping[str, Mapping[str, object]]) -> Service:
    """The service with its clock standing at :data:`NOW` and the accounts ``users`` (name -> role, districts)."""
    service = Service.open(db_path, FAST, lambda: NOW)
    with service.database() as engine:
        for name, spec in users.items():
            accounts.create_user(
                engine,
                service.hasher,
                service.settings,
                username=name,
                role=spec["role"],  # type: ignore[arg-type]
                password=PASSWORD,
                now=service.now(),
                districts=spec.get("districts", ()),  # type: ignore[arg-type]
            )
    return service


@dataclass
class Env:
    """A service and a client of its app."""

    service: Service
    client: TestClient

    def login(self, username: str | None) -> dict[str, str]:
        """Log in with the cookie (None: anonymous); returns the CSRF header for writes."""
        self.client.cookies.clear()
        if username is None:
            return {}
        response = self.client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return {"X-CSRF-Token": response.json()["csrf_token"]}

    def audit(self, action: str) -> list[tuple[str, str, str, str]]:
        """(actor, target, outcome, detail) of the audit entries of ``action``, oldest first."""
        with self.service.database() as engine:
            rows = engine.rows(
                "SELECT actor, coalesce(target, ''), outcome, coalesce(detail, '') FROM audit_log WHERE action = ? "
                "ORDER BY seq",
                [action],
            )
        return [(str(a), str(t), str(o), str(d)) for a, t, o, d in rows]
