"""Commands of the plan part: ``renkou plan evaluate | warnings | facilities | impact | capacity | report | list``.

Thin shells over the pure modules (:mod:`renkou.plan.evaluate`, :mod:`renkou.plan.warnings`,
:mod:`renkou.plan.assess`, :mod:`renkou.plan.report`); the register is read through :mod:`renkou.plan.gather` and
:mod:`renkou.plan.population`.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from renkou.errors import UserError

STATUS_MARK = {"red": "红 red  ", "amber": "黄 amber", "green": "绿 green"}


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(
            f"{option} 的日期 {text!r} 无效，应为 YYYY-MM-DD", f"{option}: {text!r} is not a date (YYYY-MM-DD)"
        ) from None


def _plan_path(text: str | None) -> Path:
    from renkou.plan.loader import DEFAULT_PLAN, shipped_plans

    if text is None:
        return DEFAULT_PLAN
    path = Path(text)
    if path.exists():
        return path
    shipped = shipped_plans()
    if text in shipped:
        return shipped[text]
    raise UserError(
        f"找不到规划文件 {text}（内置规划：{', '.join(shipped)}）",
        f"plan file not found: {text} (shipped plans: {', '.join(shipped)})",
    )


def _print_json(data: dict[str, Any]) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=None))


def _show(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"


def evaluate_command(
    db: Annotated[Path, typer.Option("--db", help="登记库 / register database")],
    plan: Annotated[
        str | None,
        typer.Option("--plan", help="规划文件或内置规划名（默认杭州十四五） / plan file or shipped plan name"),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="评估日期（默认登记库最后事件日，不晚于目标年末） / evaluation date YYYY-MM-DD (default: the register's last event, at most the end of the target year)",
        ),
    ] = None,
    years: Annotated[
        int, typer.Option("--years", min=1, max=20, help="用于趋势的年度值个数 / yearly values for the trend")
    ] = 5,
    rules: Annotated[
        Path | None, typer.Option("--rules", help="预警规则文件 / warning rule file (default: shipped rules)")
    ] = None,
    projection: Annotated[
        bool,
        typer.Option(
            "--projection/--no-projection",
            help="用登记库的人口预测（高中低方案）判断目标年达成 / judge attainment on the register's projection variants",
        ),
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 对象 / print one JSON object")] = False,
) -> None:
    """规划指标评估 / evaluate a plan's targets."""
    from renkou.plan.gather import run_evaluation
    from renkou.plan.loader import load_plan

    loaded = load_plan(_plan_path(plan))
    result = run_evaluation(db, loaded, _date(as_of, "--as-of"), years, rules, projection=projection)
    if as_json:
        _print_json(result)
        return
    print(f"{loaded.title or loaded.name}  截至 as of {result['as_of']}  (目标年 target year {loaded.target_year})")
    counts = result["counts"]
    print(f"方法 method: {result['method']}")
    print(f"红 red {counts['red']}   黄 amber {counts['amber']}   绿 green {counts['green']}")
    for item in result["indicators"]:
        nature = "约束" if item["nature"] == "binding" else "预期"
        print(
            f"  {STATUS_MARK[item['status']]}  [{nature}] {item['name_zh'] or item['name']}: "
            f"{_show(item['value'])} {item['unit']} → {item['target']}"
        )
        print(f"      {item['reason']}")
    for warning in result["warnings"]:
        print(f"  预警 warning: {warning['message']}")


