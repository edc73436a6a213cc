"""``renkou permit ...``: the residence desk's permit workflow, one person's status, district lists, reminders.

Thin: options are parsed here; the work is done by :mod:`renkou.permits.desk`, :mod:`.lists` and :mod:`.reminders`.
Heavy imports stay inside the command functions so ``renkou --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from renkou.errors import UserError

if TYPE_CHECKING:
    from renkou.disclosure.calendar import WorkingCalendar
    from renkou.permits.desk import PermitDesk
    from renkou.permits.lifecycle import PermitState
    from renkou.permits.rules import PermitRules
    from renkou.register.store import Register

HELP = "居住证：申领、签发、签注、注销、持证状态、待签注与逾期名单、签注提醒。\n\nResidence permits: apply, issue, endorse, cancel, status, due and overdue lists, reminders."
DB_HELP = "登记库数据库文件（DuckDB）。\n\nRegister database file (DuckDB)."
ID_HELP = "公民身份号码。\n\nCitizen ID number."
ON_HELP = "业务日期 YYYY-MM-DD（默认今天）。\n\nDate of the act, YYYY-MM-DD (default today)."
RULES_HELP = (
    "居住证规则 YAML（默认《居住证暂行条例》2016）。\n\nPermit rules YAML (default: the 2016 national regulation)."
)
HOLIDAYS_HELP = "额外的节假日通知 YAML 文件或目录（可重复）。\n\nExtra holiday notice YAML file or folder (repeatable)."
JSON_HELP = "输出一个 JSON 对象。\n\nPrint one JSON object."
BASIS_HELP = (
    "窗口核验的申领依据 employment|residence|study（可重复），用于登记库尚无的证明材料。\n\n"
    "Basis proved by documents at the counter: employment|residence|study (repeatable), when the register lacks it."
)
DISTRICT_HELP = "只列该区（6 位区划代码）。\n\nOnly this district (6-digit division code)."
MIN_YEAR, MAX_YEAR = 1949, 2200

DbOption = Annotated[Path, typer.Option("--db", help=DB_HELP)]
IdOption = Annotated[str, typer.Option("--id", help=ID_HELP)]
OnOption = Annotated[str | None, typer.Option("--on", help=ON_HELP)]
RulesOption = Annotated[Path | None, typer.Option("--rules", help=RULES_HELP)]
HolidaysOption = Annotated[list[Path] | None, typer.Option("--holidays", help=HOLIDAYS_HELP)]
JsonOption = Annotated[bool, typer.Option("--json", help=JSON_HELP)]


def parse_day(value: str | None, option: str) -> date:
    """An ISO date from an option (today when absent), or a one-line error naming the option and value."""
    if value is None:
        return date.today()
    try:
        parsed = date.fromisoformat(value.strip())
    except ValueError:
        raise UserError(
            f"选项 {option} 的日期 {value!r} 无效，应为 YYYY-MM-DD",
            f"option {option}: {value!r} is not a date; use YYYY-MM-DD",
        ) from None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise UserError(
            f"选项 {option} 的日期 {value!r} 超出 {MIN_YEAR}—{MAX_YEAR} 年",
            f"option {option}: {value!r} is outside the years {MIN_YEAR}-{MAX_YEAR}",
        )
    return parsed


def _bases(values: list[str] | None) -> tuple[Any, ...]:
    from renkou.permits.eligibility import Basis

    found = []
    for value in values or []:
        try:
            found.append(Basis(value.strip().lower()))
        except ValueError:
            raise UserError(
                f"选项 --basis 的取值 {value!r} 无效（employment、residence 或 study）",
                f"option --basis: {value!r} is not one of employment, residence, study",
            ) from None
    return tuple(found)


def _calendar(holidays: list[Path] | None) -> WorkingCalendar:
    from renkou.disclosure.notices import load_calendar

    return load_calendar(holidays or [])


def _rules(path: Path | None) -> PermitRules:
    from renkou.permits.rules import load_rules

    return load_rules(path)


def _open(db: Path, *, read_only: bool) -> Register:
    from renkou.register.store import Register

    if not db.exists():
        raise UserError(f"登记库不存在：{db}", f"register not found: {db}")
    return Register.open(db, read_only=read_only)


def _desk(register: Register, rules: Path | None, holidays: list[Path] | None) -> PermitDesk:
    from renkou.permits.desk import PermitDesk

    return PermitDesk(register, _rules(rules), _calendar(holidays))


def cli_actor() -> str:
    """Who runs the command, for the audit log (the operating-system account)."""
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in a bare container: still an entry, marked unknown
        return "unknown"


def audit_entry(
    register: Register, action: str, id_text: str | None, outcome: str = "ok", detail: dict[str, Any] | None = None
) -> None:
    """Append an entry to the service's audit log (:mod:`renkou.api.audit`) for a permit command, as the service
    does for the same act: masked ID, the register's keyed subject id, never the full number."""
    from datetime import UTC, datetime

    from renkou.api.audit import AuditEvent, append
    from renkou.api.persons import subject_key
    from renkou.api.schema import ensure_schema
    from renkou.ids import InvalidCitizenID, mask, parse_id

    target = subject = None
    if id_text is not None:
        try:
            number = parse_id(id_text).number
        except InvalidCitizenID:
            return  # nothing was read or written about anyone
        target = mask(number)
        subject = subject_key(register.engine, register.keys, number)
    ensure_schema(register.engine)
    event = AuditEvent(
        action=action,
        outcome=outcome,
        actor=cli_actor(),
        role="cli",
        target=target,
        subject_id=subject,
        client="cli",
        detail={"via": "cli", **(detail or {})},
    )
    append(register.engine, event, datetime.now(UTC).replace(tzinfo=None))


