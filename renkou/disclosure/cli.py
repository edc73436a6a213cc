"""``renkou disclosure ...``: deadlines, fees and holiday notices on the command line.

The commands are thin: they parse options, call the pure domain modules and print. Heavy imports stay inside the
command functions so ``renkou --help`` stays fast.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from renkou.errors import UserError

if TYPE_CHECKING:
    from renkou.disclosure.calendar import WorkingCalendar
    from renkou.disclosure.deadlines import DeadlineReport

HELP = (
    "政府信息公开：依申请公开的登记与办理、答复期限（工作日）、信息处理费、主动公开登记、年度报告。\n\n"
    "Government information disclosure: requests from filing to reply, deadlines in working days, fees, the "
    "proactive publication register, the annual report."
)

HOLIDAYS_HELP = (
    "额外的节假日通知 YAML 文件或目录（可重复）。\n\n"
    "Extra holiday notice YAML file or folder (repeatable; also RENKOU_HOLIDAY_NOTICES)."
)


MIN_YEAR, MAX_YEAR = 1990, 2200


def parse_day(value: str | None, option: str) -> date | None:
    """An ISO date from an option, or a bilingual error naming the option and the value."""
    if value is None:
        return None
    try:
        parsed = date.fromisoformat(value.strip())
    except ValueError:
        raise UserError(
            f"选项 {option} 的日期 {value!r} 无效，应为 YYYY-MM-DD",
            f"option {option}: {value!r} is not a date; use YYYY-MM-DD",
            code="date",
        ) from None
    # Deadlines run forward a few months; far-off years are typing mistakes (and would overflow date arithmetic).
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise UserError(
            f"选项 {option} 的日期 {value!r} 超出 {MIN_YEAR}—{MAX_YEAR} 年",
            f"option {option}: {value!r} is outside the years {MIN_YEAR}-{MAX_YEAR}",
            code="date",
        )
    return parsed


def _calendar(holidays: list[Path] | None) -> WorkingCalendar:
    from renkou.disclosure.notices import load_calendar

    return load_calendar(holidays or [])


def _consultation_events(values: list[str] | None) -> list[Any]:
    """``START:END`` or ``START:`` (still open), optionally ``PARTY@START:END``."""
    from renkou.disclosure.events import ConsultationEnded, ConsultationStarted

    events: list[Any] = []
    for number, value in enumerate(values or [], start=1):
        party, _, span = value.rpartition("@")
        party = party or f"第三方{number}"
        start_text, sep, end_text = span.partition(":")
        if not sep:
            raise UserError(
                f"选项 --consultation 的值 {value!r} 应为 开始日:结束日（结束日可空）",
                f"option --consultation: {value!r} should be START:END (END may be empty while open)",
                code="consultation",
            )
        start = parse_day(start_text, "--consultation")
        end = parse_day(end_text, "--consultation") if end_text.strip() else None
        assert start is not None
        events.append(ConsultationStarted(on=start, party=party))
        if end is not None:
            if end < start:
                raise UserError(
                    f"选项 --consultation 的结束日 {end} 早于开始日 {start}",
                    f"option --consultation: end {end} is before start {start}",
                    code="consultation",
                )
            events.append(ConsultationEnded(on=end, party=party))
    return events


def _report_json(report: DeadlineReport) -> dict[str, Any]:
    def day(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "state": report.state.value,
        "received": day(report.received),
        "due": day(report.answer_due),
        "next_due": day(report.next_due),
        "provisional": report.provisional,
        "overdue": report.overdue,
        "correction_notice_due": day(report.correction_notice_due),
        "correction_due": day(report.correction_due),
        "payment_due": day(report.payment_due),
        "period_working_days": report.period,
        "warnings": [{"zh": w.zh, "en": w.en} for w in report.warnings],
        "trail": [{"on": day(s.on), "zh": s.text.zh, "en": s.text.en} for s in report.trail],
        "counted_days": [day(d) for d in report.counted_days],
    }


def due(
    received: str = typer.Option(
        ..., "--received", help="收到申请之日 YYYY-MM-DD（该日不计入）。\n\nReceipt day (not counted)."
    ),
    channel: str = typer.Option(
        ..., "--channel", help="申请渠道 online|in_person|mail|ordinary_mail|fax。\n\nChannel of the request."
    ),
    extension: int | None = typer.Option(
        None, "--extension", help="经批准延长的工作日数（1-20）。\n\nApproved extension in working days (1-20)."
    ),
    extension_approved: str | None = typer.Option(
        None,
        "--extension-approved",
        help="延期批准日（默认收到日）。\n\nDay the extension was approved (default: receipt day).",
    ),
    correction_requested: str | None = typer.Option(
        None, "--correction-requested", help="补正告知日。\n\nDay the correction notice was sent."
    ),
    correction_days: int = typer.Option(
        15, "--correction-days", help="补正期限（工作日，默认15）。\n\nCorrection period in working days (default 15)."
    ),
    correction_received: str | None = typer.Option(
        None, "--correction-received", help="收到补正之日。\n\nDay the correction arrived."
    ),
    consultation: list[str] | None = typer.Option(
        None,
        "--consultation",
        help="征求意见期间 [对象@]开始日:结束日，可重复；结束日空表示尚未结束。\n\n"
        "Consultation period [PARTY@]START:END, repeatable; empty END while still open.",
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="查询日（判断逾期、视为放弃）。\n\nAs-of day (overdue, abandoned)."
    ),
    holidays: list[Path] | None = typer.Option(None, "--holidays", help=HOLIDAYS_HELP),
    verbose: bool = typer.Option(False, "--days", help="列出每个计算工作日。\n\nList every counted working day."),
    as_json: bool = typer.Option(False, "--json", help="输出一个 JSON 对象。\n\nPrint one JSON object."),
) -> None:
    """Print the answer due date (last line of stdout) and how it was counted."""
    from renkou.disclosure.deadlines import compute_deadlines
    from renkou.disclosure.events import CorrectionReceived, CorrectionRequested, ExtensionApproved, Received
    from renkou.disclosure.fee_rules import load_fee_schedule
    from renkou.disclosure.receipt import parse_channel

    received_on = parse_day(received, "--received")
    assert received_on is not None
    events: list[Any] = [Received(on=received_on, channel=parse_channel(channel))]
    asked = parse_day(correction_requested, "--correction-requested")
    got = parse_day(correction_received, "--correction-received")
    if got is not None and asked is None:
        raise UserError(
            "给出 --correction-received 时还需 --correction-requested",
            "--correction-received needs --correction-requested",
            code="correction",
        )
    if asked is not None:
        events.append(CorrectionRequested(on=asked, period_working_days=correction_days))
        if got is not None:
            events.append(CorrectionReceived(on=got))
    if extension is not None:
        approved = parse_day(extension_approved, "--extension-approved") or (got or received_on)
        events.append(ExtensionApproved(on=approved, working_days=extension))
    events.extend(_consultation_events(consultation))
    events.sort(key=lambda event: event.on)  # stable: same-day events keep the order built above
    schedule = load_fee_schedule()
    report = compute_deadlines(
        events,
        _calendar(holidays),
        as_of=parse_day(as_of, "--as-of"),
        payment_period=schedule.payment_working_days,
        fee_time_excluded=schedule.fee_time_excluded,
    )
    for warning in report.warnings:
        typer.echo(f"警告 / warning: {warning}", err=True)
    if as_json:
        typer.echo(json.dumps(_report_json(report), ensure_ascii=False))
        return
    for step in report.trail:
        typer.echo(f"- {step.text.zh}\n  {step.text.en}")
    if verbose:
        for number, day in enumerate(report.counted_days, start=1):
            typer.echo(f"  {number:>2}  {day.isoformat()}  {'一二三四五六日'[day.weekday()]}")
    flag = "（暂定 / provisional）" if report.provisional else ""
    typer.echo(f"状态 / state: {report.state_name}{flag}")
    if report.answer_due is not None:
        typer.echo(report.answer_due.isoformat())
    elif report.next_due is not None:
        typer.echo(f"下一期限（申请人）/ next deadline (applicant): {report.next_due.isoformat()}")
        typer.echo(report.next_due.isoformat())
    else:
        raise UserError(
            f"该申请已{report.state_name.zh}，没有答复期限",
            f"the request is {report.state_name.en}: no due date",
            code="state",
        )


def fee(
    method: str = typer.Option(
        ..., "--method", help="计费方式 count（按件）|pages（按量）。\n\nFee method: count or pages."
    ),
    position: int | None = typer.Option(
        None, "--position", help="本申请人本自然月第几件申请（按件）。\n\nThe request's number this month (count)."
    ),
    pages: int | None = typer.Option(None, "--pages", help="提供的页数（按量）。\n\nPages supplied (pages)."),
    month_total: int | None = typer.Option(
        None, "--month-total", help="另列本月前 N 件合计（按件）。\n\nAlso show the total for requests 1..N this month."
    ),
    notice: bool = typer.Option(False, "--notice", help="输出收费通知文本。\n\nPrint the fee notice text."),
    applicant: str = typer.Option(
        "申请人", "--applicant", help="通知抬头的申请人称呼。\n\nApplicant named on the notice."
    ),
    request_ref: str = typer.Option("—", "--request", help="申请编号。\n\nRequest reference."),
    issued: str | None = typer.Option(None, "--issued", help="通知日期（默认今天）。\n\nNotice date (default today)."),
    notice_received: str | None = typer.Option(
        None,
        "--notice-received",
        help="申请人收到通知之日，用于计算缴费截止日。\n\nDay the applicant got the notice (payment deadline).",
    ),
    rules: Path | None = typer.Option(
        None, "--rules", help="收费标准 YAML（默认内置）。\n\nFee schedule YAML (default: shipped)."
    ),
    holidays: list[Path] | None = typer.Option(None, "--holidays", help=HOLIDAYS_HELP),
    as_json: bool = typer.Option(False, "--json", help="输出一个 JSON 对象。\n\nPrint one JSON object."),
) -> None:
    """Print the fee in yuan (last line of stdout)."""
    from renkou.disclosure.fee_rules import load_fee_schedule
    from renkou.disclosure.fees import FeeMethod, assess, fee_notice

    try:
        chosen = FeeMethod(method.strip().lower())
    except ValueError:
        raise UserError(
            f"计费方式 {method!r} 无效，应为 count|pages",
            f"fee method {method!r} is not valid; use count|pages",
            code="fee",
        ) from None
    schedule = load_fee_schedule(rules)
    assessment = assess(schedule, chosen, position=position, pages=pages)
    payload: dict[str, Any] = {
        "method": chosen.value,
        "amount": assessment.amount,
        "lines": [{"zh": line.zh, "en": line.en} for line in assessment.lines],
        "basis": assessment.basis.zh,
    }
    if month_total is not None:
        if month_total < 0:
            raise UserError(
                f"--month-total {month_total} 应≥0", f"--month-total {month_total} must be >= 0", code="fee"
            )
        payload["month_total"] = schedule.count.total(month_total)
    if notice:
        notice_day = parse_day(issued, "--issued") or date.today()
        made = fee_notice(
            schedule,
            assessment,
            request_ref=request_ref,
            applicant=applicant,
            issued=notice_day,
            calendar=_calendar(holidays),
            applicant_received=parse_day(notice_received, "--notice-received"),
        )
        for warning in made.warnings:
            typer.echo(f"警告 / warning: {warning}", err=True)
        payload["notice"] = made.text
        payload["payment_due"] = made.payment_due.isoformat() if made.payment_due else None
    if as_json:
        typer.echo(json.dumps(payload, ensure_ascii=False))
        return
    for line in assessment.lines:
        typer.echo(f"- {line.zh} / {line.en}")
    if "month_total" in payload:
        typer.echo(f"本月第1—{month_total}件合计 / total for requests 1-{month_total}: {payload['month_total']}")
    if notice:
        typer.echo(payload["notice"])
    typer.echo(f"依据 / basis: {assessment.basis.zh}")
    typer.echo(str(assessment.amount))


def holidays_command(
    check: list[Path] | None = typer.Option(
        None,
        "--check",
        help="校验这些节假日通知 YAML 并显示内容。\n\nValidate these holiday notice files and show them.",
    ),
    holidays: list[Path] | None = typer.Option(None, "--holidays", help=HOLIDAYS_HELP),
    year: int | None = typer.Option(
        None,
        "--year",
        min=MIN_YEAR,
        max=MAX_YEAR,
        help="列出该年的假日与调休上班日。\n\nList that year's holidays and make-up days.",
    ),
) -> None:
    """Show which years have an official calendar, validate notice files, list a year's special days."""
    from renkou.disclosure.calendar import DayKind
    from renkou.disclosure.notices import load_notices

    for notice in load_notices(check or []):
        kind = "补充通知 / supplement" if notice.supplement else "年度通知 / annual"
        typer.echo(f"{notice.source}: {notice.year} {kind} {notice.label} ({notice.issued}) OK")
        typer.echo(
            f"  假日 / days off: {len(notice.holidays)}, 调休上班 / make-up working days: {len(notice.workdays)}"
        )
    calendar = _calendar([*(holidays or []), *(check or [])])
    years = sorted(calendar.covered_years)
    typer.echo(f"有官方日历的年份 / years with an official calendar: {years[0]}-{years[-1]}")
    for covered in years[-3:]:
        typer.echo(f"  {covered}: {calendar.source_of(covered)}")
    if year is not None:
        if not calendar.covers(year):
            typer.echo(f"{year}: 无数据，按仅周末计（暂定）/ no data: weekends only (provisional)")
        day = date(year, 1, 1)
        while day.year == year:
            status = calendar.status(day)
            if status.kind in (DayKind.HOLIDAY, DayKind.MAKEUP_WORKDAY):
                label = "休 / off" if status.kind is DayKind.HOLIDAY else "班 / work"
                name = status.holiday or ""
                typer.echo(f"  {day.isoformat()} {'一二三四五六日'[day.weekday()]} {label} {name}")
            day = date.fromordinal(day.toordinal() + 1)


def register(app: typer.Typer) -> None:
    """Add the ``disclosure`` command group to the main CLI."""
    sub = typer.Typer(help=HELP, no_args_is_help=True, rich_markup_mode=None)
    sub.command(
        "due",
        help="计算答复期限，最后一行输出 YYYY-MM-DD（收到申请之日不计入；待补正时为补正截止日）。\n\n"
        "Compute the answer due date; the last line of stdout is YYYY-MM-DD (the receipt day is not counted; while "
        "a correction is awaited, the applicant's correction deadline).",
    )(due)
    sub.command(
        "fee",
        help="计算信息处理费（国办函〔2020〕109号），最后一行为金额（元）。\n\n"
        "Compute the information-processing fee; the last line is the amount in yuan.",
    )(fee)
    sub.command(
        "holidays",
        help="查看节假日数据覆盖年份、校验节假日通知 YAML。\n\nShow calendar coverage and validate holiday notice YAML.",
    )(holidays_command)
    from renkou.disclosure import cli_records, cli_requests

    cli_requests.register(sub)
    cli_records.register(sub)
    app.add_typer(sub, name="disclosure", help=HELP)
