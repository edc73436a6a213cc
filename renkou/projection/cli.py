"""Commands of the projection part: ``renkou project`` and ``renkou projection compile``.

Thin: files are read by :mod:`renkou.projection.base_file`, :mod:`renkou.projection.assumptions_file` and
:mod:`renkou.projection.scenario_file`; results are written by :mod:`renkou.projection.output`.
"""

from __future__ import annotations

import json
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from renkou.errors import UserError

if TYPE_CHECKING:
    from renkou.projection.inputs import ExplicitInputs
    from renkou.projection.scenario import Scenario
    from renkou.register.store import Register

BASE_HELP = "基期人口 / base population CSV: region,sex,age,population"
JSON_HELP = "输出一个 JSON 对象 / print one JSON object"


def _explicit_inputs(base: Path, assumptions: Path | None, scenario: Path | None) -> tuple[ExplicitInputs, Path]:
    """Explicit inputs from A.yaml, or compiled from a scenario; returns them and the file that defined them."""
    if scenario is not None and assumptions is None:
        return _compile(_read_scenario(base, scenario), scenario), scenario
    if assumptions is None or scenario is not None:
        raise UserError("请给出 --assumptions 或 --scenario 之一", "give exactly one of --assumptions or --scenario")
    from renkou.projection.assumptions_file import compile_explicit, read_header
    from renkou.projection.base_file import read_base

    header = read_header(assumptions)
    return compile_explicit(header, read_base(base, header.age_interval), base), assumptions


def _read_scenario(base: Path, scenario: Path) -> Scenario:
    from renkou.projection.scenario_file import read_scenario

    return read_scenario(scenario, base)


def _compile(plan: Scenario, scenario: Path) -> ExplicitInputs:
    from renkou.projection.scenario import ScenarioValueError, compile_scenario
    from renkou.projection.scenario_file import scenario_error

    try:
        return compile_scenario(plan)
    except ScenarioValueError as error:
        raise scenario_error(scenario, error) from error


