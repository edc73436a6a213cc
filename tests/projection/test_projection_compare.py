"""``renkou projection compare``: the cohort projection from the register beside trend and regression models,
checked against the register's own totals and independent fits (numpy.polyfit, an exact linear relation)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from projection_helpers import read_csv, run_cli

from renkou.register.store import Register

AS_OF = "2020-12-31"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_compare_from_the_register(tmp_path: Path, synthetic_db: Path, synthetic_register: Register) -> None:
    from renkou.register.population import population_by

    # A covariate exactly linear in the observed totals: the regression must reproduce them and follow the path.
    history_years = list(range(2015, 2021))
    observed = [
        sum(
            r["population"]
            for r in population_by(synthetic_register.engine, date(y, 12, 31), "resident", ()).to_pylist()
        )
        for y in history_years
    ]
    lines = ["year,jobs"] + [f"{y},{(p - 1000) / 2}" for y, p in zip(history_years, observed, strict=True)]
    lines += ["2021,12000", "2025,13000"]  # 2022-2024 and 2026+ missing: extended by the straight line
    covariates = _write(tmp_path / "cov.csv", "\n".join(lines) + "\n")
    out = tmp_path / "compare"
    result = run_cli(
        "projection", "compare", "--db", synthetic_db, "--as-of", AS_OF, "--steps", "10",
        "--covariates", covariates, "--out", out, "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["history"]["years"] == history_years
    assert report["history"]["population"] == observed
    assert report["years"] == list(range(2020, 2031))
    assert set(report["cohort"]) == {"low", "medium", "high"}
    assert report["cohort"]["medium"][0] == pytest.approx(observed[-1] - _left_out(synthetic_register), abs=0.01)
    years = report["model_years"]
    assert years == list(range(2015, 2031))

    slope, intercept = np.polyfit(history_years, observed, 1)
    np.testing.assert_allclose(report["models"]["linear"]["population"], intercept + slope * np.array(years), atol=0.01)
    regression = report["models"]["regression"]
    assert regression["parameters"]["jobs"] == pytest.approx(2.0, rel=1e-9)
    assert regression["parameters"]["intercept"] == pytest.approx(1000.0, rel=1e-9)
    values = dict(zip(years, regression["population"], strict=True))
    for y, p in zip(history_years, observed, strict=True):
        assert values[y] == pytest.approx(p, abs=0.01)
    assert values[2021] == pytest.approx(1000 + 2 * 12000, abs=0.01)
    assert values[2025] == pytest.approx(1000 + 2 * 13000, abs=0.01)
    assert values[2023] == pytest.approx(1000 + 2 * 12500, abs=0.01)  # jobs interpolated between 2021 and 2025
    assert any("covariate jobs: no value for 2022-2024, 2026-2030: interpolated" in note for note in report["notes"])

    rows = read_csv(out / "comparison.csv")
    assert [int(r["year"]) for r in rows] == years
    assert float(rows[0]["observed"]) == observed[0] and rows[0]["cohort_medium"] == ""
    last = rows[-1]
    assert float(last["cohort_medium"]) == pytest.approx(report["cohort"]["medium"][-1], abs=0.06)
    assert float(last["linear"]) == pytest.approx(intercept + slope * 2030, abs=0.06)
    assert float(last["linear_low95"]) < float(last["linear"]) < float(last["linear_high95"])
    assert (out / "comparison.png").read_bytes()[:4] == b"\x89PNG"
    assert json.loads((out / "comparison.json").read_text(encoding="utf-8"))["models"].keys() == report["models"].keys()


def _left_out(register: Register) -> int:
    from renkou.projection.from_register import estimate_from_register

    return estimate_from_register(register, date(2020, 12, 31)).left_out


def test_compare_with_a_history_file_and_no_covariates(tmp_path: Path, synthetic_db: Path) -> None:
    history = _write(tmp_path / "h.csv", "year,population\n2016,100\n2018,110\n2020,121\n2017,105\n2019,115.5\n")
    result = run_cli(
        "projection", "compare", "--db", synthetic_db, "--as-of", AS_OF, "--steps", "3",
        "--history", history, "--out", tmp_path / "c",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = read_csv(tmp_path / "c" / "comparison.csv")
    assert [r["year"] for r in rows] == ["2016", "2017", "2018", "2019", "2020", "2021", "2022", "2023"]
    assert "regression" not in rows[0]
    assert float(rows[1]["observed"]) == 105
    assert "linear 2023" in result.stdout and "wrote" in result.stdout


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("cov.csv", "year,gdp\n2019,1\n2020,x\n", "key line 3.gdp has invalid value 'x': expected a number"),
        ("cov.csv", "year,gdp\n2019,1\n2020,\n", "key line 3.gdp has invalid value '': empty in a year up to 2020"),
        ("cov.csv", "year,gdp\n2019,1\n2019,2\n", "key line 3.year has invalid value '2019': the year appears twice"),
        ("cov.csv", "when,gdp\n2019,1\n", "key header has invalid value 'when,gdp': the first column must be year"),
        ("cov.csv", "year\n2019\n", "at least one covariate column"),
        ("cov.csv", "year,gdp\n2019,1,2\n", "key line 2 has invalid value '2019,1,2': expected 2 columns"),
        ("cov.csv", "year,gdp\n20x9,1\n", "key line 2.year has invalid value '20x9': expected a whole year"),
        ("cov.csv", "year,a,b\n2019,1,2\n2020,2,3\n", "cannot fit the regression: the covariates cover 2 history"),
        ("h.csv", "year,population\n2018,5\n2019,-1\n2020,3\n", "key line 3.population has invalid value '-1'"),
        ("h.csv", "year,population\n2019,5\n2020,6\n", "key rows has invalid value 2: at least 3 years"),
        ("h.csv", "year,persons\n2018,5\n", "key header has invalid value 'year,persons': the header must be"),
        ("cov.csv", "year,gdp,gdp\n2019,1,2\n", "key header has invalid value 'gdp': a covariate name is empty"),
        (
            "cov.csv",
            "year,a,b\n" + "".join(f"{y},{y - 2000},{2 * (y - 2000)}\n" for y in range(2015, 2021)),
            "cannot fit the regression: the covariates are collinear",
        ),
    ],
)
def test_bad_input_files(tmp_path: Path, synthetic_db: Path, name: str, text: str, expected: str) -> None:
    path = _write(tmp_path / name, text)
    option = "--covariates" if name == "cov.csv" else "--history"
    result = run_cli(
        "projection", "compare", "--db", synthetic_db, "--as-of", AS_OF, option, path, "--out", tmp_path / "c"
    )
    assert result.returncode == 1
    assert str(path) in result.stderr and expected in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (("--as-of", "2020-13-01"), "not a date YYYY-MM-DD: 2020-13-01"),
        (("--as-of", AS_OF, "--steps", "0"), "--steps 0: must be between 1 and 100"),
        (("--as-of", AS_OF, "--kind", "floating"), "--kind must be resident or registered: floating"),
        (("--as-of", AS_OF, "--covariates", "missing.csv"), "cannot read missing.csv"),
    ],
)
def test_bad_options(tmp_path: Path, extra: tuple[str, ...], expected: str) -> None:
    result = run_cli("projection", "compare", "--db", tmp_path / "none.duckdb", "--out", tmp_path / "c", *extra)
    assert result.returncode == 1 and expected in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_register(tmp_path: Path) -> None:
    missing = tmp_path / "none.duckdb"
    result = run_cli("projection", "compare", "--db", missing, "--as-of", AS_OF, "--out", tmp_path / "c")
    assert result.returncode == 1 and str(missing) in result.stderr
    assert not missing.exists()