T = TypeVar("T")


def audited(
    register: Register, action: str, id_text: str | None, work: Callable[[], T], detail: Callable[[T], dict[str, Any]]
) -> T:
    """Run ``work`` and audit it; a refusal (a user error) is audited with its code, then raised."""
    try:
        result = work()
    except UserError as error:
        audit_entry(register, action, id_text, error.code, {"reason": error.en})
        raise
    audit_entry(register, action, id_text, "ok", detail(result))
    return result


def _state_json(state: PermitState) -> dict[str, Any]:
    from renkou.permits.views import state_json

    return state_json(state)


def _print_state(state: PermitState) -> None:
    from renkou.permits.lifecycle import STATUS_TEXT

    print(f"状态 / status: {STATUS_TEXT[state.status]}")
    if state.permit_no:
        print(f"证号 / permit no.: {state.permit_no}")
    if state.counting_from and state.status.value == "valid":
        print(f"连续居住年限 / continuous years: {state.years}（自 / since {state.counting_from}）")
    if state.suspended_since:
        print(f"中止自 / suspended since: {state.suspended_since}")
    if state.window is not None:
        w = state.window
        flag = "（暂定 / provisional）" if w.provisional else ""
        print(f"第{w.number}年签注期 / endorsement for year {w.number}: {w.opens} — {w.due}{flag}")


# -- the workflow ------------------------------------------------------------------------------------------------


def apply_command(
    db: DbOption,
    id_number: IdOption,
    on: OnOption = None,
    basis: Annotated[list[str] | None, typer.Option("--basis", help=BASIS_HELP)] = None,
    record: Annotated[
        bool,
        typer.Option(
            "--record",
            help="符合条件时登记受理（permit_applied 事件）。\n\nRecord the accepted application (a permit_applied event).",
        ),
    ] = False,
    rules: RulesOption = None,
    holidays: HolidaysOption = None,
    as_json: JsonOption = False,
) -> None:
    """审核申领条件并给出制证期限（不符合时列出原因，退出码 1）。

    Check an application and give the issue deadline (exit 1 listing the reasons when not eligible).
    """
    register = _open(db, read_only=False)  # the audit log is written
    try:
        desk = _desk(register, rules, holidays)
        day = parse_day(on, "--on")
        application = audited(
            register,
            "permit.apply",
            id_number,
            lambda: desk.apply(id_number, day, _bases(basis), record=record),
            lambda a: {"eligible": a.eligibility.eligible, "recorded": bool(a.batch_id)},
        )
    finally:
        register.close()
    result, deadline = application.eligibility, application.deadline
    if as_json:
        print(
            json.dumps(
                {
                    "id": application.person.masked,
                    "on": result.on.isoformat(),
                    "eligible": result.eligible,
                    "conditions": [
                        {"key": c.key, "met": c.met, "source": c.source, "zh": c.text.zh, "en": c.text.en}
                        for c in result.conditions
                    ],
                    "issue_due": deadline.due.isoformat() if deadline else None,
                    "issue_latest": deadline.latest.isoformat() if deadline else None,
                },
                ensure_ascii=False,
            )
        )
    else:
        print(f"申请人 / applicant: {application.person.masked}  受理日 / accepted: {result.on}")
        for condition in result.conditions:
            print(f"  {'✓' if condition.met else '✗'} {condition.text}")
        if deadline is not None:
            flag = "（暂定 / provisional）" if deadline.provisional else ""
            print(f"应于 {deadline.due} 前制证发放（最迟 {deadline.latest}）{flag}")
            print(f"issue by {deadline.due} (at the latest {deadline.latest})")
    if not result.eligible:
        zh = "；".join(reason.zh for reason in result.reasons)
        en = "; ".join(reason.en for reason in result.reasons)
        raise UserError(f"不符合申领条件：{zh}", f"not eligible: {en}", code="not_eligible")


