"""Render the report to a Word document (.docx, the format offices edit) with python-docx.

Built-in styles (Title, Heading 1, Caption, Table Grid) are kept so the office can restyle the document in Word;
East Asian fonts are set to 宋体 (body) and 黑体 (headings), which every Chinese Windows installation has.
Charts are embedded as PNG at the text width; the footer carries the page number.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from renkou.report.charts import figure_bytes
from renkou.report.gather import Step, quiet
from renkou.report.model import Figure, Paragraph, Report, Table

if TYPE_CHECKING:
    from docx.document import Document

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
TEXT_WIDTH_CM = 15.5


def _east_asian(style_or_run: Any, name: str) -> None:
    """Set the East Asian font of a style or run (python-docx only sets the Latin one)."""
    from docx.oxml.ns import qn

    element = style_or_run.element
    properties = element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = properties.makeelement(qn("w:rFonts"), {})
        properties.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _styles(document: Document) -> None:
    from docx.shared import Pt, RGBColor

    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(11)
    _east_asian(normal, BODY_FONT)
    for name, size in (("Title", 20), ("Heading 1", 14), ("Caption", 10)):
        style = styles[name]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0xA0, 0, 0) if name == "Title" else RGBColor(0, 0, 0)
        style.font.italic = False
        _east_asian(style, HEADING_FONT)


def _page_number_footer(document: Document) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
        else:
            field = OxmlElement("w:instrText")
            field.set(qn("xml:space"), "preserve")
            field.text = str(text)
        run._r.append(field)
    paragraph.add_run(" —")


def _small(document: Document, text: str) -> None:
    from docx.shared import Pt, RGBColor

    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.font.size = Pt(8.5)
    run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    paragraph.paragraph_format.space_after = Pt(8)


def _table(document: Document, table: Table) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    caption = document.add_paragraph(table.label, style="Caption")
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    grid = document.add_table(rows=1 + len(table.rows), cols=len(table.header))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row_index, row in enumerate((table.header, *table.rows)):
        for column, text in enumerate(row):
            cell = grid.cell(row_index, column)
            cell.text = text
            paragraph = cell.paragraphs[0]
            paragraph.alignment = (
                WD_ALIGN_PARAGRAPH.CENTER
                if row_index == 0
                else WD_ALIGN_PARAGRAPH.LEFT
                if column == 0
                else WD_ALIGN_PARAGRAPH.RIGHT
            )
            for run in paragraph.runs:
                run.font.size = Pt(9)
                run.font.bold = row_index == 0 or row[0] == "全市"
    if table.note:
        _small(document, f"注：{table.note}")
    _small(document, table.source)


def _figure(document: Document, report: Report, figure: Figure) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    document.add_picture(io.BytesIO(figure_bytes(report, figure, "png")), width=Cm(TEXT_WIDTH_CM))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption = document.add_paragraph(figure.label, style="Caption")
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _small(document, figure.source)


def render_docx(report: Report, *, step: Step = quiet) -> bytes:
    """The report as the bytes of a .docx file."""
    from docx import Document as new_document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = new_document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.4)
    _styles(document)
    _page_number_footer(document)
    document.core_properties.title = report.title
    document.core_properties.subject = report.subtitle
    document.core_properties.author = "renkou"

    title = document.add_paragraph(report.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in (f"—— {report.subtitle} ——", report.issuer, report.date_line):
        paragraph = document.add_paragraph(line)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    figures = len(report.figures())
    for part in report.sections:
        document.add_heading(part.heading, level=1)
        for block in part.blocks:
            if isinstance(block, Paragraph):
                paragraph = document.add_paragraph(block.text)
                paragraph.paragraph_format.first_line_indent = Pt(22)  # 首行缩进两字
            elif isinstance(block, Table):
                _table(document, block)
            else:
                step(f"图 {block.number}/{figures} / chart {block.number} of {figures}")
                _figure(document, report, block)
    document.add_heading("附注", level=1)
    for index, note in enumerate(report.notes, start=1):
        document.add_paragraph(f"{index}. {note}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
