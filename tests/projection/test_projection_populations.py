"""``renkou projection populations``: registered, registered-resident and floating-resident projections from the
synthetic register; the parts sum to the resident population, the bases are the register's counts."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from projection_helpers import read_csv, run_cli

from renkou.projection.from_register import OPEN_AGE
from renkou.register.store import Register

AS_OF = date(2020, 12, 31)


def _counts(register: Register, kind: str) -> dict[tuple[str, str, int], int]:
    from renkou.register.population import population_by

    out: dict[tuple[str, str, int], int] = defaultdict(int)
    for row in population_by(register.engine, AS_OF, kind, ("district", "sex", "age")).to_pylist():  # type: ignore[arg-type]
        if row["district"] is not None and row["sex"] in ("F", "M") and row["age"] is not None:
            out[(row["district"], row["sex"], min(row["age"], OPEN_AGE))] += row["population"]
    return out


def test_part_bases_split_the_resident_base(synthetic_register: Register) -> None:
    from renkou.projection.from_register import estimate_from_register
    from renkou.projection.from_register_parts import part_stocks

    estimates = estimate_from_register(synthetic_register, AS_OF)
    stocks = part_stocks(synthetic_register, AS_OF, estimates.codes)
    resident = _counts(synthetic_register, "resident")
    floating = _counts(synthetic_register, "floating")
    total = stocks["registered_resident"] + stocks["floating_resident"]
    assert total.sum() == estimates.base.sum()
    for r, code in enumerate(estimates.codes):
        for s, sex in enumerate("FM"):
            for age in range(OPEN_AGE + 1):
                assert total[r, s, age] == resident.get((code, sex, age), 0)
                # Floating residents are floating persons (of six months or more): never more than the floating.
                assert stocks["floating_resident"][r, s, age] <= floating.get((code, sex, age), 0)
    assert stocks["floating_resident"].sum() > 0 and stocks["registered_resident"].sum() > 0


def test_populations_command(tmp_path: Path, synthetic_db: Path, synthetic_register: Register) -> None:
    out = tmp_path / "populations.csv"
    result = run_cli(
        "projection", "populations", "--db", synthetic_db, "--as-of", AS_OF.isoformat(), "--steps", "5",
        "--out", out, "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["years"] == list(range(2020, 2026))
    assert set(report["populations"]) == {"registered", "registered_resident", "floating_resident", "resident"}
    assert "residual method" in report["method"]
    rows = read_csv(out)
    assert report["rows"] == len(rows)
    cells: dict[tuple[str, ...], float] = {}
    for row in rows:
        cells[(row["variant"], row["population"], row["region"], row["year"], row["sex"], row["age"])] = float(
            row["persons"]
        )
    city = synthetic_register.city
    regions = {row["region"] for row in rows if row["population"] == "resident"} - {city}
    for variant in ("low", "medium", "high"):
        for year in ("2020", "2023", "2025"):
            for sex in "FM":
                for age in ("0", "30", "100"):
                    key = (variant, "resident", city, year, sex, age)
                    parts = sum(
                        cells[(variant, p, city, year, sex, age)] for p in ("registered_resident", "floating_resident")
                    )
                    assert cells[key] == pytest.approx(parts, abs=1e-3)
                    districts = sum(cells[(variant, "resident", r, year, sex, age)] for r in regions)
                    assert cells[key] == pytest.approx(districts, abs=1e-3)
    # The base year of the registered population is the register's registered population by hukou district.
    registered = _counts(synthetic_register, "registered")
    checked = 0
    for (code, hukou_sex, hukou_age), count in registered.items():
        cell = ("medium", "registered", code, "2020", hukou_sex, str(hukou_age))
        if code in regions or cell in cells:
            assert cells[cell] == count
            checked += 1
    assert checked > 500
    medium = report["populations"]["resident"]["city"]["medium"]
    sums = [
        a + b
        for a, b in zip(
            report["populations"]["registered_resident"]["city"]["medium"],
            report["populations"]["floating_resident"]["city"]["medium"],
            strict=True,
        )
    ]
    assert medium == pytest.approx(sums, abs=0.05)


def test_populations_bad_options(tmp_path: Path) -> None:
    result = run_cli(
        "projection", "populations", "--db", tmp_path / "no.duckdb", "--as-of", "2020-12-31", "--steps", "101",
        "--out", tmp_path / "o.csv",
    )  # fmt: skip
    assert result.returncode == 1 and "--steps 101: must be between 1 and 100" in result.stderr
