"""``renkou disclosure request ...``: an officer takes a request from filing to reply and fee on the command line,
against the register's database (``--db``; the same tables the service uses, so stop ``renkou serve`` first or use
the service's pages).

Each command prints what it did; the last line of stdout is the request number (``new``) or the answer due date /
state (the others, as of the event's day), so scripts can read it. Dates are YYYY-MM-DD; ``--on`` and ``--as-of``
default to today.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from renkou.disclosure.cli import HOLIDAYS_HELP, parse_day
from renkou.errors import UserError

if TYPE_CHECKING:
    from renkou.disclosure.officer import Desk
    from renkou.disclosure.store import Actor
    from renkou.disclosure.views import RequestView

DB_HELP = "登记库数据库文件。\n\nThe register's database file."
ON_HELP = "事件日期 YYYY-MM-DD（默认今天）。\n\nDay of the event (default today)."
AS_OF_HELP = "查询日（默认今天）。\n\nAs-of day (default today)."


def _actor() -> Actor:
    from renkou.disclosure.store import Actor

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Actor(f"cli:{user}", "disclosure_officer")


@contextmanager
def open_desk(db: Path, holidays: list[Path] | None = None) -> Iterator[Desk]:
    """The officer's desk over the register in ``db`` (which must exist), closed afterwards."""
    from renkou.disclosure.fee_rules import load_fee_schedule
    from renkou.disclosure.notices import load_calendar
    from renkou.disclosure.officer import Desk
    from renkou.disclosure.store import DisclosureStore
    from renkou.register.store import Register

    if not db.exists():
        raise UserError(f"数据库不存在：{db}", f"database not found: {db}", code="db")
    register = Register.open(db)
    try:
        yield Desk(DisclosureStore.for_register(register), load_calendar(holidays or []), load_fee_schedule())
    finally:
        register.close()


def _day(value: str | None, option: str) -> date:
    parsed = parse_day(value, option)
    return parsed if parsed is not None else date.today()


def _print_view(view: RequestView, *, as_json: bool, full: dict[str, Any] | None = None) -> None:
    data = view.to_json("zh")
    if full:
        data["applicant"] = full
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False))
        return
    typer.echo(f"申请 / request {data['request_no']}  {data['state_name']} / {view.state_name.en}")
    typer.echo(f"  申请人 / applicant: {data['name_masked']} ({data['applicant_kind_name']}) {data['id_masked']}")
    if full:
        typer.echo(f"  完整信息 / full details: {json.dumps(full, ensure_ascii=False)}")
    typer.echo(f"  内容 / information: {data['description']}")
    typer.echo(
        f"  渠道 / channel: {data['channel']}  提交 / filed {data['filed_on']}  收到 / received {data['received_on']}"
    )
    for event in data["events"]:
        typer.echo(f"  {event['on']}  {event['kind']}  ({event['recorded_by']})")
    for step in data["trail"]:
        typer.echo(f"  - {step['text']}")
    for warning in data["warnings"]:
        typer.echo(f"警告 / warning: {warning}", err=True)
    flags = " 已逾期 / OVERDUE" if view.overdue else (" 临近期限 / near due" if view.near_due else "")
    flags += " （暂定 / provisional）" if data["provisional"] else ""
    if data["answer_due"]:
        typer.echo(f"答复期限 / answer due: {data['answer_due']}{flags}")
        typer.echo(data["answer_due"])
    else:
        typer.echo(view.state)


