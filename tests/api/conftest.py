"""Fixtures for the API tests: the synthetic city's register built once per worker, copied for each test; a service
with a settable clock; accounts of every role; a client that logs in."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from api_city import City, build_city
from fastapi.testclient import TestClient

from renkou.api import accounts
from renkou.api.app import create_app
from renkou.api.permissions import Role
from renkou.api.service import Service
from renkou.api.settings import ServiceSettings
from renkou.register.store import Register

# argon2id at its smallest cost: the tests check behaviour, not the hash's strength (production uses the defaults).
FAST = ServiceSettings(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1)
START = datetime(2021, 6, 1, 9, 0, 0)
PASSWORD = "correct horse battery staple"

USERS: dict[str, dict[str, object]] = {
    "admin1": {"role": Role.ADMIN},
    "clerk_xihu": {"role": Role.CLERK, "districts": ["330106"]},
    "clerk_shangcheng": {"role": Role.CLERK, "districts": ["330102"]},
    "steward_hukou": {"role": Role.STEWARD, "feed": "hukou"},
    "analyst1": {"role": Role.ANALYST},
    "points1": {"role": Role.POINTS_OFFICER},
    "disclosure1": {"role": Role.DISCLOSURE_OFFICER},
    "auditor1": {"role": Role.AUDITOR},
}
ROLE_USER = {str(spec["role"]): name for name, spec in USERS.items() if name != "clerk_shangcheng"}


@dataclass
class Clock:
    """A clock the tests move by hand."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Built:
    """The template register and the city it holds."""

    directory: Path
    city: City


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    directory = tmp_path_factory.mktemp("api_register")
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


@pytest.fixture
def db_path(built: Built, tmp_path: Path) -> Path:
    """A private copy of the template register (database and key file)."""
    target = tmp_path / "renkou.duckdb"
    shutil.copy(built.directory / "renkou.duckdb", target)
    shutil.copy(built.directory / "renkou.duckdb.key", tmp_path / "renkou.duckdb.key")
    return target


@dataclass
class Env:
    """A service on a private register, its app's client and the users' passwords."""

    service: Service
    client: TestClient
    clock: Clock
    city: City
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, username: str) -> dict[str, str]:
        """Bearer headers of a logged-in user (logging in on first use)."""
        if username not in self.tokens:
            response = self.client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
            assert response.status_code == 200, response.text
            self.tokens[username] = response.json()["token"]
            self.client.cookies.clear()  # keep requests explicit: bearer header only
        return {"Authorization": f"Bearer {self.tokens[username]}"}


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


@pytest.fixture
def env(db_path: Path, city: City) -> Iterator[Env]:
    clock = Clock()
    service = Service.open(db_path, FAST, clock)
    make_users(service)
    # The API alone: the pages (renkou.web) have their own tests and are built in parallel.
    with TestClient(create_app(service, pages=False), client=("203.0.113.7", 50000)) as client:
        yield Env(service, client, clock, city)
    service.close()
