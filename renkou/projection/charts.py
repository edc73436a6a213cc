"""Charts of a projection: the population pyramid of a projected year against the base year, and fan charts of the
total population and of births with the variants and the stochastic 80% and 95% intervals.

Drawn with matplotlib in the report's style (:func:`renkou.report.charts.style`: a CJK font from
:mod:`renkou.report.fonts`, text as paths in SVG) and written as SVG or PNG by the file's suffix. Each drawing
function takes plain arrays and returns a ``Figure``; :func:`save` writes one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from renkou.errors import UserError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

VARIANT_STYLES = {"low": ":", "medium": "-", "high": "--"}  # matplotlib line styles
FAN_COLOUR = "#2f5d8a"
FEMALE, MALE = "#c0504d", "#2f5d8a"
GROUP_WIDTH = 5


def save(draw: Callable[[], Figure], path: Path) -> Path:
    """Draw a figure and write it to ``path`` as SVG or PNG (by the suffix)."""
    from renkou.report.charts import render

    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png"):
        raise UserError(f"图表文件应为 .svg 或 .png：{path}", f"a chart file must end in .svg or .png: {path}")
    data = render(draw, fmt)
    try:
        path.write_bytes(data)
    except OSError as error:
        raise UserError(f"无法写入文件 {path}：{error.strerror}", f"cannot write {path}: {error.strerror}") from error
    return path


def five_year_groups(by_age: ArrayLike) -> np.ndarray:
    """Sum single years ``(..., 101)`` (100+ open) into 0-4, ..., 95-99 and 100+."""
    values = np.asarray(by_age, dtype=np.float64)
    closed = values[..., :100].reshape(*values.shape[:-1], 20, GROUP_WIDTH).sum(axis=-1)
    return np.concatenate([closed, values[..., 100:].sum(axis=-1, keepdims=True)], axis=-1)


def pyramid(base: ArrayLike, projected: ArrayLike, base_year: int, year: int, title: str) -> Figure:
    """Pyramid of ``projected (2, 101)`` (F, M; single years) as bars in five-year groups, with the base year's
    ``base (2, 101)`` as an outline, men on the left and women on the right, in thousands when large."""
    from matplotlib.figure import Figure

    then, now = five_year_groups(base), five_year_groups(projected)
    scale, unit = (1000.0, "千人 / thousands") if max(then.max(), now.max()) >= 10_000 else (1.0, "人 / persons")
    then, now = then / scale, now / scale
    labels = [f"{a}-{a + 4}" for a in range(0, 100, GROUP_WIDTH)] + ["100+"]
    y = np.arange(len(labels))
    figure = Figure(figsize=(6.3, 5.2), layout="constrained")
    axes = figure.add_subplot()
    axes.barh(y, -now[1], height=0.9, color=MALE, alpha=0.75, label=f"男 male {year}")
    axes.barh(y, now[0], height=0.9, color=FEMALE, alpha=0.75, label=f"女 female {year}")
    edges = np.append(y - 0.45, y[-1] + 0.45)
    for values in (-then[1], then[0]):
        axes.stairs(values, edges, orientation="horizontal", color="black", linewidth=0.9, baseline=None)
    axes.plot([], [], color="black", linewidth=0.9, label=f"{base_year} 基期 / base year")
    axes.set_yticks(y[::2], labels[::2])
    limit = max(then.max(), now.max()) * 1.05
    axes.set_xlim(-limit, limit)
    ticks = axes.get_xticks()
    axes.set_xticks(ticks, [f"{abs(t):,.0f}" for t in ticks])
    axes.set_xlim(-limit, limit)
    axes.set_xlabel(unit)
    axes.set_title(title)
    axes.legend(loc="upper right")
    return figure


def fan_panel_data(
    variants: Mapping[str, ArrayLike], quantiles: Mapping[str, ArrayLike]
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Check and convert one panel's series: variant name -> values by year, quantile label (p2.5, p10, p50, p90,
    p97.5) -> values by year, all the same length."""
    lines = {name: np.asarray(v, dtype=np.float64) for name, v in variants.items()}
    bands = {name: np.asarray(v, dtype=np.float64) for name, v in quantiles.items()}
    missing = {"p2.5", "p10", "p50", "p90", "p97.5"} - set(bands)
    if missing:
        raise ValueError(f"quantiles missing: {sorted(missing)}")
    lengths = {v.shape for v in (*lines.values(), *bands.values())}
    if len(lengths) != 1:
        raise ValueError(f"series of different lengths: {sorted(lengths)}")
    return lines, bands


