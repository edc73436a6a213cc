"""The report's charts, drawn with matplotlib in the plain style of a statistical bulletin.

Each function takes plain numbers and returns a matplotlib ``Figure`` (no pyplot, no global state); :func:`render`
turns one into SVG text (the HTML report, text drawn as paths so the file needs no font) or PNG bytes (PDF, Word).
Missing values (``None``) leave gaps instead of being drawn as zero.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from renkou.report.fonts import find_cjk_font
from renkou.report.model import Figure as ReportFigure
from renkou.report.model import Report

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH = 6.3  # inches: the text width of an A4 page with 2.5 cm margins
HEIGHT = 3.3
WIDE_HEIGHT = 3.9
MAX_HEIGHT = 5.2
PNG_DPI = 200
# Muted colours in the spirit of printed bulletins: blue for men / the first series, red for women / the second.
COLOURS = ("#2f5d8a", "#c0504d", "#7f9f3f", "#8064a2", "#4bacc6", "#f79646")
MALE, FEMALE = COLOURS[0], COLOURS[1]
GROUP_WIDTH = 5
OPEN_GROUP = 100


def style() -> dict[str, Any]:
    """matplotlib settings for every chart: a CJK font, small type, light grid, text as paths in SVG."""
    font = find_cjk_font()
    return {
        "font.family": [font.family],
        "font.size": 8.5,
        "axes.titlesize": 9,
        "axes.labelsize": 8.5,
        "legend.fontsize": 8,
        "legend.frameon": False,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.color": "#d9d9d9",
        "grid.linewidth": 0.5,
        "axes.axisbelow": True,
        "axes.unicode_minus": False,  # CJK fonts often lack U+2212
        "svg.fonttype": "path",  # the SVG carries the glyph outlines, so the HTML needs no font
        "svg.hashsalt": "renkou",  # stable element ids: the same data gives the same file
        "figure.dpi": 100,
    }


def render(draw: Callable[[], Figure], fmt: str) -> bytes:
    """Draw a chart and return it as ``svg`` (UTF-8 text without the XML prologue) or ``png`` bytes."""
    import matplotlib

    with matplotlib.rc_context(style()):  # type: ignore[arg-type]
        figure = draw()
        buffer = io.BytesIO()
        # Constrained layout already fits the labels; bbox_inches="tight" would cost a second drawing pass.
        figure.savefig(buffer, format=fmt, dpi=PNG_DPI if fmt == "png" else 100)
    data = buffer.getvalue()
    if fmt == "svg":
        text = data.decode("utf-8")
        text = text[text.index("<svg") :]  # inline SVG must not carry <?xml ...> or a DOCTYPE
        # The RDF metadata block names vocabularies by URL and stamps the time: neither belongs in a published file.
        text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, count=1, flags=re.DOTALL)
        data = text.encode("utf-8")
    return data


def figure_bytes(report: Report, figure: ReportFigure, fmt: str) -> bytes:
    """The chart of ``figure`` as ``fmt``, drawn once per report and format."""
    key = (figure.number, fmt)
    if key not in report.drawn:
        report.drawn[key] = render(figure.draw, fmt)
    return report.drawn[key]


def _figure(height: float = HEIGHT, *, width: float = WIDTH) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def five_year_groups(single: np.ndarray) -> np.ndarray:
    """Counts by single year 0..100+ folded into 0-4, 5-9, ..., 95-99, 100+."""
    values = np.asarray(single, dtype=np.float64)
    closed = values[:OPEN_GROUP].reshape(-1, GROUP_WIDTH).sum(axis=1)
    return np.append(closed, values[OPEN_GROUP:].sum())


def group_labels() -> list[str]:
    """``0-4``, ``5-9``, ..., ``100+``."""
    return [f"{a}-{a + GROUP_WIDTH - 1}" for a in range(0, OPEN_GROUP, GROUP_WIDTH)] + [f"{OPEN_GROUP}+"]


def pyramid(
    male: np.ndarray, female: np.ndarray, earlier_male: np.ndarray, earlier_female: np.ndarray, now: str, then: str
) -> Figure:
    """Population pyramid in percent of the total, men left and women right, with an earlier date as outlines."""
    figure = _figure(WIDE_HEIGHT + 0.6)
    axes = figure.add_subplot()
    groups = np.arange(OPEN_GROUP // GROUP_WIDTH + 1)
    total = float(np.sum(male) + np.sum(female)) or 1.0
    total_then = float(np.sum(earlier_male) + np.sum(earlier_female)) or 1.0
    m, f = five_year_groups(male) / total * 100, five_year_groups(female) / total * 100
    m0, f0 = five_year_groups(earlier_male) / total_then * 100, five_year_groups(earlier_female) / total_then * 100
    axes.barh(groups, -m, height=0.9, color=MALE, alpha=0.85, label=f"男 {now}")
    axes.barh(groups, f, height=0.9, color=FEMALE, alpha=0.85, label=f"女 {now}")
    # Five years earlier: the outline of each bar, drawn as steps so both years stay readable.
    edges = np.append(groups - 0.45, groups[-1] + 0.45)
    for values, sign in ((m0, -1), (f0, 1)):
        axes.stairs(sign * values, edges, orientation="horizontal", color="#222222", linewidth=0.9, baseline=None)
    axes.plot([], [], color="#222222", linewidth=0.9, label=f"{then}（轮廓）")
    axes.set_yticks(groups, group_labels())
    limit = float(max(m.max(), f.max(), m0.max(), f0.max())) * 1.1 or 1.0
    axes.set_xlim(-limit, limit)
    ticks = axes.get_xticks()
    axes.set_xticks(ticks, [f"{abs(t):g}" for t in ticks])
    axes.set_xlim(-limit, limit)
    axes.set_xlabel("占总人口比重（%）　　左：男性　右：女性")
    axes.set_ylabel("年龄（岁）")
    axes.axvline(0, color="#555555", linewidth=0.6)
    axes.grid(axis="y", visible=False)
    axes.legend(loc="upper right", ncols=1)
    return figure


def _gaps(values: Sequence[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def lines(
    categories: Sequence[str],
    series: dict[str, Sequence[float | None]],
    ylabel: str,
    *,
    styles: dict[str, str] | None = None,
    labels_on_points: bool = True,
    digits: int = 2,
) -> Figure:
    """One line per series over categories (years, age groups), values printed on the points."""
    figure = _figure()
    axes = figure.add_subplot()
    x = np.arange(len(categories))
    for index, (name, values) in enumerate(series.items()):
        y = _gaps(values)
        linestyle = (styles or {}).get(name, "-")
        axes.plot(x, y, marker="o", markersize=3.5, linewidth=1.5, color=COLOURS[index % 6], ls=linestyle, label=name)
        if labels_on_points:
            for xi, yi in zip(x, y, strict=True):
                if np.isfinite(yi):
                    axes.annotate(
                        f"{yi:.{digits}f}",
                        (xi, yi),
                        textcoords="offset points",
                        xytext=(0, 5),
                        ha="center",
                        fontsize=6.5,
                    )
    axes.set_xticks(x, list(categories))
    _value_label(axes, ylabel, "y")
    _pad_top(axes)
    axes.legend(loc="best")
    return figure


def bars(
    categories: Sequence[str],
    series: dict[str, Sequence[float | None]],
    ylabel: str,
    *,
    digits: int = 0,
) -> Figure:
    """Grouped vertical bars (one group per category), values printed above the bars."""
    figure = _figure()
    axes = figure.add_subplot()
    x = np.arange(len(categories))
    width = 0.8 / max(len(series), 1)
    for index, (name, values) in enumerate(series.items()):
        y = _gaps(values)
        offset = (index - (len(series) - 1) / 2) * width
        drawn = axes.bar(x + offset, np.nan_to_num(y), width * 0.95, color=COLOURS[index % 6], label=name)
        axes.bar_label(drawn, labels=[_label(v, digits) for v in y], fontsize=6.5, padding=1.5)
    axes.set_xticks(x, list(categories))
    _value_label(axes, ylabel, "y")
    axes.grid(axis="x", visible=False)
    _pad_top(axes)
    if digits == 0:
        axes.yaxis.set_major_formatter(_thousands())
    if len(series) > 1:
        axes.legend(loc="best")
    return figure


def hbars(
    categories: Sequence[str],
    series: dict[str, Sequence[float | None]],
    xlabel: str,
    *,
    digits: int = 1,
    height: float | None = None,
) -> Figure:
    """Grouped horizontal bars, the first category on top, values printed at the bar ends."""
    bars_drawn = len(categories) * max(1, len(series))
    figure = _figure(height or min(MAX_HEIGHT, max(HEIGHT, 0.16 * bars_drawn + 0.9)))
    axes = figure.add_subplot()
    y = np.arange(len(categories))[::-1]
    band = 0.8 / max(len(series), 1)
    for index, (name, values) in enumerate(series.items()):
        v = _gaps(values)
        offset = ((len(series) - 1) / 2 - index) * band
        drawn = axes.barh(y + offset, np.nan_to_num(v), band * 0.95, color=COLOURS[index % 6], label=name)
        axes.bar_label(drawn, labels=[_label(value, digits) for value in v], fontsize=6.5, padding=2)
    axes.set_yticks(y, list(categories))
    axes.set_xlabel(xlabel)
    if digits == 0:
        axes.xaxis.set_major_formatter(_thousands())
    axes.grid(axis="y", visible=False)
    right = axes.get_xlim()[1]
    axes.set_xlim(0, right * 1.1)
    if len(series) > 1:
        axes.legend(loc="lower right")
    return figure


def _thousands() -> Any:
    from matplotlib.ticker import StrMethodFormatter

    return StrMethodFormatter("{x:,.0f}")


def _value_label(axes: Axes, text: str, axis: str) -> None:
    """A unit of one or two characters (人, 岁, ‰) reads upright above the axis; longer labels run along it."""
    if len(text) <= 2:
        axes.set_title(text, loc="left", fontsize=8, pad=4)
    else:
        axes.set_ylabel(text)


def _label(value: float, digits: int) -> str:
    return "" if not np.isfinite(value) else f"{value:,.{digits}f}"


def _pad_top(axes: Axes) -> None:
    """Room above the highest point for its value label."""
    bottom, top = axes.get_ylim()
    axes.set_ylim(min(bottom, 0) if bottom >= 0 else bottom, top + (top - min(bottom, 0)) * 0.08)
