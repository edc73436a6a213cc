"""The plan's mid-term / end-term evaluation report (规划中期 / 终期评估报告) in HTML, PDF and Word.

:func:`build_plan_report` assembles the annual report's document model (:mod:`renkou.report.model`) from the
evaluation (``renkou plan evaluate --json``), the facility demand and an optional impact scenario (the shapes of
:mod:`renkou.plan.assess`), without I/O; the annual report's renderers write it (:func:`render`), so fonts, charts
and layout are the same as in the annual report. :func:`write_plan_report` does all of it for one register.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from renkou.errors import UserError
from renkou.report.model import CHINESE_NUMERALS, Figure, Numbering, Paragraph, Report, Section, Table

KINDS = {"mid": ("中期评估报告", "mid-term evaluation"), "end": ("终期评估报告", "end-term evaluation")}
STATUS_ZH = {"red": "红", "amber": "黄", "green": "绿"}
NATURE_ZH = {"binding": "约束", "expected": "预期"}
SOURCE = "资料来源：renkou 人口登记库；规划指标见规划文件。"
Step = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def _value(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.{digits}f}"


def _progress(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


def _zh(text: str) -> str:
    """The Chinese half of a ``中文 / English`` text."""
    return text.split(" / ", 1)[0]


def shown_years(years: Sequence[int], target_year: int) -> list[int]:
    """The years a table shows: the first, the plan's target year, and every fifth year to the last."""
    chosen = {years[0], years[-1], *(y for y in years if y % 5 == 0)}
    if target_year in years:
        chosen.add(target_year)
    return sorted(chosen)


def _evaluation_section(number: str, evaluation: Mapping[str, Any], numbers: Numbering) -> Section:
    indicators = evaluation["indicators"]
    counts = evaluation["counts"]
    binding_red = [i for i in indicators if i["nature"] == "binding" and i["status"] == "red"]
    section = Section(number, "指标评估")
    section.blocks.append(
        Paragraph(
            f"截至{evaluation['as_of']}，规划{len(indicators)}项指标中，红色（预计难以完成）{counts['red']}项，"
            f"黄色（需关注）{counts['amber']}项，绿色（进展顺利）{counts['green']}项"
            + (f"；其中约束性指标未达标{len(binding_red)}项，列于表首。" if binding_red else "。")
            + _method_zh(indicators)
        )
    )
    section.blocks.append(
        Figure(
            numbers.figure(),
            "指标评估状态",
            SOURCE,
            f"红 {counts['red']}，黄 {counts['amber']}，绿 {counts['green']}",
            lambda: _status_chart(indicators),
        )
    )
    rows = []
    for item in indicators:
        rows.append(
            (
                item.get("name_zh") or item["name"],
                NATURE_ZH.get(item["nature"], item["nature"]),
                f"{item['target']} {item.get('unit', '')}".strip(),
                _value(item.get("value")),
                _progress(item.get("progress")),
                STATUS_ZH[item["status"]],
                _zh(item["reason"]),
            )
        )
    section.blocks.append(
        Table(
            numbers.table(),
            f"规划指标评估（截至{evaluation['as_of']}）",
            ("指标", "性质", "目标", "现值", "进度", "状态", "说明"),
            tuple(rows),
            SOURCE,
            "约束性指标中未达标者排在最前，其后按红、黄、绿排列。",
        )
    )
    return section


def _method_zh(indicators: Sequence[Mapping[str, Any]]) -> str:
    """How attainment was judged, in Chinese (the English method sentence is in the notes)."""
    projected = sum(1 for item in indicators if "projection" in item)
    if projected:
        return (
            f"目标年达成情况：{projected}项指标按由登记库估计的队列要素人口预测（低、中、高方案）判断，"
            "其余按截至评估时点的年度值线性趋势外推。"
        )
    return "目标年达成情况按截至评估时点的年度值线性趋势外推判断。"


def _status_chart(indicators: Sequence[Mapping[str, Any]]) -> Any:
    from renkou.plan.charts import status_chart

    return status_chart(indicators)