def issue_command(
    db: DbOption,
    id_number: IdOption,
    on: OnOption = None,
    accepted: Annotated[
        str | None,
        typer.Option("--accepted", help="受理日期（默认签发日）。\n\nAcceptance date (default: issue date)."),
    ] = None,
    permit_no: Annotated[
        str | None, typer.Option("--permit-no", help="居住证号（默认自动编号）。\n\nPermit number (default: numbered).")
    ] = None,
    basis: Annotated[list[str] | None, typer.Option("--basis", help=BASIS_HELP)] = None,
    rules: RulesOption = None,
    holidays: HolidaysOption = None,
    as_json: JsonOption = False,
) -> None:
    """签发居住证（写入登记库 permit_issued 事件，首次申领免费）。

    Issue a permit (a permit_issued event in the register; the first permit is free).
    """
    day = parse_day(on, "--on")
    accepted_on = parse_day(accepted, "--accepted") if accepted else None
    register = _open(db, read_only=False)
    try:
        desk = _desk(register, rules, holidays)
        issued = audited(
            register,
            "permit.issue",
            id_number,
            lambda: desk.issue(id_number, day, accepted=accepted_on, permit_no=permit_no, declared=_bases(basis)),
            lambda i: {"permit_no": i.permit_no, "batch_id": i.batch_id, "late": i.late},
        )
        fee = desk.rules.fees.first_issue
    finally:
        register.close()
    if issued.late:
        print(
            f"警告 / warning: 签发晚于最长期限 {issued.deadline.latest} / issued after the longest period "
            f"({issued.deadline.latest})",
            file=sys.stderr,
        )
    if as_json:
        print(
            json.dumps(
                {
                    "id": issued.person.masked,
                    "permit_no": issued.permit_no,
                    "batch_id": issued.batch_id,
                    "fee": fee,
                    "late": issued.late,
                    "state": _state_json(issued.state),
                },
                ensure_ascii=False,
            )
        )
        return
    print(f"已签发 / issued: {issued.permit_no}  持证人 / holder: {issued.person.masked}  费用 / fee: {fee:g} 元")
    _print_state(issued.state)


def endorse_command(
    db: DbOption,
    id_number: IdOption,
    on: OnOption = None,
    rules: RulesOption = None,
    holidays: HolidaysOption = None,
    as_json: JsonOption = False,
) -> None:
    """办理年度签注（逾期补办则恢复使用功能，居住年限自补办之日起重新计算）。

    Record the yearly endorsement (a late one restores the permit; the years count again from that day).
    """
    day = parse_day(on, "--on")
    register = _open(db, read_only=False)
    try:
        desk = _desk(register, rules, holidays)
        endorsed = audited(
            register,
            "permit.endorse",
            id_number,
            lambda: desk.endorse(id_number, day),
            lambda e: {"late": e.late, "batch_id": e.batch_id},
        )
    finally:
        register.close()
    if as_json:
        print(
            json.dumps(
                {
                    "id": endorsed.person.masked,
                    "late": endorsed.late,
                    "batch_id": endorsed.batch_id,
                    "before": _state_json(endorsed.before),
                    "state": _state_json(endorsed.after),
                },
                ensure_ascii=False,
            )
        )
        return
    if endorsed.late:
        print("逾期补办签注：使用功能恢复，居住年限自今日起重新计算 / late: restored, years count again from today")
    else:
        print("按期签注 / endorsed on time")
    _print_state(endorsed.after)


