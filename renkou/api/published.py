"""Published aggregates of the public query service (公众人口信息查询): population by district, sex and age group on
a year-end date, for the registered, resident and floating population, with small cells suppressed.

For each (year, kind) one table is protected as a whole: district x sex x age group with all its margins
(:mod:`renkou.api.suppression`). Every query, whatever its grouping or filter, reads cells of that one table, so
combining answers to different queries gives nothing that the full table would not, and the full table is
protected. Tables are cached per (year, kind) until the register changes through the service
(:meth:`renkou.api.service.Service.data_changed`): published figures do not change between ingests.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from renkou.api.cube import SEX_ZH, SEXES, age_group_labels, build_cube
from renkou.api.service import Service
from renkou.api.settings import ServiceSettings
from renkou.api.suppression import ProtectedTable, protect
from renkou.engine import Engine
from renkou.ids import lookup
from renkou.register.population import KIND_ZH, Kind, population_by

DIMENSIONS = ("district", "sex", "age_group")
UNKNOWN_DISTRICT = "unknown"


@dataclass(frozen=True)
class PublishedTable:
    """The protected table of one (year, kind)."""

    year: int
    kind: Kind
    on: date
    districts: tuple[str, ...]
    district_names: tuple[str, ...]
    age_groups: tuple[str, ...]
    table: ProtectedTable

    def categories(self, dimension: str) -> tuple[str, ...]:
        """The category codes of a dimension."""
        if dimension == "district":
            return self.districts
        if dimension == "sex":
            return SEXES
        return self.age_groups

    def cells(self, by: Sequence[str], where: Mapping[str, str]) -> list[dict[str, Any]]:
        """The published cells grouped by ``by`` (and any dimension in ``where``, restricted to that category).

        Dimensions in neither are summed over (their total index). Suppressed cells carry ``population: None``.
        """
        shown = [d for d in DIMENSIONS if d in by or d in where]
        ranges: list[list[int]] = []
        for axis, dimension in enumerate(DIMENSIONS):
            codes = self.categories(dimension)
            if dimension in where:
                ranges.append([codes.index(where[dimension])])
            elif dimension in by:
                ranges.append(list(range(len(codes))))
            else:
                ranges.append([self.table.shape[axis]])  # the total over this dimension
        rows = []
        for index in itertools.product(*ranges):
            row: dict[str, Any] = {}
            for axis, dimension in enumerate(DIMENSIONS):
                if dimension not in shown:
                    continue
                code = self.categories(dimension)[index[axis]]
                row[dimension] = code
                if dimension == "district":
                    row["district_name"] = self.district_names[index[axis]]
                elif dimension == "sex":
                    row["sex_name"] = SEX_ZH[code]
            hidden = bool(self.table.suppressed[index])
            row["population"] = None if hidden else int(self.table.values[index])
            row["suppressed"] = hidden
            rows.append(row)
        return rows


def compute_table(engine: Engine, year: int, kind: Kind, settings: ServiceSettings) -> PublishedTable:
    """Count, group and protect the table of ``kind`` on 31 December ``year``."""
    on = date(year, 12, 31)
    counts = population_by(engine, on, kind, by=("district", "sex", "age"))
    district_col = counts.column("district").to_pylist()
    codes = sorted({code for code in district_col if code is not None})
    if any(code is None for code in district_col):
        codes.append(UNKNOWN_DISTRICT)
    district_col = [code if code is not None else UNKNOWN_DISTRICT for code in district_col]
    names = []
    for code in codes:
        division = None if code == UNKNOWN_DISTRICT else (lookup(code, year) or lookup(code))
        names.append(division.name if division else "未知")
    cube = build_cube(
        district_col,
        counts.column("sex").to_pylist(),
        counts.column("age").to_pylist(),
        counts.column("population").to_pylist(),
        codes,
        width=settings.age_group_width,
        open_age=settings.open_age_group,
    )
    protected = protect(cube, threshold=settings.suppression_threshold, min_range=settings.suppression_min_range)
    labels = age_group_labels(settings.age_group_width, settings.open_age_group)
    return PublishedTable(year, kind, on, tuple(codes), tuple(names), tuple(labels), protected)


def available_years(engine: Engine, today: date) -> list[int]:
    """Years whose 31 December has passed and is not before the register's first event."""
    first = engine.scalar("SELECT min(occurred_on) FROM events")
    if first is None:
        return []
    return list(range(first.year, today.year))  # this year's 31 December is today at the earliest: not passed


def years(service: Service) -> list[int]:
    """The published years (cached like the tables)."""
    today = service.today()
    key = ("years", today)
    with service.cache_lock:
        if key in service.cache:
            return list(service.cache[key])
    with service.reading() as engine:
        found = available_years(engine, today)
    with service.cache_lock:
        service.cache[key] = tuple(found)
    return found


def table(service: Service, year: int, kind: Kind) -> PublishedTable:
    """The protected table of (year, kind), computed once per change of the register."""
    key = ("table", year, kind)
    with service.cache_lock:
        cached = service.cache.get(key)
    if cached is not None:
        return cached
    with service.compute_lock:  # one table at a time: a second caller waits for the first one's result
        with service.cache_lock:
            cached = service.cache.get(key)
        if cached is not None:
            return cached
        generation = service.generation
        with service.reading() as engine:
            computed = compute_table(engine, year, kind, service.settings)
        with service.cache_lock:
            if service.generation == generation:
                service.cache[key] = computed
    return computed


def describe_kind(kind: Kind) -> dict[str, str]:
    """The kind's code and Chinese name."""
    return {"kind": kind, "kind_name": KIND_ZH[kind]}


METHOD_ZH = (
    "公开数据按区县×性别×年龄组（含全部合计）整表保护：任何少于 {threshold} 人的单元格（含 0 和合计）不予公布；"
    "再按超立方体法（GHMITER）为每个被隐藏的单元格补充隐藏一个“盒子”里的其他单元格，使得依据全部公布数字"
    "（包括各级合计）推算时，每个被隐藏单元格的可能取值范围至少跨 {min_range} 人，无法通过差分还原。"
    "所有查询都读自同一张受保护的表，因此组合不同查询也不能还原被隐藏的数字。"
)
METHOD_EN = (
    "Each published table (district x sex x age group with all its totals) is protected as a whole: no cell of "
    "fewer than {threshold} persons (zero and totals included) is shown; then, by the hypercube method "
    "(GHMITER), a box of further cells around each hidden one is hidden too, so that from everything published "
    "(all totals included) each hidden cell can only be placed in a range at least {min_range} persons wide: it "
    "cannot be recovered by differencing. Every query reads cells of the same protected table, so combining "
    "queries recovers nothing either."
)