def project_command(
    base: Annotated[Path | None, typer.Option("--base", help=BASE_HELP)] = None,
    assumptions: Annotated[
        Path | None, typer.Option("--assumptions", help="明确假设 / explicit assumptions YAML (A.yaml)")
    ] = None,
    scenario: Annotated[
        Path | None,
        typer.Option("--scenario", help="情景 / scenario YAML: TFR, e0 and migration paths, variants, stochastic"),
    ] = None,
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
    stochastic: Annotated[
        bool, typer.Option("--stochastic", help="随机预测（需情景文件）/ stochastic run from the scenario's settings")
    ] = False,
    intervals: Annotated[
        Path | None,
        typer.Option("--intervals", help="随机预测区间 / write medians and 80%, 95% intervals of every output to CSV"),
    ] = None,
    trajectories: Annotated[
        int | None, typer.Option("--trajectories", help="轨迹数 / number of trajectories (overrides the scenario)")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="随机种子 / random seed (overrides the scenario)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
    from_register: Annotated[
        Path | None,
        typer.Option("--from-register", help="由登记库估计基期与假设 / estimate base and assumptions from register DB"),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="基期日期 / base date YYYY-MM-DD (with --from-register)")
    ] = None,
    steps: Annotated[int, typer.Option("--steps", help="预测年数 / years to project (with --from-register)")] = 15,
    charts: Annotated[
        Path | None, typer.Option("--charts", help="图表目录 / folder for fan-chart.png and the pyramid")
    ] = None,
    mortality: Annotated[
        str,
        typer.Option(
            "--mortality", help="死亡模型 / brass (e0 held) or lee-carter (e0 gain from the register's years)"
        ),
    ] = "brass",
    table: Annotated[
        Path | None,
        typer.Option(
            "--table", help="分组表 / table by variant, region, year, sex, five-year age group (.csv or .json)"
        ),
    ] = None,
    pyramid_years: Annotated[
        list[int] | None,
        typer.Option("--pyramid-year", help="金字塔年份（可重复）/ pyramid of this year vs the base (repeatable)"),
    ] = None,
) -> None:
    """队列要素法人口预测：明确输入（A.yaml）或情景（总和生育率、预期寿命、迁移路径与高中低方案），可选随机预测。

    Cohort-component projection on explicit inputs (A.yaml) or a scenario (TFR, e0 and migration paths with
    variants), optionally stochastic with median and 80%/95% intervals. With --from-register DB --as-of DATE the base and
    the assumptions are estimated from the register (every district and the city, low/medium/high, and with
    --intervals a stochastic run).
    """
    if table is not None:
        from renkou.projection.output import check_table_path

        check_table_path(table)
    if from_register is not None:
        if base is not None or assumptions is not None or scenario is not None or city is not None or stochastic:
            raise UserError(
                "--from-register 不能与 --base、--assumptions、--scenario、--city、--stochastic 同用",
                "--from-register cannot be combined with --base, --assumptions, --scenario, --city or --stochastic",
            )
        if mortality not in ("brass", "lee-carter"):
            raise UserError(
                f"--mortality 应为 brass 或 lee-carter：{mortality}",
                f"--mortality must be brass or lee-carter: {mortality}",
            )
        if pyramid_years and charts is None:
            raise UserError("--pyramid-year 需要 --charts", "--pyramid-year needs --charts")
        extra = {"mortality": mortality, "table": table, "pyramid_years": pyramid_years}
        _from_register(from_register, as_of, steps, out, intervals, charts, trajectories, seed, as_json, extra)
        return
    if mortality != "brass":
        raise UserError("--mortality 仅用于 --from-register", "--mortality needs --from-register")
    if as_of is not None:
        raise UserError("--as-of 仅用于 --from-register", "--as-of needs --from-register")
    if base is None:
        raise UserError("请给出 --base（或 --from-register）", "give --base (or --from-register)")
    if pyramid_years and charts is None:
        raise UserError("--pyramid-year 需要 --charts", "--pyramid-year needs --charts")
    if stochastic:
        if table is not None or pyramid_years:
            raise UserError(
                "--table 和 --pyramid-year 用于确定性预测；随机预测见 --intervals",
                "--table and --pyramid-year are for deterministic runs; a stochastic run writes --intervals",
            )
        _stochastic(base, scenario, city, intervals, trajectories, seed, as_json, charts)
        return
    if intervals is not None or trajectories is not None or seed is not None:
        raise UserError(
            "--intervals、--trajectories、--seed 仅用于 --stochastic",
            "--intervals, --trajectories and --seed need --stochastic",
        )
    if out is None and not as_json:
        raise UserError("请指定 --out 或 --json", "give --out or --json")
    from renkou.projection.districts import add_city
    from renkou.projection.output import check_not_negative, summary, write_components, write_population

    inputs, source = _explicit_inputs(base, assumptions, scenario)
    result = inputs.run()
    series = inputs.series
    migration_key = (
        "regions.{region}.{variant}.net_migrants" if scenario is None else "regions.{region}.migration ({variant})"
    )
    check_not_negative(source, inputs, result, series, migration_key)
    if city is not None:
        result, series = add_city(result, series, city)
    report = summary(inputs, result, series)
    if out is not None:
        report["out"] = str(out)
        report["rows"] = write_population(out, inputs, result, series)
    if components is not None:
        report["components"] = str(components)
        report["component_rows"] = write_components(components, inputs, result, series)
    if table is not None:
        from renkou.projection.output import write_table

        report["table"] = str(table)
        report["table_rows"] = write_table(table, inputs.years, inputs.ages, result, series)
    if charts is not None:
        report["charts"] = [
            str(p) for p in _pyramids(charts, inputs.years, inputs.ages, result, series, pyramid_years, city)
        ]
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
        return
    for entry in report["series"]:
        total = entry["population"]
        print(
            f"{entry['region']} {entry['variant']}: {inputs.years[0]} {total[0]:,.0f} -> "
            f"{inputs.years[-1]} {total[-1]:,.0f}"
        )
    if out is not None:
        print(f"已写出 / wrote {out} ({report['rows']} rows)")
    if table is not None:
        print(f"已写出 / wrote {table} ({report['table_rows']} rows)")
    for chart in report.get("charts", []):
        print(f"已写出 / wrote {chart}")