def new(
    db: Path = typer.Option(..., "--db", help=DB_HELP),
    channel: str = typer.Option(
        ..., "--channel", help="申请渠道 in_person|mail|ordinary_mail|online|fax。\n\nChannel of the request."
    ),
    kind: str = typer.Option(
        "person",
        "--applicant-kind",
        help="申请人类型 person|business|research|nonprofit|legal_service|other_org。\n\nApplicant kind.",
    ),
    name: str = typer.Option(..., "--name", help="申请人姓名或名称。\n\nApplicant's name."),
    id_type: str = typer.Option("居民身份证", "--id-type", help="身份证件类型。\n\nIdentity document type."),
    id_number: str = typer.Option(..., "--id-number", help="身份证件号码。\n\nIdentity document number."),
    phone: str = typer.Option("", "--phone", help="联系电话。\n\nPhone."),
    email: str = typer.Option("", "--email", help="电子邮箱。\n\nE-mail."),
    address: str = typer.Option("", "--address", help="通信地址。\n\nPostal address."),
    description: str = typer.Option(..., "--description", help="所需信息的名称或描述。\n\nInformation requested."),
    form: str = typer.Option("electronic", "--form", help="载体形式 paper|electronic。\n\nForm wanted."),
    medium: str = typer.Option(
        "email", "--medium", help="获取方式 pickup|mail|email|fax|online。\n\nHow to receive it."
    ),
    submitted: str | None = typer.Option(
        None, "--submitted", help="当面提交日或网上/传真发出日。\n\nDay handed in (in person) or sent (online, fax)."
    ),
    signed_for: str | None = typer.Option(None, "--signed-for", help="邮件签收日。\n\nDay the office signed for mail."),
    arrived: str | None = typer.Option(None, "--arrived", help="平信到达日。\n\nDay an ordinary letter arrived."),
    confirmed: str | None = typer.Option(
        None, "--confirmed", help="与申请人（双方）确认日。\n\nDay of confirmation with the applicant."
    ),
) -> None:
    """Log a request; the receipt day follows art. 31 for the channel. Last line: the request number."""
    from renkou.disclosure.applicants import Applicant, parse_applicant_kind
    from renkou.disclosure.receipt import Channel, parse_channel, receipt_date
    from renkou.disclosure.store import RequestDetails

    chosen = parse_channel(channel)
    applicant = Applicant(
        parse_applicant_kind(kind), name.strip(), id_type, id_number, phone=phone, email=email, address=address
    )
    details = RequestDetails(description, form.strip().lower(), medium.strip().lower())
    days = {
        "submitted": parse_day(submitted, "--submitted"),
        "signed_for": parse_day(signed_for, "--signed-for"),
        "arrived": parse_day(arrived, "--arrived"),
        "confirmed": parse_day(confirmed, "--confirmed"),
    }
    waits = chosen in (Channel.ONLINE, Channel.FAX) and days["confirmed"] is None
    receipt = None if waits else receipt_date(chosen, **days)
    filed_on = days["submitted"] or days["arrived"] or days["signed_for"] or days["confirmed"] or date.today()
    with open_desk(db) as desk:
        filed = desk.store.file(
            _actor(), applicant, details, chosen, filed_on, received_on=receipt.received if receipt else None
        )
    if receipt:
        typer.echo(f"收到申请之日 / receipt day: {receipt.received} — {receipt.rule}")
        for warning in receipt.warnings:
            typer.echo(f"警告 / warning: {warning}", err=True)
    else:
        typer.echo("待双方确认收到（第三十一条第三项）/ awaiting confirmation by both sides (art. 31(3))")
    typer.echo(f"查询密码 / status secret (give it to the applicant, shown once): {filed.secret}")
    typer.echo(filed.request_no)


EVENTS = ("confirm", "correction-received", "consultation-start", "consultation-end", "paid", "withdrawn")


def log(
    request_no: str = typer.Argument(..., help="申请编号。\n\nRequest number."),
    event: str = typer.Option(..., "--event", help=f"事件 {'|'.join(EVENTS)}。\n\nEvent to record."),
    on: str | None = typer.Option(None, "--on", help=ON_HELP),
    party: str = typer.Option("", "--party", help="征求意见对象。\n\nParty consulted."),
    agency: bool = typer.Option(False, "--agency", help="征求的是其他行政机关（第三十四条）。\n\nAnother office."),
    no_reply: bool = typer.Option(False, "--no-reply", help="第三方未答复。\n\nThe party did not reply."),
    db: Path = typer.Option(..., "--db", help=DB_HELP),
    holidays: list[Path] | None = typer.Option(None, "--holidays", help=HOLIDAYS_HELP),
) -> None:
    """Record a receipt confirmation, correction, consultation, payment or withdrawal."""
    day = _day(on, "--on")
    actor = _actor()
    with open_desk(db, holidays) as desk:
        if event == "confirm":
            desk.store.confirm_receipt(actor, request_no, day)
        elif event == "correction-received":
            desk.correction_received(actor, request_no, day)
        elif event == "consultation-start":
            desk.consult(actor, request_no, day, party=party, agency=agency)
        elif event == "consultation-end":
            desk.consultation_ended(actor, request_no, day, party=party, replied=not no_reply)
        elif event == "paid":
            desk.paid(actor, request_no, day)
        elif event == "withdrawn":
            desk.withdraw(actor, request_no, day)
        else:
            raise UserError(
                f"事件 {event!r} 无效，应为 {'|'.join(EVENTS)}",
                f"event {event!r} is not valid; use {'|'.join(EVENTS)}",
                code="event",
            )
        _print_view(desk.view(request_no, day), as_json=False)


