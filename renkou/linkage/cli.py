"""``renkou link ...``: run the linkage, work the review queue, measure against the truth."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

link_app = typer.Typer(
    help="跨部门记录关联与人工复核。\n\nRecord linkage of quarantined rows to persons, and the clerical review queue.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

DbOption = Annotated[Path, typer.Option("--db", help="登记库文件 / register database file")]


def _open(db: Path, *, read_only: bool = False) -> object:
    from renkou.errors import UserError
    from renkou.register.store import Register

    if not db.is_file():
        raise UserError(f"找不到登记库：{db}", f"register database not found: {db}")
    return Register.open(db, read_only=read_only)


@link_app.command("run", help="关联隔离记录与登记人员。\n\nLink quarantined rows to the register's persons.")
def run_command(
    db: DbOption,
    settings: Annotated[
        Path | None, typer.Option(help="设置文件（YAML）/ settings file (YAML); defaults when omitted")
    ] = None,
) -> None:
    """Run the linkage and print a summary."""
    from renkou.linkage.run import run_linkage
    from renkou.linkage.settings import load_settings

    chosen = load_settings(settings)
    register = _open(db)
    result = run_linkage(register, chosen)  # type: ignore[arg-type]
    print(f"比对 / run {result.run_id}: {result.n_records:,} 条记录 records")
    print(f"  自动关联 auto-linked {result.n_auto:,}  {result.by_method}")
    print(f"  待复核 review {result.n_review:,}   未关联 unlinked {result.n_unlinked:,}")
    print(f"  比较对 comparisons {result.comparisons:,}   收敛 converged {result.converged}   {result.seconds:.1f} s")
    for message in result.messages:
        print(f"  ! {message}")


@link_app.command("review", help="列出待复核的记录对。\n\nList the pairs waiting for a clerk.")
def review_command(db: DbOption, run: Annotated[int | None, typer.Option(help="比对编号 / run id")] = None) -> None:
    """Print the review queue of a run (default: the latest)."""
    from renkou.linkage.store import ensure_schema, review_queue

    register = _open(db)
    ensure_schema(register.engine)  # type: ignore[attr-defined]
    queue = review_queue(register.engine, run)  # type: ignore[attr-defined]
    if queue.num_rows == 0:
        print("没有待复核的记录 / nothing to review")
        return
    for row in queue.to_pylist():
        print(
            f"{row['batch_id']}\t{row['file_name']}\t{row['line']}\t{row['reason']}\t{row['subject']}\t"
            f"{row['match_probability']:.4f}"
        )


@link_app.command(
    "unlinked", help="列出未关联的记录及原因。\n\nList the rows a run left unlinked, each with the reason."
)
def unlinked_command(db: DbOption, run: Annotated[int | None, typer.Option(help="比对编号 / run id")] = None) -> None:
    """Print the unlinked rows of a run (default: the latest): batch, file, line, quarantine reason, why."""
    from renkou.linkage.store import ensure_schema, unlinked_rows

    register = _open(db)
    ensure_schema(register.engine)  # type: ignore[attr-defined]
    rows = unlinked_rows(register.engine, run)  # type: ignore[attr-defined]
    if rows.num_rows == 0:
        print("没有未关联的记录 / nothing unlinked")
        return
    for row in rows.to_pylist():
        print(
            f"{row['batch_id']}\t{row['file_name']}\t{row['line']}\t{row['reason']}\t{row['why']}\t"
            f"{row['why_zh']} / {row['why_en']}"
        )


@link_app.command(
    "decide",
    help="记录复核结论；确认匹配的记录归档到该人员名下。\n\n"
    "Record a clerk's decision on a reviewed pair; a confirmed match re-files the row under the person.",
)
def decide_command(
    db: DbOption,
    run: Annotated[int, typer.Option(help="比对编号 / run id")],
    batch: Annotated[int, typer.Option(help="批次 / batch id")],
    line: Annotated[int, typer.Option(help="行号 / line")],
    accept: Annotated[bool, typer.Option("--accept/--reject", help="同意或否决 / accept or reject the pair")],
    clerk: Annotated[str, typer.Option(help="复核人 / clerk")],
    note: Annotated[str, typer.Option(help="备注 / note")] = "",
) -> None:
    """Append the decision to ``link_decisions`` and, for a match, re-file the row through ingest."""
    from renkou.linkage.apply import decide_and_apply

    register = _open(db)
    done = decide_and_apply(register, run, batch, line, accepted=accept, clerk=clerk, note=note)  # type: ignore[arg-type]
    print("已记录 / recorded")
    if done is not None:
        _print_refiled(done)


def _print_refiled(done: object) -> None:
    print(
        f"  归档批次 refiled as batch {done.batch_id}: 接收 accepted {done.accepted}, "  # type: ignore[attr-defined]
        f"隔离 quarantined {done.quarantined} {done.reasons or ''}"  # type: ignore[attr-defined]
    )


@link_app.command(
    "apply",
    help="把自动关联的记录归档到人员名下（每个部门一个批次）。\n\n"
    "Re-file a run's auto-linked rows under their persons through ingest (one batch per feed).",
)
def apply_command(db: DbOption, run: Annotated[int | None, typer.Option(help="比对编号 / run id")] = None) -> None:
    """Re-file the auto-linked rows of a run (default: the latest)."""
    from renkou.linkage.apply import apply_auto_links

    register = _open(db)
    done = apply_auto_links(register, run)  # type: ignore[arg-type]
    if not done:
        print("没有需要归档的记录 / nothing to re-file")
    for batch in done:
        _print_refiled(batch)


@link_app.command("evaluate", help="用真值评估关联质量。\n\nMeasure a run against the synthetic city's ground truth.")
def evaluate_command(
    db: DbOption,
    truth: Annotated[Path, typer.Option(help="真值文件 truth/dirt.parquet / ground truth file")],
    run: Annotated[int | None, typer.Option(help="比对编号 / run id")] = None,
) -> None:
    """Print precision, recall and review share, overall and per kind of dirt."""
    from renkou.linkage.evaluate import measure

    register = _open(db, read_only=True)
    quality = measure(register.engine, register.keys, truth, run)  # type: ignore[attr-defined]
    print(
        f"精确率 precision {quality.precision:.4%}   召回率 recall {quality.recall:.4%}   "
        f"复核占比 review share {quality.review_share:.2%}"
    )
    print(
        f"  有线索的记录 rows with evidence: 召回率 recall {quality.recall_where(weak=False):.4%}   "
        f"仅有姓名等弱线索 weak evidence (name only, unknown pointers): 召回率 recall "
        f"{quality.recall_where(weak=True):.4%} ({quality.counts_where(weak=True)['linkable']:,} 条可关联 linkable)"
    )
    for kind, counts in sorted(quality.by_kind.items()):
        print(f"  {kind}: {counts}")
    for (kind, evidence), counts in sorted(quality.by_class.items()):
        print(f"    {kind} / {evidence}: {counts}")


@link_app.command("settings", help="输出默认设置（YAML）。\n\nPrint the default settings as YAML.")
def settings_command() -> None:
    """Print the defaults, a starting point for a settings file."""
    import yaml

    from renkou.linkage.settings import LinkSettings

    print(yaml.safe_dump(LinkSettings().model_dump(), allow_unicode=True, sort_keys=False), end="")


def register(app: typer.Typer) -> None:
    """Add ``renkou link`` to the main CLI."""
    app.add_typer(link_app, name="link")
