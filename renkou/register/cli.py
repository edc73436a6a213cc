"""Commands of the register: ingest, verify, population, quarantine, findings."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from renkou.errors import UserError

if TYPE_CHECKING:
    from rich.console import Console

    from renkou.register.ingest import BatchSummary

DB_HELP = "登记库数据库文件 / register database file (DuckDB)"


def parse_date(text: str, option: str) -> date:
    """A YYYY-MM-DD date from the command line, or a one-line error naming the option."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(
            f"{option} 的日期“{text}”无效，应为 YYYY-MM-DD", f"{option}: invalid date '{text}', expected YYYY-MM-DD"
        ) from None


def ingest_command(
    files: Annotated[list[Path], typer.Argument(help="部门数据文件 / department files (CSV, XLSX, JSONL, Parquet)")],
    db: Annotated[Path, typer.Option("--db", help=DB_HELP)],
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 对象 / print one JSON object")] = False,
    feed: Annotated[str | None, typer.Option(help="指定数据源 / force the feed (hukou, health, ...)")] = None,
    city: Annotated[str | None, typer.Option(help="新建登记库时的城市代码 / city code for a new register")] = None,
) -> None:
    """载入部门数据文件：逐行校验，问题行进入隔离区，每个文件作为一个批次原子载入。

    Load department files: validated row by row, bad rows quarantined with reasons, each file one atomic batch.
    """
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from renkou.register.store import Register

    register = Register.open(db, city=city)
    console = Console(stderr=True)
    try:
        with Progress(
            TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console, transient=True
        ) as bar:
            steps = ("read", "validate", "write", "identity", "chain", "index", "checks")
            task = bar.add_task("载入 / loading", total=len(files) * len(steps))

            def progress(file_name: str, step: str) -> None:
                bar.update(task, description=f"{file_name}: {step}", advance=1)

            summaries = register.ingest(files, feed=feed, progress=progress)
    finally:
        register.close()
    if any(s.status == "loaded" for s in summaries):
        _plan_warnings(db, [s.batch_id for s in summaries if s.batch_id is not None], console)
    reasons: dict[str, int] = {}
    found: dict[str, int] = {}
    for summary in summaries:
        for code, count in summary.reasons.items():
            reasons[code] = reasons.get(code, 0) + count
        for kind, count in summary.findings.items():
            found[kind] = found.get(kind, 0) + count
    rejected = [s for s in summaries if s.status == "rejected"]
    report = {
        "accepted": sum(s.accepted for s in summaries),
        "quarantined": sum(s.quarantined for s in summaries),
        "duplicates": sum(s.duplicates for s in summaries),
        "reasons": reasons,
        "findings": found,
        "rejected_files": len(rejected),
        "batches": [s.to_json() for s in summaries],
    }
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        _print_summary(summaries)
    for summary in rejected:
        print(f"错误 / error: {summary.message}", file=sys.stderr)
    if rejected:
        raise typer.Exit(1)


def _plan_warnings(db: Path, batches: list[int], console: Console) -> None:
    """Evaluate and store the plan's early warnings on the updated register (renkou.plan.warnings.after_ingest).
    A failure there must never fail the ingest: one line on stderr says so."""
    try:
        from renkou.plan.warnings import after_ingest

        found = after_ingest(db, batches)
    except Exception as error:  # any failure of the warnings (even an import error) leaves the ingest as it was
        reason = (str(error).splitlines() or [type(error).__name__])[0][:300]
        console.print(f"预警未更新 / warnings not updated: {reason}", highlight=False, markup=False, soft_wrap=True)
        return
    console.print(
        f"预警 / warnings: {len(found)}（renkou plan warnings --db {db} --stored）", highlight=False, markup=False
    )


def _print_summary(summaries: list[BatchSummary]) -> None:
    from rich.console import Console
    from rich.table import Table

    from renkou.register.reasons import describe

    table = Table(title="载入结果 / ingest summary")
    for heading in ("文件 file", "数据源 feed", "状态 status", "接收 accepted", "隔离 quarantined", "重复 duplicates"):
        table.add_column(heading)
    for s in summaries:
        table.add_row(
            Path(s.file).name, s.feed or "-", s.status, str(s.accepted), str(s.quarantined), str(s.duplicates)
        )
    console = Console()
    console.print(table)
    for s in summaries:
        for code, count in sorted(s.reasons.items(), key=lambda item: -item[1]):
            console.print(f"  {Path(s.file).name}: {count} × {describe(code)}")