def warnings_command(
    db: Annotated[Path, typer.Option("--db", help="登记库 / register database")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="日期（默认登记库最后事件日） / date YYYY-MM-DD")] = None,
    rules: Annotated[
        Path | None, typer.Option("--rules", help="预警规则文件 / warning rule file (default: shipped rules)")
    ] = None,
    capacity: Annotated[
        Path | None,
        typer.Option("--capacity", help="设施容量 CSV（默认登记库中保存的） / capacity CSV (default: the stored one)"),
    ] = None,
    standards: Annotated[
        Path | None, typer.Option("--standards", help="配置标准 YAML（默认内置） / standards YAML (default: shipped)")
    ] = None,
    years: Annotated[int, typer.Option("--years", min=2, max=20, help="回看年数 / yearly values to look at")] = 5,
    stored: Annotated[
        bool,
        typer.Option("--stored", help="显示入库后保存的最近一次预警 / show the warnings stored after the last ingest"),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 对象 / print one JSON object")] = False,
) -> None:
    """人口监测预警 / early warnings."""
    from renkou.plan.facility_files import read_capacity
    from renkou.plan.gather import register_stats_series
    from renkou.plan.warnings import DEFAULT_RULES, evaluate_rules, facility_warnings, load_rules
    from renkou.register.store import Register

    if not db.exists():
        raise UserError(f"找不到登记库 {db}", f"register database not found: {db}")
    if stored:
        from renkou.plan.store import latest_warnings

        register = Register.open(db, read_only=True)
        try:
            latest = latest_warnings(register.engine)
        finally:
            register.close()
        if as_json:
            _print_json(latest)
            return
        print(f"入库后预警 / stored after ingest: run {latest['run_id']}, as of {latest.get('as_of')}")
        for warning in latest["warnings"]:
            print(f"  {warning['message']}")
        return
    rule_list = load_rules(rules or DEFAULT_RULES)
    standard_list = _standards(standards)
    capacity_map = read_capacity(capacity, {s.id for s in standard_list}) if capacity else None
    register = Register.open(db, read_only=True)
    try:
        figures = register_stats_series(register, _date(as_of, "--as-of"), years)
        day = max(figures)
        found = evaluate_rules(rule_list, figures)
        found += facility_warnings(register, day, rule_list, standard_list, capacity_map)
    finally:
        register.close()
    if as_json:
        _print_json({"as_of": day.isoformat(), "rules": [rule.id for rule in rule_list], "warnings": found})
        return
    print(f"截至 as of {day.isoformat()}: {len(found)} 条预警 / warnings")
    for warning in found:
        print(f"  {warning['message']}")


def capacity_command(
    db: Annotated[Path, typer.Option("--db", help="登记库 / register database")],
    capacity: Annotated[Path, typer.Argument(help="设施容量 CSV（district,facility,year,capacity） / capacity CSV")],
    standards: Annotated[
        Path | None, typer.Option("--standards", help="配置标准 YAML（默认内置） / standards YAML (default: shipped)")
    ] = None,
) -> None:
    """保存设施容量 / store facility capacity in the register (for the warnings after each ingest)."""
    from renkou.engine.duckdb import DuckDBEngine
    from renkou.plan.facility_files import read_capacity
    from renkou.plan.store import save_capacity

    if not db.exists():
        raise UserError(f"找不到登记库 {db}", f"register database not found: {db}")
    loaded = read_capacity(capacity, {s.id for s in _standards(standards)})
    engine = DuckDBEngine(str(db))
    try:
        count = save_capacity(engine, loaded)
    finally:
        engine.close()
    print(f"已保存 {count} 行设施容量 / stored {count} capacity rows in {db}")


def _standards(path: Path | None) -> list[Any]:
    from renkou.plan.facility_files import DEFAULT_STANDARDS, load_standards

    return load_standards(path or DEFAULT_STANDARDS)


def _chart(path: Path, draw: Any) -> None:
    from renkou.report.charts import render

    suffix = path.suffix.lower().lstrip(".")
    if suffix not in ("svg", "png"):
        raise UserError(f"图表文件应以 .svg 或 .png 结尾：{path}", f"the chart file must end in .svg or .png: {path}")
    path.write_bytes(render(draw, suffix))
    print(f"图表 / chart: {path}")


def _area(projected: Any, code: str | None) -> str:
    codes = [a.code for a in projected.areas]
    if code is None:
        return str(projected.city)
    if code not in codes:
        raise UserError(
            f"--area {code} 不在预测的地区中（{', '.join(codes)}）",
            f"--area {code} is not projected ({', '.join(codes)})",
        )
    return code


def _console() -> Any:
    """A console as wide as the terminal, or wide enough for the tables when the output is a file or a pipe."""
    import sys

    from rich.console import Console

    return Console(width=None if sys.stdout.isatty() else 180)


