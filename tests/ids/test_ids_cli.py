"""``renkou id check`` and ``renkou id division``: output, masking, exit codes."""

import json
import subprocess
import sys


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "renkou.cli", "id", *args], input=stdin, capture_output=True, text=True, check=False
    )


def test_check_valid_number_prints_facts_with_the_number_masked() -> None:
    result = run("check", "11010519491231002X")
    assert result.returncode == 0, result.stderr
    assert "110105********002X" in result.stdout
    assert "11010519491231002X" not in result.stdout
    assert "1949-12-31" in result.stdout
    assert "北京市朝阳区" in result.stdout
    assert "女" in result.stdout


def test_check_invalid_number_exits_1_with_the_reason_on_one_line() -> None:
    result = run("check", "11010519491231001X", "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout) == {"valid": False, "reason": "checksum", "masked": "110105********001X"}
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "checksum" in lines[0] and "Traceback" not in result.stderr


def test_check_reads_stdin_and_upgrades_legacy_numbers() -> None:
    result = run("check", "-", "--json", "--today", "2020-01-01", stdin="330103900101123\n")
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout)
    assert facts["division"] == "330103" and facts["division_name"] == "浙江省杭州市下城区"
    assert facts["birth_date"] == "1990-01-01" and facts["sex"] == "M" and facts["upgraded_from_15"] is True


def test_division_lookup_by_code_year_and_name() -> None:
    result = run("division", "330103", "--json")
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout)
    assert (facts["name"], facts["valid_to"], facts["prefecture"]) == ("下城区", 2021, "杭州市")
    result = run("division", "330103", "--year", "2022")
    assert result.returncode == 1 and "330103" in result.stderr and "2022" in result.stderr
    result = run("division", "临平区")
    assert result.returncode == 0 and result.stdout.startswith("330113 临平区 [2021-]")
