"""Documents of the disclosure office (reply letters, fee notices, the annual report) as one small model, written out
as Word (python-docx: the office edits it), HTML and PDF (WeasyPrint, from the HTML).

A :class:`Document` is a title, an optional reference number and addressee, blocks (paragraphs, headings, tables)
and a signature (office and date). Word gets 宋体/黑体 as East Asian fonts (every Chinese Windows has them); the HTML
and PDF ask for Noto Serif CJK SC first, which the project's set-up installs.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

BODY_FONT = "宋体"
HEADING_FONT = "黑体"


@dataclass(frozen=True)
class Heading:
    """A section heading."""

    text: str


@dataclass(frozen=True)
class Para:
    """A paragraph; ``indent`` gives the first-line indent of Chinese official letters."""

    text: str
    indent: bool = True


@dataclass(frozen=True)
class Cell:
    """A table cell, spanning ``cols`` columns and ``rows`` rows (merged cells of the statutory tables)."""

    text: str
    cols: int = 1
    rows: int = 1
    header: bool = False
    number: bool = False


@dataclass(frozen=True)
class Grid:
    """A table as rows of cells (a cell covered by a span above or to the left is simply left out)."""

    caption: str
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""

    @property
    def width(self) -> int:
        """Columns of the table (from the first row's spans)."""
        return sum(cell.cols for cell in self.rows[0])


Block = Heading | Para | Grid


@dataclass(frozen=True)
class Document:
    """A letter or report."""

    title: str
    blocks: tuple[Block, ...]
    reference: str = ""
    addressee: str = ""
    office: str = ""
    dated: date | None = None
    footnotes: tuple[str, ...] = field(default=())

    def text(self) -> str:
        """Plain text of the whole document (for tests, logs and the terminal)."""
        lines = [self.title, self.reference, self.addressee]
        for block in self.blocks:
            if isinstance(block, Grid):
                lines.append(block.caption)
                lines.extend(" | ".join(cell.text for cell in row) for row in block.rows)
            else:
                lines.append(block.text)
        lines.extend([self.office, chinese_date(self.dated) if self.dated else "", *self.footnotes])
        return "\n".join(line for line in lines if line)


def chinese_date(day: date) -> str:
    """2026年3月5日."""
    return f"{day.year}年{day.month}月{day.day}日"


# --- HTML and PDF ------------------------------------------------------------------------------------------------
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("renkou.disclosure", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["chinese_date"] = chinese_date
    env.tests["grid"] = lambda block: isinstance(block, Grid)
    env.tests["heading"] = lambda block: isinstance(block, Heading)
    return env


def to_html(document: Document) -> str:
    """The document as one self-contained HTML page (print styles for A4)."""
    return _environment().get_template("document.html").render(doc=document)


def to_pdf(document: Document) -> bytes:
    """The document as PDF bytes (A4), laid out by WeasyPrint from :func:`to_html`."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    pdf: bytes = HTML(string=to_html(document)).write_pdf()
    return pdf


# --- Word --------------------------------------------------------------------------------------------------------
def _east_asian(target: Any, name: str) -> None:
    """Set the East Asian font of a style or run (python-docx sets only the Latin one)."""
    from docx.oxml.ns import qn

    properties = target.element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = properties.makeelement(qn("w:rFonts"), {})
        properties.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def to_docx(document: Document) -> bytes:
    """The document as a Word file the officer can edit."""
    from docx import Document as WordDocument
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    word = WordDocument()
    normal = word.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)
    _east_asian(normal, BODY_FONT)
    for style_name in ("Title", "Heading 1"):
        style = word.styles[style_name]
        style.font.name = "Arial"
        _east_asian(style, HEADING_FONT)
    title = word.add_heading(document.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if document.reference:
        word.add_paragraph(document.reference).alignment = WD_ALIGN_PARAGRAPH.CENTER
    if document.addressee:
        word.add_paragraph(document.addressee)
    for block in document.blocks:
        if isinstance(block, Heading):
            word.add_heading(block.text, level=1)
        elif isinstance(block, Para):
            paragraph = word.add_paragraph(block.text)
            if block.indent:
                paragraph.paragraph_format.first_line_indent = Pt(24)
        else:
            _docx_table(word, block)
    if document.office or document.dated:
        for line in (document.office, chinese_date(document.dated) if document.dated else ""):
            if line:
                word.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for note in document.footnotes:
        run = word.add_paragraph().add_run(note)
        run.font.size = Pt(9)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _docx_table(word: Any, grid: Grid) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    if grid.caption:
        word.add_paragraph(grid.caption).runs[0].bold = True
    table = word.add_table(rows=len(grid.rows), cols=grid.width)
    table.style = "Table Grid"
    # Every cell once, before any merge: ``table.cell()`` rebuilds the whole grid on each call (seconds for the
    # annual report's tables). A merge keeps the top-left cell's element and removes only the covered ones, which
    # are never used again, so these handles stay valid.
    handles = [list(row.cells) for row in table.rows]
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(grid.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            target = handles[r][c]
            if cell.cols > 1 or cell.rows > 1:
                target = target.merge(handles[r + cell.rows - 1][c + cell.cols - 1])
            for dr in range(cell.rows):
                for dc in range(cell.cols):
                    taken.add((r + dr, c + dc))
            target.text = cell.text
            paragraph = target.paragraphs[0]
            if cell.number:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for run in paragraph.runs:
                run.font.size = Pt(9)
                run.bold = cell.header
            c += cell.cols
    if grid.note:
        note = word.add_paragraph().add_run(grid.note)
        note.font.size = Pt(9)