def _cell(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


DB_OPTION = typer.Option("--db", help="登记库 / register database")
AS_OF_HELP = "预测起点（默认登记库最后事件日） / projection start date YYYY-MM-DD (default: the register's last event)"


def facilities_command(
    db: Annotated[Path, DB_OPTION],
    capacity: Annotated[
        Path | None, typer.Option("--capacity", help="设施容量 CSV（district,facility,year,capacity） / capacity CSV")
    ] = None,
    standards: Annotated[
        Path | None, typer.Option("--standards", help="配置标准 YAML（默认内置） / standards YAML (default: shipped)")
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help=AS_OF_HELP)] = None,
    to_year: Annotated[
        int, typer.Option("--to-year", min=1901, max=2200, help="预测终止年 / last projected year")
    ] = 2035,
    variant: Annotated[str, typer.Option("--variant", help="预测方案 low|medium|high / variant")] = "medium",
    area: Annotated[
        str | None, typer.Option("--area", help="表格显示的地区代码（默认全市） / area shown (default: the city)")
    ] = None,
    chart: Annotated[Path | None, typer.Option("--chart", help="图表文件 .svg/.png / chart file")] = None,
    by_age: Annotated[
        bool, typer.Option("--by-age", help="另列学位的分年龄（年级）需求 / also school places by single age")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 对象 / print one JSON object")] = False,
) -> None:
    """公共服务设施需求 / public-service facility demand."""
    from renkou.plan.assess import facilities_result
    from renkou.plan.facility_files import read_capacity
    from renkou.plan.population import project_register

    standard_list = _standards(standards)
    capacity_map = read_capacity(capacity, {s.id for s in standard_list}) if capacity else None
    projected = project_register(db, _date(as_of, "--as-of"), to_year)
    result = facilities_result(projected, standard_list, variant, capacity_map)
    shown = _area(projected, area)
    if chart is not None:
        from renkou.plan.charts import facility_chart

        _chart(chart, lambda: facility_chart(result, shown))
    if as_json:
        _print_json(result)
        return
    from rich.table import Table

    name = next(a["name"] for a in result["areas"] if a["code"] == shown)
    table = Table(title=f"{name} {shown} 设施需求 / facility demand ({variant}, from {result['as_of']})")
    table.add_column("年 year")
    for s in standard_list:
        table.add_column(f"{s.name_zh}\n{s.name_en}", justify="right")
    rows = {(r["year"], r["facility"]): r for r in result["rows"] if r["area"] == shown}
    for year in result["years"]:
        cells = []
        for s in standard_list:
            row = rows[(year, s.id)]
            gap = "" if row["gap"] is None else f"\n{row['gap']:+,.0f}"
            cells.append(f"{_cell(row['demand'])}{gap}")
        table.add_row(str(year), *cells)
    console = _console()
    console.print(table)
    for s in standard_list:
        console.print(f"  {s.name_zh}: {s.per_1000:g} {s.unit_zh}/千人 ({s.ages}) — {s.source}", highlight=False)
    if capacity_map:
        console.print("  第二行为容量减需求，负数为缺口 / second line: capacity minus demand, negative = shortfall")
    short = [r for r in result["rows"] if r["gap"] is not None and r["gap"] < 0 and r["area"] != projected.city]
    if short:
        console.print(f"  缺口 shortfalls: {len(short)} 个区县×年×设施 / district-year-facility rows below demand")
    if by_age:
        for s in standard_list:
            if not s.by_single_age:
                continue
            ages = list(rows[(result["years"][0], s.id)]["by_age"])
            table = Table(title=f"{name} {s.name_zh}分年龄需求 / {s.name_en} by single age")
            table.add_column("年 year")
            for age in ages:
                table.add_column(f"{age}岁", justify="right")
            for year in result["years"]:
                table.add_row(str(year), *(_cell(rows[(year, s.id)]["by_age"][age]) for age in ages))
            console.print(table)


def impact_command(
    db: Annotated[Path, DB_OPTION],
    scenario: Annotated[Path, typer.Option("--scenario", help="影响情景 YAML / impact scenario YAML")],
    standards: Annotated[
        Path | None, typer.Option("--standards", help="配置标准 YAML（默认内置） / standards YAML (default: shipped)")
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help=AS_OF_HELP)] = None,
    to_year: Annotated[
        int, typer.Option("--to-year", min=1901, max=2200, help="预测终止年 / last projected year")
    ] = 2035,
    chart: Annotated[Path | None, typer.Option("--chart", help="图表文件 .svg/.png / chart file")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 对象 / print one JSON object")] = False,
) -> None:
    """人口影响评估 / population impact assessment of a decision."""
    from renkou.plan.assess import AGE_GROUPS, age_group_label, by_age_groups, impact_result
    from renkou.plan.impact import load_scenario
    from renkou.plan.population import project_register

    standard_list = _standards(standards)
    projected = project_register(db, _date(as_of, "--as-of"), to_year)
    loaded = load_scenario(scenario, [a.code for a in projected.districts])
    result = impact_result(projected, loaded, standard_list)
    if chart is not None:
        from renkou.plan.charts import impact_chart

        specs = [{"id": s.id, "name_zh": s.name_zh} for s in standard_list]
        _chart(chart, lambda: impact_chart(result, projected.city, specs))
    if as_json:
        _print_json(result)
        return
    from rich.table import Table

    console = _console()
    console.print(f"影响情景 / impact scenario: {result['scenario']}  ({result['variant']})", highlight=False)
    for line in result["decisions"]:
        console.print(f"  - {line}", highlight=False)
    for area in result["areas"]:
        code = area["code"]
        table = Table(title=f"{area['name']} {code}: 人口与设施需求的增加 / added population and facility demand")
        table.add_column("年 year")
        table.add_column("人口\npopulation", justify="right")
        for s in standard_list:
            table.add_column(f"{s.name_zh}\n{s.name_en}", justify="right")
        pop = {r["year"]: r for r in result["population"] if r["area"] == code}
        fac = {(r["year"], r["facility"]): r for r in result["facilities"] if r["area"] == code}
        for year in result["years"]:
            table.add_row(
                str(year),
                f"{pop[year]['difference']:+,.0f}",
                *(f"{fac[(year, s.id)]['difference']:+,.0f}" for s in standard_list),
            )
        console.print(table)
        ages = Table(title=f"{area['name']} {code}: 分年龄人口的增加 / added population by age")
        ages.add_column("年 year")
        for low, high in AGE_GROUPS:
            ages.add_column(f"{age_group_label(low, high)}岁", justify="right")
        by_age = {r["year"]: r["difference"] for r in result["by_age"] if r["area"] == code}
        for year in result["years"]:
            ages.add_row(str(year), *(f"{v:+,.0f}" for v in by_age_groups(by_age[year])))
        console.print(ages)


def report_command(
    db: Annotated[Path, DB_OPTION],
    out: Annotated[Path, typer.Option("--out", help="输出文件 / output file")],
    kind: Annotated[str, typer.Option("--kind", help="mid（中期）| end（终期） / mid-term or end-term")] = "mid",
    fmt: Annotated[
        str | None, typer.Option("--format", help="html | pdf | docx（默认按 --out 的扩展名 / default: from --out)")
    ] = None,
    plan: Annotated[
        str | None,
        typer.Option("--plan", help="规划文件或内置规划名（默认杭州十四五） / plan file or shipped plan name"),
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="评估日期 / evaluation date YYYY-MM-DD")] = None,
    scenario: Annotated[
        Path | None, typer.Option("--scenario", help="影响情景 YAML（可选） / impact scenario YAML (optional)")
    ] = None,
    capacity: Annotated[
        Path | None,
        typer.Option("--capacity", help="设施容量 CSV（默认登记库中保存的） / capacity CSV (default: the stored one)"),
    ] = None,
    standards: Annotated[
        Path | None, typer.Option("--standards", help="配置标准 YAML（默认内置） / standards YAML (default: shipped)")
    ] = None,
    projection: Annotated[
        bool,
        typer.Option(
            "--projection/--no-projection", help="用人口预测判断目标年达成 / judge attainment on the projection"
        ),
    ] = True,
) -> None:
    """规划中期 / 终期评估报告 / the plan's mid-term or end-term evaluation report."""
    import time

    from rich.console import Console

    from renkou.plan.report import KINDS, write_plan_report
    from renkou.report import FORMATS, check_format

    if kind not in KINDS:
        raise UserError(f"--kind 应为 mid 或 end：{kind}", f"--kind must be mid or end, not {kind}")
    suffix = out.suffix.lower().lstrip(".")
    chosen = check_format(fmt) if fmt is not None else (suffix if suffix in FORMATS else "html")
    if out.exists() and out.is_dir():
        raise UserError(f"--out：{out} 是一个目录，应为文件名", f"--out: {out} is a folder, expected a file name")
    if not out.parent.is_dir():
        raise UserError(f"--out：目录 {out.parent} 不存在", f"--out: folder {out.parent} does not exist")
    started = time.perf_counter()
    console = Console(stderr=True)
    with console.status("编制评估报告 / building the evaluation report", spinner="dots") as status:

        def step(text: str) -> None:
            status.update(f"编制评估报告 / building the evaluation report: {text}")

        write_plan_report(
            db,
            _plan_path(plan),
            kind,
            chosen,
            out,
            as_of=_date(as_of, "--as-of"),
            scenario=scenario,
            capacity=capacity,
            standards=standards,
            projection=projection,
            step=step,
        )
    seconds = time.perf_counter() - started
    print(f"已写出 {out}（{chosen.upper()}，{seconds:.1f} 秒） / wrote {out} ({chosen}, {seconds:.1f} s)")