def restore_command(
    db: DbOption,
    id_number: IdOption,
    on: OnOption = None,
    rules: RulesOption = None,
    holidays: HolidaysOption = None,
    as_json: JsonOption = False,
) -> None:
    """恢复中止的居住证：即逾期补办签注，居住年限自当日起重新计算；未中止的居住证不能恢复。

    Restore a suspended permit: the late endorsement (the years count again from that day); a permit that is not
    suspended is refused.
    """
    day = parse_day(on, "--on")
    register = _open(db, read_only=False)
    try:
        desk = _desk(register, rules, holidays)
        restored = audited(
            register,
            "permit.restore",
            id_number,
            lambda: desk.restore(id_number, day),
            lambda e: {"batch_id": e.batch_id},
        )
    finally:
        register.close()
    if as_json:
        print(
            json.dumps(
                {
                    "id": restored.person.masked,
                    "batch_id": restored.batch_id,
                    "before": _state_json(restored.before),
                    "state": _state_json(restored.after),
                },
                ensure_ascii=False,
            )
        )
        return
    print(
        "已恢复（逾期补办签注），居住年限自今日起重新计算 / restored (late endorsement): years count again from today"
    )
    _print_state(restored.after)


def cancel_command(
    db: DbOption,
    id_number: IdOption,
    on: OnOption = None,
    departed: Annotated[
        bool,
        typer.Option(
            "--departed",
            help="持证人已离开本市：同时注销居住登记。\n\nThe holder left: also end the residence registration.",
        ),
    ] = False,
    rules: RulesOption = None,
    holidays: HolidaysOption = None,
    as_json: JsonOption = False,
) -> None:
    """注销居住证（离开本市时加 --departed）。

    Cancel a permit (add --departed when the holder has left the city).
    """
    day = parse_day(on, "--on")
    register = _open(db, read_only=False)
    try:
        desk = _desk(register, rules, holidays)
        cancelled = audited(
            register,
            "permit.cancel",
            id_number,
            lambda: desk.cancel(id_number, day, departed=departed),
            lambda c: {"batch_id": c.batch_id, "departed": departed},
        )
    finally:
        register.close()
    if as_json:
        print(
            json.dumps(
                {"id": cancelled.person.masked, "batch_id": cancelled.batch_id, "state": _state_json(cancelled.state)},
                ensure_ascii=False,
            )
        )
        return
    print(f"已注销 / cancelled: {cancelled.state.permit_no}  持证人 / holder: {cancelled.person.masked}")


def replace_command(
    db: DbOption,
    id_number: IdOption,
    on: OnOption = None,
    permit_no: Annotated[
        str | None, typer.Option("--permit-no", help="新证号（默认自动编号）。\n\nNew number (default: numbered).")
    ] = None,
    rules: RulesOption = None,
    holidays: HolidaysOption = None,
    as_json: JsonOption = False,
) -> None:
    """换领、补领居住证（新证号，居住年限连续计算）。

    Replace a lost or worn permit under a new number (the years go on).
    """
    day = parse_day(on, "--on")
    register = _open(db, read_only=False)
    try:
        desk = _desk(register, rules, holidays)
        replaced = audited(
            register,
            "permit.replace",
            id_number,
            lambda: desk.replace(id_number, day, permit_no=permit_no),
            lambda r: {"permit_no": r.state.permit_no, "batch_id": r.batch_id},
        )
    finally:
        register.close()
    if as_json:
        print(
            json.dumps(
                {
                    "id": replaced.person.masked,
                    "old_permit_no": replaced.old_no,
                    "batch_id": replaced.batch_id,
                    "state": _state_json(replaced.state),
                },
                ensure_ascii=False,
            )
        )
        return
    print(
        f"已换领 / replaced: {replaced.old_no} -> {replaced.state.permit_no}  持证人 / holder: {replaced.person.masked}"
    )
    _print_state(replaced.state)


