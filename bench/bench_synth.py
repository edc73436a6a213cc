"""Benchmark of ``renkou synth``: time, CPU and peak memory of writing a synthetic city; optionally ingest it and
measure the published figures in the register.

    .venv/bin/python bench/bench_synth.py --scale 1 --out bench/out/synth            # generation only
    .venv/bin/python bench/bench_synth.py --scale 0.1 --check                         # + ingest + figures

``--check`` compares every figure of issue 3 item 3 (and the other published 2020 shares) measured in the register
with the reference file, counts scaled by --scale, and exits 1 if any deviates by more than 1%.

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
from dataclasses import dataclass
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


TOLERANCE = 0.01  # issue 3: every figure within 1% at scale 1


@dataclass(frozen=True)
class Target:
    """One published figure: the key of ``renkou.synth.measure.figures`` (or a sum of keys), its label, its value
    and whether it is a count (scaled by --scale) or a rate/share."""

    label: str
    value: float
    keys: tuple[str, ...]
    count: bool = False


def _targets() -> list[Target]:
    """Every figure issue 3 item 3 names, plus the other 2020 shares and earlier Table 1 registered counts that the
    reference file publishes and the generator calibrates; from the reference file itself (names to GB/T 2260 codes
    and the plan's district groups from the calibration file's copy of Table 2)."""
    from renkou.synth.targets import city_targets

    published = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    actual = {row["name"]: row["actual_2020"] for row in published["indicators_2020_actual_2025_target"]}
    registered, resident, floating = published["population_by_year"][2020]
    census = published["census_2020"]
    structure = published["age_structure_forecast"]
    old_total = published["aged_60_plus_registered_total"][2020]
    out = [
        Target("registered (Table 1)", registered * 1e4, ("registered",), True),
        Target("resident (Table 1)", resident * 1e4, ("resident",), True),
        Target("floating (Table 1)", floating * 1e4, ("floating",), True),
        Target("registered crude birth rate, per mille", actual["registered crude birth rate"], ("crude_birth_rate",)),
        Target(
            "registered natural increase, per mille",
            actual["registered natural increase rate"],
            ("natural_increase_rate",),
        ),
        Target("sex ratio at birth", actual["sex ratio at birth"], ("sex_ratio_at_birth",)),
        Target("total fertility rate", actual["total fertility rate"], ("total_fertility_rate",)),
        Target("life expectancy at birth", actual["life expectancy at birth"], ("life_expectancy",)),
        Target("resident 60+ share (census)", census["aged_60_plus_share"], ("resident_share_60_plus",)),
        Target("resident 65+ share (census)", census["aged_65_plus_share"], ("resident_share_65_plus",)),
        Target("resident urbanization", actual["resident urbanization rate"] / 100, ("urbanization",)),
        Target("resident 15-59 share", structure["resident"][2020]["working_15_59"], ("resident_share_15_59",)),
        # The young are what the 15-59 and 60+ shares leave (the plan gives no 0-14 share of its own).
        Target(
            "resident 0-14 share (1 - 15-59 - 60+)",
            1 - structure["resident"][2020]["working_15_59"] - census["aged_60_plus_share"],
            ("resident_share_0_14",),
        ),
        Target(
            "total dependency ratio (resident)", actual["total dependency ratio"] / 100, ("total_dependency_ratio",)
        ),
        Target("registered 18-59 share", structure["registered"][2020]["working_18_59"], ("registered_share_18_59",)),
        Target(
            "registered 0-17 share (1 - 18-59 - 60+)",
            1 - structure["registered"][2020]["working_18_59"] - old_total / (registered * 1e4),
            ("registered_share_0_17",),
        ),
        Target("registered 60+ (Table 2 total)", old_total, ("registered_60_plus",), True),
        Target(
            "registered 60+ share (Table 2 / Table 1)", old_total / (registered * 1e4), ("registered_share_60_plus",)
        ),
    ]
    districts = city_targets("hangzhou-2020").published.districts
    codes = {d.name: d.code for d in districts}
    for name, years in published["aged_60_plus_registered_by_district"].items():
        persons, share = years[2020]
        out.append(Target(f"{name} registered 60+ (Table 2)", persons, (f"registered_60_plus@{codes[name]}",), True))
        out.append(
            Target(f"{name} registered 60+ share (Table 2)", share, (f"registered_share_60_plus@{codes[name]}",))
        )
    groups = {
        "six_core_districts": "core",
        "five_new_districts": "new",
        "three_western_counties": "west",
    }
    for label, share in published["resident_distribution_share_2020"].items():
        keys = tuple(f"resident_share@{d.code}" for d in districts if d.group == groups[label])
        out.append(Target(f"resident share, {label.replace('_', ' ')}", share, keys))
    for year in range(2016, 2020):
        out.append(
            Target(
                f"registered {year} (Table 1)",
                published["population_by_year"][year][0] * 1e4,
                (f"registered@{year}",),
                True,
            )
        )
    return out


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
    failures = 0
    if args.check:
        checked, failures = _check(args, summary.load_order)
        lines += checked
    text = "\n".join(lines) + "\n"
    print(text)
    with args.results.open("a", encoding="utf-8") as handle:
        handle.write(text + "\n")
    if not args.keep:
        shutil.rmtree(args.out)
    if failures:
        sys.exit(1)


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.6g}"


def _comparison(figures: dict[str, float], scale: float) -> tuple[list[str], int]:
    """The table of published against measured figures and how many deviate by more than the tolerance."""
    out = [
        f"| figure (2020 unless named) | published | scaled target | register | deviation | within {TOLERANCE:.0%} |",
        "| --- | ---: | ---: | ---: | ---: | :---: |",
    ]
    failures = 0
    for target in _targets():
        scaled = target.value * scale if target.count else target.value
        value = sum(figures[key] for key in target.keys)
        deviation = value / scaled - 1
        ok = abs(deviation) <= TOLERANCE
        failures += not ok
        cells = " | ".join(_number(x) for x in (target.value, scaled, value))
        out.append(f"| {target.label} | {cells} | {deviation * 100:+.2f}% | {'yes' if ok else '**NO**'} |")
    return out, failures


def _check(args: argparse.Namespace, load_order: list[str]) -> tuple[list[str], int]:
    from renkou.register.store import Register
    from renkou.synth.measure import measure

    database = args.out.with_suffix(".duckdb")
    for leftover in (database, Path(f"{database}.wal"), Path(f"{database}.key")):
        leftover.unlink(missing_ok=True)
    paths = [args.out / name for name in load_order]
    register = Register.open(database, city="330100")
    started, cpu = time.perf_counter(), time.process_time()
    summaries = register.ingest(paths, today=date(2021, 6, 30))
    ingest_seconds, ingest_cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    measured = measure(register.engine)
    measure_seconds = time.perf_counter() - started
    register.close()
    accepted = sum(s.accepted for s in summaries)
    quarantined = sum(s.quarantined for s in summaries)
    table, failures = _comparison(measured.figures, args.scale)
    out = [
        f"- ingest into a fresh register: {accepted:,} accepted, {quarantined:,} quarantined, "
        f"{ingest_seconds:.0f} s wall, {ingest_cpu:.0f} s CPU; figures measured in {measure_seconds:.0f} s; "
        f"load average after {os.getloadavg()[0]:.1f}",
        f"- figures outside {TOLERANCE:.0%}: {failures}",
        "",
        *table,
    ]
    for leftover in (database, Path(f"{database}.wal"), Path(f"{database}.key")):
        if not args.keep:
            leftover.unlink(missing_ok=True)
    return out, failures


if __name__ == "__main__":
    main()
