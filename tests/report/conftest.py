"""A small synthetic city register, built once per test session, and the report rendered from it in each format."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from report_constants import SCALE, TODAY, YEAR

from renkou.register.store import Register


@pytest.fixture(scope="session")
def report_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The register database of a synthetic Hangzhou at scale 0.0005 (all department files ingested)."""
    from renkou.demo import department_files
    from renkou.synth.city import generate

    folder = tmp_path_factory.mktemp("report-city")
    generate(folder / "files", scale=SCALE, seed=3)
    db = folder / "renkou.duckdb"
    register = Register.open(db, city="330100")
    for path in department_files(folder / "files"):
        register.ingest([path])
    register.close()
    return db


@pytest.fixture(scope="session")
def register(report_db: Path) -> Iterator[Register]:
    """The register opened read-only for the whole session."""
    opened = Register.open(report_db, read_only=True)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def report_data(register: Register):  # type: ignore[no-untyped-def]
    """The gathered figures of 2020."""
    from renkou.report.gather import gather

    return gather(register, YEAR, today=TODAY)


@pytest.fixture(scope="session")
def report_model(report_data):  # type: ignore[no-untyped-def]
    """The document model of 2020."""
    from renkou.report.build import build_report

    return build_report(report_data)


@pytest.fixture(scope="session")
def rendered(report_model, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    """The 2020 report written as HTML, PDF and Word."""
    from renkou.report.render_docx import render_docx
    from renkou.report.render_html import render_html
    from renkou.report.render_pdf import render_pdf

    folder = tmp_path_factory.mktemp("report-out")
    paths = {fmt: folder / f"report-2020.{fmt}" for fmt in ("html", "pdf", "docx")}
    paths["html"].write_text(render_html(report_model), encoding="utf-8")
    paths["pdf"].write_bytes(render_pdf(report_model))
    paths["docx"].write_bytes(render_docx(report_model))
    return paths
