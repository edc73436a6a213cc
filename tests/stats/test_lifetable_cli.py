"""``renkou lifetable`` end to end: files in and out, warnings on stderr, one-line errors."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

# Preston, Heuveline & Guillot (2001), Box 3.1: Austria, males, 1992 (deaths, population, given nax), as in
# test_lifetable_published.py; printed lx at 0, 1, 50 and 85: 100000, 99133, 91937, 21134; nL85+ = 110889.
AUSTRIA_CSV = """age,interval,deaths,exposure,ax
0,1,419,47925,0.068
1,4,70,189127,1.626
5,5,36,234793,2.5
10,5,46,238790,3.143
15,5,249,254996,2.724
20,5,420,326831,2.520
25,5,403,355086,2.481
30,5,441,324222,2.601
35,5,508,269963,2.701
40,5,769,261971,2.663
45,5,1154,238011,2.698
50,5,1866,261612,2.676
55,5,2043,181385,2.645
60,5,3496,187962,2.624
65,5,4366,153832,2.619
70,5,4337,105169,2.593
75,5,5279,73694,2.518
80,5,6460,57512,2.423
85,,6146,32248,5.247
"""


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "renkou.cli", *args], capture_output=True, text=True, check=False)


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_lifetable_command_writes_the_contract_columns(tmp_path: Path) -> None:
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(AUSTRIA_CSV, encoding="utf-8")
    result = run_cli("lifetable", "--input", str(source), "--out", str(out), "--sex", "M")
    assert result.returncode == 0, result.stderr
    assert "e0 = 72.89" in result.stdout
    assert result.stderr == ""
    rows = read_rows(out)
    assert list(rows[0]) == ["age", "interval", "mx", "qx", "ax", "lx", "dx", "Lx", "Tx", "ex"]
    assert [round(float(rows[i]["lx"])) for i in (0, 1, 11, 18)] == [100000, 99133, 91937, 21134]
    assert round(float(rows[-1]["Lx"])) == 110889
    assert rows[-1]["age"] == "85" and rows[-1]["interval"] == "" and rows[-1]["qx"] == "1"


def test_rates_input_json_summary_and_small_number_warning(tmp_path: Path) -> None:
    """Rates in (the projection's path) with chosen ax; then a tiny district: a warning on stderr, exit 0."""
    rates, out = tmp_path / "mx.csv", tmp_path / "out.csv"
    rates.write_text("age,interval,mx\n0,1,0.004\n1,4,0.0003\n5,,0.05\n", encoding="utf-8")
    result = run_cli("lifetable", "-i", str(rates), "-o", str(out), "--sex", "F", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["rows"] == 3 and report["warnings"] == [] and report["sex"] == "F"
    first = read_rows(out)[0]
    assert float(first["ax"]) == pytest.approx(0.14903 - 2.05527 * 0.004, abs=5e-5)  # Andreev-Kingkade, 4 decimals
    assert report["e0"] == pytest.approx(float(first["ex"]), abs=1e-4)

    small = tmp_path / "small.csv"
    small.write_text("age,interval,deaths,exposure\n0,1,1,300\n1,4,0,1200\n5,,6,900\n", encoding="utf-8")
    result = run_cli("lifetable", "-i", str(small), "-o", str(out))
    assert result.returncode == 0
    assert "警告 / warning: " in result.stderr and "only 7 deaths in total (fewer than 20)" in result.stderr


def test_bad_input_is_one_line_with_exit_1(tmp_path: Path) -> None:
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(AUSTRIA_CSV.replace("5,5,36,234793", "5,5,36,0"), encoding="utf-8")
    result = run_cli("lifetable", "--input", str(source), "--out", str(out))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("错误 / error: ") and "line 4" in result.stderr
    assert not out.exists()
