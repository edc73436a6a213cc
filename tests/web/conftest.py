"""Fixtures for the web tests: the synthetic city's register built once per worker and copied for each test, a
service with a fixed clock, accounts of every role, and a client that logs in with the session cookie (as a browser
does) and sends the CSRF header on writes."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the shared service_city module

from service_city import (
    FAST,
    PASSWORD,
    ROLE_USER,
    USERS,
    WEB_CITY,
    Built,
    City,
    build_template,
    copy_register,
    make_users,
)

from renkou.api.app import create_app
from renkou.api.service import Service

NOW = datetime(2021, 6, 1, 9, 0, 0)
__all__ = ["FAST", "PASSWORD", "ROLE_USER", "USERS", "Built", "City", "copy_register", "make_users"]


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_template(tmp_path_factory.mktemp("web_register"), WEB_CITY)


@pytest.fixture
def city(built: Built) -> City:
    return built.city


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
