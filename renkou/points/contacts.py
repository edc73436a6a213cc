"""Applicants' contact details in a round's applicants file: optional ``phone`` (手机号码) and ``email`` (电子邮箱)
columns, read to send each applicant their result through the notification outbox (:mod:`renkou.points.notices`).

The rule files know nothing of these columns and the scoring ignores them; only this module reads them, straight from
the stored file, so the register never holds a phone number. A bad number or address is left out and counted (the
applicant then gets no message; the officer sees how many), never an error that stops a publication.
"""

from __future__ import annotations

import csv as _csv
import io
from dataclasses import dataclass

from renkou.errors import UserError
from renkou.notify.message import normalise_email, normalise_mobile
from renkou.permits.contacts import Contact

PHONE_COLUMNS = ("phone", "手机号码", "手机", "mobile")
EMAIL_COLUMNS = ("email", "电子邮箱", "邮箱")


@dataclass(frozen=True)
class RowContacts:
    """Contacts by row of the applicants file (row 0 is the first applicant), and how many values were unusable."""

    by_row: dict[int, Contact]
    invalid: int
    rows: int


def _encoding(data: bytes) -> str:
    import codecs

    try:
        codecs.getincrementaldecoder("utf-8")().decode(data[: 1 << 20], final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def contact_columns(data: bytes) -> dict[str, list[str | None]]:
    """The contact columns of an applicants file as text (``phone``, ``email``; absent ones left out), one value per
    applicant row in file order, empty cells as None. Read by the same CSV reader as the evidence, so the rows align."""
    import pyarrow as pa
    import pyarrow.csv as csv

    encoding = _encoding(data)
    first = data.split(b"\n", 1)[0].decode(encoding, errors="replace").lstrip("\ufeff").strip()
    header = [name.strip() for name in next(_csv.reader([first]))] if first else []
    wanted = {}
    for key, names in (("phone", PHONE_COLUMNS), ("email", EMAIL_COLUMNS)):
        found = next((name for name in header if name in names), None)
        if found is not None:
            wanted[key] = found
    if not wanted:
        return {}
    try:
        table = csv.read_csv(
            io.BytesIO(data),
            read_options=csv.ReadOptions(encoding=encoding, block_size=1 << 24, skip_rows=1, column_names=header),
            convert_options=csv.ConvertOptions(
                include_columns=list(wanted.values()),
                column_types=dict.fromkeys(wanted.values(), pa.string()),
                null_values=[""],
                strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid as error:
        reason = str(error).splitlines()[0]
        raise UserError(
            f"申请人文件无法按 CSV 读取：{reason}", f"the applicants file cannot be read as CSV: {reason}"
        ) from None
    return {key: table.column(column).to_pylist() for key, column in wanted.items()}


def row_contacts(data: bytes, rows: int) -> RowContacts:
    """Usable contacts per row of an applicants file of ``rows`` applicants (numbers and addresses normalised)."""
    columns = contact_columns(data)
    for values in columns.values():
        if len(values) != rows:
            raise UserError(
                f"申请人文件的联系方式有 {len(values)} 行，申请人有 {rows} 人",
                f"the applicants file has contacts for {len(values)} rows but {rows} applicants",
            )
    phones = columns.get("phone", [None] * rows)
    emails = columns.get("email", [None] * rows)
    found: dict[int, Contact] = {}
    invalid = 0
    for row, (phone_text, email_text) in enumerate(zip(phones, emails, strict=True)):
        if not phone_text and not email_text:
            continue
        phone = email = None
        if phone_text:
            try:
                phone = normalise_mobile(phone_text)
            except UserError:
                invalid += 1
        if email_text:
            try:
                email = normalise_email(email_text)
            except UserError:
                invalid += 1
        if phone or email:
            found[row] = Contact(phone, email)
    return RowContacts(found, invalid, rows)
