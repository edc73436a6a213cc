"""``renkou demo``: the main job end to end on the embedded DuckDB.

Synthetic city -> department files -> ingest (validated, quarantined, hash-chained) -> verify -> indicators ->
(projection, report as those parts land) -> the service with its dashboard. Each step shows progress; the output
folder holds the files, the register and the documents, so every step can be repeated by hand.
"""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from renkou.register.store import Register

# Residence registrations before births, so that a floating mother is known when her child's birth is checked.
FEED_ORDER = ("hukou", "residence", "health", "civil", "hrss", "housing")
AS_OF = date(2020, 12, 31)
PROJECTION_STEPS = 15  # 2021-2035 in single years, as the Hangzhou plan projects
PROJECTION_TRAJECTORIES = 200
SHOWN_YEARS = (2025, 2030, 2035)


def department_files(folder: Path) -> list[Path]:
    """The department files under ``folder`` (not the ground truth), hukou first, each feed in name order."""
    found = [p for p in folder.rglob("*") if p.is_file() and "truth" not in p.relative_to(folder).parts]

    def order(path: Path) -> tuple[int, str]:
        feed = next((i for i, name in enumerate(FEED_ORDER) if path.name.startswith(name)), len(FEED_ORDER))
        return feed, path.name

    return sorted(found, key=order)


def _fresh_database(path: Path) -> None:
    for leftover in (path, Path(f"{path}.wal"), Path(f"{path}.key")):
        leftover.unlink(missing_ok=True)


