"""Quality scores: pure arithmetic on hand counts, and the measured counts against the synthetic city's truth."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from renkou.quality.measure import batch_counts, quality_report
from renkou.quality.scores import BatchCounts, combine, dimension_of, dimensions, score
from renkou.register.store import Register

SCALE = 0.0005


def test_dimensions_from_hand_counts() -> None:
    counts = BatchCounts(
        1,
        "civil",
        "civil_2016.csv",
        rows=200,
        accepted=180,
        duplicates=10,
        incomplete=4,
        invalid=6,
        inconsistent=2,
        timely=90,
    )
    dims = dimensions(counts)
    assert dims == {"completeness": 0.98, "validity": 0.97, "uniqueness": 0.95, "consistency": 0.99, "timeliness": 0.5}
    assert score(dims) == pytest.approx(100 * (0.98 + 0.97 + 0.95 + 0.99 + 0.5) / 5)
    assert score(dims, {"validity": 3, "timeliness": 1}) == pytest.approx(100 * (3 * 0.97 + 0.5) / 4)
    empty = BatchCounts(2, "civil", "x", 0, 0, 0, 0, 0, 0, 0)
    assert set(dimensions(empty).values()) == {1.0}
    both = combine([counts, counts], "civil")
    assert (both.rows, both.timely) == (400, 180) and dimensions(both) == dims


def test_reason_dimensions() -> None:
    assert dimension_of("id_missing") == "completeness"
    assert dimension_of("id_sex_mismatch") == "consistency"
    assert dimension_of("id_checksum") == "validity"


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A tiny synthetic city, ingested: (database, truth file)."""
    from renkou.demo import department_files
    from renkou.synth.city import generate

    folder = tmp_path_factory.mktemp("quality-city")
    generate(folder / "files", scale=SCALE, seed=11)
    db = folder / "renkou.duckdb"
    register = Register.open(db, city="330100")
    for path in department_files(folder / "files"):
        register.ingest([path])
    register.close()
    return db, folder / "files" / "truth" / "dirt.parquet"


def test_missing_ids_counted_as_the_truth_says(city: tuple[Path, Path]) -> None:
    db, truth = city
    # Independent count: rows the synthetic city left without an ID number, per file, straight from the truth.
    sql = f"SELECT file, count(*) FROM read_parquet('{truth}') WHERE kind = 'id_missing' GROUP BY file"
    expected = dict(duckdb.connect().execute(sql).fetchall())
    register = Register.open(db, read_only=True)
    try:
        measured = {b.file_name: b.incomplete for b in batch_counts(register.engine, 30) if b.incomplete}
        report = quality_report(register.engine)
    finally:
        register.close()
    assert measured == expected
    assert sum(expected.values()) > 0
    feeds = {str(r["feed"]) for r in report.departments}
    assert feeds == {"hukou", "residence", "health", "civil", "hrss", "housing"}
    for problem in report.worst_fields:
        for example in problem.examples:
            # A masked ID number never shows the birth date.
            if problem.column == "id_number" and example["value"]:
                assert "********" in str(example["value"])


def test_cli_formats(city: tuple[Path, Path], tmp_path: Path) -> None:
    db, _ = city
    run = [sys.executable, "-m", "renkou.cli", "quality", "--db", str(db)]
    as_json = subprocess.run([*run, "--format", "json"], capture_output=True, text=True, check=True)
    data = json.loads(as_json.stdout)
    assert len(data["batches"]) == sum(d["batches"] for d in data["departments"])
    page = tmp_path / "q.html"
    subprocess.run([*run, "--format", "html", "--out", str(page)], check=True)
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html and "完整性" in html and "hukou_2016.csv" in html
    missing = subprocess.run([*run[:-1], str(tmp_path / "none.duckdb")], capture_output=True, text=True)
    assert missing.returncode == 1 and missing.stderr.startswith("错误 / error:")
