"""Fixtures shared by the projection tests: one tiny synthetic Hangzhou register for the whole session (building it
takes most of the register-based tests' time)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from renkou.register.store import Register


@pytest.fixture(scope="session")
def synthetic_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The file of a synthetic Hangzhou register at scale 0.002 with every department file ingested (closed)."""
    from renkou.demo import department_files
    from renkou.synth.city import generate

    folder = tmp_path_factory.mktemp("projection-register")
    generate(folder / "files", scale=0.002, seed=1)
    path = folder / "renkou.duckdb"
    register = Register.open(path, city="330100")
    try:
        for file in department_files(folder / "files"):
            register.ingest([file])
    finally:
        register.close()
    return path


@pytest.fixture(scope="session")
def synthetic_register(synthetic_db: Path) -> Iterator[Register]:
    """That register opened read-only (the CLI under test may open the same file read-only too)."""
    register = Register.open(synthetic_db, read_only=True)
    yield register
    register.close()
