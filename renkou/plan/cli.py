"""Commands of the plan part: ``renkou plan evaluate``, ``renkou plan warnings`` and ``renkou plan list``.

Thin shells over :mod:`renkou.plan.evaluate` and :mod:`renkou.plan.warnings`; the register is read through
:mod:`renkou.plan.gather`.
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
    from renkou.plan.evaluate import evaluate_plan
    from renkou.plan.gather import plan_projections, plan_series, stats_series
    from renkou.plan.loader import load_plan
    from renkou.plan.warnings import DEFAULT_RULES, evaluate_rules, load_rules

    loaded = load_plan(_plan_path(plan))
    rule_list = load_rules(rules or DEFAULT_RULES)
    figures = stats_series(db, _date(as_of, "--as-of"), years, latest=date(loaded.target_year, 12, 31))
    series, sources = plan_series(loaded, figures)
    day = max(figures)
    projected, method = plan_projections(db, loaded, day) if projection else ({}, "linear trend (projection off)")
    result = evaluate_plan(loaded, day, series, sources, projected, method)
    result["warnings"] = evaluate_rules(rule_list, figures)
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
    years: Annotated[int, typer.Option("--years", min=2, max=20, help="回看年数 / yearly values to look at")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 对象 / print one JSON object")] = False,
) -> None:
    """人口监测预警 / early warnings."""
    from renkou.plan.gather import stats_series
    from renkou.plan.warnings import DEFAULT_RULES, evaluate_rules, load_rules

    rule_list = load_rules(rules or DEFAULT_RULES)
    figures = stats_series(db, _date(as_of, "--as-of"), years)
    found = evaluate_rules(rule_list, figures)
    day = max(figures).isoformat()
    if as_json:
        _print_json({"as_of": day, "rules": [rule.id for rule in rule_list], "warnings": found})
        return
    print(f"截至 as of {day}: {len(found)} 条预警 / warnings")
    for warning in found:
        print(f"  {warning['message']}")


def list_command() -> None:
    """列出内置规划 / list the shipped plans."""
    from renkou.plan.loader import load_plan, shipped_plans

    for name, path in shipped_plans().items():
        plan = load_plan(path)
        print(f"{name}  {plan.base_year}-{plan.target_year}  {len(plan.indicators)} indicators  {plan.title}")


def register(app: typer.Typer) -> None:
    """Add ``renkou plan`` with its sub-commands."""
    sub = typer.Typer(
        help="规划目标评估与人口预警。\n\nPlan targets, evaluation and early warning.",
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
        help="按预警规则检查出生、出生性别比、流动人口流入和老龄化。\n\n"
        "Check the early-warning rules: births, sex ratio at birth, floating inflow, ageing.",
    )(warnings_command)
    sub.command("list", help="列出内置规划。\n\nList the shipped plans.")(list_command)
    app.add_typer(sub, name="plan")
