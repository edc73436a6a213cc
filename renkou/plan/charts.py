"""Charts of the plan part (matplotlib figures in the annual report's style; :func:`renkou.report.charts.render`
turns them into SVG or PNG): facility demand against capacity, an impact scenario's differences, plan status."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from renkou.report.charts import COLOURS, WIDTH

if TYPE_CHECKING:
    from matplotlib.figure import Figure

STATUS_COLOURS = {"red": "#c0504d", "amber": "#e3a21a", "green": "#7f9f3f"}


def _figure(height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(WIDTH, height), layout="constrained")


def facility_chart(result: Mapping[str, Any], area: str) -> Figure:
    """One small panel per facility: demand of ``area`` by year (line) and its capacity where known (dashed)."""
    standards = result["standards"]
    rows = [row for row in result["rows"] if row["area"] == area]
    columns = 3
    panels = len(standards)
    figure = _figure(1.9 * ((panels + columns - 1) // columns) + 0.3)
    grid = figure.subplots((panels + columns - 1) // columns, columns, squeeze=False)
    years = result["years"]
    for index, standard in enumerate(standards):
        axes = grid[index // columns][index % columns]
        own = {row["year"]: row for row in rows if row["facility"] == standard["id"]}
        demand = [own[year]["demand"] if year in own else np.nan for year in years]
        axes.plot(years, demand, color=COLOURS[0], linewidth=1.4, label="需求 demand")
        capacity = [
            own[year]["capacity"] if year in own and own[year]["capacity"] is not None else np.nan for year in years
        ]
        if np.any(np.isfinite(capacity)):
            axes.step(years, capacity, where="post", color=COLOURS[1], ls="--", linewidth=1.2, label="容量 capacity")
        axes.set_title(f"{standard['name_zh']}（{standard['unit_zh']}）", fontsize=8)
        axes.tick_params(labelsize=6.5)
        axes.yaxis.set_major_formatter(_thousands())
        axes.set_ylim(bottom=0)
    for index in range(panels, len(grid) * columns):
        grid[index // columns][index % columns].set_visible(False)
    # One legend for all panels, with the capacity line whenever any panel has one.
    handles: dict[str, Any] = {}
    for axes in grid.flat:
        for handle, label in zip(*axes.get_legend_handles_labels(), strict=True):
            handles.setdefault(label, handle)
    figure.legend(handles=list(handles.values()), labels=list(handles), loc="outside lower center", ncols=2, fontsize=7)
    return figure


def impact_chart(result: Mapping[str, Any], area: str, standards: Sequence[Mapping[str, Any]]) -> Figure:
    """Two panels for ``area``: the population the scenario adds by year, and the facility demand it adds."""
    figure = _figure(3.0)
    left, right = figure.subplots(1, 2)
    years = result["years"]
    diff = {row["year"]: row["difference"] for row in result["population"] if row["area"] == area}
    left.bar(years, [diff.get(year, 0.0) for year in years], color=COLOURS[0])
    left.set_title("新增人口（人） / added population", fontsize=8)
    left.yaxis.set_major_formatter(_thousands())
    for index, standard in enumerate(standards):
        by_year = {
            row["year"]: row["difference"]
            for row in result["facilities"]
            if row["area"] == area and row["facility"] == standard["id"]
        }
        right.plot(
            years,
            [by_year.get(year, 0.0) for year in years],
            color=COLOURS[index % len(COLOURS)],
            linewidth=1.3,
            label=standard["name_zh"],
        )
    right.set_title("新增设施需求 / added facility demand", fontsize=8)
    right.yaxis.set_major_formatter(_thousands())
    right.legend(fontsize=6, loc="upper left")
    for axes in (left, right):
        axes.tick_params(labelsize=6.5)
    return figure


def status_chart(indicators: Sequence[Mapping[str, Any]]) -> Figure:
    """Counts of red / amber / green indicators, binding and expected side by side (stacked bars)."""
    figure = _figure(2.2)
    axes = figure.add_subplot()
    natures = [("binding", "约束性 binding"), ("expected", "预期性 expected")]
    left = np.zeros(len(natures))
    for status, label in (("red", "红 red"), ("amber", "黄 amber"), ("green", "绿 green")):
        counts = np.array(
            [sum(1 for i in indicators if i["nature"] == nature and i["status"] == status) for nature, _ in natures],
            dtype=np.float64,
        )
        bars = axes.barh(
            [name for _, name in natures], counts, left=left, color=STATUS_COLOURS[status], label=label, height=0.6
        )
        axes.bar_label(bars, labels=[f"{int(c)}" if c else "" for c in counts], label_type="center", fontsize=7)
        left += counts
    axes.set_xlabel("指标个数 / indicators")
    axes.grid(axis="y", visible=False)
    axes.legend(loc="lower right", ncols=3, fontsize=7)
    return figure


def _thousands() -> Any:
    from matplotlib.ticker import StrMethodFormatter

    return StrMethodFormatter("{x:,.0f}")
