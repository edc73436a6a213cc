"""Benchmark: load a register from department files (validated) against DuckDB's plain load of the same files,
and population by district x sex x single age as of several dates.

Bars (DESIGN.md): 12 million persons loaded in < 60 s and within 2x of ``CREATE TABLE t AS SELECT * FROM
read_csv(...)``; population by district x sex x age as of any date < 2 s.

Usage: ``python bench/bench_ingest.py --persons 12000000`` (full size, by hand) or ``--persons 100000`` (CI size).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb

from renkou.register.store import Register

FILES = ("hukou_baseline.csv", "residence_registered.csv", "hukou_changes.csv")


def cpu_seconds() -> float:
    """User + system CPU time of this process so far (all threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class StepClock:
    """CPU and wall seconds per ingest step, from the ingest's progress notes (read, validate, write, identity, chain,
    index, checks): a step lasts until the next note, or until :meth:`stop`."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = {}
        self.wall: dict[str, float] = {}
        self._step: str | None = None
        self._cpu = 0.0
        self._wall = 0.0

    def note(self, _file: str, step: str) -> None:
        """Close the running step and start ``step``."""
        self.stop()
        self._step, self._cpu, self._wall = step, cpu_seconds(), time.perf_counter()

    def stop(self) -> None:
        """Close the running step."""
        if self._step is not None:
            self.cpu[self._step] = self.cpu.get(self._step, 0.0) + cpu_seconds() - self._cpu
            self.wall[self._step] = self.wall.get(self._step, 0.0) + time.perf_counter() - self._wall
        self._step = None

    def report(self, rows: int) -> str:
        """One line per step: CPU s, wall s, CPU us per row."""
        lines = [f"{'step':<10} {'CPU s':>8} {'wall s':>8} {'CPU us/row':>11}"]
        for step, cpu in self.cpu.items():
            lines.append(f"{step:<10} {cpu:8.2f} {self.wall[step]:8.2f} {cpu / max(rows, 1) * 1e6:11.2f}")
        total = sum(self.cpu.values())
        lines.append(f"{'total':<10} {total:8.2f} {sum(self.wall.values()):8.2f} {total / max(rows, 1) * 1e6:11.2f}")
        return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path("bench/out"))
    args = parser.parse_args()
    files_dir = args.workdir / f"files-{args.persons}"
    if not (files_dir / FILES[-1]).exists():
        subprocess.run(
            [
                sys.executable,
                str(Path(__file__).with_name("make_register_files.py")),
                "--persons",
                str(args.persons),
                "--out",
                str(files_dir),
            ],
            check=True,
        )
    paths = [files_dir / name for name in FILES]
    size_mb = sum(p.stat().st_size for p in paths) / 1e6

    raw_db = args.workdir / "raw.duckdb"
    raw_db.unlink(missing_ok=True)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    cpu_started = cpu_seconds()
    with duckdb.connect(str(raw_db)) as connection:
        for index, path in enumerate(paths):
            connection.execute(f"CREATE TABLE t{index} AS SELECT * FROM read_csv('{path}')")
    raw_seconds = time.perf_counter() - started
    raw_cpu = cpu_seconds() - cpu_started
    raw_db.unlink(missing_ok=True)

    register_db = args.workdir / "register.duckdb"
    for leftover in (register_db, Path(f"{register_db}.key"), Path(f"{register_db}.wal")):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    cpu_started = cpu_seconds()
    register = Register.open(register_db)
    clock = StepClock()
    summaries = register.ingest(paths, today=date(2021, 1, 1), progress=clock.note)
    clock.stop()
    ingest_seconds = time.perf_counter() - started
    ingest_cpu = cpu_seconds() - cpu_started
    accepted = sum(s.accepted for s in summaries)
    quarantined = sum(s.quarantined for s in summaries)
    rows = sum(s.rows for s in summaries)

    query_times = []
    for on in (date(2016, 6, 30), date(2018, 12, 31), date(2020, 12, 31), date(2020, 6, 30), date(2019, 3, 1)):
        started = time.perf_counter()
        table = register.population(on, "resident", ("district", "sex", "age"))
        query_times.append(time.perf_counter() - started)
    register.close()
    shutil.rmtree(args.workdir / "tmp", ignore_errors=True)

    print(
        f"files: {len(paths)} CSV, {size_mb:.0f} MB, {args.persons:,} persons; events accepted {accepted:,}, "
        f"quarantined {quarantined:,}"
    )
    print(
        f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}; load average at start "
        f"{load_before:.1f}, at end {os.getloadavg()[0]:.1f}"
    )
    print(f"duckdb plain load (no validation): {raw_seconds:.2f} s wall, {raw_cpu:.2f} s CPU")
    print(f"renkou ingest (validated, hashed, encrypted, indexed): {ingest_seconds:.2f} s wall, {ingest_cpu:.2f} s CPU")
    print(
        f"ratio ingest / plain: {ingest_seconds / raw_seconds:.2f} wall, {ingest_cpu / raw_cpu:.2f} CPU "
        f"(bar: <= 2.0; absolute bar < 60 s at 12 M)"
    )
    print(f"where the ingest time goes (per step over all files; per row of the {rows:,} rows read):")
    print(clock.report(rows))
    print(
        f"population by district x sex x age as of a date: median {statistics.median(query_times):.3f} s, "
        f"max {max(query_times):.3f} s over {len(query_times)} dates ({table.num_rows} cells; bar < 2 s)"
    )


if __name__ == "__main__":
    main()
