"""A synthetic city at CI scale, ingested once per session, and one linkage run over it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from renkou.register.store import Register

LINK_SCALE = 0.002


@dataclass
class LinkedCity:
    """The register database, the ground truth and the first run's summary."""

    db: Path
    truth: Path
    run: object


@pytest.fixture(scope="session")
def linked_city(tmp_path_factory: pytest.TempPathFactory) -> LinkedCity:
    """Synthetic Hangzhou at scale 0.002 (default dirt rates), ingested, linked once with the default settings."""
    from renkou.demo import department_files
    from renkou.linkage.run import run_linkage
    from renkou.linkage.settings import LinkSettings
    from renkou.synth.city import generate

    folder = tmp_path_factory.mktemp("link-city")
    generate(folder / "files", scale=LINK_SCALE, seed=5)
    db = folder / "renkou.duckdb"
    register = Register.open(db, city="330100")
    for path in department_files(folder / "files"):
        register.ingest([path])
    run = run_linkage(register, LinkSettings())
    register.close()
    return LinkedCity(db, folder / "files" / "truth" / "dirt.parquet", run)
