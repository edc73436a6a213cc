"""Sections on the population's size, change, age structure, trends and districts (pure: numbers in, model out)."""

from __future__ import annotations

from functools import partial
from typing import Any

from renkou.report import charts
from renkou.report import wording as w
from renkou.report.context import KIND_ZH, Context, city_block, value
from renkou.report.model import Block, Figure, Paragraph, Section, Table

SHARES = (
    ("share_0_14", "0-14岁"),
    ("share_15_59", "15-59岁"),
    ("share_60_plus", "60岁及以上"),
    ("share_65_plus", "65岁及以上"),
)


def summary_section(ctx: Context, number: str) -> Section:
    """一、人口总量与变动: the year's main figures, their change, and table 1 of the main indicators."""
    now, before = ctx.data.current, ctx.data.previous
    res, reg, flo = (city_block(now, k) for k in ("resident", "registered", "floating"))
    res0, reg0 = city_block(before, "resident"), city_block(before, "registered")
    y = ctx.year
    first = (
        f"{y}年末，{ctx.city_name}常住人口{w.persons(value(res, 'population'))}"
        f"{w.change_in_persons(value(res, 'population_change'))}。其中，户籍人口"
        f"{w.persons(value(reg, 'population'))}{w.change_in_persons(value(reg, 'population_change'))}；"
        f"流动人口（居住在本市、户籍在外地）{w.persons(value(flo, 'population'))}"
        f"{w.change_in_persons(value(flo, 'population_change'))}。"
    )
    vital = []
    for name, block, block0 in (("常住人口", res, res0), ("户籍人口", reg, reg0)):
        vital.append(
            f"全年{name}出生{w.persons(value(block, 'births'))}{w.change_in_count(value(block, 'births'), value(block0, 'births'))}，"
            f"出生率为{w.per_mille(value(block, 'crude_birth_rate'))}；死亡{w.persons(value(block, 'deaths'))}，"
            f"死亡率为{w.per_mille(value(block, 'crude_death_rate'))}；自然增长率为"
            f"{w.per_mille(value(block, 'natural_increase_rate'))}"
            f"{w.change_in_points(value(block, 'natural_increase_rate'), value(block0, 'natural_increase_rate'), scale=1, unit='个千分点')}。"
        )
    urban = (
        f"年末常住人口中，城镇人口{w.persons(value(res, 'urban_population'))}，常住人口城镇化率为"
        f"{w.percent(value(res, 'urbanization_rate'))}"
        f"{w.change_in_points(value(res, 'urbanization_rate'), value(res0, 'urbanization_rate'))}。"
        f"全市常住人口中有家庭户{w.integer(value(res, 'households'))}户，平均每户"
        f"{w.number(value(res, 'mean_household_size'))}人。"
    )
    section = Section(number, "人口总量与变动", [Paragraph(first), *(Paragraph(t) for t in vital), Paragraph(urban)])
    section.blocks.append(_main_table(ctx, reg, reg0, res, res0))
    return section


# (label, key, unit, how to show a value, how to show a change: "count" | "points" | "mille" | "plain")
MAIN_ROWS: tuple[tuple[str, str, str, str, str], ...] = (
    ("年末人口", "population", "人", "count", "count"),
    ("出生人口", "births", "人", "count", "count"),
    ("死亡人口", "deaths", "人", "count", "count"),
    ("出生率", "crude_birth_rate", "‰", "2", "plain"),
    ("死亡率", "crude_death_rate", "‰", "2", "plain"),
    ("自然增长率", "natural_increase_rate", "‰", "2", "plain"),
    ("总和生育率", "total_fertility_rate", "—", "3", "plain3"),
    ("出生人口性别比（女=100）", "sex_ratio_at_birth", "—", "2", "plain"),
    ("婴儿死亡率", "infant_mortality_rate", "‰", "2", "plain"),
    ("平均预期寿命", "life_expectancy_at_birth", "岁", "2", "plain"),
    ("60岁及以上人口比重", "share_60_plus", "%", "pct", "points"),
    ("65岁及以上人口比重", "share_65_plus", "%", "pct", "points"),
    ("老年人口抚养比", "old_age_dependency_ratio", "%", "2", "plain"),
    ("城镇化率", "urbanization_rate", "%", "pct", "points"),
    ("家庭户户数", "households", "户", "count", "count"),
    ("平均每户人数", "mean_household_size", "人", "2", "plain"),
)


