"""``renkou disclosure publication|appeal|overdue|annual-report``: the proactive publication register, reviews and
lawsuits, overdue tracking (with reminders through the ``renkou.notify`` outbox) and the annual work report."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer

from renkou.disclosure.cli import HOLIDAYS_HELP, parse_day
from renkou.disclosure.cli_requests import AS_OF_HELP, DB_HELP, _actor, _day, open_desk, write_documents
from renkou.errors import UserError


def publication_add(
    title: str = typer.Option(..., "--title", help="事项标题。\n\nTitle of the item."),
    formed: str = typer.Option(..., "--formed", help="信息形成或变更之日。\n\nDay the information was formed."),
    published: str = typer.Option(..., "--published", help="公开之日。\n\nDay published."),
    category: str = typer.Option(
        "statistics",
        "--category",
        help="类别 statistics|report|regulation|normative_document|plan|procedure|other。\n\nCategory.",
    ),
    source: str = typer.Option(
        "", "--source", help="来源（renkou-report、renkou-public 或机关内部名称）。\n\nSource (renkou output or other)."
    ),
    location: str = typer.Option("", "--location", help="公开位置（网址、公报期号）。\n\nWhere it is published."),
    db: Path = typer.Option(..., "--db", help=DB_HELP),
    holidays: list[Path] | None = typer.Option(None, "--holidays", help=HOLIDAYS_HELP),
) -> None:
    """Add an item to the proactive publication register; says whether it was late (art. 26)."""
    from renkou.disclosure.publications import CATEGORIES, check_publication

    if category not in CATEGORIES:
        raise UserError(
            f"类别 {category!r} 无效，应为 {'|'.join(CATEGORIES)}",
            f"category {category!r} is not valid; use {'|'.join(CATEGORIES)}",
            code="publication",
        )
    formed_on, published_on = _day(formed, "--formed"), _day(published, "--published")
    with open_desk(db, holidays) as desk:
        number = desk.store.add_publication(
            _actor(),
            title=title,
            category=category,
            source=source,
            formed_on=formed_on,
            published_on=published_on,
            location=location,
        )
        check = check_publication(formed_on, published_on, desk.calendar)
    if check.late:
        typer.echo(
            f"超期公开 / LATE: 应于 {check.due} 前公开，晚 {check.late_working_days} 个工作日 / "
            f"due {check.due}, {check.late_working_days} working days late"
        )
    else:
        typer.echo(f"按期 / on time (due {check.due})")
    typer.echo(str(number))


def publication_list(
    db: Path = typer.Option(..., "--db", help=DB_HELP),
    late_only: bool = typer.Option(False, "--late", help="只列超期公开的。\n\nOnly late items."),
    holidays: list[Path] | None = typer.Option(None, "--holidays", help=HOLIDAYS_HELP),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON 数组。\n\nPrint a JSON array."),
) -> None:
    """The proactive publication register with due days and late flags."""
    from renkou.disclosure.publications import publication_rows

    with open_desk(db, holidays) as desk:
        rows = publication_rows(desk.store.publications(), desk.calendar)
    if late_only:
        rows = [row for row in rows if row["late"]]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        flag = f"超期/LATE +{row['late_working_days']}" if row["late"] else "按期/on time"
        typer.echo(
            f"{row['item_no']:>4}  {row['formed_on']}  {row['published_on']}  {row['due']}  {flag:<16} "
            f"{row['category_name']}  {row['title']}"
        )
    typer.echo(f"共 / total: {len(rows)}")


def appeal_add(
    kind: str = typer.Option(
        ...,
        "--kind",
        help="review|lawsuit_direct|lawsuit_after_review。\n\nReview or lawsuit (direct or after review).",
    ),
    filed: str = typer.Option(..., "--filed", help="提起之日。\n\nDay filed."),
    outcome: str = typer.Option(
        "pending", "--outcome", help="maintained|corrected|other|pending。\n\nOutcome (default pending)."
    ),
    decided: str | None = typer.Option(None, "--decided", help="审结之日。\n\nDay decided."),
    request_no: str | None = typer.Option(None, "--request", help="相关申请编号。\n\nRequest concerned."),
    db: Path = typer.Option(..., "--db", help=DB_HELP),
) -> None:
    """Record an administrative review or lawsuit about a disclosure decision (annual report table 4)."""
    with open_desk(db) as desk:
        number = desk.store.add_appeal(
            _actor(),
            kind=kind,
            filed_on=_day(filed, "--filed"),
            outcome=outcome,
            request_no=request_no,
            decided_on=parse_day(decided, "--decided"),
        )
    typer.echo(str(number))


def appeal_decide(
    number: int = typer.Argument(..., help="复议或诉讼编号。\n\nAppeal number."),
    outcome: str = typer.Option(..., "--outcome", help="maintained|corrected|other。\n\nOutcome."),
    decided: str = typer.Option(..., "--decided", help="审结之日。\n\nDay decided."),
    db: Path = typer.Option(..., "--db", help=DB_HELP),
) -> None:
    """Record the decision of a pending review or lawsuit."""
    with open_desk(db) as desk:
        desk.store.decide_appeal(_actor(), number, outcome=outcome, decided_on=_day(decided, "--decided"))
    typer.echo(outcome)


def overdue(
    db: Path = typer.Option(..., "--db", help=DB_HELP),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    notify: Path | None = typer.Option(
        None,
        "--notify",
        help="把提醒放入 renkou notify 的发件箱（SQLite 文件）。\n\nQueue reminders in a renkou.notify outbox.",
    ),
    to: str | None = typer.Option(None, "--to", help="提醒收件人（邮箱）。\n\nReminder recipient (e-mail)."),
    holidays: list[Path] | None = typer.Option(None, "--holidays", help=HOLIDAYS_HELP),
) -> None:
    """Open requests past or near their answer due date; optionally queue one reminder e-mail for the officer."""
    from renkou.disclosure.reminders import overdue_views, reminder

    day = _day(as_of, "--as-of")
    with open_desk(db, holidays) as desk:
        views = overdue_views(desk.views(day))
    for view in views:
        flag = "逾期/OVERDUE" if view.overdue else "临近/near due"
        data = view.to_json("zh")
        typer.echo(
            f"{data['request_no']}  {flag}  {data['answer_due']}  {view.working_days_left}  {data['state_name']}"
        )
    if notify is not None:
        if not to:
            raise UserError("使用 --notify 时须给出 --to", "--notify needs --to", code="notify")
        from renkou.notify.outbox import Outbox

        message = reminder(views, to, day)
        if message is None:
            typer.echo("无需提醒 / nothing to remind")
        else:
            with Outbox.open(notify) as outbox:
                queued = outbox.enqueue(message)
            typer.echo(f"已放入发件箱 / queued: {queued}")
    typer.echo(str(len(views)))


def annual_report(
    db: Path = typer.Option(..., "--db", help=DB_HELP),
    year: int = typer.Option(..., "--year", min=2000, max=2200, help="报告年度。\n\nYear reported."),
    formats: list[str] = typer.Option(["html"], "--format", help="html|pdf|docx（可重复）。\n\nFormats (repeatable)."),
    out: Path = typer.Option(Path("."), "--out", help="输出目录。\n\nOutput folder."),
    office: str | None = typer.Option(None, "--office", help="机关名称。\n\nOffice name."),
    holidays: list[Path] | None = typer.Option(None, "--holidays", help=HOLIDAYS_HELP),
) -> None:
    """The annual disclosure work report (art. 49, due 31 January) with the statutory tables."""
    from renkou.disclosure.annual import annual_document, annual_figures
    from renkou.disclosure.letters import office_name

    wrong = [f for f in formats if f not in ("html", "pdf", "docx")]
    if wrong:
        raise UserError(
            f"--format {wrong[0]!r} 无效，应为 html|pdf|docx", f"--format {wrong[0]!r}: use html, pdf or docx"
        )
    with open_desk(db, holidays) as desk:
        figures = annual_figures(
            year,
            desk.store.requests(),
            desk.calendar,
            desk.schedule,
            appeals=desk.store.appeals(),
            publications=desk.store.publications(),
            today=date.today(),
        )
    document = annual_document(figures, office=office_name(office), generated=date.today())
    out.mkdir(parents=True, exist_ok=True)
    write_documents(document, [out / f"disclosure-annual-{year}.{fmt}" for fmt in formats])
    typer.echo(
        f"新收 / new {figures.cell('new')}  结转 / carried in {figures.cell('carried_in')}  "
        f"办结 / concluded {figures.cell('concluded')}  结转下年 / carried out {figures.cell('carried_out')}"
    )


def register(parent: typer.Typer) -> None:
    """Add the publication, appeal, overdue and annual-report commands to the ``disclosure`` group."""
    publication = typer.Typer(
        help="主动公开登记（第二十六条）。\n\nProactive publication register (art. 26).",
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    publication.command("add", help="登记一项主动公开。\n\nAdd an item.")(publication_add)
    publication.command("list", help="列出主动公开登记。\n\nList the register.")(publication_list)
    parent.add_typer(publication, name="publication")
    appeal = typer.Typer(
        help="行政复议和行政诉讼。\n\nAdministrative reviews and lawsuits.", no_args_is_help=True, rich_markup_mode=None
    )
    appeal.command("add", help="登记复议或诉讼。\n\nRecord a case.")(appeal_add)
    appeal.command("decide", help="登记审结结果。\n\nRecord the decision.")(appeal_decide)
    parent.add_typer(appeal, name="appeal")
    parent.command("overdue", help="逾期和临近期限的申请（可发提醒）。\n\nOverdue and near-due requests.")(overdue)
    parent.command(
        "annual-report", help="政府信息公开工作年度报告（第四十九条）。\n\nAnnual disclosure work report (art. 49)."
    )(annual_report)
