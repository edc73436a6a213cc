"""Benchmark: the plan part's steps on a register (the demo's, or any): projection for the facility demand, the
facility demand itself, an impact scenario, the warnings after an ingest (stored), and ``renkou.plan.demo_step``.

No bar in DESIGN.md; the question is whether the plan step is cheap enough for ``renkou demo`` (under 5 s at scale
0.01) and what the warnings add to each ``renkou ingest``. Each step is timed in wall and CPU seconds (CPU counts
DuckDB's threads too), with the machine's load printed, on a copy of the register (the warnings write into it).

Usage: ``python bench/bench_plan.py --db demo-output/renkou.duckdb [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def timed(label: str, action: Callable[[], Any], repeat: int) -> Any:
    """Run ``action`` ``repeat`` times; print the best wall and CPU seconds; return the last result."""
    best_wall = best_cpu = float("inf")
    result = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = action()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    print(f"{label:<44} wall {best_wall:7.2f} s   cpu {best_cpu:7.2f} s   (best of {repeat})")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from renkou.plan import demo_step
    from renkou.plan.assess import facilities_result, impact_result
    from renkou.plan.facility_files import load_standards
    from renkou.plan.impact import SCENARIOS_DIR, load_scenario
    from renkou.plan.population import project_register
    from renkou.plan.warnings import after_ingest

    print(f"load average before: {os.getloadavg()}  cpus: {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for path in args.db.parent.iterdir():
            if path.name.startswith(args.db.name):
                shutil.copy(path, work / path.name)
        db = work / args.db.name
        standards = load_standards()
        projected = timed("projection from the register (to 2035)", lambda: project_register(db), args.repeat)
        timed("facility demand, every district and year", lambda: facilities_result(projected, standards), args.repeat)
        scenario = load_scenario(SCENARIOS_DIR / "hangzhou_new_town.yaml", [a.code for a in projected.districts])
        timed("impact scenario (3 decisions)", lambda: impact_result(projected, scenario, standards), args.repeat)
        timed("warnings after an ingest (stored)", lambda: after_ingest(db, trigger="bench"), args.repeat)
        timed("renkou.plan.demo_step", lambda: demo_step(db, work, print_line=lambda _: None), args.repeat)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