def _cell(shown: str, v: Any) -> str:
    if v is None:
        return w.DASH
    if shown == "count":
        return w.count_cell(v)
    if shown == "pct":
        return w.number(v * 100)
    return w.number(v, int(shown))


def _delta(kind: str, now: Any, before: Any) -> str:
    if now is None or before is None:
        return w.DASH
    if kind == "count":
        return w.signed_count(now - before)
    if kind == "points":
        return f"{(now - before) * 100:+.2f}"
    return f"{now - before:+.{3 if kind == 'plain3' else 2}f}"


def _main_table(
    ctx: Context,
    reg: dict[str, Any] | None,
    reg0: dict[str, Any] | None,
    res: dict[str, Any] | None,
    res0: dict[str, Any] | None,
) -> Table:
    rows = []
    for label, key, unit, shown, change in MAIN_ROWS:
        rows.append(
            (
                label,
                unit,
                _cell(shown, value(reg, key)),
                _delta(change, value(reg, key), value(reg0, key)),
                _cell(shown, value(res, key)),
                _delta(change, value(res, key), value(res0, key)),
            )
        )
    return Table(
        ctx.numbering.table(),
        f"{ctx.year}年主要人口指标",
        ("指标", "单位", "户籍人口", "比上年增减", "常住人口", "比上年增减"),
        tuple(rows),
        ctx.source(),
        "比重、城镇化率的增减为百分点，各率的增减为千分点；上年数据为上年 12 月 31 日的统计。“—”表示无法计算或无上年数据。",
    )


def structure_section(ctx: Context, number: str) -> Section:
    """二、人口年龄结构: shares by broad age, dependency, median age, and the pyramids (figures)."""
    now, before = ctx.data.current, ctx.data.previous
    paragraphs = []
    for kind in ("resident", "registered"):
        block, block0 = city_block(now, kind), city_block(before, kind)
        parts = [
            f"{label}人口占{w.percent(value(block, key))}{w.change_in_points(value(block, key), value(block0, key))}"
            for key, label in SHARES
        ]
        paragraphs.append(
            Paragraph(
                f"年末{KIND_ZH[kind]}中，" + "；".join(parts) + "。"
                f"总抚养比为{w.number(value(block, 'total_dependency_ratio'))}%，其中少儿抚养比"
                f"{w.number(value(block, 'child_dependency_ratio'))}%，老年抚养比"
                f"{w.number(value(block, 'old_age_dependency_ratio'))}%；年龄中位数{w.years(value(block, 'median_age'), 1)}；"
                f"性别比（女=100）为{w.number(value(block, 'sex_ratio'))}。"
            )
        )
    section = Section(number, "人口年龄结构", list[Block](paragraphs))
    for kind in ("registered", "resident"):
        current, earlier = ctx.data.pyramids[kind]
        now_label, then_label = f"{current.on.year}年末", _date_label(earlier.on)
        left_out = current.unknown + earlier.unknown
        note = f" 性别或年龄不详的{left_out}人未列入。" if left_out else ""
        section.blocks.append(
            Figure(
                ctx.numbering.figure(),
                f"{ctx.city_name}{KIND_ZH[kind]}金字塔（{now_label}与{then_label}）",
                ctx.source(current.on.isoformat()) + f" 轮廓为{then_label}。{note}",
                f"{KIND_ZH[kind]}按性别和五岁年龄组的构成，{now_label}为实心条形，{then_label}为轮廓线",
                partial(
                    charts.pyramid, current.male, current.female, earlier.male, earlier.female, now_label, then_label
                ),
                wide=True,
            )
        )
    return section