def _warnings_section(number: str, warnings: Sequence[Mapping[str, Any]], numbers: Numbering) -> Section:
    section = Section(number, "监测预警")
    if not warnings:
        section.blocks.append(Paragraph("按现行预警规则，未发现需要预警的情况。"))
        return section
    section.blocks.append(Paragraph(f"按现行预警规则，共有{len(warnings)}条预警，详见下表。"))
    rows = tuple(
        (w.get("area_name") or w["area"], _zh(w["title"]), _zh(w["message"]).split("：", 1)[-1]) for w in warnings
    )
    section.blocks.append(Table(numbers.table(), "预警清单", ("地区", "预警", "依据"), rows, SOURCE))
    return section


def _facilities_section(number: str, facilities: Mapping[str, Any], target_year: int, numbers: Numbering) -> Section:
    standards = facilities["standards"]
    areas = facilities["areas"]
    city = areas[-1]["code"]
    years = shown_years(facilities["years"], target_year)
    by_key = {(r["area"], r["year"], r["facility"]): r for r in facilities["rows"]}
    section = Section(number, "公共服务设施需求")
    section.blocks.append(
        Paragraph(
            f"按人口预测（{facilities['variant']}方案，起点{facilities['as_of']}）和配置标准，测算各区县逐年设施需求："
            + "；".join(
                f"{s['name_zh']}按每千名{_ages_zh(s['ages'])}人口{s['per_1000']:g}{s['unit_zh']}" for s in standards
            )
            + "。"
        )
    )
    rows = []
    for year in years:
        cells = []
        for s in standards:
            row = by_key[(city, year, s["id"])]
            gap = "" if row["gap"] is None else f"（{row['gap']:+,.0f}）"
            cells.append(f"{row['demand']:,.0f}{gap}")
        rows.append((str(year), *cells))
    section.blocks.append(
        Table(
            numbers.table(),
            f"{areas[-1]['name']}公共服务设施需求",
            ("年份", *(f"{s['name_zh']}（{s['unit_zh']}）" for s in standards)),
            tuple(rows),
            SOURCE,
            "括号内为现有容量减需求，负数为缺口；无容量数据时不列。",
        )
    )
    section.blocks.append(
        Figure(
            numbers.figure(),
            f"{areas[-1]['name']}公共服务设施需求",
            SOURCE,
            "各类设施需求逐年变化",
            lambda: _facility_chart(facilities, city),
            wide=True,
        )
    )
    year = target_year if target_year in facilities["years"] else facilities["years"][-1]
    district_rows = []
    for area in areas[:-1]:
        district_rows.append(
            (
                area["name"],
                *(f"{by_key[(area['code'], year, s['id'])]['demand']:,.0f}" for s in standards),
            )
        )
    section.blocks.append(
        Table(
            numbers.table(),
            f"{year}年各区县公共服务设施需求",
            ("区县", *(f"{s['name_zh']}" for s in standards)),
            tuple(district_rows),
            SOURCE,
        )
    )
    short = [r for r in facilities["rows"] if r["gap"] is not None and r["gap"] < 0 and r["area"] != city]
    if short:
        names = {a["code"]: a["name"] for a in areas}
        titles = {s["id"]: s["name_zh"] for s in standards}
        first = sorted(short, key=lambda r: (r["year"], r["area"]))[:12]
        section.blocks.append(
            Paragraph(
                "容量不足："
                + "；".join(f"{names[r['area']]}{r['year']}年{titles[r['facility']]}缺{-r['gap']:,.0f}" for r in first)
                + ("等。" if len(short) > len(first) else "。")
            )
        )
    return section


def _ages_zh(ages: str) -> str:
    return "" if ages == "all" else f"{ages}岁"


def _facility_chart(facilities: Mapping[str, Any], area: str) -> Any:
    from renkou.plan.charts import facility_chart

    return facility_chart(facilities, area)


