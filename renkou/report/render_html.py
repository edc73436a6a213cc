"""Render the report model to one self-contained HTML document (inline CSS and charts, no external URLs).

The browser version inlines each chart as SVG; the PDF version (:mod:`renkou.report.render_pdf`) reuses the same
page with PNG charts as ``data:`` URIs, which WeasyPrint lays out reliably.
"""

from __future__ import annotations

import base64
from dataclasses import asdict
from importlib import resources
from typing import Any

from renkou.report.charts import figure_bytes
from renkou.report.gather import Step, quiet
from renkou.report.model import Figure, Paragraph, Report, Table


def _numeric_columns(table: Table) -> list[bool]:
    """Columns whose cells all look like numbers (right-aligned)."""

    def numeric(cell: str) -> bool:
        stripped = cell.replace(",", "").replace("+", "").replace("-", "").replace(".", "").replace("—", "")
        return stripped.isdigit() or cell == "—"

    return [all(numeric(row[i]) for row in table.rows) for i in range(len(table.header))]


def _figure_image(report: Report, figure: Figure, charts: str) -> str:
    if charts == "svg":
        return figure_bytes(report, figure, "svg").decode("utf-8")
    data = base64.b64encode(figure_bytes(report, figure, "png")).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{figure.alt}">'


def _blocks(report: Report, charts: str, step: Step) -> list[dict[str, Any]]:
    sections = []
    count = len(report.figures())
    for section in report.sections:
        blocks: list[dict[str, Any]] = []
        for block in section.blocks:
            if isinstance(block, Paragraph):
                blocks.append({"kind": "paragraph", "text": block.text})
            elif isinstance(block, Table):
                blocks.append(
                    {"kind": "table", **asdict(block), "label": block.label, "numeric": _numeric_columns(block)}
                )
            else:
                step(f"图 {block.number}/{count} / chart {block.number} of {count}")
                blocks.append(
                    {
                        "kind": "figure",
                        "number": block.number,
                        "label": block.label,
                        "source": block.source,
                        "alt": block.alt,
                        "wide": block.wide,
                        "image": _figure_image(report, block, charts),
                    }
                )
        sections.append({"heading": section.heading, "blocks": blocks})
    return sections


def render_html(report: Report, *, charts: str = "svg", step: Step = quiet) -> str:
    """The report as HTML; ``charts`` is ``svg`` (inline SVG) or ``png`` (``data:`` URIs, for WeasyPrint)."""
    import jinja2

    templates = resources.files("renkou.report") / "templates"
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = environment.from_string((templates / "report.html.j2").read_text(encoding="utf-8"))
    css = (templates / "report.css").read_text(encoding="utf-8")
    view = {
        "title": report.title,
        "subtitle": report.subtitle,
        "issuer": report.issuer,
        "date_line": report.date_line,
        "sections": _blocks(report, charts, step),
        "notes": report.notes,
    }
    return template.render(report=view, css=css)
