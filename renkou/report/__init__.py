"""The annual population report (人口与发展年度报告 / 人口统计公报) in HTML, PDF and Word.

Flow: :func:`renkou.report.gather.gather` reads the indicator sets and pyramids from the register (the only
register access), :func:`renkou.report.build.build_report` assembles the document model (pure), and the renderers
(:mod:`render_html`, :mod:`render_pdf`, :mod:`render_docx`) write it out; charts are matplotlib
(:mod:`renkou.report.charts`, :mod:`renkou.report.charts_map`) with a CJK font found by :mod:`renkou.report.fonts`.
:func:`write_report` does all of it for one register and year.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from renkou.errors import UserError

if TYPE_CHECKING:
    from renkou.register.store import Register
    from renkou.report.gather import Step

FORMATS = ("html", "pdf", "docx")


def check_format(fmt: str) -> str:
    """The format name in lower case, or a bilingual error naming the choices."""
    wanted = fmt.strip().lower()
    if wanted not in FORMATS:
        raise UserError(
            f"--format：不支持的格式“{fmt}”，可选 html、pdf、docx",
            f"--format: unsupported format '{fmt}'; choose html, pdf or docx",
        )
    return wanted


def render_bytes(
    register: Register, year: int, fmt: str, *, today: date | None = None, step: Step | None = None
) -> bytes:
    """The report of ``year`` from ``register`` in ``fmt`` (html, pdf or docx) as bytes; ``step`` hears progress."""
    from renkou.report.build import build_report
    from renkou.report.fonts import find_cjk_font
    from renkou.report.gather import gather, quiet

    fmt = check_format(fmt)
    tell = step or quiet
    find_cjk_font()  # fail early, before the queries, when the charts could not be drawn
    report = build_report(gather(register, year, today=today, step=tell))
    if fmt == "html":
        from renkou.report.render_html import render_html

        return render_html(report, step=tell).encode("utf-8")
    if fmt == "pdf":
        from renkou.report.render_pdf import render_pdf

        return render_pdf(report, step=tell)
    from renkou.report.render_docx import render_docx

    return render_docx(report, step=tell)


def write_report(
    register: Register, year: int, fmt: str, out: Path, *, today: date | None = None, step: Step | None = None
) -> Path:
    """Render the report and write it to ``out`` (its folder must exist or be creatable)."""
    fmt = check_format(fmt)
    data = render_bytes(register, year, fmt, today=today, step=step)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out
