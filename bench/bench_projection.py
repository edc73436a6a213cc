"""Benchmark: cohort-component projections, deterministic variants and stochastic trajectories.

Bars (DESIGN.md): deterministic 13 regions x 2 sexes x 101 single ages x 15 years x 3 variants < 50 ms; stochastic
1,000 trajectories of the same < 3 s. The stochastic run draws 1,000 trajectories of TFR, e0 and migration around
the medium variant for each of the 13 regions, projects them and summarises every output (median, 80% and 95%
intervals by region, year, sex and age, plus the city's sum per trajectory).

Timed: the engine on explicit inputs (the bar), and separately compiling the scenario (TFR, e0, migration paths to
rates: Hadwiger schedules, Brass alpha solved per step) and the stochastic run end to end. Reading files is not
timed. Synthetic inputs only (renkou.projection.synthetic).

Usage: ``python bench/bench_projection.py`` (full size) or ``--small`` (CI size); ``--markdown FILE`` writes the
results section.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import platform
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import yaml

from renkou.projection.parts import project_gross
from renkou.projection.scenario import compile_scenario
from renkou.projection.scenario_file import read_scenario
from renkou.projection.stochastic import run_stochastic
from renkou.projection.synthetic import base_rows, scenario_data
from renkou.projection.trend import exponential_trend, linear_trend, logistic_trend

DETERMINISTIC_BAR = 0.050
STOCHASTIC_BAR = 3.0


def timed(function: Callable[[], object], repeats: int) -> tuple[float, float, float]:
    """Median and best wall time, and median CPU time of this process (all its threads), of ``repeats`` calls after
    one warm-up call. CPU time shows the work done even when other jobs share the machine."""
    function()
    times, cpu = [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(times), min(times), statistics.median(cpu)


def machine() -> str:
    """nproc, CPU model and RAM, as the results file records them."""
    model = platform.processor() or "unknown"
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next((line.split(":", 1)[1].strip() for line in lscpu.splitlines() if "Model name" in line), model)
    except OSError:
        pass
    ram = "unknown"
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            kb = int(handle.readline().split()[1])
        ram = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"nproc {os.cpu_count()}, {model}, RAM {ram}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true", help="CI size: 2 regions, 5 steps, 100 trajectories")
    parser.add_argument("--markdown", type=Path, help="write the '## Projection' results section to this file")
    args = parser.parse_args()
    regions, steps, trajectories = (2, 5, 100) if args.small else (13, 15, 1000)

    with tempfile.TemporaryDirectory() as folder:
        base_path, scenario_path = Path(folder) / "base.csv", Path(folder) / "scenario.yaml"
        with base_path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["region", "sex", "age", "population"])
            writer.writerows(base_rows(regions, 1, open_age=100))
        data = scenario_data(regions, 1, steps, trajectories=trajectories)
        scenario_path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        scenario = read_scenario(scenario_path, base_path)
    settings = scenario.stochastic
    if settings is None:
        raise SystemExit("the synthetic scenario has no stochastic settings")
    inputs = compile_scenario(scenario)
    shape = (
        f"{regions} regions x 2 sexes x {len(scenario.ages)} ages x {steps} years x {len(scenario.variants)} variants"
    )

    engine_median, engine_best, _ = timed(inputs.run, repeats=20)
    compile_median, _, _ = timed(lambda: compile_scenario(scenario), repeats=5)
    stochastic_median, stochastic_best, stochastic_cpu = timed(
        lambda: run_stochastic(scenario, settings, city="3301"), repeats=3
    )
    # Registered and floating residents as two parts with gross flows (three engine passes per step each).
    inflow = inputs.net_migrants[:, 0].clip(min=0)
    outflow = np.full(inputs.base.shape, 0.02)

    def parts() -> None:
        for _ in range(2):
            project_gross(inputs.base, inputs.rates, lambda t: inflow, outflow, steps)

    parts_median, _, _ = timed(parts, repeats=5)
    history = [2015, 2016, 2017, 2018, 2019, 2020]
    totals = [901.8, 918.8, 946.8, 980.6, 1036.0, 1196.5]
    future = list(range(2015, 2036))

    def trends() -> None:
        linear_trend(history, totals, future)
        exponential_trend(history, totals, future)
        logistic_trend(history, totals, future)

    trends_median, _, _ = timed(trends, repeats=5)
    lines = [
        f"deterministic engine, {shape}: median {engine_median * 1000:.1f} ms (best {engine_best * 1000:.1f} ms; "
        f"bar {DETERMINISTIC_BAR * 1000:.0f} ms)",
        f"compiling the scenario to rates (Hadwiger, Brass alpha per step, Rogers-Castro): "
        f"median {compile_median * 1000:.1f} ms",
        f"engine + compile: {(engine_median + compile_median) * 1000:.1f} ms",
        f"stochastic, {trajectories} trajectories x {regions} regions x {steps} years, every output summarised: "
        f"median {stochastic_median:.2f} s (best {stochastic_best:.2f} s; CPU {stochastic_cpu:.2f} s over two threads; "
        f"bar {STOCHASTIC_BAR:.0f} s)",
        f"registered + floating residents as two parts with gross flows, {shape}: median {parts_median * 1000:.1f} ms",
        f"linear, exponential and logistic trends of a 6-year history over 21 years: median {trends_median * 1000:.1f} ms",
        f"load average while measuring: {os.getloadavg()[0]:.2f}",
    ]
    for line in lines:
        print(line)
    if not args.small:
        print("deterministic bar:", "met" if engine_median < DETERMINISTIC_BAR else "MISSED")
        print("stochastic bar:", "met" if stochastic_median < STOCHASTIC_BAR else "MISSED")
    if args.markdown is not None:
        command = "python bench/bench_projection.py" + (" --small" if args.small else "")
        section = [
            "## Projection",
            "",
            f"- date: {datetime.date.today().isoformat()}",
            f"- machine: {machine()}",
            f"- Python {platform.python_version()}, NumPy {__import__('numpy').__version__}",
            f"- command: `.venv/bin/{command}`",
            "",
            *(f"- {line}" for line in lines),
            "",
        ]
        load, cores = os.getloadavg()[0], os.cpu_count() or 1
        if load > cores:
            section[-1:] = [
                "",
                f"Note: the machine was shared while measuring (load average {load:.1f} on {cores} cores), so wall "
                "times include waiting for a CPU; the CPU time is the work the run itself did.",
                "",
            ]
        args.markdown.write_text("\n".join(section), encoding="utf-8")


if __name__ == "__main__":
    main()
