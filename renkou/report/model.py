"""The report as a document model: sections of paragraphs, numbered tables and numbered figures.

The content builders fill it; the HTML, PDF and Word renderers read it. Nothing here knows about files or formats.
A figure carries a ``draw`` callable that returns a matplotlib figure, so each renderer chooses SVG or PNG.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure


@dataclass(frozen=True)
class Paragraph:
    """Running text."""

    text: str


@dataclass(frozen=True)
class Table:
    """A numbered table (表n) with its caption, header, rows of formatted cells, source line and notes."""

    number: int
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    source: str
    note: str | None = None

    @property
    def label(self) -> str:
        """``表3 …``: number and caption as printed above the table."""
        return f"表{self.number}　{self.caption}"


@dataclass(frozen=True)
class Figure:
    """A numbered figure (图n): caption, source line, a text alternative and the chart to draw."""

    number: int
    caption: str
    source: str
    alt: str
    draw: Callable[[], MplFigure]
    wide: bool = False  # wide figures (pyramids side by side, the map) take the full text width

    @property
    def label(self) -> str:
        """``图1 …``: number and caption as printed under the figure."""
        return f"图{self.number}　{self.caption}"


Block = Union[Paragraph, Table, Figure]  # noqa: UP007 - a runtime alias for isinstance checks and annotations


@dataclass
class Section:
    """A numbered section (一、二、…) of the report."""

    number: str
    title: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def heading(self) -> str:
        """``一、人口总量``."""
        return f"{self.number}、{self.title}"


@dataclass
class Report:
    """The whole document."""

    title: str
    subtitle: str
    issuer: str
    date_line: str
    sections: list[Section]
    notes: list[str]
    # Charts already drawn, by (figure number, "svg" | "png"): a PDF and a Word file of one report draw each once.
    drawn: dict[tuple[int, str], bytes] = field(default_factory=dict, repr=False, compare=False)

    def figures(self) -> list[Figure]:
        """Every figure in order."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, Figure)]

    def tables(self) -> list[Table]:
        """Every table in order."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]


class Numbering:
    """Hands out figure and table numbers in the order the content is built."""

    def __init__(self) -> None:
        self.figures = 0
        self.tables = 0

    def figure(self) -> int:
        """The next figure number."""
        self.figures += 1
        return self.figures

    def table(self) -> int:
        """The next table number."""
        self.tables += 1
        return self.tables


CHINESE_NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")