def status_command(
    db: DbOption,
    id_number: IdOption,
    on: OnOption = None,
    services: Annotated[
        Path | None,
        typer.Option(
            "--services", help="公共服务表 YAML（默认国家规定）。\n\nServices table YAML (default: national)."
        ),
    ] = None,
    rules: RulesOption = None,
    holidays: HolidaysOption = None,
    as_json: JsonOption = False,
) -> None:
    """某人在某日的居住证状态、连续居住年限、下次签注期、可享受的公共服务及经历。

    One person's permit on a date: status, continuous years, next endorsement, services, and history.
    """
    from renkou.permits.entitlements import load_table

    day = parse_day(on, "--on")
    table = load_table(services)
    register = _open(db, read_only=False)  # the audit log is written
    try:
        desk = _desk(register, rules, holidays)
        found = audited(
            register,
            "permit.status",
            id_number,
            lambda: desk.status(id_number, day, table),
            lambda f: {"on": day.isoformat()},
        )
    finally:
        register.close()
    granted = found.entitlements.granted if found.entitlements else ()
    upcoming = found.entitlements.upcoming if found.entitlements else ()
    if as_json:
        print(
            json.dumps(
                {
                    "id": found.person.masked,
                    "district": found.district,
                    **_state_json(found.state),
                    "services": [{"key": s.key, "zh": s.zh, "en": s.en, "article": s.article} for s in granted],
                    "upcoming_services": [
                        {"key": s.key, "zh": s.zh, "en": s.en, "from": d.isoformat()} for s, d in upcoming
                    ],
                    "services_source": table.source.title
                    + (f"（{table.source.number}）" if table.source.number else ""),
                },
                ensure_ascii=False,
            )
        )
        return
    print(f"持证人 / holder: {found.person.masked}  居住地 / district: {found.district or '-'}  日期 / on: {day}")
    _print_state(found.state)
    if granted:
        print(f"可享受的服务 / services ({table.source.title} {table.source.articles}):")
        for service in granted:
            print(f"  - {service.zh} / {service.en}（{service.article}）")
    for service, reached in upcoming:
        print(f"  · {reached} 起 / from {reached}: {service.zh} / {service.en}")
    if found.state.history:
        print("经历 / history:")
        for step in found.state.history:
            print(f"  {step.on}  {step.text}")


# -- lists and reminders -----------------------------------------------------------------------------------------


def _list(
    kind: str,
    db: Path,
    on: str | None,
    district: str | None,
    within: int,
    rules: Path | None,
    holidays: list[Path] | None,
) -> tuple[date, list[dict[str, Any]]]:
    from renkou.permits import lists

    if district is not None and not (len(district) == 6 and district.isdigit()):
        raise UserError(
            f"选项 --district 的取值 {district!r} 应为 6 位数字", f"option --district: {district!r} must be 6 digits"
        )
    if within < 0:
        raise UserError(f"选项 --within 的取值 {within} 不能为负", f"option --within: {within} must not be negative")
    day = parse_day(on, "--on")
    permit_rules, calendar = _rules(rules), _calendar(holidays)
    register = _open(db, read_only=False)  # the audit log is written
    try:
        entries = lists.collect(register, day, permit_rules, calendar, district)
        if kind == "due":
            chosen = lists.due(entries, day, calendar.add_working_days(day, within) if within else day)
        else:
            chosen = lists.overdue(entries)
        found = lists.rows(register, chosen, day, calendar)
        # A list names persons (masked): audited like the service's list, once per list.
        detail = {"district": district, "on": day.isoformat(), "count": len(found)}
        audit_entry(register, f"permit.{kind}_list", None, "ok", detail)
        return day, found
    finally:
        register.close()


def _print_list(kind: str, day: date, found: list[dict[str, Any]], as_json: bool, within: int) -> None:
    from renkou.permits.lists import by_district

    grouped = by_district(found)
    if as_json:
        payload: dict[str, Any] = {"on": day.isoformat(), "kind": kind, "total": len(found), "districts": grouped}
        if kind == "due":
            payload["within_working_days"] = within
        print(json.dumps(payload, ensure_ascii=False))
        return
    title = "待签注 / due for endorsement" if kind == "due" else "逾期未签注（中止）/ overdue (suspended)"
    last = ("剩余天数/days left", "days_left") if kind == "due" else ("逾期天数/days overdue", "days_overdue")
    columns = [
        ("身份号码/ID", "id"),
        ("证号/permit", "permit_no"),
        ("年度/year", "year"),
        ("签注期始/opens", "window_opens"),
        ("截止/due", "due"),
        last,
    ]
    for code, group in grouped.items():
        print(f"{title} — {code} {group['name']}（{group['count']}）")
        print("\t".join(heading for heading, _ in columns))
        permits = group["permits"]
        assert isinstance(permits, list)
        for row in permits:
            print("\t".join(str(row.get(key, "")) for _, key in columns))
    print(f"合计 / total: {len(found)}")