def _date_label(day: Any) -> str:
    return f"{day.year}年末" if (day.month, day.day) == (12, 31) else f"{day.year}年{day.month}月{day.day}日"


def trend_section(ctx: Context, number: str) -> Section:
    """三、人口变动趋势: a table and three charts over the last five years the register covers."""
    years = ctx.trend_years()
    stats = ctx.data.stats
    first, last = years[0], years[-1]

    def series(kind: str, key: str, scale: float = 1.0) -> list[float | None]:
        values = [value(city_block(stats[y], kind), key) for y in years]
        return [None if v is None else v * scale for v in values]

    res_pop, reg_pop = series("resident", "population"), series("registered", "population")
    text = (
        f"{first}—{last}年，{ctx.city_name}常住人口由{w.persons(res_pop[0])}变为{w.persons(res_pop[-1])}，"
        f"户籍人口由{w.persons(reg_pop[0])}变为{w.persons(reg_pop[-1])}。"
        f"常住人口出生率由{w.per_mille(series('resident', 'crude_birth_rate')[0])}变为"
        f"{w.per_mille(series('resident', 'crude_birth_rate')[-1])}，死亡率由"
        f"{w.per_mille(series('resident', 'crude_death_rate')[0])}变为{w.per_mille(series('resident', 'crude_death_rate')[-1])}。"
    )
    section = Section(number, f"人口变动趋势（{first}—{last}年）", [Paragraph(text)])
    labels = [str(y) for y in years]
    rows = (
        ("年末常住人口（人）", [w.count_cell(v) for v in res_pop]),
        ("年末户籍人口（人）", [w.count_cell(v) for v in reg_pop]),
        ("流动人口（人）", [w.count_cell(v) for v in series("floating", "population")]),
        ("常住人口出生数（人）", [w.count_cell(v) for v in series("resident", "births")]),
        ("常住人口死亡数（人）", [w.count_cell(v) for v in series("resident", "deaths")]),
        ("出生率（‰）", [w.number(v) for v in series("resident", "crude_birth_rate")]),
        ("死亡率（‰）", [w.number(v) for v in series("resident", "crude_death_rate")]),
        ("自然增长率（‰）", [w.number(v) for v in series("resident", "natural_increase_rate")]),
        ("户籍人口出生率（‰）", [w.number(v) for v in series("registered", "crude_birth_rate")]),
        ("户籍人口自然增长率（‰）", [w.number(v) for v in series("registered", "natural_increase_rate")]),
        ("总和生育率（常住）", [w.number(v, 3) for v in series("resident", "total_fertility_rate")]),
    )
    section.blocks.append(
        Table(
            ctx.numbering.table(),
            f"{first}—{last}年人口变动情况",
            ("指标", *labels),
            tuple((label, *cells) for label, cells in rows),
            ctx.source_years(first, last),
            "各率为常住人口口径（另注明者除外），以年初与年末人口的平均数为分母。",
        )
    )
    wan = 1 / 10_000
    section.blocks.append(
        Figure(
            ctx.numbering.figure(),
            f"{first}—{last}年末常住人口和户籍人口",
            ctx.source_years(first, last),
            "常住人口与户籍人口的年末人数（万人）折线",
            partial(
                charts.lines,
                labels,
                {
                    "常住人口": series("resident", "population", wan),
                    "户籍人口": series("registered", "population", wan),
                },
                "万人",
            ),
        )
    )
    section.blocks.append(
        Figure(
            ctx.numbering.figure(),
            f"{first}—{last}年常住人口出生和死亡人数",
            ctx.source_years(first, last),
            "各年出生人数与死亡人数的柱形图",
            partial(
                charts.bars,
                labels,
                {"出生": series("resident", "births"), "死亡": series("resident", "deaths")},
                "人",
            ),
        )
    )
    section.blocks.append(
        Figure(
            ctx.numbering.figure(),
            f"{first}—{last}年常住人口出生率、死亡率和自然增长率",
            ctx.source_years(first, last),
            "各年出生率、死亡率与自然增长率（‰）折线",
            partial(
                charts.lines,
                labels,
                {
                    "出生率": series("resident", "crude_birth_rate"),
                    "死亡率": series("resident", "crude_death_rate"),
                    "自然增长率": series("resident", "natural_increase_rate"),
                },
                "‰",
            ),
        )
    )
    return section


