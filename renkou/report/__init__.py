"""The annual population report (人口与发展年度报告 / 人口统计公报) in HTML, PDF and Word.

Flow: :func:`renkou.report.gather.gather` reads the indicator sets and pyramids from the register (the only
register access), :func:`renkou.report.build.build_report` assembles the document model (pure), and the renderers
(:mod:`render_html`, :mod:`render_pdf`, :mod:`render_docx`) write it out; charts are matplotlib
(:mod:`renkou.report.charts`, :mod:`renkou.report.charts_map`) with a CJK font found by :mod:`renkou.report.fonts`.
:func:`write_report` does all of it for one register, year and format; :func:`write_reports` writes several
formats from one reading of the register (each chart drawn once per image format).
"""

from __future__ import annotations

from datetime import date, datetime
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


def render_reports(
    register: Register,
    year: int,
    formats: list[str],
    *,
    today: date | None = None,
    known_at: datetime | None = None,
    step: Step | None = None,
) -> dict[str, bytes]:
    """The report of ``year`` in each of ``formats`` (html, pdf, docx), read and built once; ``step`` hears progress."""
    from renkou.report.build import build_report
    from renkou.report.fonts import find_cjk_font
    from renkou.report.gather import gather, quiet

    chosen = [check_format(fmt) for fmt in formats]
    tell = step or quiet
    find_cjk_font()  # fail early, before the queries, when the charts could not be drawn
    report = build_report(gather(register, year, today=today, known_at=known_at, step=tell))
    result: dict[str, bytes] = {}
    for fmt in chosen:
        if fmt == "html":
            from renkou.report.render_html import render_html

            result[fmt] = render_html(report, step=tell).encode("utf-8")
        elif fmt == "pdf":
            from renkou.report.render_pdf import render_pdf

            result[fmt] = render_pdf(report, step=tell)
        else:
            from renkou.report.render_docx import render_docx

            result[fmt] = render_docx(report, step=tell)
    return result


def write_reports(
    register: Register,
    year: int,
    outputs: dict[str, Path],
    *,
    today: date | None = None,
    known_at: datetime | None = None,
    step: Step | None = None,
) -> dict[str, Path]:
    """Write the report of ``year`` in several formats at once (format -> file), e.g. for ``renkou demo``."""
    targets = {check_format(fmt): path for fmt, path in outputs.items()}
    rendered = render_reports(register, year, list(targets), today=today, known_at=known_at, step=step)
    written = {}
    for fmt, data in rendered.items():
        path = targets[fmt]
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except OSError as error:
            raise UserError(
                f"无法写入报告文件 {path}：{error.strerror or error}",
                f"cannot write the report to {path}: {error.strerror or error}",
            ) from None
        written[fmt] = path
    return written


def write_report(
    register: Register,
    year: int,
    fmt: str,
    out: Path,
    *,
    today: date | None = None,
    known_at: datetime | None = None,
    step: Step | None = None,
) -> Path:
    """Render the report in one format and write it to ``out`` (its folder is created if needed)."""
    written = write_reports(register, year, {fmt: out}, today=today, known_at=known_at, step=step)
    return written[check_format(fmt)]
