"""Benchmark: the full indicator set of ``renkou stats`` for the city and every district.

Bar (DESIGN.md): under 5 s on a 12-million-person register. The register is the one of ``make_register_files.py``
(N persons, five years of moves, departures and deaths), with two additions so that every indicator has work to do:
household numbers and education on the hukou baseline (about three persons per household), and births in 2020
(reported by health with the mother's ID, about 8 per 1000 persons).

Usage: ``python bench/bench_stats.py --persons 12000000`` (full size, by hand) or ``--persons 100000`` (CI size).
The register is built once per size under ``--workdir`` and reused.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from renkou.register.store import Register
from renkou.stats.compute import StatsRequest, compute_stats

AS_OF = date(2020, 12, 31)
EDUCATION = np.array(["primary", "junior", "senior", "college", "bachelor", "master"])


def _make_files(persons: int, directory: Path) -> None:
    if (directory / "hukou_changes.csv").exists():
        return
    script = Path(__file__).with_name("make_register_files.py")
    subprocess.run([sys.executable, str(script), "--persons", str(persons), "--out", str(directory)], check=True)


def _augment(directory: Path, seed: int = 11) -> list[Path]:
    """Household numbers and education on the baseline, and a health file of births in 2020."""
    sys.path.insert(0, str(Path(__file__).parent))
    from make_register_files import ids, iso

    baseline_path = directory / "hukou_baseline_households.csv"
    births_path = directory / "health_births_2020.csv"
    if births_path.exists():
        return [baseline_path, directory / "residence_registered.csv", directory / "hukou_changes.csv", births_path]
    rng = np.random.default_rng(seed)
    text = {
        name: pa.string() for name in ("id_number", "occurred_on", "birth_date", "hukou_region", "residence_region")
    }
    baseline = pcsv.read_csv(
        directory / "hukou_baseline.csv",
        convert_options=pcsv.ConvertOptions(column_types={**text, "urban_rural": pa.string()}),
    )
    n = baseline.num_rows
    household = rng.integers(0, max(1, n // 3), n)
    baseline = baseline.append_column(
        "household_id", pc.binary_join_element_wise("H", pc.cast(pa.array(household), pa.string()), "")
    )
    baseline = baseline.append_column("education", pa.array(EDUCATION[rng.integers(0, len(EDUCATION), n)]))
    pcsv.write_csv(baseline, baseline_path)
    # Mothers: women born 1975-2000; children born in 2020 in the mother's hukou district.
    born = np.array(baseline.column("birth_date").to_pylist(), dtype="datetime64[D]")
    women = np.flatnonzero(
        (baseline.column("sex").to_numpy(zero_copy_only=False) == "F")
        & (born >= np.datetime64("1975-01-01"))
        & (born < np.datetime64("2000-01-01"))
    )
    count = min(len(women), int(n * 0.008 / 0.68))
    mothers = rng.choice(women, count, replace=False)
    day = np.datetime64("2020-01-01") + rng.integers(0, 366, count).astype("timedelta64[D]")
    district = baseline.column("hukou_region").to_numpy(zero_copy_only=False)[mothers].astype(np.int64)
    serial = np.empty(count, dtype=np.int64)
    order = np.lexsort((day, district))
    key = district[order] * 1000 + (day[order] - np.datetime64("2020-01-01")).astype(np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(key)) + 1]
    serial[order] = np.arange(count) - np.repeat(starts, np.diff(np.r_[starts, count]))
    if serial.max() >= 500:
        raise SystemExit("too many births per district and day for 3-digit serials")
    sexes = rng.integers(0, 2, count)
    births = pa.table(
        {
            "event_type": pa.array(["birth"] * count),
            "id_number": ids(district, day, serial * 2 + sexes),
            "occurred_on": iso(day),
            "sex": pa.array(np.where(sexes == 1, "M", "F")),
            "hukou_region": pa.array(district.astype(str)),
            "residence_region": pa.array(district.astype(str)),
            "urban_rural": pa.array(np.where(rng.random(count) < 0.83, "111", "220")),
            "mother_id": pc.take(baseline.column("id_number"), pa.array(mothers)),
        }
    )
    pcsv.write_csv(births, births_path)
    return [baseline_path, directory / "residence_registered.csv", directory / "hukou_changes.csv", births_path]


def _build(database: Path, files: list[Path]) -> float:
    started = time.perf_counter()
    register = Register.open(database)
    try:
        feeds = ["hukou", "residence", "hukou", "health"]
        for path, feed in zip(files, feeds, strict=True):
            [summary] = register.ingest([path], feed=feed, today=date(2021, 1, 1))
            print(
                f"  {path.name}: {summary.status}, {summary.accepted:,} accepted, {summary.quarantined:,} quarantined"
            )
    finally:
        register.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path("bench/out"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    files_dir = args.workdir / f"files-{args.persons}"
    database = args.workdir / f"stats-{args.persons}.duckdb"
    if not database.exists():  # the department files are only needed to build the register
        _make_files(args.persons, files_dir)
        files = _augment(files_dir)
        print(f"building the register {database} ...")
        print(f"  built in {_build(database, files):.1f} s")
    register = Register.open(database, read_only=True)
    try:
        persons = register.engine.scalar("SELECT count(DISTINCT subject_id) FROM events")
        times = []
        cpu = []
        for _ in range(args.repeat):
            started, used = time.perf_counter(), time.process_time()
            result = compute_stats(register, StatsRequest(AS_OF))
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - used)
        started = time.perf_counter()
        register.population(AS_OF, "resident", ("district", "sex", "age"))
        reference = time.perf_counter() - started
    finally:
        register.close()
    city = result["city"]
    print(
        f"register: {persons:,} persons; {len(result['districts'])} districts; as of {AS_OF}: registered "
        f"{city['registered']['population']:,}, resident {city['resident']['population']:,}, floating "
        f"{city['floating']['population']:,}; births {city['resident']['births']:,}, deaths "
        f"{city['resident']['deaths']:,}, households {city['registered']['households']:,}"
    )
    print(
        f"full indicator set, city and every district: median {statistics.median(times):.2f} s, "
        f"min {min(times):.2f} s, max {max(times):.2f} s over {len(times)} runs (bar < 5 s at 12 M persons); "
        f"CPU time (all threads) median {statistics.median(cpu):.2f} s"
    )
    print(
        f"for scale, the register's own population by district x sex x age on one date took {reference:.2f} s; "
        f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