def due_command(
    db: DbOption,
    on: OnOption = None,
    district: Annotated[str | None, typer.Option("--district", help=DISTRICT_HELP)] = None,
    within: Annotated[
        int,
        typer.Option("--within", help="另含 N 个工作日内开始签注期的。\n\nAlso windows opening within N working days."),
    ] = 0,
    rules: RulesOption = None,
    holidays: HolidaysOption = None,
    as_json: JsonOption = False,
) -> None:
    """各区待签注名单（签注期已开始或 N 个工作日内开始；身份号码脱敏）。

    Permits due for endorsement per district (window open, or opening within N working days; IDs masked).
    """
    day, found = _list("due", db, on, district, within, rules, holidays)
    _print_list("due", day, found, as_json, within)


def overdue_command(
    db: DbOption,
    on: OnOption = None,
    district: Annotated[str | None, typer.Option("--district", help=DISTRICT_HELP)] = None,
    rules: RulesOption = None,
    holidays: HolidaysOption = None,
    as_json: JsonOption = False,
) -> None:
    """各区逾期未签注（已中止）名单（身份号码脱敏）。

    Permits suspended for a missed endorsement, per district (IDs masked).
    """
    day, found = _list("overdue", db, on, district, 0, rules, holidays)
    _print_list("overdue", day, found, as_json, 0)


def suspend_command(
    db: DbOption,
    on: OnOption = None,
    district: Annotated[str | None, typer.Option("--district", help=DISTRICT_HELP)] = None,
    rules: RulesOption = None,
    holidays: HolidaysOption = None,
    as_json: JsonOption = False,
) -> None:
    """将逾期未签注而中止的居住证登记为 permit_suspended 事件（已登记的不重复）。

    Record permit_suspended for the permits suspended by a missed endorsement (each once).
    """
    if district is not None and not (len(district) == 6 and district.isdigit()):
        raise UserError(
            f"选项 --district 的取值 {district!r} 应为 6 位数字", f"option --district: {district!r} must be 6 digits"
        )
    day = parse_day(on, "--on")
    register = _open(db, read_only=False)
    try:
        desk = _desk(register, rules, holidays)
        done = audited(
            register,
            "permit.suspend_overdue",
            None,
            lambda: desk.record_suspensions(day, district),
            lambda d: {"on": day.isoformat(), "district": district, "suspended": d.suspended, "recorded": d.recorded},
        )
    finally:
        register.close()
    if as_json:
        print(json.dumps({"on": day.isoformat(), **vars(done)}, ensure_ascii=False))
        return
    print(f"中止 / suspended: {done.suspended}  本次登记 / recorded now: {done.recorded}")


