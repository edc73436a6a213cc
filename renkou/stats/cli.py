"""Commands of the statistics part: ``renkou lifetable`` and ``renkou stats``.

Each command is a thin shell: parse options, call the pure code through the ``*_io`` modules, print a summary on
stdout and warnings on stderr. Heavy imports (NumPy) stay inside the command functions so ``renkou --help`` is fast.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from renkou.errors import UserError

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


STATS_HELP = (
    "本市及各区的人口指标：户籍、常住和流动人口。\n\n"
    "Population indicators for the city and every district: registered, resident and floating population. The "
    "year is the twelve months ending on --as-of; rates are on the mean of the populations at its start and end. "
    "--explain prints the unit, definition and population of every indicator."
)


def _parse_as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(
            f"--as-of 的日期“{text}”无效，应为 YYYY-MM-DD", f"--as-of: invalid date '{text}', expected YYYY-MM-DD"
        ) from None


def _parse_known_at(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise UserError(
            f"--known-at 的时间“{text}”无效，应为 ISO 格式（如 2021-03-01T00:00）",
            f"--known-at: invalid time '{text}', expected ISO format (e.g. 2021-03-01T00:00)",
        ) from None


def stats_command(
    db: Annotated[Path | None, typer.Option("--db", help="登记库数据库文件 / register database file (DuckDB)")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="截至日期 / as-of date YYYY-MM-DD")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 对象 / print one JSON object")] = False,
    district: Annotated[
        str | None, typer.Option("--district", help="只统计一个区县（代码或名称） / one district only (code or name)")
    ] = None,
    known_at: Annotated[
        str | None,
        typer.Option("--known-at", help="按该时刻已登记的信息统计（重现已发布的数字） / as known at this time (ISO)"),
    ] = None,
    min_deaths: Annotated[
        float,
        typer.Option("--min-deaths", help="生命表死亡人数少于此数时给出警告 / warn when a life table has fewer deaths"),
    ] = 20,
    explain: Annotated[
        bool, typer.Option("--explain", help="列出各指标的单位、定义和口径 / print every indicator's definition")
    ] = False,
) -> None:
    """本市及各区的人口指标 / population indicators for the city and every district."""
    if explain:
        from renkou.stats.stats_text import explain_text

        print(explain_text())
        return
    if db is None or as_of is None:
        raise UserError("需要 --db 和 --as-of（或 --explain）", "--db and --as-of are required (or --explain)")
    from renkou.register.store import Register
    from renkou.stats.compute import StatsRequest, compute_stats

    day = _parse_as_of(as_of)
    known = _parse_known_at(known_at)
    register = Register.open(db, read_only=True)
    try:
        result = compute_stats(register, StatsRequest(day, district=district, known_at=known, min_deaths=min_deaths))
    finally:
        register.close()
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return
    from renkou.stats.stats_text import print_tables

    print_tables(result)


def register(app: typer.Typer) -> None:
    """Add the statistics commands to the ``renkou`` app."""
    app.command("lifetable", help=LIFETABLE_HELP)(lifetable_command)
    app.command("stats", help=STATS_HELP)(stats_command)
