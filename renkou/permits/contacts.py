"""Holders' contact details for reminders, from a CSV file the office keeps (the register holds no phone numbers).

Header (Chinese or English, any order): 公民身份号码 / id_number, 手机号码 / phone, 电子邮箱 / email; UTF-8 or GBK.
Rows are matched to permit holders through the register's key of the ID number (:func:`renkou.permits.records.
subject_keys`). A bad row does not stop the file: it is reported with its line, column and reason (ID numbers
masked), and left out.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from renkou.disclosure.text import Text
from renkou.errors import UserError
from renkou.ids import InvalidCitizenID, mask, parse_id
from renkou.notify.message import normalise_email, normalise_mobile

HEADERS = {
    "id_number": "id_number",
    "公民身份号码": "id_number",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "phone": "phone",
    "手机号码": "phone",
    "手机": "phone",
    "email": "email",
    "电子邮箱": "email",
    "邮箱": "email",
}


@dataclass(frozen=True)
class Contact:
    """How to reach one holder."""

    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Problem:
    """A row left out of the contacts, and why."""

    line: int
    column: str
    value: str
    reason: Text


@dataclass
class Contacts:
    """Contacts by normalised ID number, and the rows left out."""

    by_number: dict[str, Contact] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _decode(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError(f"文件 {path} 既不是 UTF-8 也不是 GBK 编码", f"{path} is neither UTF-8 nor GBK")


def read_contacts(path: Path) -> Contacts:
    """Read the contacts file."""
    if not path.exists():
        raise UserError(f"联系方式文件不存在：{path}", f"contacts file not found: {path}")
    reader = csv.reader(io.StringIO(_decode(path)))
    header = next(reader, None)
    if not header:
        raise UserError(f"联系方式文件 {path} 为空", f"contacts file {path} is empty")
    columns = []
    for name in header:
        key = HEADERS.get(name.strip())
        if key is None:
            raise UserError(f"{path}：未知的列“{name}”", f"{path}: unknown column '{name}'")
        columns.append(key)
    if "id_number" not in columns or not {"phone", "email"} & set(columns):
        raise UserError(
            f"{path}：需要公民身份号码列，以及手机号码或电子邮箱列",
            f"{path}: needs an id_number column and a phone or email column",
        )
    found = Contacts()
    for line, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        row = dict(zip(columns, (value.strip() for value in values), strict=False))
        contact = _row(row, line, found.problems)
        if contact is None:
            continue
        number, phone, email = contact
        found.by_number[number] = Contact(phone, email)
    return found


def _row(row: dict[str, str], line: int, problems: list[Problem]) -> tuple[str, str | None, str | None] | None:
    try:
        number = parse_id(row.get("id_number", "")).number
    except InvalidCitizenID as error:
        problems.append(
            Problem(line, "id_number", mask(row.get("id_number", "")), Text(f"身份号码无效：{error}", str(error)))
        )
        return None
    phone = email = None
    try:
        phone = normalise_mobile(row["phone"]) if row.get("phone") else None
    except UserError as error:
        problems.append(Problem(line, "phone", "", Text(error.zh, error.en)))
    try:
        email = normalise_email(row["email"]) if row.get("email") else None
    except UserError as error:
        problems.append(Problem(line, "email", "", Text(error.zh, error.en)))
    if phone is None and email is None:
        return None
    return number, phone, email
