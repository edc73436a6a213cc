"""Commands of the projection part: ``renkou project`` on explicit inputs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from renkou.errors import UserError


def project_command(
    base: Annotated[Path, typer.Option("--base", help="基期人口 / base population CSV: region,sex,age,population")],
    assumptions: Annotated[
        Path, typer.Option("--assumptions", help="明确假设 / explicit assumptions YAML (rates per region and variant)")
    ],
    out: Annotated[
        Path | None, typer.Option("--out", help="预测结果 / output CSV: variant,region,year,sex,age,population")
    ] = None,
    components: Annotated[
        Path | None,
        typer.Option("--components", help="出生、死亡、迁移 / write births, deaths and net migrants per step to CSV"),
    ] = None,
    city: Annotated[
        str | None, typer.Option("--city", help="城市代码：加入各地区之和 / add the city as the sum of all regions")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 对象 / print one JSON object")] = False,
) -> None:
    """队列要素法人口预测（明确输入）。

    Cohort-component projection on explicit inputs (BASE.csv and A.yaml, see DESIGN.md "Contracts").
    """
    from renkou.projection.assumptions_file import compile_explicit, read_header
    from renkou.projection.base_file import read_base
    from renkou.projection.districts import add_city
    from renkou.projection.output import check_not_negative, summary, write_components, write_population

    if out is None and not as_json:
        raise UserError("请指定 --out 或 --json", "give --out or --json")
    header = read_header(assumptions)
    inputs = compile_explicit(header, read_base(base, header.age_interval), base)
    result = inputs.run()
    series = inputs.series
    check_not_negative(assumptions, inputs, result, series)
    if city is not None:
        result, series = add_city(result, series, city)
    report = summary(inputs, result, series)
    if out is not None:
        report["out"] = str(out)
        report["rows"] = write_population(out, inputs, result, series)
    if components is not None:
        report["components"] = str(components)
        report["component_rows"] = write_components(components, inputs, result, series)
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        for entry in report["series"]:
            total = entry["population"]
            print(
                f"{entry['region']} {entry['variant']}: {inputs.years[0]} {total[0]:,.0f} -> "
                f"{inputs.years[-1]} {total[-1]:,.0f}"
            )
        if out is not None:
            print(f"已写出 / wrote {out} ({report['rows']} rows)")


def register(app: typer.Typer) -> None:
    """Add the projection commands to the ``renkou`` CLI."""
    app.command("project", help="队列要素法人口预测。\n\nCohort-component population projection.")(project_command)
