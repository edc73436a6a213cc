"""The plan part's step of ``renkou demo``: facility demand with its chart, and the warnings stored for the dashboard.

Call it after the register is closed (the warnings are written into it)::

    from renkou.plan import demo_step
    demo_step(db, out, print_line=console.print)
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

SHOWN = (2025, 2030, 2035)


def demo_step(
    db: Path,
    out: Path,
    *,
    as_of: date | None = None,
    to_year: int = 2035,
    print_line: Callable[[str], Any] = print,
) -> dict[str, Any]:
    """Facility demand of the medium variant to ``to_year`` (``out/facilities.json`` and ``out/facilities.svg``, the
    city's chart) and the early warnings evaluated and stored in the register (as after an ingest, trigger
    ``demo``). Prints a few lines; returns ``{"files": {...}, "warnings": n, "seconds": s}``. A register too small
    for a projection still gets its warnings (the facility files are then skipped, with the reason printed)."""
    from renkou.errors import UserError
    from renkou.plan.assess import facilities_result
    from renkou.plan.charts import facility_chart
    from renkou.plan.facility_files import load_standards
    from renkou.plan.population import project_register
    from renkou.plan.warnings import after_ingest
    from renkou.report.charts import render

    started = time.perf_counter()
    files: dict[str, Path] = {}
    standards = load_standards()
    try:
        projected = project_register(db, as_of, to_year)
    except UserError as error:
        print_line(f"   设施需求未计算 / no facility demand: {error}")
    else:
        result = facilities_result(projected, standards)
        files["facilities"] = out / "facilities.json"
        files["facilities"].write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        files["facilities_chart"] = out / "facilities.svg"
        files["facilities_chart"].write_bytes(render(lambda: facility_chart(result, projected.city), "svg"))
        rows = {(r["year"], r["facility"]): r["demand"] for r in result["rows"] if r["area"] == projected.city}
        for standard in standards:
            shown = ", ".join(f"{y}: {rows[(y, standard.id)]:,.0f}" for y in SHOWN if (y, standard.id) in rows)
            print_line(f"   {standard.name_zh} / {standard.name_en}: {shown}")
    try:
        warnings = after_ingest(db, trigger="demo")
    except Exception as error:  # the demo goes on without warnings, saying why
        print_line(f"   预警未更新 / warnings not updated: {str(error).splitlines()[0] if str(error) else error!r}")
        warnings = []
    else:
        print_line(f"   预警 / warnings: {len(warnings)}（renkou plan warnings --db {db} --stored）")
    for path in files.values():
        print_line(f"   {path}")
    return {"files": files, "warnings": len(warnings), "seconds": time.perf_counter() - started}