def _from_register(
    db: Path,
    as_of: str | None,
    steps: int,
    out: Path | None,
    intervals: Path | None,
    charts: Path | None,
    trajectories: int | None,
    seed: int | None,
    as_json: bool,
    extra: dict[str, Any],
) -> None:
    from renkou.projection.from_register import project_from_register
    from renkou.register.store import Register

    if as_of is None:
        raise UserError("--from-register 需要 --as-of", "--from-register needs --as-of")
    try:
        on = date.fromisoformat(as_of)
    except ValueError:
        raise UserError(f"--as-of 日期无效：{as_of}", f"--as-of: not a date YYYY-MM-DD: {as_of}") from None
    if out is None:
        raise UserError("请指定 --out", "give --out")
    if not 1 <= steps <= 100:
        raise UserError(f"--steps {steps} 应在 1 至 100 之间", f"--steps {steps}: must be between 1 and 100")
    if trajectories is not None and trajectories < 2:
        raise UserError(f"--trajectories {trajectories} 应至少为 2", f"--trajectories {trajectories}: at least 2")
    register = Register.open(db, read_only=True)
    try:
        run = project_from_register(
            register,
            on,
            out,
            steps=steps,
            intervals=intervals,
            charts=charts,
            trajectories=trajectories or 200,
            seed=1 if seed is None else seed,
            mortality=extra["mortality"],
            table=extra["table"],
            pyramid_years=extra["pyramid_years"],
        )
    finally:
        register.close()
    if as_json:
        report = {
            "as_of": on.isoformat(),
            "city": run.city,
            "regions": run.estimates.codes,
            "years": run.years,
            "population": {variant: [round(v, 4) for v in values] for variant, values in run.totals.items()},
            "stochastic": {label: [round(v, 4) for v in values] for label, values in run.stochastic.items()},
            "tfr": dict(zip(run.estimates.codes, [round(float(v), 4) for v in run.estimates.tfr], strict=True)),
            "files": {key: str(path) for key, path in run.files.items()},
            "notes": run.estimates.notes,
        }
        print(json.dumps(report, ensure_ascii=False))
        return
    for variant, values in run.totals.items():
        print(f"{run.city} {variant}: {run.years[0]} {values[0]:,.0f} -> {run.years[-1]} {values[-1]:,.0f}")
    for key, path in run.files.items():
        print(f"已写出 / wrote {key}: {path}")


def _stochastic(
    base: Path,
    scenario: Path | None,
    city: str | None,
    intervals: Path | None,
    trajectories: int | None,
    seed: int | None,
    as_json: bool,
    charts: Path | None = None,
) -> None:
    from dataclasses import replace

    from renkou.projection.output import stochastic_summary_json, write_intervals
    from renkou.projection.stochastic import run_stochastic

    if scenario is None:
        raise UserError("随机预测需要 --scenario", "--stochastic needs --scenario")
    if intervals is None and not as_json and charts is None:
        raise UserError("请指定 --intervals、--charts 或 --json", "give --intervals, --charts or --json")
    plan = _read_scenario(base, scenario)
    _compile(plan, scenario)  # the medium paths must be valid before drawing around them
    settings = plan.stochastic
    if settings is None:
        raise UserError(
            f"文件 {scenario} 缺少键 stochastic", f"{scenario}: key stochastic is missing (needed by --stochastic)"
        )
    if trajectories is not None:
        if trajectories < 2:
            raise UserError(f"--trajectories {trajectories} 应至少为 2", f"--trajectories {trajectories}: at least 2")
        settings = replace(settings, trajectories=trajectories)
    if seed is not None:
        settings = replace(settings, seed=seed)
    if city is not None and city in [region.code for region in plan.regions]:
        raise UserError(f"城市代码 {city} 与某个地区代码相同", f"the city code {city} is also a region code")
    summary = run_stochastic(plan, settings, city)
    years = [plan.start_year + step * plan.age_interval for step in range(plan.steps + 1)]
    report: dict[str, Any] = stochastic_summary_json(years, summary)
    if intervals is not None:
        report["intervals"] = str(intervals)
        report["rows"] = write_intervals(intervals, years, plan.ages, summary)
    if charts is not None:
        report["charts"] = [str(_fan_chart(charts, years, summary, city))]
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
        return
    for region, values in report["regions"].items():
        population = values["population"]
        print(
            f"{region} {years[-1]}: {population['p50'][-1]:,.0f} "
            f"(80%: {population['p10'][-1]:,.0f}-{population['p90'][-1]:,.0f}; "
            f"95%: {population['p2.5'][-1]:,.0f}-{population['p97.5'][-1]:,.0f})"
        )
    if intervals is not None:
        print(f"已写出 / wrote {intervals} ({report['rows']} rows)")
    for chart in report.get("charts", []):
        print(f"已写出 / wrote {chart}")


def _chart_series(regions: list[str], what: str) -> str:
    """The one region a chart shows: the city (the last, when --city added it) or the only region."""
    if len(regions) == 1:
        return regions[0]
    raise UserError(
        f"有多个地区时{what}需要 --city（图表显示全市）",
        f"{what} with several regions needs --city (charts show the city)",
    )


