"""Bad files: the register survives them with one clear message and nothing half-loaded."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from conftest import HUKOU_HEADER, write_csv

from renkou.register.store import Register


def rows_for(people: dict[str, str]) -> list[list[str]]:
    return [["baseline", people[n], n, "2015-12-31", "", "", "330106", "", ""] for n in ("wang", "li", "zhang", "chen")]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "renkou.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def test_wrong_encoding_is_rejected_in_one_line(tmp_path: Path, people: dict[str, str]) -> None:
    path = tmp_path / "hukou_utf16.csv"
    path.write_text("事件类型,公民身份号码\nbaseline,1\n", encoding="utf-16")
    result = run_cli("ingest", str(path), "--db", str(tmp_path / "r.duckdb"))
    assert result.returncode == 1
    assert "UTF-16" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_header_problems_reject_the_file(register: Register, tmp_path: Path, people: dict[str, str]) -> None:
    cases = {
        "hukou_unknown.csv": (["事件类型", "公民身份号码", "发生日期", "血型"], "unknown_column"),
        "hukou_missing.csv": (["事件类型", "公民身份号码", "姓名"], "missing_column"),
        "hukou_extra.csv": (["事件类型", "公民身份号码", "发生日期", "居住证号"], "unexpected_column"),
        "nothing.csv": (["a", "b"], "unknown_column"),
    }
    for name, (header, _code) in cases.items():
        [summary] = register.ingest([write_csv(tmp_path / name, header, [["x"] * len(header)])])
        assert summary.status == "rejected", name
        assert summary.message and " / " in summary.message  # Chinese / English
    assert register.engine.scalar("SELECT count(*) FROM batches") == 0


def test_empty_file_and_one_gigabyte_line(register: Register, tmp_path: Path) -> None:
    empty = tmp_path / "hukou_empty.csv"
    empty.write_bytes(b"")
    huge = tmp_path / "hukou_huge.csv"
    block = b"x" * (16 << 20)
    with huge.open("wb") as handle:
        for _ in range(64):  # 1 GiB without a line break
            handle.write(block)
    summaries = register.ingest([empty, huge])
    assert [s.status for s in summaries] == ["rejected", "rejected"]
    assert "empty" in (summaries[0].message or "")
    assert "line break" in (summaries[1].message or "")
    huge.unlink()


def test_header_only_file_loads_nothing(register: Register, tmp_path: Path) -> None:
    [summary] = register.ingest([write_csv(tmp_path / "hukou_none.csv", HUKOU_HEADER, [])])
    assert (summary.status, summary.accepted, summary.quarantined) == ("loaded", 0, 0)
    assert register.verify().ok


def test_truncated_file_quarantines_the_cut_line(register: Register, tmp_path: Path, people: dict[str, str]) -> None:
    path = write_csv(tmp_path / "hukou_cut.csv", HUKOU_HEADER, rows_for(people))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 25])  # cut inside the last row
    [summary] = register.ingest([path], today=date(2021, 1, 1))
    assert summary.accepted == 3
    assert summary.quarantined == 1
    [(line, reason)] = register.engine.rows("SELECT line, reason FROM quarantine")
    assert line == 5
    assert reason in {"too_few_fields", "id_checksum", "required_missing", "malformed_line"}


def test_extra_and_missing_fields_in_rows(register: Register, tmp_path: Path, people: dict[str, str]) -> None:
    rows = rows_for(people)
    text = ",".join(HUKOU_HEADER) + "\n"
    text += ",".join(rows[0]) + "\n"
    text += ",".join([*rows[1], "surplus"]) + "\n"
    text += ",".join(rows[2][:4]) + "\n"
    text += ",".join(rows[3]) + "\n"
    path = tmp_path / "hukou_ragged.csv"
    path.write_text(text, encoding="utf-8")
    [summary] = register.ingest([path], today=date(2021, 1, 1))
    assert summary.accepted == 2
    assert dict(register.engine.rows("SELECT line, reason FROM quarantine")) == {
        3: "too_many_fields",
        4: "too_few_fields",
    }


def test_killed_half_way_leaves_register_as_before_and_rerun_completes(tmp_path: Path, people: dict[str, str]) -> None:
    db = tmp_path / "crash.duckdb"
    first = write_csv(tmp_path / "hukou_1.csv", HUKOU_HEADER, rows_for(people)[:2])
    second = write_csv(tmp_path / "hukou_2.csv", HUKOU_HEADER, rows_for(people)[2:])
    assert run_cli("ingest", str(first), "--db", str(db)).returncode == 0
    killed = run_cli("ingest", str(second), "--db", str(db), env={"RENKOU_FAULT": "after_events"})
    assert killed.returncode == 137
    register = Register.open(db)
    try:
        assert register.engine.scalar("SELECT count(*) FROM events") == 2
        assert register.engine.scalar("SELECT count(*) FROM batches") == 1
        assert register.verify(deep=True).ok
    finally:
        register.close()
    rerun = run_cli("ingest", str(second), "--db", str(db), "--json")
    assert rerun.returncode == 0, rerun.stderr
    register = Register.open(db, read_only=True)
    try:
        assert register.engine.scalar("SELECT count(*) FROM events") == 4
        assert register.verify(deep=True).ok
    finally:
        register.close()
