"""``renkou points rank|score|check|rules`` end to end, including one-line errors for bad input."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from points_helpers import citizen_id

from renkou.points.loader import SHIPPED_DIR

HEADER = "applicant_id,name,has_permit,sex,age,insurance_years,housing_owned_years,education"
ROWS = [
    # 20 + 30 + 10 + 26 = 86
    f"{citizen_id(1)},张三,是,男,45,10,10,硕士",
    # 0 + 45 + 37 = 82
    f"{citizen_id(2)},李四,是,女,46,15,0,博士",
    # 20 + 36 + 4 + 26 = 86
    f"{citizen_id(3)},王五,是,男,30,12,4,硕士",
    # not eligible (6 years)
    f"{citizen_id(4)},赵六,是,男,30,6,0,",
]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "renkou.cli", "points", *args], capture_output=True, text=True, check=False
    )


def _applicants(tmp_path: Path, rows: list[str] = ROWS) -> Path:
    path = tmp_path / "applicants.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_rank_writes_ranking_and_public_list(tmp_path: Path) -> None:
    out, public = tmp_path / "out.csv", tmp_path / "public.csv"
    result = run_cli(
        "rank", "--rules", "beijing-2016", "--applicants", str(_applicants(tmp_path)), "--out", str(out),
        "--quota", "1", "--public", str(public), "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["applicants"], summary["eligible"], summary["admitted"]) == (4, 3, 2)  # the tie at 86
    assert summary["groups"][0]["cutoff"] == 86
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["rank"], r["name_masked"], r["score"], r["admitted"]) for r in rows] == [
        ("1", "张*", "86", "true"),
        ("1", "王*", "86", "true"),
        ("3", "李*", "82", "false"),
        ("", "赵*", "38", "false"),
    ]
    assert public.read_text(encoding="utf-8").count("\n") == 3  # header and the two admitted
    assert "missing" in result.stderr  # warning about columns left to their defaults


def test_rank_bad_input_is_one_line_error(tmp_path: Path) -> None:
    rows = [*ROWS[:2], ROWS[2].replace(",12,", ",twelve,")]
    result = run_cli(
        "rank",
        "--rules",
        "beijing-2016",
        "--applicants",
        str(_applicants(tmp_path, rows)),
        "--out",
        str(tmp_path / "o.csv"),
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误 / error: ")
    assert "line 4, column insurance_years: value 'twelve' is not a number" in lines[0]
    assert not (tmp_path / "o.csv").exists()


def test_score_explains_one_applicant(tmp_path: Path) -> None:
    result = run_cli(
        "score", "--rules", "shanghai-2015", "has_permit=1", "age=43", "education=硕士", "insurance_years=5.9", "--json"
    )
    assert result.returncode == 0, result.stderr
    explanation = json.loads(result.stdout)
    assert explanation["total"] == 145  # 30 (31 capped) + 100 + 15
    age = next(line for line in explanation["lines"] if line["indicator"] == "age")
    assert (age["raw"], age["points"], age["cap_applied"]) == (31, 30, True)
    by_id = run_cli(
        "score", "--rules", "beijing-2016", "--applicants", str(_applicants(tmp_path)), "--id", citizen_id(2)
    )
    assert by_id.returncode == 0, by_id.stderr
    assert "82" in by_id.stdout and "博士" in by_id.stdout and citizen_id(2) not in by_id.stdout


def test_check_reports_lines(tmp_path: Path) -> None:
    good = run_cli("check", "shanghai-2015", "beijing-2016")
    assert good.returncode == 0, good.stderr
    assert good.stdout.count("valid") == 2
    text = (SHIPPED_DIR / "beijing-2016.yaml").read_text(encoding="utf-8")
    bad_path = tmp_path / "bad.yaml"
    bad_path.write_text(text.replace("    cap: 37\n", "    cap: 30\n"), encoding="utf-8")
    cap_line = next(i for i, line in enumerate(text.splitlines(), 1) if "points: {associate: 10.5" in line)
    bad = run_cli("check", str(bad_path))
    assert bad.returncode == 1
    assert f"{bad_path}:{cap_line}: " in bad.stderr
    assert "exceed the indicator's cap 30" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_rules_lists_shipped_sets() -> None:
    result = run_cli("rules", "--json")
    assert result.returncode == 0
    names = [item["name"] for item in json.loads(result.stdout)["rule_sets"]]
    assert names == ["beijing-2016", "shanghai-2015"]
