"""Benchmark: the annual report (``renkou report``), step by step, on a demo register.

Bar (issue 4): the report in under 30 s. The register is the demo's (``renkou demo --scale 0.1`` writes
``demo-output/renkou.duckdb``); this script reads it (read-only) and times, in one process: reading the figures
(``renkou.report.gather``: the five trend years and the pyramids from one series), building the document model, and
writing each format. Wall and CPU time (all threads) per step, and the load average.

Usage: ``python bench/bench_report.py --db demo-output/renkou.duckdb --year 2020 [--formats html,pdf,docx]``.
For the end-to-end figure (start-up and imports included) time the CLI itself:
``/usr/bin/time -f "%e s wall, %U+%S s CPU" renkou report --db ... --year 2020 --format pdf --out report.pdf``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any


def _timed(label: str, work: Callable[[], Any]) -> Any:
    started, used = time.perf_counter(), time.process_time()
    result = work()
    print(f"  {label}: {time.perf_counter() - started:.2f} s wall, {time.process_time() - used:.2f} s CPU", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--year", type=int, default=2020)
    parser.add_argument("--formats", default="html,pdf,docx")
    args = parser.parse_args()

    from renkou.register.store import Register
    from renkou.report.build import build_report
    from renkou.report.gather import gather
    from renkou.report.render_docx import render_docx
    from renkou.report.render_html import render_html
    from renkou.report.render_pdf import render_pdf

    print(f"load average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    started, used = time.perf_counter(), time.process_time()
    register = Register.open(args.db, read_only=True)
    try:
        data = _timed("read the figures (gather)", lambda: gather(register, args.year, today=date.today()))
    finally:
        register.close()
    model = _timed("build the document model", lambda: build_report(data))
    with tempfile.TemporaryDirectory() as folder:
        for name in args.formats.split(","):
            out = Path(folder) / f"report.{name}"
            if name == "html":
                _timed("HTML", lambda out=out: out.write_text(render_html(model), encoding="utf-8"))
            elif name == "pdf":
                _timed("PDF", lambda out=out: out.write_bytes(render_pdf(model)))
            elif name == "docx":
                _timed("Word", lambda out=out: out.write_bytes(render_docx(model)))
            else:
                raise SystemExit(f"unknown format {name}")
            print(f"    {out.stat().st_size / 1e6:.2f} MB")
    print(
        f"total in this process: {time.perf_counter() - started:.2f} s wall, {time.process_time() - used:.2f} s CPU; "
        f"load average now {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