def _pyramids(
    folder: Path,
    years: list[int],
    ages: list[int],
    result: Any,
    series: list[tuple[str, str]],
    pyramid_years: list[int] | None,
    city: str | None,
) -> list[Path]:
    """Pyramid of each chosen year (default the last) against the base year, for the medium variant (or the first)
    of the city or the only region, written as ``pyramid-<year>.png``."""
    from renkou.projection import charts

    regions = list(dict.fromkeys(region for region, _ in series))
    region = city if city is not None else _chart_series(regions, "--charts")
    variants = [variant for r, variant in series if r == region]
    variant = "medium" if "medium" in variants else variants[0]
    k = series.index((region, variant))
    chosen = pyramid_years or [years[-1]]
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for year in chosen:
        if year not in years:
            raise UserError(
                f"金字塔年份 {year} 不在预测年份 {years[0]}-{years[-1]} 之内",
                f"pyramid year {year} is not a projected year {years[0]}-{years[-1]}",
            )
        t = years.index(year)
        base, later = (_single_years(result.population[k, i], ages) for i in (0, t))
        title = f"{region} 人口金字塔 / population pyramid {year} ({variant}) vs {years[0]}"
        written.append(
            charts.save(partial(charts.pyramid, base, later, years[0], year, title), folder / f"pyramid-{year}.png")
        )
    return written


def _single_years(population: Any, ages: list[int]) -> Any:
    """``(2, A)`` in the projection's groups as ``(2, 101)`` for the pyramid, which sums single years into five-year
    groups: a five-year group's persons are put on its first year (the pyramid only ever shows the group's sum)."""
    import numpy as np

    if len(ages) == 101:
        return population
    out = np.zeros((2, 101))
    for index, age in enumerate(ages):
        out[:, min(age, 100)] += population[:, index]
    return out


def _fan_chart(folder: Path, years: list[int], summary: Any, city: str | None) -> Path:
    """Fan chart of the total population and of births for the city (or the only region) of a stochastic run."""
    from renkou.projection import charts
    from renkou.projection.output import quantile_label

    region = city if city is not None else _chart_series(list(summary.regions), "--charts")
    c = summary.regions.index(region)
    totals = {quantile_label(q): summary.population_total[i, c] for i, q in enumerate(summary.quantiles)}
    births = {quantile_label(q): summary.births_total[i, c] for i, q in enumerate(summary.quantiles)}
    folder.mkdir(parents=True, exist_ok=True)
    none: dict[str, Any] = {}  # no deterministic variants in a stochastic run
    panels = [("人口 / population", years, none, totals), ("出生人数 / births", years[1:], none, births)]
    return charts.save(
        partial(charts.fan_chart, panels, f"{region} 随机预测 / stochastic projection {years[0]}-{years[-1]}"),
        folder / "fan-chart.png",
    )


def compile_command(
    base: Annotated[Path, typer.Option("--base", help=BASE_HELP)],
    scenario: Annotated[Path, typer.Option("--scenario", help="情景 / scenario YAML")],
    out: Annotated[Path, typer.Option("--out", help="明确假设 / explicit assumptions YAML to write (A.yaml)")],
) -> None:
    """把情景编译为明确假设文件（A.yaml），便于检查和复算。

    Compile a scenario to the explicit assumptions (A.yaml) it projects with, to inspect, edit or rerun.
    """
    import yaml

    from renkou.projection.assumptions_file import explicit_to_yaml_data

    inputs = _compile(_read_scenario(base, scenario), scenario)
    text = yaml.safe_dump(explicit_to_yaml_data(inputs), allow_unicode=True, sort_keys=False, width=1000)
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UserError(f"无法写入文件 {out}：{error.strerror}", f"cannot write {out}: {error.strerror}") from error
    print(f"已写出 / wrote {out} ({len(inputs.series)} series, {inputs.steps} steps)")


def _parse_as_of(as_of: str) -> date:
    try:
        return date.fromisoformat(as_of)
    except ValueError:
        raise UserError(f"--as-of 日期无效：{as_of}", f"--as-of: not a date YYYY-MM-DD: {as_of}") from None


def _open_register(db: Path) -> Register:
    from renkou.register.store import Register

    return Register.open(db, read_only=True)