def show(
    request_no: str = typer.Argument(..., help="申请编号。\n\nRequest number."),
    db: Path = typer.Option(..., "--db", help=DB_HELP),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    full: bool = typer.Option(
        False, "--full", help="显示申请人完整信息（记入审计日志）。\n\nShow the applicant's full details (audited)."
    ),
    holidays: list[Path] | None = typer.Option(None, "--holidays", help=HOLIDAYS_HELP),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON。\n\nPrint JSON."),
) -> None:
    """A request's timeline, deadlines and how they were counted (applicant masked unless --full)."""
    from dataclasses import asdict

    with open_desk(db, holidays) as desk:
        details = asdict(desk.store.applicant(_actor(), request_no, reason="cli show")) if full else None
        _print_view(desk.view(request_no, _day(as_of, "--as-of")), as_json=as_json, full=details)


def list_command(
    db: Path = typer.Option(..., "--db", help=DB_HELP),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    overdue_only: bool = typer.Option(False, "--overdue", help="只列逾期和临近期限的。\n\nOnly overdue or near due."),
    holidays: list[Path] | None = typer.Option(None, "--holidays", help=HOLIDAYS_HELP),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON 数组。\n\nPrint a JSON array."),
) -> None:
    """Requests by next due date: open ones first, overdue and near-due flagged."""
    from renkou.disclosure.views import sort_for_officer

    with open_desk(db, holidays) as desk:
        views = sort_for_officer(desk.views(_day(as_of, "--as-of")))
    if overdue_only:
        views = [v for v in views if (v.overdue and v.answered is None) or v.near_due]
    if as_json:
        typer.echo(json.dumps([v.to_json("zh") for v in views], ensure_ascii=False))
        return
    for view in views:
        data = view.to_json("zh")
        flag = "逾期/OVERDUE" if view.overdue else ("临近/near" if view.near_due else "")
        due = data["answer_due"] or data["next_due"] or "—"
        left = "" if view.working_days_left is None else f"{view.working_days_left:>3}"
        typer.echo(
            f"{data['request_no']}  {data['state_name']:<8}  {due}  {left}  {flag:<12}  "
            f"{data['name_masked']}  {data['description'][:30]}"
        )
    typer.echo(f"共 / total: {len(views)}")


