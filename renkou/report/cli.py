"""``renkou report``: the annual population report of one year, in HTML, PDF or Word.

A thin shell: check the options, open the register read-only, call :func:`renkou.report.write_report`, print where
the file went. Heavy imports (matplotlib, WeasyPrint, python-docx) happen inside the command.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from renkou.errors import UserError

REPORT_HELP = (
    "编制年度人口报告（人口与发展年度报告 / 人口统计公报）：HTML、PDF 或 Word。\n\n"
    "Write the annual population report of --year (as of 31 December): main figures and their change, pyramids, "
    "trends over five years, districts with a map, ageing, fertility and mortality, floating population; "
    "in Chinese, figures and tables numbered and sourced. HTML is self-contained (inline SVG charts)."
)


def report_command(
    db: Annotated[Path, typer.Option("--db", help="登记库数据库文件 / register database file (DuckDB)")],
    year: Annotated[int, typer.Option("--year", help="报告年份（截至当年 12 月 31 日） / report year (as of 31 Dec)")],
    out: Annotated[Path, typer.Option("--out", help="输出文件 / output file")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="格式 / format: html | pdf | docx (默认按 --out 的扩展名 / default: from --out)"),
    ] = None,
    known_at: Annotated[
        str | None,
        typer.Option(
            "--known-at",
            help="按该时刻已登记的信息编制（重现已发布的报告） / as known at this time, ISO (reproduce a published report)",
        ),
    ] = None,
) -> None:
    """编制年度人口报告 / write the annual population report."""
    import sys

    from renkou.register.store import Register
    from renkou.report import FORMATS, check_format, write_report

    known = _parse_known_at(known_at)
    suffix = out.suffix.lower().lstrip(".")
    chosen = check_format(fmt) if fmt is not None else (suffix if suffix in FORMATS else "html")
    if suffix in FORMATS and suffix != chosen:
        print(
            f"警告 / warning: --out 的扩展名 .{suffix} 与 --format {chosen} 不符 / the extension of --out does not match "
            f"--format {chosen}",
            file=sys.stderr,
        )
    if out.parent.exists() and not out.parent.is_dir():
        raise UserError(f"--out：{out.parent} 不是目录", f"--out: {out.parent} is not a folder")
    if out.exists() and out.is_dir():
        raise UserError(f"--out：{out} 是一个目录，应为文件名", f"--out: {out} is a folder, expected a file name")
    from rich.console import Console

    started = time.perf_counter()
    console = Console(stderr=True)
    register = Register.open(db, read_only=True)
    try:
        # A spinner with the current step on a terminal; nothing extra when stderr is a file or a pipe.
        with console.status("编制报告 / building the report", spinner="dots") as status:

            def step(text: str) -> None:
                status.update(f"编制报告 / building the report: {text}")

            write_report(register, year, chosen, out, known_at=known, step=step if console.is_terminal else None)
    finally:
        register.close()
    print(
        f"已写出 {out}（{year} 年报告，{chosen.upper()}，{time.perf_counter() - started:.1f} 秒） / "
        f"wrote {out} ({year} report, {chosen}, {time.perf_counter() - started:.1f} s)"
    )


def _parse_known_at(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise UserError(
            f"--known-at 的时间“{text}”无效，应为 ISO 格式（如 2021-03-01T00:00）",
            f"--known-at: invalid time '{text}', expected ISO format (e.g. 2021-03-01T00:00)",
        ) from None


def register(app: typer.Typer) -> None:
    """Add ``renkou report`` to the CLI."""
    app.command("report", help=REPORT_HELP)(report_command)
