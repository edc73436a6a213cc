"""Commands of the statistics part: ``renkou lifetable`` (and, later, ``renkou stats``).

Each command is a thin shell: parse options, call the pure code through the ``*_io`` modules, print a summary on
stdout and warnings on stderr. Heavy imports (NumPy) stay inside the command functions so ``renkou --help`` is fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

LIFETABLE_HELP = (
    "由死亡人数和暴露人年（或死亡率）编制生命表。\n\n"
    "Build a period life table from deaths and exposures (or from death rates).\n\n"
    "IN.csv: age,interval,deaths,exposure[,ax] or age,interval,mx[,ax]; the open group's interval is empty. "
    "OUT.csv: age,interval,mx,qx,ax,lx,dx,Lx,Tx,ex with radix 100000. When ax is absent: a0 by Andreev-Kingkade "
    "(2015) for --sex, 4a1 by Coale-Demeny (Preston et al. 2001, table 3.3) in abridged tables, other groups by "
    "--ax-method, the open group 1/m."
)


def lifetable_command(
    input_path: Annotated[
        Path, typer.Option("--input", "-i", help="输入 CSV / input CSV: age,interval,deaths,exposure[,ax] or mx")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="输出 CSV / output CSV: age,interval,mx,qx,ax,lx,dx,Lx,Tx,ex")
    ],
    sex: Annotated[
        str,
        typer.Option(
            "--sex",
            help="性别，用于选择 a0 和 4a1：F 女、M 男、T 合计（取男女公式的平均） / sex for a0 and 4a1: F, M, or T "
            "(both sexes: the mean of the female and male rules)",
        ),
    ] = "T",
    ax_method: Annotated[
        str,
        typer.Option(
            "--ax-method",
            help="其余年龄组 ax 的取法 / ax of the other closed groups: midpoint (n/2), constant (constant hazard), "
            "graduate (Keyfitz iteration)",
        ),
    ] = "midpoint",
    min_deaths: Annotated[
        float,
        typer.Option(
            "--min-deaths", help="死亡人数少于此数时给出警告 / warn when the table has fewer deaths than this"
        ),
    ] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 对象 / print one JSON object")] = False,
) -> None:
    """由死亡人数和暴露人年编制生命表 / build a life table from deaths and exposures."""
    from renkou.stats.lifetable_io import compute_life_table, read_lifetable_csv, write_lifetable_csv

    data = read_lifetable_csv(input_path)
    table = compute_life_table(data, sex=sex, ax_method=ax_method, min_deaths=min_deaths)
    write_lifetable_csv(table, out)
    for warning in table.warnings:
        print(f"警告 / warning: {warning}", file=sys.stderr)
    first_age = float(table.ages[0])
    ex_first = float(table.ex[0])
    if as_json:
        report = {
            "out": str(out),
            "rows": int(table.ages.size),
            "sex": str(table.sex),
            "first_age": first_age,
            "e0": round(ex_first, 4) if first_age == 0 else None,
            "ex_first_age": round(ex_first, 4),
            "warnings": table.warnings,
        }
        print(json.dumps(report, ensure_ascii=False))
        return
    from renkou.stats.lifetable_ages import format_age

    label = "e0" if first_age == 0 else f"e{format_age(first_age)}"
    print(
        f"已写出 {out}（{table.ages.size} 个年龄组），{label} = {ex_first:.2f} 岁 / "
        f"wrote {out} ({table.ages.size} age groups), {label} = {ex_first:.2f} years"
    )


def register(app: typer.Typer) -> None:
    """Add the statistics commands to the ``renkou`` app."""
    app.command("lifetable", help=LIFETABLE_HELP)(lifetable_command)