def list_command() -> None:
    """列出内置规划 / list the shipped plans."""
    from renkou.plan.loader import load_plan, shipped_plans

    for name, path in shipped_plans().items():
        plan = load_plan(path)
        print(f"{name}  {plan.base_year}-{plan.target_year}  {len(plan.indicators)} indicators  {plan.title}")


def register(app: typer.Typer) -> None:
    """Add ``renkou plan`` with its sub-commands."""
    sub = typer.Typer(
        help="规划目标评估、人口预警、公共服务设施需求与人口影响评估。\n\n"
        "Plan targets and their evaluation, early warning, public-service facility demand and impact assessment.",
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    sub.command(
        "evaluate",
        help="评估规划指标：现状、趋势外推的目标年达成情况与预警。\n\n"
        "Evaluate a plan's indicators: status now, attainment by the target year on a stated trend, and warnings.",
    )(evaluate_command)
    sub.command(
        "warnings",
        help="按预警规则检查出生、出生性别比、流动人口流入、老龄化、学位与养老床位。\n\n"
        "Check the early-warning rules: births, sex ratio at birth, floating inflow, ageing, school seats, "
        "elderly care beds.",
    )(warnings_command)
    sub.command(
        "facilities",
        help="按人口预测计算各区县逐年公共服务设施需求及其与容量的差距。\n\n"
        "Public-service facility demand by district and year from the projection, and the gap to capacity.",
    )(facilities_command)
    sub.command(
        "impact",
        help="重大决策（住房开发、新建高校、落户指标调整）对人口与设施需求的影响。\n\n"
        "Population impact of a decision (housing, a university, the settlement quota) on population and facilities.",
    )(impact_command)
    sub.command(
        "capacity",
        help="把设施容量文件保存到登记库，供入库后的预警使用。\n\n"
        "Store a facility capacity file in the register for the warnings evaluated after each ingest.",
    )(capacity_command)
    sub.command(
        "report",
        help="规划中期 / 终期评估报告（HTML、PDF、Word）：指标评估、预警、设施需求与影响情景。\n\n"
        "The mid-term or end-term evaluation report (HTML, PDF, Word): indicators, warnings, facility demand and an "
        "impact scenario.",
    )(report_command)
    sub.command("list", help="列出内置规划。\n\nList the shipped plans.")(list_command)
    app.add_typer(sub, name="plan")