def verify_command(
    db: Annotated[Path, typer.Option("--db", help=DB_HELP)],
    deep: Annotated[bool, typer.Option(help="同时核对状态索引 / also check the state index against the log")] = False,
) -> None:
    """重新计算登记库与审计日志的哈希链；任何断裂均以非零状态退出并指出第一个断裂处。

    Recompute the hash chains of the register and of the audit log; exit non-zero naming the first break.
    """
    from renkou.api.audit import verify_audit
    from renkou.register.store import Register

    register = Register.open(db, read_only=True)
    try:
        result = register.verify(deep=deep)
        audit = verify_audit(register.engine)
    finally:
        register.close()
    if result.ok and audit.ok:
        print(result.message)
        print(audit.message)
        return
    for ok, message in ((result.ok, result.message), (audit.ok, audit.message)):
        if not ok:
            print(f"校验失败 / verification failed: {message}", file=sys.stderr)
    raise typer.Exit(1)


def population_command(
    db: Annotated[Path, typer.Option("--db", help=DB_HELP)],
    on: Annotated[str, typer.Option("--on", help="日期 / date YYYY-MM-DD")],
    kind: Annotated[str, typer.Option(help="registered | resident | floating")] = "resident",
    by: Annotated[str, typer.Option(help="分组 / group by: district,sex,age,urban")] = "district",
    known_at: Annotated[
        str | None, typer.Option("--known-at", help="截至该时刻已登记的信息 / as known at (ISO time)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """某日的户籍、常住或流动人口（可按区、性别、年龄分组）。

    Registered, resident or floating population on a date, grouped by district, sex, age.
    """
    from renkou.register.population import KINDS
    from renkou.register.store import Register

    if kind not in KINDS:
        raise UserError(f"未知的人口口径：{kind}", f"unknown population kind: {kind} (one of {', '.join(KINDS)})")
    day = parse_date(on, "--on")
    known = None
    if known_at:
        try:
            known = datetime.fromisoformat(known_at)
        except ValueError:
            raise UserError(f"--known-at 时间无效：{known_at}", f"--known-at: invalid time '{known_at}'") from None
    groups = tuple(part.strip() for part in by.split(",") if part.strip())
    register = Register.open(db, read_only=True)
    try:
        table = register.population(day, kind, groups, known)
    finally:
        register.close()
    rows = table.to_pylist()
    if as_json:
        print(json.dumps({"on": day.isoformat(), "kind": kind, "rows": rows}, ensure_ascii=False, default=str))
        return
    for row in rows:
        print("\t".join(str(row[k]) for k in row))


def quarantine_command(
    db: Annotated[Path, typer.Option("--db", help=DB_HELP)],
    batch: Annotated[int | None, typer.Option(help="批次号 / batch id")] = None,
    limit: Annotated[int, typer.Option(help="最多显示行数 / at most this many rows")] = 50,
) -> None:
    """列出隔离区中的问题行及原因（身份号码已脱敏）。

    List quarantined rows with their reasons (ID numbers masked).
    """
    from renkou.register.export import inert
    from renkou.register.reasons import describe
    from renkou.register.store import Register

    register = Register.open(db, read_only=True)
    try:
        where = f"WHERE batch_id = {int(batch)}" if batch is not None else ""
        rows = register.engine.rows(
            f"SELECT batch_id, file_name, line, column_name, value_masked, reason FROM quarantine {where} "
            f"ORDER BY batch_id, line LIMIT {int(limit)}"
        )
    finally:
        register.close()
    for batch_id, file_name, line, column, value, reason in rows:
        print(f"{batch_id}\t{file_name}:{line}\t{column or '-'}\t{inert(value) or ''}\t{describe(reason)}")


def findings_command(
    db: Annotated[Path, typer.Option("--db", help=DB_HELP)],
    kind: Annotated[str | None, typer.Option(help="类别 / kind of finding")] = None,
    limit: Annotated[int, typer.Option(help="最多显示行数 / at most this many rows")] = 50,
) -> None:
    """列出部门间比对发现的问题。

    List the findings of the cross-department checks.
    """
    from renkou.register.findings import KINDS_ZH
    from renkou.register.store import Register

    register = Register.open(db, read_only=True)
    try:
        where = "WHERE kind = ?" if kind else ""
        rows = register.engine.rows(
            f"SELECT finding_id, batch_id, kind, event_id, occurred_on, detail FROM findings {where} "
            f"ORDER BY finding_id LIMIT {int(limit)}",
            [kind] if kind else None,
        )
    finally:
        register.close()
    for finding_id, batch_id, found_kind, event_id, occurred_on, detail in rows:
        zh, en = KINDS_ZH.get(found_kind, (found_kind, found_kind))
        print(f"{finding_id}\tbatch {batch_id}\tevent {event_id}\t{occurred_on}\t{zh} / {en}\t{detail}")


def register(app: typer.Typer) -> None:
    """Add the register's commands to the CLI."""
    app.command("ingest")(ingest_command)
    app.command("verify")(verify_command)
    app.command("population")(population_command)
    app.command("quarantine")(quarantine_command)
    app.command("findings")(findings_command)