def fan_chart(
    panels: Sequence[tuple[str, Sequence[int], Mapping[str, ArrayLike], Mapping[str, ArrayLike]]], title: str
) -> Figure:
    """One panel per ``(label, years, variants, quantiles)``: the 95% and 80% intervals as shaded bands, the
    stochastic median as a line and each deterministic variant as a dashed or dotted line."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.3, 0.6 + 3.0 * len(panels)), layout="constrained")
    for index, (label, years, variants, quantiles) in enumerate(panels):
        lines, bands = fan_panel_data(variants, quantiles)
        x = np.asarray(years)
        if len(x) != next(iter(bands.values())).shape[0]:
            raise ValueError(f"{label}: {len(x)} years but {next(iter(bands.values())).shape[0]} values")
        axes = figure.add_subplot(len(panels), 1, index + 1)
        axes.fill_between(x, bands["p2.5"], bands["p97.5"], color=FAN_COLOUR, alpha=0.18, linewidth=0, label="95%")
        axes.fill_between(x, bands["p10"], bands["p90"], color=FAN_COLOUR, alpha=0.35, linewidth=0, label="80%")
        axes.plot(x, bands["p50"], color=FAN_COLOUR, linewidth=1.4, label="随机中位数 / stochastic median")
        for name, values in lines.items():
            axes.plot(x, values, color="black", linewidth=0.9, linestyle=VARIANT_STYLES.get(name, "-."), label=name)
        axes.set_title(label)
        axes.yaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")
    # One legend below the panels: inside, it would cover the fan where the lines cross.
    handles, labels = figure.axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncol=3)
    figure.suptitle(title)
    return figure


COMPARISON_STYLES = {
    "linear": ("#7f7f7f", "--"),
    "exponential": ("#c0504d", ":"),
    "logistic": ("#9bbb59", "-."),
    "regression": ("#8064a2", (0, (5, 1, 1, 1, 1, 1))),
}


def comparison_chart(
    history: tuple[Sequence[int], Sequence[float]],
    years: Sequence[int],
    cohort: Mapping[str, ArrayLike],
    models: Mapping[str, tuple[str, Sequence[int], ArrayLike]],
    title: str,
) -> Figure:
    """The observed totals as points, the cohort-component variants (medium as a line, low to high as a band) and
    each trend or regression model (method -> (label, years, values)) as a line of its own colour and dash over the
    history and projection years."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(6.3, 4.2), layout="constrained")
    axes = figure.add_subplot()
    x = np.asarray(years)
    if "low" in cohort and "high" in cohort:
        axes.fill_between(
            x,
            np.asarray(cohort["low"]),
            np.asarray(cohort["high"]),
            color=FAN_COLOUR,
            alpha=0.2,
            linewidth=0,
            label="队列要素法 低-高 / cohort low-high",
        )
    if "medium" in cohort:
        axes.plot(
            x, np.asarray(cohort["medium"]), color=FAN_COLOUR, linewidth=1.8, label="队列要素法 中 / cohort medium"
        )
    for method, (label, model_years, values) in models.items():
        colour, dash = COMPARISON_STYLES.get(method, ("#555555", "-"))
        axes.plot(np.asarray(model_years), np.asarray(values), color=colour, linewidth=1.2, linestyle=dash, label=label)
    axes.plot(
        np.asarray(history[0]), np.asarray(history[1]), "o", color="black", markersize=3.5, label="实际 / observed"
    )
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.yaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")
    axes.set_title(title)
    axes.legend(loc="upper left")
    return figure