def compare_command(
    db: Annotated[Path, typer.Option("--db", help="登记库 / register database")],
    as_of: Annotated[str, typer.Option("--as-of", help="基期日期 / base date YYYY-MM-DD")],
    out: Annotated[Path, typer.Option("--out", help="输出目录 / folder for comparison.csv, .json and .png")],
    covariates: Annotated[
        Path | None,
        typer.Option("--covariates", help="协变量 / covariates CSV: year,<name>,... (future years = their paths)"),
    ] = None,
    history: Annotated[
        Path | None,
        typer.Option("--history", help="历史总人口 / history CSV year,population (default: from the register)"),
    ] = None,
    steps: Annotated[int, typer.Option("--steps", help="预测年数 / years to project")] = 15,
    kind: Annotated[str, typer.Option("--kind", help="人口口径 / resident or registered")] = "resident",
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """队列要素法与趋势外推（线性、指数、逻辑斯蒂）、协变量回归的比较表和图。

    The cohort-component projection from the register beside linear, exponential and logistic trends of the total
    and a regression on the covariates given: a table (CSV, JSON) and a chart.
    """
    from renkou.projection.compare import compare_from_register, comparison_json
    from renkou.projection.compare_files import read_covariates, read_history

    on = _parse_as_of(as_of)
    if not 1 <= steps <= 100:
        raise UserError(f"--steps {steps} 应在 1 至 100 之间", f"--steps {steps}: must be between 1 and 100")
    if kind not in ("resident", "registered"):
        raise UserError(f"--kind 应为 resident 或 registered：{kind}", f"--kind must be resident or registered: {kind}")
    observed = read_history(history) if history is not None else None
    last = observed.years[-1] if observed is not None else on.year
    table = read_covariates(covariates, last) if covariates is not None else None
    register = _open_register(db)
    try:
        comparison, files = compare_from_register(
            register, on, out, steps=steps, kind=kind, history=observed, covariates=table, covariates_path=covariates
        )
    finally:
        register.close()
    if as_json:
        report = comparison_json(comparison)
        report["files"] = {key: str(path) for key, path in files.items()}
        print(json.dumps(report, ensure_ascii=False))
        return
    last_year = comparison.years[-1]
    index = comparison.model_years.index(last_year)
    for variant, values in comparison.cohort.items():
        print(f"队列要素法 cohort {variant} {last_year}: {values[-1]:,.0f}")
    for fit in comparison.fits:
        print(f"{fit.method} {last_year}: {fit.values[index]:,.0f} (R² {fit.r_squared:.3f})")
    for note in comparison.notes:
        print(f"注 / note: {note}")
    for path in files.values():
        print(f"已写出 / wrote {path}")


def populations_command(
    db: Annotated[Path, typer.Option("--db", help="登记库 / register database")],
    as_of: Annotated[str, typer.Option("--as-of", help="基期日期 / base date YYYY-MM-DD")],
    out: Annotated[Path, typer.Option("--out", help="输出 / CSV: variant,population,region,year,sex,age,persons")],
    steps: Annotated[int, typer.Option("--steps", help="预测年数 / years to project")] = 15,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """分别预测户籍人口、户籍常住人口和流动常住人口，常住人口为后两者之和。

    Project the registered population (own hukou migration) and the two parts of the resident population, registered
    residents and floating residents (each with its own net migration); resident = the sum of the two parts.
    """
    from renkou.projection.from_register_parts import populations_json, project_populations, write_populations

    on = _parse_as_of(as_of)
    if not 1 <= steps <= 100:
        raise UserError(f"--steps {steps} 应在 1 至 100 之间", f"--steps {steps}: must be between 1 and 100")
    register = _open_register(db)
    try:
        run = project_populations(register, on, steps)
        city = register.city
    finally:
        register.close()
    rows = write_populations(out, run)
    report = populations_json(run, city)
    report["out"], report["rows"] = str(out), rows
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
        return
    print(report["method"])
    for name, entry in report["populations"].items():
        medium = entry["city"]["medium"]
        print(
            f"{entry['name_zh']} {name} (medium): {run.years[0]} {medium[0]:,.0f} -> {run.years[-1]} {medium[-1]:,.0f}"
        )
    for note in run.notes:
        print(f"注 / note: {note}")
    print(f"已写出 / wrote {out} ({rows} rows)")


def register(app: typer.Typer) -> None:
    """Add the projection commands to the ``renkou`` CLI."""
    app.command("project", help="队列要素法人口预测。\n\nCohort-component population projection.")(project_command)
    group = typer.Typer(
        help="人口预测工具。\n\nProjection tools.", no_args_is_help=True, rich_markup_mode=None, add_completion=False
    )
    group.command("compile", help="把情景编译为明确假设。\n\nCompile a scenario to explicit assumptions (A.yaml).")(
        compile_command
    )
    group.command(
        "compare", help="队列要素法与趋势、回归模型比较。\n\nCohort projection beside trend and regression models."
    )(compare_command)
    group.command(
        "populations",
        help="分别预测户籍、户籍常住、流动常住人口。\n\nRegistered, registered-resident and floating-resident projections.",
    )(populations_command)
    app.add_typer(group, name="projection")
