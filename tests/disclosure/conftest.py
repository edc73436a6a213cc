"""Fixtures for the disclosure tests that need storage: an empty register made once per worker and copied for each
test, the officer's desk on it with a fixed clock, and a service with a disclosure officer and an analyst."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from renkou.api import accounts
from renkou.api.permissions import Role
from renkou.api.settings import ServiceSettings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the shared browser_support module

FAST = ServiceSettings(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1)
PASSWORD = "correct horse battery staple"
USERS = {"disclosure1": Role.DISCLOSURE_OFFICER, "analyst1": Role.ANALYST}


@dataclass
class FixedClock:
    """A clock the tests set by hand (UTC; 02:00 UTC is 10:00 in Shanghai, the same calendar day)."""

    now: datetime = datetime(2026, 3, 2, 2, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def set_day(self, day: str) -> None:
        self.now = datetime.fromisoformat(day).replace(hour=2)


@pytest.fixture(scope="session")
def template_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from renkou.register.store import Register

    folder = tmp_path_factory.mktemp("disclosure_register")
    Register.open(folder / "renkou.duckdb", city="330100").close()
    return folder


@pytest.fixture
def db_path(template_register: Path, tmp_path: Path) -> Path:
    """A private copy of the empty register (database and key file)."""
    target = tmp_path / "renkou.duckdb"
    shutil.copy(template_register / "renkou.duckdb", target)
    shutil.copy(template_register / "renkou.duckdb.key", tmp_path / "renkou.duckdb.key")
    return target


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def desk(db_path: Path, clock: FixedClock) -> Iterator[object]:
    from renkou.disclosure.fee_rules import load_fee_schedule
    from renkou.disclosure.notices import load_calendar
    from renkou.disclosure.officer import Desk
    from renkou.disclosure.store import DisclosureStore
    from renkou.register.store import Register

    register = Register.open(db_path)
    try:
        yield Desk(
            DisclosureStore.for_register(register, clock=clock), load_calendar(use_env=False), load_fee_schedule()
        )
    finally:
        register.close()


@dataclass
class ServiceEnv:
    """A service on a private empty register, its client and clock."""

    service: object
    client: TestClient
    clock: FixedClock
    user: str | None = None

    def day(self, day: str) -> None:
        """Move the clock to ``day`` and sign in again as the same user (sessions do not last days)."""
        self.clock.set_day(day)
        self.login(self.user)

    def login(self, username: str | None) -> None:
        """Sign in with a session cookie (None: sign out); later requests carry the cookie and the CSRF header."""
        self.user = username
        self.client.cookies.clear()
        self.client.headers.pop("X-CSRF-Token", None)
        if username is None:
            return
        response = self.client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        self.client.headers["X-CSRF-Token"] = response.json()["csrf_token"]


def open_service(db_path: Path, clock: FixedClock) -> object:
    from renkou.api.service import Service

    service = Service.open(db_path, FAST, clock)
    with service.database() as engine:
        for name, role in USERS.items():
            accounts.create_user(
                engine,
                service.hasher,
                service.settings,
                username=name,
                role=role,
                password=PASSWORD,
                now=service.now(),
            )
    return service


@pytest.fixture
def service_env(db_path: Path, clock: FixedClock) -> Iterator[ServiceEnv]:
    from renkou.api.app import create_app

    service = open_service(db_path, clock)
    with TestClient(create_app(service), client=("203.0.113.8", 50000), follow_redirects=False) as client:  # type: ignore[arg-type]
        yield ServiceEnv(service, client, clock)
    service.close()  # type: ignore[attr-defined]
