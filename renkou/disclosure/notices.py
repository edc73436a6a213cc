"""Holiday notices as YAML files the officer can add, and the calendar they build.

A notice file transcribes one State Council notice (国务院办公厅关于某年部分节假日安排的通知)::

    year: 2027
    kind: annual                      # annual (the year's full notice) | supplement (changes single dates)
    number: 国办发明电〔2026〕N号       # document number as printed
    title: 国务院办公厅关于2027年部分节假日安排的通知
    issued: 2026-11-01                # date of the notice
    holidays:
      - name: 春节                     # Chinese name; name_en optional for the usual holidays
        from: 2027-02-06
        to: 2027-02-13
        days: 8                       # optional: "共N天" as printed, checked against from..to
        work_on: [2027-02-20]          # make-up working days (调休上班) that pay for this holiday

The shipped notices live in ``renkou/disclosure/data/holidays-YYYY.yaml``. More can be given with ``--holidays``
(a file or a folder) or in the ``RENKOU_HOLIDAY_NOTICES`` environment variable (paths separated by ``os.pathsep``).
Notices override the chinesecalendar package (see :mod:`renkou.disclosure.calendar`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from renkou.disclosure.calendar import HolidayNotice, WorkingCalendar
from renkou.disclosure.text import DisclosureError, Text
from renkou.disclosure.yamlio import read_yaml, validate

DATA_DIR = Path(__file__).parent / "data"
ENV_VAR = "RENKOU_HOLIDAY_NOTICES"

_ENGLISH_NAMES = {
    "元旦": "New Year's Day",
    "春节": "Spring Festival",
    "清明节": "Tomb-sweeping Day",
    "清明": "Tomb-sweeping Day",
    "劳动节": "Labour Day",
    "端午节": "Dragon Boat Festival",
    "端午": "Dragon Boat Festival",
    "中秋节": "Mid-autumn Festival",
    "中秋": "Mid-autumn Festival",
    "国庆节": "National Day",
    "国庆节、中秋节": "National Day and Mid-autumn Festival",
}


class _Holiday(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(min_length=1)
    name_en: str | None = None
    start: date = Field(alias="from")
    end: date | None = Field(default=None, alias="to")
    days: int | None = Field(default=None, ge=1, le=31)
    work_on: list[date] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> _Holiday:
        end = self.end or self.start
        if end < self.start:
            raise ValueError(f"to {end} is before from {self.start} / 结束日期早于开始日期")
        span = (end - self.start).days + 1
        if self.days is not None and self.days != span:
            raise ValueError(f"days {self.days} but {self.start}..{end} is {span} days / 天数与起止日期不符")
        for day in self.work_on:
            if day.weekday() < 5:
                raise ValueError(f"make-up working day {day} is not a Saturday or Sunday / 调休上班日应为周末")
        return self


class _Notice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=2000, le=2100)
    kind: Literal["annual", "supplement"] = "annual"
    number: str = ""
    title: str = Field(min_length=1)
    issued: date
    holidays: list[_Holiday] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> _Notice:
        first, last = date(self.year - 1, 12, 1), date(self.year, 12, 31)
        seen_off: set[date] = set()
        for holiday in self.holidays:
            for day in [*_days(holiday), *holiday.work_on]:
                if not first <= day <= last:
                    raise ValueError(f"{day} is outside the notice's year {self.year} / 日期不在通知所属年度")
            off = set(_days(holiday))
            if off & seen_off:
                raise ValueError(f"{min(off & seen_off)} is listed twice / 日期重复")
            seen_off |= off
        work = {day for holiday in self.holidays for day in holiday.work_on}
        if work & seen_off:
            raise ValueError(f"{min(work & seen_off)} is both a holiday and a working day / 既是假日又是上班日")
        return self


def _days(holiday: _Holiday) -> list[date]:
    end = holiday.end or holiday.start
    return [holiday.start + timedelta(days=offset) for offset in range((end - holiday.start).days + 1)]


def parse_notice(data: object, path: Path) -> HolidayNotice:
    """Build a :class:`HolidayNotice` from parsed YAML; errors name the file, the key and the value."""
    notice = validate(_Notice, data, path)
    holidays: dict[date, Text] = {}
    workdays: dict[date, Text] = {}
    for holiday in notice.holidays:
        name = Text(holiday.name, holiday.name_en or _ENGLISH_NAMES.get(holiday.name, holiday.name))
        for day in _days(holiday):
            holidays[day] = name
        for day in holiday.work_on:
            workdays[day] = name
    return HolidayNotice(
        year=notice.year,
        number=notice.number,
        title=notice.title,
        issued=notice.issued,
        holidays=holidays,
        workdays=workdays,
        supplement=notice.kind == "supplement",
        source=str(path),
    )


def load_notice(path: Path) -> HolidayNotice:
    """Read and validate one notice file."""
    return parse_notice(read_yaml(path), path)


def _expand(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
    if not path.exists():
        raise DisclosureError(f"节假日通知文件不存在：{path}", f"holiday notice file not found: {path}", code="file")
    return [path]


def shipped_notice_paths() -> list[Path]:
    """The notices shipped with renkou (transcribed from the State Council's notices)."""
    return sorted(DATA_DIR.glob("holidays-*.yaml"))


def env_notice_paths() -> list[Path]:
    """Paths named in ``RENKOU_HOLIDAY_NOTICES`` (empty when unset)."""
    value = os.environ.get(ENV_VAR, "")
    return [Path(part) for part in value.split(os.pathsep) if part.strip()]


def load_notices(paths: Iterable[Path]) -> list[HolidayNotice]:
    """Load every notice file named, folders meaning every ``*.yaml`` inside."""
    return [load_notice(file) for path in paths for file in _expand(Path(path))]


def load_calendar(extra: Iterable[Path] = (), *, use_env: bool = True) -> WorkingCalendar:
    """The working calendar: chinesecalendar, then the shipped notices, then the environment's, then ``extra``."""
    paths = [*shipped_notice_paths(), *(env_notice_paths() if use_env else []), *extra]
    return WorkingCalendar(load_notices(paths))
