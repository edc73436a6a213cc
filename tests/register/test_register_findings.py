"""Cross-department checks (比对): each kind of finding raised by a hand-made case, and only there."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from conftest import HUKOU_HEADER, citizen_id, write_csv

from renkou.register.store import Register

HEALTH_HEADER = ["event_type", "id_number", "occurred_on", "sex", "mother_id", "hukou_region"]
RESIDENCE_HEADER = ["event_type", "id_number", "occurred_on", "residence_region"]


def kinds(register: Register) -> dict[str, int]:
    return dict(register.engine.rows("SELECT kind, count(*) FROM findings GROUP BY kind"))


def test_each_check_fires_on_its_case(register: Register, people: dict[str, str], tmp_path: Path) -> None:
    base = [["baseline", people[n], n, "2015-12-31", "", "", "330106", "", ""] for n in ("wang", "li", "zhang")]
    register.ingest([write_csv(tmp_path / "hukou_base.csv", HUKOU_HEADER, base)], today=date(2021, 1, 1))
    assert kinds(register) == {}

    baby_known = citizen_id("330106", date(2018, 3, 3), 11, "F")
    baby_unknown = citizen_id("330106", date(2018, 4, 4), 12, "M")
    health = [
        ["death", people["wang"], "2019-01-01", "", "", ""],  # hukou not cancelled by the police
        ["birth", baby_known, "2018-03-03", "女", people["li"], "330106"],  # mother in the register
        ["birth", baby_unknown, "2018-04-04", "男", "", "330106"],  # mother not given
    ]
    [summary] = register.ingest([write_csv(tmp_path / "health.csv", HEALTH_HEADER, health)], today=date(2021, 1, 1))
    assert summary.accepted == 3
    assert kinds(register) == {"death_hukou_active": 1, "birth_mother_unknown": 1}

    residence = [
        ["residence_registered", people["zhao"], "2019-02-01", "330106"],
        ["residence_registered", people["zhao"], "2019-05-01", "330108"],  # no departure in between
        ["address_changed", people["zhang"], "2014-01-01", "330102"],  # zhang was born 1990: fine
    ]
    register.ingest([write_csv(tmp_path / "residence.csv", RESIDENCE_HEADER, residence)], today=date(2021, 1, 1))
    assert kinds(register)["resident_two_districts"] == 1

    moves = [
        ["hukou_out", people["zhang"], "zhang", "2017-01-01", "", "", "310101", "", ""],
        ["hukou_out", people["zhang"], "zhang", "2018-01-01", "", "", "320102", "", ""],
        ["address_changed", people["wang"], "wang", "2020-02-02", "", "", "", "330102", ""],  # after his death
    ]
    register.ingest([write_csv(tmp_path / "hukou_moves.csv", HUKOU_HEADER, moves)], today=date(2021, 1, 1))
    found = kinds(register)
    assert found["hukou_out_twice"] == 1
    assert found["event_after_death"] == 1
    assert "event_before_birth" not in found
    # Findings are kept, not repeated when a later batch touches the same persons.
    again = [["address_changed", people["li"], "li", "2020-03-03", "", "", "", "330105", ""]]
    register.ingest([write_csv(tmp_path / "hukou_more.csv", HUKOU_HEADER, again)], today=date(2021, 1, 1))
    assert kinds(register) == found


def test_second_writer_gets_a_clear_message(tmp_path: Path, people: dict[str, str]) -> None:
    db = tmp_path / "owned.duckdb"
    Register.open(db).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('ready', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        path = write_csv(
            tmp_path / "hukou.csv",
            HUKOU_HEADER,
            [["baseline", people["wang"], "w", "2015-12-31", "", "", "330106", "", ""]],
        )
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "renkou.cli", "ingest", str(path), "--db", str(db)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 1
        assert "renkou serve" in result.stderr and "Traceback" not in result.stderr
        assert time.monotonic() - started < 30
    finally:
        holder.kill()
        holder.wait()