def _impact_section(
    number: str, impact: Mapping[str, Any], standards: Sequence[Mapping[str, Any]], target_year: int, numbers: Numbering
) -> Section:
    section = Section(number, f"人口影响评估：{_zh(impact['scenario'])}")
    section.blocks.append(
        Paragraph(
            f"在{impact['variant']}方案之上叠加以下决策，作为逐年新增迁移人口，随后同样经历存活、生育："
            + "；".join(_zh(d) for d in impact["decisions"])
            + "。"
        )
    )
    city = impact["areas"][0]["code"]
    years = shown_years(impact["years"], target_year)
    pop = {(r["area"], r["year"]): r for r in impact["population"]}
    fac = {(r["area"], r["year"], r["facility"]): r for r in impact["facilities"]}
    rows = []
    for year in years:
        p = pop[(city, year)]
        rows.append(
            (
                str(year),
                f"{p['base']:,.0f}",
                f"{p['scenario']:,.0f}",
                f"{p['difference']:+,.0f}",
                *(f"{fac[(city, year, s['id'])]['difference']:+,.0f}" for s in standards),
            )
        )
    section.blocks.append(
        Table(
            numbers.table(),
            f"决策对{impact['areas'][0]['name']}人口与设施需求的影响",
            ("年份", "基准人口", "情景人口", "增加", *(f"{s['name_zh']}增加" for s in standards)),
            tuple(rows),
            SOURCE,
        )
    )
    from renkou.plan.assess import AGE_GROUPS, age_group_label, by_age_groups

    by_age = {r["year"]: r["difference"] for r in impact["by_age"] if r["area"] == city}
    section.blocks.append(
        Table(
            numbers.table(),
            f"决策带来的{impact['areas'][0]['name']}分年龄人口增加",
            ("年份", *(f"{age_group_label(low, high)}岁" for low, high in AGE_GROUPS)),
            tuple((str(year), *(f"{v:+,.0f}" for v in by_age_groups(by_age[year]))) for year in years),
            SOURCE,
        )
    )
    section.blocks.append(
        Figure(
            numbers.figure(),
            "决策带来的新增人口与设施需求",
            SOURCE,
            "新增人口与新增设施需求逐年变化",
            lambda: _impact_chart(impact, city, standards),
            wide=True,
        )
    )
    return section


def _impact_chart(impact: Mapping[str, Any], area: str, standards: Sequence[Mapping[str, Any]]) -> Any:
    from renkou.plan.charts import impact_chart

    return impact_chart(impact, area, standards)


def build_plan_report(
    evaluation: Mapping[str, Any],
    kind: str,
    facilities: Mapping[str, Any] | None = None,
    impact: Mapping[str, Any] | None = None,
    *,
    city_name: str = "",
    extracted_on: date | None = None,
) -> Report:
    """The evaluation report's document model (pure); ``kind`` is ``mid`` or ``end``."""
    if kind not in KINDS:
        raise UserError(f"--kind 应为 mid 或 end：{kind}", f"--kind must be mid or end, not {kind}")
    numbers = Numbering()
    numerals = iter(CHINESE_NUMERALS)
    target_year = int(evaluation["target_year"])
    sections = [
        _evaluation_section(next(numerals), evaluation, numbers),
        _warnings_section(next(numerals), evaluation.get("warnings", []), numbers),
    ]
    if facilities is not None:
        sections.append(_facilities_section(next(numerals), facilities, target_year, numbers))
    if impact is not None:
        standards = facilities["standards"] if facilities is not None else []
        sections.append(_impact_section(next(numerals), impact, standards, target_year, numbers))
    title_zh, title_en = KINDS[kind]
    notes = [
        f"方法 / method: {evaluation['method']}.",
        "状态：绿色为按现值及预测判断可以完成，黄色为仅在中方案下完成或尚难判断，红色为预计难以完成。",
        "设施配置标准及其出处见 renkou/plan/rules/facilities.yaml；容量数据由主管部门提供。",
    ]
    if facilities is not None:
        notes.extend(f"{s['name_zh']}：{s['source']}" for s in facilities["standards"])
    title = evaluation.get("title") or evaluation["plan"]
    return Report(
        title=f"{title}{title_zh}",
        subtitle=f"{title_en}, {evaluation['base_year']}-{target_year}",
        issuer=f"{city_name}人口发展规划评估（renkou 人口登记库）",
        date_line=f"评估时点：{evaluation['as_of']}　　编制日期：{(extracted_on or date.today()).isoformat()}",
        sections=sections,
        notes=notes,
    )


