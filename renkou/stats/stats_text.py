"""Human-readable output of ``renkou stats``: tables of the main indicators and the list of definitions."""

from __future__ import annotations

from typing import Any

from renkou.stats.definitions import DEFINITIONS, FLOATING_DEFINITIONS, Definition

# (key, column heading) of the main table of each block.
MAIN_COLUMNS = (
    ("population", "人口\npopulation"),
    ("births", "出生\nbirths"),
    ("deaths", "死亡\ndeaths"),
    ("crude_birth_rate", "出生率‰\nCBR"),
    ("crude_death_rate", "死亡率‰\nCDR"),
    ("natural_increase_rate", "自然增长率‰\nNIR"),
    ("total_fertility_rate", "总和生育率\nTFR"),
    ("life_expectancy_at_birth", "预期寿命\ne0"),
    ("share_60_plus", "60+"),
    ("share_65_plus", "65+"),
    ("median_age", "年龄中位数\nmedian age"),
    ("urbanization_rate", "城镇化率\nurban"),
)
FRACTIONS = {"share_60_plus", "share_65_plus", "urbanization_rate"}


def _cell(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key in FRACTIONS:
        return f"{100 * value:.1f}%"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:g}"


def _areas(result: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    city = result["city"]
    rows = [(city["code"], city["name"], city)]
    rows += [(code, area["name"], area) for code, area in result["districts"].items()]
    return rows


def print_tables(result: dict[str, Any]) -> None:
    """Print the main indicators of the registered and resident populations, and the floating population."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    year = result["year"]
    console.print(f"截至 {result['as_of']}（统计年度 {year['from']} 至 {year['to']}）/ as of {result['as_of']}")
    for kind, title in (("resident", "常住人口 / resident population"), ("registered", "户籍人口 / registered")):
        table = Table(title=title)
        table.add_column("区域 area")
        for _, heading in MAIN_COLUMNS:
            table.add_column(heading, justify="right")
        for code, name, area in _areas(result):
            block = area[kind]
            table.add_row(f"{code} {name}", *(_cell(key, block.get(key)) for key, _ in MAIN_COLUMNS))
        console.print(table)
    floating = Table(title="流动人口 / floating population")
    for heading in ("区域 area", "人口 population", "持居住证 permit holders"):
        floating.add_column(heading)
    for code, name, area in _areas(result):
        block = area["floating"]
        floating.add_row(f"{code} {name}", f"{block['population']:,}", f"{block['permit_holders']:,}")
    console.print(floating)
    notes = sum(len(area[kind]["notes"]) for _, _, area in _areas(result) for kind in ("registered", "resident"))
    for note in result["notes"]:
        console.print(f"注 / note: {note}", style="dim")
    if notes:
        console.print(
            f"另有 {notes} 条指标说明（空值原因、小数字警告），见 --json 的 notes / {notes} indicator notes (reasons "
            "for empty values, small-number warnings): see notes in --json"
        )


def _definition_lines(definition: Definition) -> list[str]:
    return [
        f"{definition.key}  {definition.name.zh} / {definition.name.en}  [{definition.unit.zh} / {definition.unit.en}]",
        f"    {definition.definition.zh}",
        f"    {definition.definition.en}",
        f"    口径 / population: {definition.population.zh} / {definition.population.en}",
    ]


def explain_text() -> str:
    """Every indicator's unit, definition and population, in Chinese and English."""
    lines = ["户籍人口和常住人口的指标 / indicators of the registered and resident populations", ""]
    for definition in DEFINITIONS.values():
        lines += _definition_lines(definition)
    lines += ["", "流动人口的指标 / indicators of the floating population", ""]
    for definition in FLOATING_DEFINITIONS.values():
        lines += _definition_lines(definition)
    return "\n".join(lines)
