"""``renkou quality``: data-quality scores per department and per batch."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class Format(StrEnum):
    """Output formats."""

    text = "text"
    json = "json"
    html = "html"


def quality_command(
    db: Annotated[Path, typer.Option("--db", help="登记库文件 / register database file")],
    format: Annotated[Format, typer.Option("--format", help="输出格式 / output format")] = Format.text,
    out: Annotated[Path | None, typer.Option(help="输出文件（默认标准输出）/ output file (default: stdout)")] = None,
    timely_days: Annotated[int, typer.Option(help="及时性窗口（天）/ timeliness window in days")] = 30,
) -> None:
    """数据质量：各部门、各批次的完整性、有效性、唯一性、一致性、及时性评分。

    Data quality per department and batch: completeness, validity, uniqueness, consistency, timeliness.
    """
    from renkou.errors import UserError
    from renkou.quality.measure import quality_report
    from renkou.quality.report import to_html, to_json, to_text
    from renkou.register.store import Register

    if not db.is_file():
        raise UserError(f"找不到登记库：{db}", f"register database not found: {db}")
    if timely_days < 0:
        raise UserError(f"--timely-days 不能为负：{timely_days}", f"--timely-days must not be negative: {timely_days}")
    register = Register.open(db, read_only=True)
    try:
        report = quality_report(register.engine, timely_days)
    finally:
        register.close()
    text = {Format.text: to_text, Format.json: to_json, Format.html: to_html}[format](report)
    if out is None:
        print(text)
    else:
        out.write_text(text, encoding="utf-8")


def register(app: typer.Typer) -> None:
    """Add ``renkou quality`` to the main CLI."""
    app.command("quality", help="数据质量评分。\n\nData-quality scores per department and batch.")(quality_command)
