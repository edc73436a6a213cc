"""Fixtures for the web tests: the synthetic city's register built once per worker and copied for each test, a
service with a fixed clock, accounts of every role, and a client that logs in with the session cookie (as a browser
does) and sends the CSRF header on writes."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_city import City, build_city

from renkou.api import accounts
from renkou.api.app import create_app
from renkou.api.permissions import Role
from renkou.api.service import Service
from renkou.api.settings import ServiceSettings
from renkou.register.store import Register

# argon2id at its smallest cost: the tests check behaviour, not the hash's strength (production uses the defaults).
FAST = ServiceSettings(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1)
NOW = datetime(2021, 6, 1, 9, 0, 0)
PASSWORD = "correct horse battery staple"

USERS: dict[str, dict[str, object]] = {
    "admin1": {"role": Role.ADMIN},
    "clerk_xihu": {"role": Role.CLERK, "districts": ["330106"]},
    "clerk_shangcheng": {"role": Role.CLERK, "districts": ["330102"]},
    "steward_hukou": {"role": Role.STEWARD, "feed": "hukou"},
    "steward_health": {"role": Role.STEWARD, "feed": "health"},
    "analyst1": {"role": Role.ANALYST},
    "points1": {"role": Role.POINTS_OFFICER},
    "disclosure1": {"role": Role.DISCLOSURE_OFFICER},
    "auditor1": {"role": Role.AUDITOR},
}
ROLE_USER = {
    "admin": "admin1",
    "clerk": "clerk_xihu",
    "steward": "steward_hukou",
    "analyst": "analyst1",
    "points_officer": "points1",
    "disclosure_officer": "disclosure1",
    "auditor": "auditor1",
}


@dataclass
class Built:
    """The template register and the city it holds."""

    directory: Path
    city: City


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    directory = tmp_path_factory.mktemp("web_register")
    city = build_city(directory / "files")
    register = Register.open(directory / "renkou.duckdb", city="330100")
    try:
        summaries = register.ingest(city.files)
        assert all(s.quarantined == 0 and s.status == "loaded" for s in summaries), [s.to_json() for s in summaries]
    finally:
        register.close()
    return Built(directory, city)


@pytest.fixture
def city(built: Built) -> City:
    return built.city


def copy_register(built: Built, target_dir: Path) -> Path:
    """A private copy of the template register (database and key file)."""
    target = target_dir / "renkou.duckdb"
    shutil.copy(built.directory / "renkou.duckdb", target)
    shutil.copy(built.directory / "renkou.duckdb.key", target_dir / "renkou.duckdb.key")
    return target


def make_users(service: Service) -> None:
    with service.database() as engine:
        for name, spec in USERS.items():
            accounts.create_user(
                engine,
                service.hasher,
                service.settings,
                username=name,
                role=spec["role"],  # type: ignore[arg-type]
                password=PASSWORD,
                now=service.now(),
                districts=spec.get("districts", ()),  # type: ignore[arg-type]
                feed=spec.get("feed"),  # type: ignore[arg-type]
            )


def open_service(db_path: Path) -> Service:
    """A service on ``db_path`` whose clock stands still at :data:`NOW`, with every test account."""
    service = Service.open(db_path, FAST, lambda: NOW)
    make_users(service)
    return service


@dataclass
class Env:
    """A service on a private register and a client of its app."""

    service: Service
    client: TestClient
    city: City

    def login(self, username: str | None) -> dict[str, str]:
        """Log in with the cookie (``None``: stay anonymous); the headers a browser's script sends on writes."""
        self.client.cookies.clear()
        if username is None:
            return {}
        response = self.client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return {"X-CSRF-Token": response.json()["csrf_token"]}

    def bearer(self, username: str) -> dict[str, str]:
        """Headers of a script (an API token-like bearer session): no cookie, no CSRF header needed."""
        response = self.client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        self.client.cookies.clear()
        return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
def env(built: Built, tmp_path: Path) -> Iterator[Env]:
    service = open_service(copy_register(built, tmp_path))
    with TestClient(create_app(service), client=("203.0.113.9", 50000), follow_redirects=False) as client:
        yield Env(service, client, built.city)
    service.close()
