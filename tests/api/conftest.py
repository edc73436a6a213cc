"""Fixtures for the API tests: the synthetic city's register built once per worker, copied for each test; a service
with a settable clock; accounts of every role; a client that logs in."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the shared service_city module

from service_city import (
    API_CITY,
    FAST,
    PASSWORD,
    ROLE_USER,
    USERS,
    Built,
    City,
    build_template,
    copy_register,
    make_users,
)

from renkou.api.app import create_app
from renkou.api.service import Service

START = datetime(2021, 6, 1, 9, 0, 0)
__all__ = ["FAST", "PASSWORD", "ROLE_USER", "USERS", "City"]


@dataclass
class Clock:
    """A clock the tests move by hand."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_template(tmp_path_factory.mktemp("api_register"), API_CITY)


@pytest.fixture
def city(built: Built) -> City:
    return built.city


@pytest.fixture
def db_path(built: Built, tmp_path: Path) -> Path:
    """A private copy of the template register (database and key file)."""
    return copy_register(built, tmp_path)


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


@pytest.fixture
def env(db_path: Path, city: City) -> Iterator[Env]:
    clock = Clock()
    service = Service.open(db_path, FAST, clock)
    make_users(service)
    # The API alone: the pages (renkou.web) have their own tests and are built in parallel.
    with TestClient(create_app(service, pages=False), client=("203.0.113.7", 50000)) as client:
        yield Env(service, client, clock, city)
    service.close()