def render(report: Report, fmt: str, step: Step = _quiet) -> bytes:
    """The report as ``html``, ``pdf`` or ``docx`` bytes, by the annual report's renderers."""
    from renkou.report import check_format

    chosen = check_format(fmt)
    if chosen == "html":
        from renkou.report.render_html import render_html

        return render_html(report, step=step).encode("utf-8")
    if chosen == "pdf":
        from renkou.report.render_pdf import render_pdf

        return render_pdf(report, step=step)
    from renkou.report.render_docx import render_docx

    return render_docx(report, step=step)


def plan_report_from_register(
    db: Path,
    plan: Path,
    kind: str,
    *,
    as_of: date | None = None,
    scenario: Path | None = None,
    capacity: Path | None = None,
    standards: Path | None = None,
    projection: bool = True,
    step: Step = _quiet,
) -> Report:
    """Evaluate ``plan`` on the register, compute the facility demand (and the ``scenario``'s impact) and build the
    ``kind`` report. End-term reports are as of the end of the target year (or the register's last event, when
    earlier); mid-term ones as of ``as_of`` or the register's last event. The capacity is the file's when given,
    else the one stored in the register; the facility warnings use the same."""
    from renkou.ids import lookup
    from renkou.plan.assess import facilities_result, impact_result
    from renkou.plan.facility_files import DEFAULT_STANDARDS, load_standards, read_capacity
    from renkou.plan.gather import run_evaluation
    from renkou.plan.impact import load_scenario
    from renkou.plan.loader import load_plan
    from renkou.plan.population import last_event, project_register
    from renkou.plan.store import load_capacity
    from renkou.register.store import Register

    if kind not in KINDS:
        raise UserError(f"--kind 应为 mid 或 end：{kind}", f"--kind must be mid or end, not {kind}")
    loaded = load_plan(plan)
    standard_list = load_standards(standards or DEFAULT_STANDARDS)
    if capacity is not None:
        capacity_map = read_capacity(capacity, {s.id for s in standard_list})
    else:
        register = Register.open(db, read_only=True)
        try:
            capacity_map = load_capacity(register.engine)
        finally:
            register.close()
    if kind == "end" and as_of is None:
        as_of = min(date(loaded.target_year, 12, 31), last_event(db))
    step("评估指标 / evaluating the indicators")
    evaluation = run_evaluation(db, loaded, as_of, projection=projection, capacity=capacity_map)
    day = date.fromisoformat(evaluation["as_of"])
    facilities = impact = None
    step("人口预测与设施需求 / projection and facility demand")
    try:
        projected = project_register(db, day, max(2035, loaded.target_year))
    except UserError as error:
        if scenario is not None:
            raise UserError(
                f"登记库无法支持人口预测，不能评估影响情景：{error.zh}",
                f"the register cannot support a projection, so no impact scenario: {error.en}",
            ) from None
        evaluation = {**evaluation, "method": f"{evaluation['method']}; no facility demand: {error.en}"}
        projected = None
    if projected is not None:
        facilities = facilities_result(projected, standard_list, "medium", capacity_map)
        if scenario is not None:
            step("影响情景 / impact scenario")
            loaded_scenario = load_scenario(scenario, [a.code for a in projected.districts])
            impact = impact_result(projected, loaded_scenario, standard_list)
    city = lookup(projected.city) if projected is not None else None
    return build_plan_report(evaluation, kind, facilities, impact, city_name=city.name if city else "")


def write_plan_report(
    db: Path,
    plan: Path,
    kind: str,
    fmt: str,
    out: Path,
    *,
    as_of: date | None = None,
    scenario: Path | None = None,
    capacity: Path | None = None,
    standards: Path | None = None,
    projection: bool = True,
    step: Step = _quiet,
) -> Path:
    """:func:`plan_report_from_register` written to ``out`` as ``fmt`` (html, pdf or docx)."""
    report = plan_report_from_register(
        db,
        plan,
        kind,
        as_of=as_of,
        scenario=scenario,
        capacity=capacity,
        standards=standards,
        projection=projection,
        step=step,
    )
    out.write_bytes(render(report, fmt, step))
    return out
