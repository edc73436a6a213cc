"""Render the report to PDF with WeasyPrint: the HTML page with PNG charts, A4, page numbers in the footer."""

from __future__ import annotations

from renkou.report.gather import Step, quiet
from renkou.report.model import Report
from renkou.report.render_html import render_html


def render_pdf(report: Report, *, step: Step = quiet) -> bytes:
    """The report as PDF bytes."""
    import logging

    from weasyprint import HTML

    # WeasyPrint warns about CSS it ignores (e.g. screen-only properties); that is noise on a clerk's terminal.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    page = render_html(report, charts="png", step=step)
    step("排版 PDF / laying out the PDF")
    pdf: bytes = HTML(string=page).write_pdf()
    return pdf
