"""``renkou disclosure ...`` as a user runs it: the due-date contract, one-line errors, fees, holiday files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "renkou.cli", "disclosure", *args], capture_output=True, text=True, check=False
    )


def test_due_prints_the_date_on_the_last_line() -> None:
    # Hand count in test_disclosure_deadlines.py::test_spring_festival_2024.
    result = run("due", "--received", "2024-02-01", "--channel", "online")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "2024-03-05"


def test_due_with_correction_extension_and_consultation() -> None:
    # Correction as in test_correction_restarts_the_clock_over_spring_festival_2026 (due 2026-03-19), then an
    # extension of 5: 03-20 21, 03-23..03-26 22-25 -> 2026-03-26.
    result = run(
        "due", "--received", "2026-02-02", "--channel", "online", "--correction-requested", "2026-02-04",
        "--correction-days", "10", "--correction-received", "2026-02-13", "--extension", "5", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["due"] == "2026-03-26"
    assert payload["correction_due"] == "2026-02-25"
    assert payload["period_working_days"] == 25
    consulted = run(
        "due", "--received", "2025-03-03", "--channel", "in_person", "--consultation", "某公司@2025-03-10:2025-03-21"
    )
    assert consulted.stdout.strip().splitlines()[-1] == "2025-04-14"


def test_provisional_due_date_warns_on_stderr() -> None:
    result = run("due", "--received", "2026-12-15", "--channel", "fax")
    assert result.returncode == 0
    assert result.stdout.strip().splitlines()[-1] == "2027-01-12"
    assert "provisional" in result.stderr and "2027" in result.stderr


def test_bad_date_and_channel_are_one_line_errors() -> None:
    for args in (
        ("--received", "2024-02-30", "--channel", "online"),
        ("--received", "2024-02-01", "--channel", "telex"),
    ):
        result = run("due", *args)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("错误 / error:")
        assert args[1] in lines[0] or args[3] in lines[0]


def test_fee_prints_the_amount_last() -> None:
    assert run("fee", "--method", "count", "--position", "41").stdout.strip().splitlines()[-1] == "300"
    assert run("fee", "--method", "pages", "--pages", "101").stdout.strip().splitlines()[-1] == "720"
    both = run("fee", "--method", "pages", "--pages", "101", "--position", "3")
    assert both.returncode == 1 and "exactly one" in both.stderr


def test_holidays_check_reports_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "2027.yaml"
    bad.write_text(
        "year: 2027\ntitle: t\nissued: 2026-11-01\nholidays:\n  - {name: 春节, from: 2027-02-06, to: 2027-02-01}\n",
        encoding="utf-8",
    )
    result = run("holidays", "--check", str(bad))
    assert result.returncode == 1
    assert str(bad) in result.stderr and "holidays.0" in result.stderr
    good = run("holidays", "--year", "2026")
    assert good.returncode == 0
    assert "2026-02-14" in good.stdout and "2026-10-10" in good.stdout
