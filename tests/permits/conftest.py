"""Fixtures for the permit tests: a register with residence registrations of synthetic migrants.

The register is built once per session and copied (database and key file) for each test that writes, since
creating a register (division table) and loading a batch take about a second each.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the shared officer_service module

from permits_helpers import calendar, residence_row, rules, write_csv

from renkou.permits.desk import PermitDesk
from renkou.register.store import Register

DB_NAME = "renkou.duckdb"


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrants registered in Hangzhou districts (西湖区 330106, 拱墅区 330105) with employment or housing."""
    folder = tmp_path_factory.mktemp("permits-template")
    reg = Register.open(folder / DB_NAME, city="330100")
    rows = [
        residence_row("zhao", "2019-01-05", "330106", employment="employed"),
        residence_row("sun", "2019-01-05", "330106", housing="rented"),
        residence_row("qian", "2019-01-05", "330105"),  # no employment, housing or study on record
        residence_row("zhou", "2019-02-01", "330105", employment="student"),
        residence_row("wu", "2018-06-01", "330105", housing="owned"),
        residence_row("wang", "2019-01-05", "330106"),  # hukou in Hangzhou
    ]
    [summary] = reg.ingest([write_csv(folder / "residence-2019.csv", rows)])
    assert summary.accepted == len(rows), summary
    reg.close()
    return folder


@pytest.fixture
def db_path(template: Path, tmp_path: Path) -> Path:
    """A private copy of the template register (database and key file)."""
    for name in (DB_NAME, f"{DB_NAME}.key"):
        shutil.copy2(template / name, tmp_path / name)
    return tmp_path / DB_NAME


@pytest.fixture
def register(db_path: Path) -> Iterator[Register]:
    """The copied register, open for writing."""
    reg = Register.open(db_path)
    yield reg
    reg.close()


@pytest.fixture
def desk(register: Register) -> PermitDesk:
    """The permit desk over the register with the national rules and the official calendar."""
    return PermitDesk(register, rules(), calendar())


@pytest.fixture
def permits_env(template: Path, tmp_path: Path) -> Iterator[object]:
    """A service (clock at 1 June 2021) over a copy of the template register, and a client of its app."""
    from fastapi.testclient import TestClient
    from permits_service import Env, copy_register, open_service

    from renkou.api.app import create_app

    service = open_service(copy_register(template, tmp_path))
    with TestClient(create_app(service), client=("203.0.113.6", 40000), follow_redirects=False) as client:
        yield Env(service, client)
    service.close()