def demo_command(
    scale: Annotated[
        float, typer.Option(help="合成城市规模（1 = 杭州 2020 全市）/ synthetic city scale (1 = Hangzhou 2020)")
    ] = 0.1,
    out: Annotated[Path, typer.Option(help="输出目录 / output folder")] = Path("demo-output"),
    seed: Annotated[int, typer.Option(help="随机种子 / random seed")] = 1,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="最后启动服务 / end by serving the dashboard")
    ] = True,
    port: Annotated[int, typer.Option(help="服务端口 / port of the service")] = 8000,
) -> None:
    """演示：合成城市 → 部门数据 → 入库 → 校验 → 指标 → 人口预测 → 年度报告 → 规划评估 → 设施与预警 → 服务。

    The main job: synthetic city -> department files -> register -> verify -> indicators -> projection ->
    annual report -> plan evaluation -> facility demand, warnings and the evaluation report -> service.
    """
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from renkou.errors import UserError
    from renkou.register.population import KINDS, population_by
    from renkou.register.reasons import describe
    from renkou.register.store import Register
    from renkou.synth.city import generate

    if scale <= 0 or scale > 1:
        raise UserError(f"规模应在 0 到 1 之间：{scale}", f"scale must be in (0, 1]: {scale}")
    console = Console(stderr=True)
    out.mkdir(parents=True, exist_ok=True)
    files_dir = out / "files"
    db = out / "renkou.duckdb"

    started = time.perf_counter()
    console.rule(f"1. 合成城市 / synthetic city (scale {scale}, seed {seed})")
    generate(files_dir, scale=scale, seed=seed, force=True)
    files = department_files(files_dir)
    console.print(f"   {len(files)} 个部门数据文件 / department files in {files_dir}")

    console.rule("2. 入库 / ingest")
    _fresh_database(db)
    register = Register.open(db, city="330100")
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("载入 / loading", total=len(files))
        summaries = []
        for path in files:
            bar.update(task, description=f"载入 / loading {path.name}")
            summaries.extend(register.ingest([path]))
            bar.advance(task)
    accepted = sum(s.accepted for s in summaries)
    quarantined = sum(s.quarantined for s in summaries)
    duplicates = sum(s.duplicates for s in summaries)
    reasons: dict[str, int] = {}
    findings: dict[str, int] = {}
    for summary in summaries:
        for code, count in summary.reasons.items():
            reasons[code] = reasons.get(code, 0) + count
        for kind, count in summary.findings.items():
            findings[kind] = findings.get(kind, 0) + count
    console.print(f"   接收 accepted {accepted:,}   隔离 quarantined {quarantined:,}   重复 duplicates {duplicates:,}")
    for code, count in sorted(reasons.items(), key=lambda item: -item[1])[:8]:
        console.print(f"     {count:>8,} × {describe(code)}")
    if findings:
        console.print(f"   比对发现 / cross-department findings: {json.dumps(findings, ensure_ascii=False)}")

    console.rule("3. 校验哈希链 / verify the hash chain")
    result = register.verify(deep=scale <= 0.05)
    console.print(f"   {result.message}")
    if not result.ok:
        raise UserError("哈希链校验失败", "hash chain verification failed")

    console.rule(f"4. 人口 / population on {AS_OF}")
    table = Table(title=f"{AS_OF} 人口 / population")
    table.add_column("区县 district")
    for kind in KINDS:
        table.add_column(f"{kind}")
    by_kind = {
        kind: {
            row["district"]: row["population"]
            for row in population_by(register.engine, AS_OF, kind, ("district",)).to_pylist()
        }
        for kind in KINDS
    }
    districts = sorted(
        {code for counts in by_kind.values() for code in counts if code and code.startswith(register.city_prefix)}
    )
    from renkou.ids import lookup

    for code in districts:
        division = lookup(code)
        table.add_row(f"{code} {division.name if division else ''}", *(f"{by_kind[k].get(code, 0):,}" for k in KINDS))
    table.add_row("全市 city", *(f"{sum(by_kind[k].values()):,}" for k in KINDS))
    console.print(table)

    console.rule("5. 指标 / indicators")
    from renkou.stats.compute import StatsRequest, compute_stats

    stats = compute_stats(register, StatsRequest(as_of=AS_OF))
    (out / "stats-2020.json").write_text(json.dumps(stats, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    city = stats["city"]
    for kind in ("registered", "resident"):
        block = city[kind]
        shown = {
            key: block.get(key)
            for key in (
                "population",
                "crude_birth_rate",
                "natural_increase_rate",
                "total_fertility_rate",
                "sex_ratio_at_birth",
                "life_expectancy_at_birth",
                "share_60_plus",
                "urbanization_rate",
            )
        }
        console.print(f"   {kind}: " + ", ".join(f"{k}={_fmt(v)}" for k, v in shown.items()))
    console.print(f"   全部指标 / all indicators: {out / 'stats-2020.json'}")

    console.rule(f"6. 人口预测 / projection {AS_OF.year + 1}-{AS_OF.year + PROJECTION_STEPS}")
    _projection_step(register, out, console)

    console.rule("7. 年度报告 / annual report")
    from renkou.report import write_reports

    written = write_reports(
        register,
        AS_OF.year,
        {fmt: out / f"report-{AS_OF.year}.{fmt}" for fmt in ("html", "pdf", "docx")},
    )
    for fmt, path in written.items():
        console.print(f"   {fmt}: {path}")
    register.close()

    console.rule("8. 规划评估 / plan evaluation (杭州十四五 Hangzhou 2021-2025)")
    from renkou.plan.cli import evaluate_command

    evaluate_command(db=db, plan=None, as_of=None, years=5, rules=None, projection=True, as_json=False)

    console.rule("9. 公共服务设施需求与预警 / facility demand and early warnings")
    from renkou.plan import demo_step

    demo_step(db, out, as_of=AS_OF, print_line=console.print)

    console.rule("10. 规划中期评估报告 / the plan's mid-term evaluation report (with an impact scenario)")
    _plan_report_step(db, out, console)
    console.print(f"完成 / done in {time.perf_counter() - started:.0f} s; register: {db}")

    if serve:
        console.rule("11. 服务 / service")
        console.print(
            f"   仪表盘 / dashboard: http://127.0.0.1:{port}/   首位管理员 / first admin: "
            f".venv/bin/renkou admin create-admin --db {db} --username admin"
        )
        from renkou.api.cli import serve_command

        serve_command(db=db, host="127.0.0.1", port=port, secure_cookies=False)


def _plan_report_step(db: Path, out: Path, console: Console) -> None:
    """The default plan's mid-term evaluation report with the shipped new-town impact scenario, in all three formats
    (one evaluation, three renderings)."""
    from renkou.errors import UserError
    from renkou.plan.loader import DEFAULT_PLAN
    from renkou.plan.report import plan_report_from_register, render

    scenario = Path(__file__).parent / "plan" / "scenarios" / "hangzhou_new_town.yaml"
    try:
        report = plan_report_from_register(db, DEFAULT_PLAN, "mid", as_of=AS_OF, scenario=scenario)
    except UserError as error:  # a register too small to project: say so and go on
        console.print(f"   评估报告未生成 / no evaluation report: {error}")
        return
    for fmt in ("html", "pdf", "docx"):
        path = out / f"plan-evaluation-mid.{fmt}"
        path.write_bytes(render(report, fmt))
        console.print(f"   {fmt}: {path}")


def _projection_step(register: Register, out: Path, console: Console) -> None:
    """Project every district and the city from the register alone (low/medium/high and a seeded stochastic run),
    write the projection, its intervals and two charts, and print the city's totals."""
    from rich.table import Table

    from renkou.projection.from_register import project_from_register

    run = project_from_register(
        register,
        AS_OF,
        out / "projection.csv",
        steps=PROJECTION_STEPS,
        intervals=out / "projection-intervals.csv",
        charts=out,
        trajectories=PROJECTION_TRAJECTORIES,
        seed=1,
    )
    table = Table(title="全市常住人口预测 / city resident population")
    table.add_column("方案 variant")
    shown = [year for year in SHOWN_YEARS if year in run.years]
    for year in shown:
        table.add_column(str(year), justify="right")
    for variant, values in run.totals.items():
        table.add_row(variant, *(f"{values[run.years.index(year)]:,.0f}" for year in shown))
    for label, name in (("p50", "随机中位数 median"), ("p10", "80% 下限 low"), ("p90", "80% 上限 high")):
        values = run.stochastic[label]
        table.add_row(name, *(f"{values[run.years.index(year)]:,.0f}" for year in shown))
    console.print(table)
    estimates = run.estimates
    console.print(
        f"   由登记库估计 / estimated from the register: TFR {estimates.city_tfr:.3f}, "
        f"net migrants {estimates.migration_total.sum():,.0f} a year, {len(estimates.codes)} districts"
    )
    for path in run.files.values():
        console.print(f"   {path}")


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def register(app: typer.Typer) -> None:
    """Add ``renkou demo`` to the CLI."""
    app.command("demo")(demo_command)