def reply(
    request_no: str = typer.Argument(..., help="申请编号。\n\nRequest number."),
    kind: str = typer.Option(
        ...,
        "--kind",
        help="答复类型 already_public|provided|partially_provided|not_disclosed|does_not_exist|not_held|repeated|"
        "special_channel|needs_processing|not_a_request|unreasonable_volume。\n\nReply kind.",
    ),
    on: str | None = typer.Option(None, "--on", help=ON_HELP),
    where: str = typer.Option("", "--where", help="获取途径（已公开、特别规定）。\n\nWhere to obtain it."),
    ground: list[str] | None = typer.Option(
        None,
        "--ground",
        help="不予公开理由（可重复）state_secret|law_prohibits|security_stability|third_party_rights|"
        "internal_affairs|process_information|enforcement_files。\n\nWithholding ground (repeatable).",
    ),
    reason: str = typer.Option("", "--reason", help="说明理由。\n\nThe officer's explanation."),
    referral: str = typer.Option("", "--referral", help="负责公开的机关及联系方式。\n\nResponsible office."),
    previous_reply: str = typer.Option("", "--previous-reply", help="此前答复的日期和文号。\n\nEarlier reply."),
    note: str = typer.Option("", "--note", help="答复书附加说明（如附件）。\n\nExtra text of the letter."),
    letter: list[Path] | None = typer.Option(
        None, "--letter", help="写出答复书 .docx/.pdf/.html（可重复）。\n\nWrite the letter (repeatable)."
    ),
    office: str | None = typer.Option(None, "--office", help="落款机关。\n\nSigning office."),
    db: Path = typer.Option(..., "--db", help=DB_HELP),
    holidays: list[Path] | None = typer.Option(None, "--holidays", help=HOLIDAYS_HELP),
) -> None:
    """Record the reply (arts. 35-39) and optionally write the reply letter."""
    from renkou.disclosure.responses import ResponseKind, WithholdingGround

    try:
        response_kind = ResponseKind(kind.strip().lower())
        grounds = tuple(WithholdingGround(g.strip().lower()) for g in ground or [])
    except ValueError as error:
        raise UserError(
            f"答复类型或理由无效：{error}", f"invalid reply kind or ground: {error}", code="reply"
        ) from None
    from renkou.disclosure.responses import Response

    response = Response(
        kind=response_kind,
        where=where.strip(),
        grounds=grounds,
        reason=reason.strip(),
        referral=referral.strip(),
        previous_reply=previous_reply.strip(),
    )
    day = _day(on, "--on")
    with open_desk(db, holidays) as desk:
        actor = _actor()
        desk.reply(actor, request_no, day, response, note=note)
        if letter:
            write_documents(desk.reply_document(actor, request_no, office=office), letter)
        _print_view(desk.view(request_no, day), as_json=False)


def write_documents(document: Any, paths: list[Path]) -> None:
    """Write ``document`` to each path in the format its suffix names."""
    from renkou.disclosure.documents import to_docx, to_html, to_pdf

    for path in paths:
        suffix = path.suffix.lower()
        if suffix == ".docx":
            path.write_bytes(to_docx(document))
        elif suffix == ".pdf":
            path.write_bytes(to_pdf(document))
        elif suffix in (".html", ".htm"):
            path.write_text(to_html(document), encoding="utf-8")
        else:
            raise UserError(
                f"文件 {path} 的格式无法识别（.docx/.pdf/.html）",
                f"file {path}: unknown format (use .docx, .pdf or .html)",
                code="format",
            )
        typer.echo(f"已写出 / written: {path}")


def letter_command(
    request_no: str = typer.Argument(..., help="申请编号。\n\nRequest number."),
    out: list[Path] = typer.Option(..., "--out", help="输出文件 .docx/.pdf/.html（可重复）。\n\nOutput files."),
    which: str = typer.Option("reply", "--which", help="reply（答复书）|fee（收费通知）。\n\nWhich letter."),
    office: str | None = typer.Option(None, "--office", help="落款机关。\n\nSigning office."),
    db: Path = typer.Option(..., "--db", help=DB_HELP),
) -> None:
    """Write a request's reply letter or fee notice again."""
    with open_desk(db) as desk:
        actor = _actor()
        if which == "fee":
            document = desk.fee_document(actor, request_no, office=office)
        elif which == "reply":
            document = desk.reply_document(actor, request_no, office=office)
        else:
            raise UserError(f"--which {which!r} 应为 reply|fee", f"--which {which!r}: use reply or fee", code="letter")
        write_documents(document, out)


def extend(
    request_no: str = typer.Argument(..., help="申请编号。\n\nRequest number."),
    approved_by: str = typer.Option(..., "--approved-by", help="批准的负责人。\n\nHead who approved."),
    days: int = typer.Option(20, "--days", help="延长工作日数（1-20）。\n\nWorking days (1-20)."),
    on: str | None = typer.Option(None, "--on", help=ON_HELP),
    db: Path = typer.Option(..., "--db", help=DB_HELP),
    holidays: list[Path] | None = typer.Option(None, "--holidays", help=HOLIDAYS_HELP),
) -> None:
    """Record the one extension approved by the head of the disclosure office (art. 33)."""
    day = _day(on, "--on")
    with open_desk(db, holidays) as desk:
        desk.extend(_actor(), request_no, day, days=days, approved_by=approved_by)
        _print_view(desk.view(request_no, day), as_json=False)


