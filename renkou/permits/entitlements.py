"""The public services a permit holder is entitled to by years of continuous residence held, from a YAML table.

A table lists services, each with the minimum years held (``min_years``) and the article it comes from; a table may
``include`` another (a city's table includes the national one and adds its own). The shipped national table
(``data/entitlements-national-2016.yaml``) transcribes arts. 12, 13 and 15 of 居住证暂行条例. Only a valid permit gives
services: a suspended one gives none until it is endorsed (art. 10).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from renkou.errors import UserError
from renkou.permits.lifecycle import PermitState, Status
from renkou.permits.periods import add_years
from renkou.permits.rules import DATA_DIR
from renkou.yamlfile import read_yaml, validate

DEFAULT_TABLE = DATA_DIR / "entitlements-national-2016.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TableSource(_Strict):
    """Where the table's rules are published."""

    title: str = Field(min_length=1)
    number: str = ""
    articles: str = ""
    url: str = ""


class Service(_Strict):
    """One service or convenience and the years held it needs."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    min_years: int = Field(ge=0, le=50)
    article: str = Field(min_length=1)


class _TableFile(_Strict):
    title: str = Field(min_length=1)
    title_en: str = ""
    source: TableSource
    include: str | None = None
    services: list[Service] = Field(min_length=1)


@dataclass(frozen=True)
class EntitlementTable:
    """A table of services (includes resolved), with its title and source."""

    title: str
    title_en: str
    source: TableSource
    services: tuple[Service, ...]
    path: str


@dataclass(frozen=True)
class Entitlements:
    """What a permit gives on a date, and what it will give and when if it stays valid."""

    on: date
    status: Status
    years: int
    granted: tuple[Service, ...]
    upcoming: tuple[tuple[Service, date], ...]  # (service, the day it is reached) for a valid permit


def load_table(path: Path | None = None, *, _seen: tuple[Path, ...] = ()) -> EntitlementTable:
    """Read a table (default: the national one), resolving ``include`` relative to the file; keys must be unique."""
    file = path or DEFAULT_TABLE
    resolved = file.resolve()
    if resolved in _seen:
        raise UserError(f"文件 {file}：include 形成循环", f"{file}: include forms a cycle", code="file")
    parsed = validate(_TableFile, read_yaml(file), file)
    services: list[Service] = []
    if parsed.include:
        services.extend(load_table(file.parent / parsed.include, _seen=(*_seen, resolved)).services)
    seen = {service.key for service in services}
    for index, service in enumerate(parsed.services):
        if service.key in seen:
            raise UserError(
                f"文件 {file}：services.{index}.key 的取值 {service.key!r} 重复",
                f"{file}: services.{index}.key {service.key!r} appears twice",
                code="file",
            )
        seen.add(service.key)
        services.append(service)
    services.sort(key=lambda service: service.min_years)  # stable: table order within the same years
    return EntitlementTable(parsed.title, parsed.title_en, parsed.source, tuple(services), str(file))


def entitlements(state: PermitState, table: EntitlementTable) -> Entitlements:
    """The services of ``table`` that ``state`` gives, and for a valid permit the dates of the ones still ahead."""
    if state.status is not Status.VALID or state.counting_from is None:
        return Entitlements(state.on, state.status, 0, (), ())
    years = state.years
    granted = tuple(service for service in table.services if service.min_years <= years)
    upcoming = tuple(
        (service, add_years(state.counting_from, service.min_years))
        for service in table.services
        if service.min_years > years
    )
    return Entitlements(state.on, state.status, years, granted, upcoming)
