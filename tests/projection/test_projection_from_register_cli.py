"""``renkou project --from-register``: bad options give one bilingual line and exit code 1, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from projection_helpers import run_cli


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ((), "--from-register needs --as-of"),
        (("--as-of", "2020-02-30"), "not a date YYYY-MM-DD: 2020-02-30"),
        (("--as-of", "2020-12-31", "--base", "b.csv"), "cannot be combined with --base"),
        (("--as-of", "2020-12-31", "--steps", "0"), "--steps 0: must be between 1 and 100"),
        (("--as-of", "2020-12-31", "--trajectories", "1"), "--trajectories 1: at least 2"),
    ],
)
def test_bad_options(tmp_path: Path, extra: tuple[str, ...], expected: str) -> None:
    result = run_cli("project", "--from-register", tmp_path / "r.duckdb", "--out", tmp_path / "o.csv", *extra)
    assert result.returncode == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_missing_register_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "none.duckdb"
    result = run_cli("project", "--from-register", missing, "--as-of", "2020-12-31", "--out", tmp_path / "o.csv")
    assert result.returncode == 1 and str(missing) in result.stderr
    assert not missing.exists()  # a typo must not create an empty register


def test_register_options_need_from_register(tmp_path: Path) -> None:
    result = run_cli("project", "--base", tmp_path / "b.csv", "--as-of", "2020-12-31", "--out", tmp_path / "o.csv")
    assert result.returncode == 1 and "--as-of needs --from-register" in result.stderr