def district_rows(stats: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(code, name, district block) of every district in code order."""
    return [(code, str(d["name"]), d) for code, d in sorted(stats["districts"].items())]


def districts_section(ctx: Context, number: str) -> Section:
    """四、分区县人口: the district table and a chart of registered and resident population by district."""
    now = ctx.data.current
    rows = district_rows(now)
    largest = max(rows, key=lambda r: value(r[2]["resident"], "population") or 0, default=None)
    growing = [r for r in rows if (value(r[2]["resident"], "population_change") or 0) > 0]
    text = f"全市共有{len(rows)}个区、县（市）。"
    if largest is not None:
        text += f"常住人口最多的是{largest[1]}（{w.persons(value(largest[2]['resident'], 'population'))}）。"
    if rows and len(growing) == len(rows):
        text += "与上年末相比，各区县常住人口均有增加。"
    else:
        text += f"与上年末相比，{len(growing)}个区县常住人口增加，{len(rows) - len(growing)}个区县持平或减少。"
    table_rows = []
    for _code, name, d in rows:
        res, reg, flo = d["resident"], d["registered"], d["floating"]
        table_rows.append(
            (
                name,
                w.count_cell(value(res, "population")),
                w.signed_count(value(res, "population_change")),
                w.count_cell(value(reg, "population")),
                w.count_cell(value(flo, "population")),
                w.number(value(res, "crude_birth_rate")),
                w.number(value(res, "crude_death_rate")),
                w.number(None if value(res, "urbanization_rate") is None else res["urbanization_rate"] * 100),
            )
        )
    city = now["city"]
    table_rows.append(
        (
            "全市",
            w.count_cell(value(city["resident"], "population")),
            w.signed_count(value(city["resident"], "population_change")),
            w.count_cell(value(city["registered"], "population")),
            w.count_cell(value(city["floating"], "population")),
            w.number(value(city["resident"], "crude_birth_rate")),
            w.number(value(city["resident"], "crude_death_rate")),
            w.number(
                None
                if value(city["resident"], "urbanization_rate") is None
                else city["resident"]["urbanization_rate"] * 100
            ),
        )
    )
    section = Section(number, "分区县人口", [Paragraph(text)])
    section.blocks.append(
        Table(
            ctx.numbering.table(),
            f"{ctx.year}年末分区县人口",
            ("区县", "常住人口", "比上年末增减", "户籍人口", "流动人口", "出生率（‰）", "死亡率（‰）", "城镇化率（%）"),
            tuple(table_rows),
            ctx.source(),
            "常住、流动人口按居住地统计，户籍人口按户口所在地统计；出生率、死亡率为常住人口口径。",
        )
    )
    names = [name for _c, name, _d in rows]
    wan = 1 / 10_000
    section.blocks.append(
        Figure(
            ctx.numbering.figure(),
            f"{ctx.year}年末分区县常住人口和户籍人口",
            ctx.source(),
            "各区县常住人口与户籍人口（万人）的条形图",
            partial(
                charts.hbars,
                names,
                {
                    "常住人口": [(value(d["resident"], "population") or 0) * wan for _c, _n, d in rows],
                    "户籍人口": [(value(d["registered"], "population") or 0) * wan for _c, _n, d in rows],
                },
                "万人",
                digits=2,
            ),
        )
    )
    return section
