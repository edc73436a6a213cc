"""Reading BASE.csv (``region,sex,age,population``): the population at the start of a projection.

Ages are the lower bounds of groups of width ``age_interval`` starting at 0 and contiguous; the last group of every
region and sex is open and must be the same everywhere. The open group may be written ``85+``; a plain ``85`` is
read as open because it is the last.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from renkou.errors import UserError
from renkou.projection.engine import SEXES
from renkou.projection.problems import bad_value

COLUMNS = ("region", "sex", "age", "population")


@dataclass(frozen=True)
class BasePopulation:
    """The base population: ``population (R, 2, A)`` for ``regions`` (file order) and age groups ``ages``."""

    regions: list[str]
    ages: list[int]
    population: NDArray[np.float64]


def _cell_error(path: Path, line: int, column: str, value: str, zh: str, en: str) -> UserError:
    return bad_value(path, f"line {line}.{column}", value, zh, en)


def read_base(path: Path, age_interval: int) -> BasePopulation:
    """Read and validate a base population file; every problem is a one-line error naming line, column and value."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise UserError(f"无法读取文件 {path}：{error.strerror}", f"cannot read {path}: {error.strerror}") from error
    cells: dict[tuple[str, str], dict[int, float]] = {}
    open_marked: dict[tuple[str, str], int] = {}
    region_order: list[str] = []
    with handle:
        try:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None or tuple(h.strip() for h in header) != COLUMNS:
                raise bad_value(
                    path,
                    "header",
                    ",".join(header or []),
                    f"表头应为 {','.join(COLUMNS)}",
                    f"the header must be {','.join(COLUMNS)}",
                )
            for line_number, row in enumerate(reader, start=2):
                if not row or all(not cell.strip() for cell in row):
                    continue
                if len(row) != len(COLUMNS):
                    raise bad_value(path, f"line {line_number}", ",".join(row), "应有 4 列", "expected 4 columns")
                region, sex, age_text, population_text = (cell.strip() for cell in row)
                key = (region, sex)
                if not region:
                    raise _cell_error(path, line_number, "region", region, "地区代码为空", "the region code is empty")
                if sex not in SEXES:
                    raise _cell_error(path, line_number, "sex", sex, "性别应为 F 或 M", "sex must be F or M")
                is_open = age_text.endswith("+")
                try:
                    age = int(age_text.removesuffix("+"))
                except ValueError:
                    raise _cell_error(
                        path,
                        line_number,
                        "age",
                        age_text,
                        "年龄应为整数（开口组可写作 85+）",
                        "age must be an integer (the open group may be written 85+)",
                    ) from None
                if age < 0 or age % age_interval:
                    raise _cell_error(
                        path,
                        line_number,
                        "age",
                        age_text,
                        f"年龄应为非负且为年龄组距 {age_interval} 的倍数",
                        f"age must be non-negative and a multiple of age_interval {age_interval}",
                    )
                try:
                    population = float(population_text)
                except ValueError:
                    raise _cell_error(
                        path, line_number, "population", population_text, "人口应为数值", "population must be a number"
                    ) from None
                if not math.isfinite(population) or population < 0:
                    raise _cell_error(
                        path,
                        line_number,
                        "population",
                        population_text,
                        "人口应为非负有限数值",
                        "population must be a non-negative finite number",
                    )
                series = cells.setdefault(key, {})
                if age in series:
                    raise _cell_error(
                        path,
                        line_number,
                        "age",
                        age_text,
                        f"地区 {region} 性别 {sex} 的该年龄重复",
                        f"duplicate age for region {region} sex {sex}",
                    )
                series[age] = population
                if is_open:
                    open_marked[key] = age
                if region not in region_order:
                    region_order.append(region)
        except UnicodeDecodeError:
            raise UserError(f"文件 {path} 不是 UTF-8 编码", f"{path} is not UTF-8 encoded") from None
    if not cells:
        raise UserError(f"文件 {path} 没有数据行", f"{path} has no data rows")
    return _assemble(path, age_interval, cells, open_marked, region_order)


def _assemble(
    path: Path,
    age_interval: int,
    cells: dict[tuple[str, str], dict[int, float]],
    open_marked: dict[tuple[str, str], int],
    regions: list[str],
) -> BasePopulation:
    """Check the age groups of every region and sex and stack them into one array."""
    for region in regions:
        for sex in SEXES:
            if (region, sex) not in cells:
                raise bad_value(path, f"region {region}", sex, f"缺少性别 {sex} 的数据", f"no rows for sex {sex}")
    last_ages = {key: max(series) for key, series in cells.items()}
    open_age = max(last_ages.values())
    for (region, sex), series in cells.items():
        where = f"region {region} sex {sex} age"
        for expected in range(0, open_age + age_interval, age_interval):
            if expected not in series:
                if expected > last_ages[(region, sex)]:
                    raise bad_value(
                        path,
                        where,
                        last_ages[(region, sex)],
                        f"缺少开口组：该序列止于 {last_ages[(region, sex)]}，其他序列的开口组为 {open_age}+",
                        f"open group missing: the series ends at {last_ages[(region, sex)]} "
                        f"while others have the open group {open_age}+",
                    )
                raise bad_value(
                    path, where, expected, "年龄不连续：缺少该年龄组", "ages not contiguous: this age group is missing"
                )
        marked = open_marked.get((region, sex))
        if marked is not None and marked != open_age:
            raise bad_value(
                path,
                where,
                f"{marked}+",
                f"开口组应为最后一组 {open_age}+",
                f"the open group must be the last group, {open_age}+",
            )
    ages = list(range(0, open_age + age_interval, age_interval))
    if len(ages) < 2:
        raise bad_value(path, "age", open_age, "至少需要两个年龄组", "at least two age groups are needed")
    population = np.array([[[cells[(r, s)][a] for a in ages] for s in SEXES] for r in regions], dtype=np.float64)
    return BasePopulation(regions=regions, ages=ages, population=population)
