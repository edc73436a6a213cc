"""Fixtures of the points tests that need the service: the small register built once per session and copied per
test, and a client of the app on it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the shared officer_service module

from points_city import build_register
from points_service import Env, copy_register, open_service

from renkou.api.app import create_app


@pytest.fixture(scope="session")
def points_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("points-service")
    build_register(folder)
    return folder


@pytest.fixture
def points_env(points_template: Path, tmp_path: Path) -> Iterator[Env]:
    service = open_service(copy_register(points_template, tmp_path))
    with TestClient(create_app(service), client=("203.0.113.5", 40000), follow_redirects=False) as client:
        yield Env(service, client)
    service.close()
