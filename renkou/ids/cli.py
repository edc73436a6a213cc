"""``renkou id``: check a citizen ID number, look up a division code."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Annotated

import typer

from renkou.errors import UserError

JSON_HELP = "输出一个 JSON 对象 / print one JSON object"


def _read_number(number: str) -> str:
    # "-" reads the number from standard input, which keeps it out of the shell history.
    return sys.stdin.readline() if number == "-" else number


def _parse_today(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(
            f"--today 的日期“{text}”无效，应为 YYYY-MM-DD", f"--today: invalid date '{text}', expected YYYY-MM-DD"
        ) from None


def check_command(
    number: Annotated[str, typer.Argument(help="身份号码，“-”表示从标准输入读取 / ID number, '-' reads stdin")],
    today: Annotated[
        str | None, typer.Option(help="以此日期判断出生日期 / judge birth dates as of (YYYY-MM-DD)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """校验身份号码，显示出生日期、性别和签发地（号码脱敏显示）。

    Check a citizen ID number and show its birth date, sex and issuing division, with the number masked.
    """
    from renkou.ids.citizen import InvalidCitizenID, parse_id
    from renkou.ids.divisions import lookup, prefecture_of, province_of

    try:
        parsed = parse_id(_read_number(number), today=_parse_today(today))
    except InvalidCitizenID as error:
        if as_json:
            print(json.dumps({"valid": False, "reason": error.reason, "masked": error.masked}, ensure_ascii=False))
        raise UserError(error.zh, error.en, code=error.reason) from None
    year = parsed.birth_date.year
    places = [
        division.name
        for division in (
            province_of(parsed.division, year) or province_of(parsed.division),
            prefecture_of(parsed.division, year) or prefecture_of(parsed.division),
            lookup(parsed.division, year) or lookup(parsed.division),
        )
        if division is not None
    ]
    # Drop repeats, e.g. a municipality that is both the province and the city.
    place = "".join(dict.fromkeys(places))
    facts = {
        "valid": True,
        "masked": parsed.masked,
        "division": parsed.division,
        "division_name": place,
        "birth_date": parsed.birth_date.isoformat(),
        "sex": parsed.sex,
        "upgraded_from_15": parsed.upgraded,
    }
    if as_json:
        print(json.dumps(facts, ensure_ascii=False))
        return
    sex = "男 / male" if parsed.sex == "M" else "女 / female"
    print(f"有效 / valid: {parsed.masked}")
    print(f"签发地 / division: {parsed.division} {place}")
    print(f"出生日期 / birth date: {parsed.birth_date.isoformat()}")
    print(f"性别 / sex: {sex}")
    if parsed.upgraded:
        print("由 15 位旧号码升位 / upgraded from a legacy 15-digit number")


def division_command(
    code: Annotated[str, typer.Argument(help="6 位代码或名称 / 6-digit code or a name")],
    year: Annotated[int | None, typer.Option(help="某年的名称 / the name in this year")] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """查询行政区划代码（含已撤销的代码及其有效年份），或按名称查找代码。

    Look up a GB/T 2260 division code (retired codes too, with their years), or find codes by name.
    """
    from dataclasses import asdict

    from renkou.ids.divisions import find_by_name, history, lookup, prefecture_of, province_of

    text = code.strip()
    if not (len(text) == 6 and text.isascii() and text.isdigit()):
        found = find_by_name(text)
        if not found:
            raise UserError(f"没有名为“{text}”的行政区划", f"no division is called '{text}'", code="unknown_division")
        if as_json:
            print(json.dumps({"matches": [asdict(d) for d in found]}, ensure_ascii=False))
            return
        for match in found:
            print(f"{match.code} {match.name} {_years(match.valid_from, match.valid_to)}")
        return
    division = lookup(text, year)
    if division is None:
        when = f"在 {year} 年" if year is not None else ""
        raise UserError(
            f"行政区划代码 {text} {when}不存在", f"division code {text} is unknown{f' in {year}' if year else ''}"
        )
    province = province_of(text, year)
    prefecture = prefecture_of(text, year)
    names = history(text)
    if as_json:
        facts = {
            **asdict(division),
            "province": province.name if province else None,
            "prefecture": prefecture.name if prefecture else None,
            "history": [asdict(d) for d in names],
        }
        print(json.dumps(facts, ensure_ascii=False))
        return
    print(f"{division.code} {division.name} ({division.level}) {_years(division.valid_from, division.valid_to)}")
    if province is not None and province.code != division.code:
        print(f"省级 / province: {province.code} {province.name}")
    if prefecture is not None and prefecture.code not in (division.code, province.code if province else ""):
        print(f"地级 / prefecture: {prefecture.code} {prefecture.name}")
    if len(names) > 1:
        print("历次名称 / names over time: " + "; ".join(f"{d.name} {_years(d.valid_from, d.valid_to)}" for d in names))


def _years(valid_from: int | None, valid_to: int | None) -> str:
    return f"[{valid_from or ''}-{valid_to or ''}]"


def register(app: typer.Typer) -> None:
    """Add the ``id`` command group to the main CLI."""
    sub = typer.Typer(
        help="身份号码与行政区划代码。\n\nCitizen ID numbers and division codes.",
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    sub.command("check")(check_command)
    sub.command("division")(division_command)
    app.add_typer(sub, name="id")
