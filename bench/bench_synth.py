"""Benchmark of ``renkou synth``: time, CPU and peak memory of writing a synthetic city; optionally ingest it and
measure the published figures in the register.

    .venv/bin/python bench/bench_synth.py --scale 1 --out bench/out/synth            # generation only
    .venv/bin/python bench/bench_synth.py --scale 0.1 --check                         # + ingest + figures

Bars (issue 3): scale 1 in under 5 minutes with peak memory under 8 GiB; scale 0.1 in under 30 s. The result is
appended to bench/RESULTS_synth.md with the date, the machine and the command.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import sys
import time
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "data" / "hangzhou_2020.yaml"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _targets() -> dict[str, float]:
    published = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    actual = {row["name"]: row["actual_2020"] for row in published["indicators_2020_actual_2025_target"]}
    registered, resident, floating = published["population_by_year"][2020]
    return {
        "registered": registered * 1e4,
        "resident": resident * 1e4,
        "floating": floating * 1e4,
        "crude_birth_rate": actual["registered crude birth rate"],
        "natural_increase_rate": actual["registered natural increase rate"],
        "sex_ratio_at_birth": actual["sex ratio at birth"],
        "total_fertility_rate": actual["total fertility rate"],
        "life_expectancy": actual["life expectancy at birth"],
        "resident_share_60_plus": published["census_2020"]["aged_60_plus_share"],
        "resident_share_65_plus": published["census_2020"]["aged_65_plus_share"],
        "urbanization": actual["resident urbanization rate"] / 100,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "synth")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dirt", default="0", help="dirt rate(s) as for renkou synth --dirt (default 0: clean)")
    parser.add_argument("--check", action="store_true", help="ingest the files and measure the published figures")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS_synth.md")
    parser.add_argument("--keep", action="store_true", help="keep the files (default: delete after the run)")
    args = parser.parse_args()

    from renkou.synth.city import city_plan, generate
    from renkou.synth.dirt import DirtRates

    city_plan("hangzhou-2020")  # load once, outside the timing (it is cached per process)
    load_before = os.getloadavg()
    started, cpu = time.perf_counter(), time.process_time()
    summary = generate(
        args.out, scale=args.scale, seed=args.seed, dirt=DirtRates.parse(args.dirt.split(",")), force=True
    )
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    load_after = os.getloadavg()
    rows = sum(summary.files.values())
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    lines = [
        f"## renkou synth, scale {args.scale:g} ({date.today().isoformat()})",
        "",
        f"- command: `{' '.join([Path(sys.executable).name, *sys.argv])}`",
        f"- machine: {os.cpu_count()} cores, {_cpu_model()}; load average before/after "
        f"{load_before[0]:.1f}/{load_after[0]:.1f} (other engineers share the machine)",
        f"- persons (life lines): {summary.persons:,}; rows: {rows:,} in {len(summary.files)} files, "
        f"{size / 1024**3:.2f} GiB; dirty rows: {summary.dirty_rows:,}",
        f"- wall time {seconds:.1f} s, CPU time {cpu_seconds:.1f} s, peak memory (max RSS) {peak_gib:.2f} GiB",
    ]
    if args.check:
        lines += _check(args, summary.load_order)
    text = "\n".join(lines) + "\n"
    print(text)
    with args.results.open("a", encoding="utf-8") as handle:
        handle.write(text + "\n")
    if not args.keep:
        shutil.rmtree(args.out)


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.6g}"


def _check(args: argparse.Namespace, load_order: list[str]) -> list[str]:
    from renkou.register.store import Register
    from renkou.synth.measure import measure

    database = args.out.with_suffix(".duckdb")
    for leftover in (database, Path(f"{database}.wal"), Path(f"{database}.key")):
        leftover.unlink(missing_ok=True)
    paths = [args.out / name for name in load_order]
    register = Register.open(database, city="330100")
    started = time.perf_counter()
    summaries = register.ingest(paths, today=date(2021, 6, 30))
    ingest_seconds = time.perf_counter() - started
    started = time.perf_counter()
    measured = measure(register.engine)
    measure_seconds = time.perf_counter() - started
    register.close()
    accepted = sum(s.accepted for s in summaries)
    quarantined = sum(s.quarantined for s in summaries)
    out = [
        f"- ingest into a fresh register: {accepted:,} accepted, {quarantined:,} quarantined, "
        f"{ingest_seconds:.0f} s; figures measured in {measure_seconds:.0f} s",
        "",
        "| figure (2020) | published | scaled target | register | deviation |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for key, target in _targets().items():
        scaled = target * args.scale if key in ("registered", "resident", "floating") else target
        value = measured.figures[key]
        cells = " | ".join(_number(x) for x in (target, scaled, value))
        out.append(f"| {key} | {cells} | {(value / scaled - 1) * 100:+.2f}% |")
    for leftover in (database, Path(f"{database}.wal"), Path(f"{database}.key")):
        if not args.keep:
            leftover.unlink(missing_ok=True)
    return out


if __name__ == "__main__":
    main()
