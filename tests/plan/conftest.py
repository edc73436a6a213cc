"""A tiny synthetic Hangzhou register (about 4 000 persons, 2016-2020), built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def plan_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The register database of a synthetic Hangzhou at scale 0.0002 (all department files ingested)."""
    from renkou.demo import department_files
    from renkou.register.store import Register
    from renkou.synth.city import generate

    folder = tmp_path_factory.mktemp("plan-city")
    generate(folder / "files", scale=0.0002, seed=1)
    db = folder / "renkou.duckdb"
    register = Register.open(db, city="330100")
    for path in department_files(folder / "files"):
        register.ingest([path])
    register.close()
    return db


@pytest.fixture(scope="session")
def projectable_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic Hangzhou at scale 0.002 (about 24 000 persons): enough deaths at every age group for the life
    tables a projection from the register needs (the scale-0.0002 one has none at 85+)."""
    from renkou.demo import department_files
    from renkou.register.store import Register
    from renkou.synth.city import generate

    folder = tmp_path_factory.mktemp("plan-city-002")
    generate(folder / "files", scale=0.002, seed=1)
    db = folder / "renkou.duckdb"
    register = Register.open(db, city="330100")
    for path in department_files(folder / "files"):
        register.ingest([path])
    register.close()
    return db
