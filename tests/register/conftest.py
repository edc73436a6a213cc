"""Fixtures for register tests: valid synthetic ID numbers and small department files written by hand."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from renkou.register.store import Register

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def citizen_id(division: str, born: date, sequence: int, sex: str) -> str:
    """A valid 18-digit number, computed here independently of renkou.ids (GB 11643-1999)."""
    serial = sequence * 2 + (1 if sex == "M" else 0)  # the 17th digit's parity gives the sex
    first17 = f"{division}{born:%Y%m%d}{serial:03d}"
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


HUKOU_HEADER = [
    "事件类型",
    "公民身份号码",
    "姓名",
    "发生日期",
    "性别",
    "出生日期",
    "户籍地区划代码",
    "居住地区划代码",
    "城乡分类代码",
]


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def register(tmp_path: Path) -> Iterator[Register]:
    reg = Register.open(tmp_path / "renkou.duckdb", city="330100")
    yield reg
    reg.close()


@pytest.fixture
def people() -> dict[str, str]:
    """A few persons: four with hukou in Hangzhou districts, two from Anhui."""
    return {
        "wang": citizen_id("330106", date(1950, 3, 1), 1, "M"),
        "li": citizen_id("330106", date(1955, 7, 9), 2, "F"),
        "zhang": citizen_id("330102", date(1990, 1, 31), 3, "F"),
        "chen": citizen_id("330109", date(2012, 12, 12), 4, "M"),
        "zhao": citizen_id("340104", date(1988, 5, 5), 5, "M"),
        "sun": citizen_id("340104", date(1992, 6, 6), 6, "F"),
    }