def correct(
    request_no: str = typer.Argument(..., help="申请编号。\n\nRequest number."),
    days: int = typer.Option(15, "--days", help="补正期限（工作日）。\n\nCorrection period in working days."),
    items: str = typer.Option("", "--items", help="需要补正的事项。\n\nWhat to correct."),
    on: str | None = typer.Option(None, "--on", help=ON_HELP),
    db: Path = typer.Option(..., "--db", help=DB_HELP),
    holidays: list[Path] | None = typer.Option(None, "--holidays", help=HOLIDAYS_HELP),
) -> None:
    """Send the one-time correction notice (art. 30)."""
    day = _day(on, "--on")
    with open_desk(db, holidays) as desk:
        desk.correct(_actor(), request_no, day, days=days, items=items)
        _print_view(desk.view(request_no, day), as_json=False)


def fee(
    request_no: str = typer.Argument(..., help="申请编号。\n\nRequest number."),
    method: str = typer.Option(..., "--method", help="count（按件）|pages（按量）。\n\nFee method."),
    pages: int | None = typer.Option(None, "--pages", help="页数（按量）。\n\nPages (by pages)."),
    on: str | None = typer.Option(None, "--on", help=ON_HELP),
    notice_received: str | None = typer.Option(
        None, "--notice-received", help="申请人收到通知之日。\n\nDay the applicant got the notice."
    ),
    letter: list[Path] | None = typer.Option(None, "--letter", help="写出收费通知。\n\nWrite the fee notice."),
    office: str | None = typer.Option(None, "--office", help="落款机关。\n\nSigning office."),
    db: Path = typer.Option(..., "--db", help=DB_HELP),
    holidays: list[Path] | None = typer.Option(None, "--holidays", help=HOLIDAYS_HELP),
) -> None:
    """Send a fee notice (国办函〔2020〕109号); by count the request's number this month comes from the store."""
    from renkou.disclosure.fees import FeeMethod

    try:
        chosen = FeeMethod(method.strip().lower())
    except ValueError:
        raise UserError(
            f"计费方式 {method!r} 无效，应为 count|pages", f"fee method {method!r}: use count|pages", code="fee"
        ) from None
    day = _day(on, "--on")
    with open_desk(db, holidays) as desk:
        actor = _actor()
        _, text = desk.fee(
            actor,
            request_no,
            day,
            method=chosen,
            pages=pages,
            applicant_received=parse_day(notice_received, "--notice-received"),
        )
        typer.echo(text)
        if letter:
            write_documents(desk.fee_document(actor, request_no, office=office), letter)
        _print_view(desk.view(request_no, day), as_json=False)


def register(parent: typer.Typer) -> None:
    """Add ``request`` with its commands to the ``disclosure`` group."""
    sub = typer.Typer(
        help="依申请公开：登记、办理、答复、收费。\n\nRequests: log, handle, reply, fee.",
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    sub.command("new", help="登记一件申请（最后一行为申请编号）。\n\nLog a request (last line: its number).")(new)
    sub.command("log", help="记录确认收到、补正、征求意见、缴费、撤回。\n\nRecord an event.")(log)
    sub.command("show", help="查看一件申请的时间线和期限。\n\nShow a request.")(show)
    sub.command("list", help="按期限列出申请，标出逾期和临近期限。\n\nList requests by due date.")(list_command)
    sub.command("reply", help="答复（可写出答复书）。\n\nRecord the reply (and write the letter).")(reply)
    sub.command("extend", help="延长答复期限（第三十三条）。\n\nExtend the answer period.")(extend)
    sub.command("correct", help="一次性告知补正（第三十条）。\n\nRequest a correction.")(correct)
    sub.command("fee", help="发出收费通知。\n\nSend a fee notice.")(fee)
    sub.command("letter", help="写出答复书或收费通知。\n\nWrite a letter again.")(letter_command)
    parent.add_typer(sub, name="request")