def remind_command(
    db: DbOption,
    outbox: Annotated[Path, typer.Option("--outbox", help="发件箱文件（SQLite）。\n\nOutbox file (SQLite).")],
    contacts: Annotated[
        Path,
        typer.Option(
            "--contacts",
            help="联系方式 CSV：公民身份号码、手机号码、电子邮箱。\n\nContacts CSV: id_number, phone, email.",
        ),
    ],
    on: OnOption = None,
    rules: RulesOption = None,
    holidays: HolidaysOption = None,
    as_json: JsonOption = False,
) -> None:
    """将到期签注提醒放入发件箱（同一提醒只放一次）；由 renkou notify send 发送。

    Put the endorsement reminders due today into the outbox (each once); renkou notify send delivers them.
    """
    from renkou.notify.outbox import Outbox
    from renkou.permits import lists, records
    from renkou.permits.contacts import read_contacts
    from renkou.permits.reminders import endorsement_reminders

    day = parse_day(on, "--on")
    permit_rules, calendar = _rules(rules), _calendar(holidays)
    register = _open(db, read_only=True)
    try:
        book = read_contacts(contacts)
        keys = records.subject_keys(register, book.by_number)
        entries = lists.collect(register, day, permit_rules, calendar)
    finally:
        register.close()
    for problem in book.problems:
        print(
            f"警告 / warning: {contacts.name}:{problem.line} {problem.column} {problem.value} {problem.reason}",
            file=sys.stderr,
        )
    by_subject = {keys[number]: contact for number, contact in book.by_number.items()}
    # A reminder is only sent while the window is open, so the holders due today are the candidates.
    run = endorsement_reminders(lists.due(entries, day, day), by_subject, day, permit_rules.endorsement, calendar)
    with Outbox.open(outbox) as box:
        results = box.enqueue_many(run.notifications)
    created = sum(1 for result in results if result.created)
    report = {
        "on": day.isoformat(),
        "due_holders": run.due_holders,
        "without_contact": run.without_contact,
        "enqueued": created,
        "already_queued": len(results) - created,
        "contact_problems": len(book.problems),
    }
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
        return
    print(
        f"应提醒 / due: {run.due_holders}  新入发件箱 / enqueued: {created}  已在发件箱 / already queued: "
        f"{report['already_queued']}  无联系方式 / no contact: {run.without_contact}"
    )


def services_command(
    table_path: Annotated[
        Path | None,
        typer.Option("--table", help="公共服务表 YAML（默认国家规定）。\n\nServices table YAML (default: national)."),
    ] = None,
    years: Annotated[
        int | None, typer.Option("--years", help="只列持证满 N 年可享受的。\n\nOnly what N years held give.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """列出按持证年限享受的公共服务表及其出处。

    List the table of services by years held, with its source.
    """
    from renkou.permits.entitlements import load_table

    if years is not None and years < 0:
        raise UserError(f"选项 --years 的取值 {years} 不能为负", f"option --years: {years} must not be negative")
    table = load_table(table_path)
    chosen = [s for s in table.services if years is None or s.min_years <= years]
    if as_json:
        print(
            json.dumps(
                {
                    "title": table.title,
                    "source": table.source.model_dump(),
                    "services": [s.model_dump() for s in chosen],
                },
                ensure_ascii=False,
            )
        )
        return
    print(f"{table.title}\n{table.title_en}")
    print(
        f"出处 / source: {table.source.title} {table.source.number} {table.source.articles} {table.source.url}".rstrip()
    )
    for service in chosen:
        print(f"  [{service.min_years} 年 / years] {service.zh} / {service.en}（{service.article}）")


def register(app: typer.Typer) -> None:
    """Add the ``permit`` command group to the main CLI."""
    sub = typer.Typer(help=HELP, no_args_is_help=True, rich_markup_mode=None)
    commands = (
        (
            "apply",
            apply_command,
            "审核居住证申领条件并给出制证期限。\n\nCheck a permit application; give the issue deadline.",
        ),
        ("issue", issue_command, "签发居住证。\n\nIssue a residence permit."),
        ("endorse", endorse_command, "办理居住证年度签注。\n\nRecord the yearly endorsement."),
        (
            "restore",
            restore_command,
            "恢复中止的居住证（逾期补签注）。\n\nRestore a suspended permit (late endorsement).",
        ),
        ("cancel", cancel_command, "注销居住证。\n\nCancel a residence permit."),
        ("replace", replace_command, "换领、补领居住证。\n\nReplace a residence permit."),
        ("status", status_command, "查询某人的居住证状态与可享受的服务。\n\nOne person's permit status and services."),
        ("due", due_command, "各区待签注名单。\n\nPermits due for endorsement, per district."),
        ("overdue", overdue_command, "各区逾期未签注名单。\n\nPermits overdue (suspended), per district."),
        ("suspend", suspend_command, "登记逾期中止的居住证。\n\nRecord the suspensions of missed endorsements."),
        ("remind", remind_command, "将签注提醒放入发件箱。\n\nQueue endorsement reminders in the outbox."),
        ("services", services_command, "按持证年限享受的公共服务表。\n\nServices by years held."),
    )
    for name, function, help_text in commands:
        sub.command(name, help=help_text)(function)
    app.add_typer(sub, name="permit", help=HELP)
