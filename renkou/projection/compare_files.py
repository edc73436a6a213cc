"""Reading the inputs of the model comparison: a history of totals (``year,population``) and covariates
(``year,<name>,<name>,...``), with one-line errors naming the file, the line and column, and the value.

Covariates file: one row per year, a ``year`` column and one numeric column per covariate (any names). Rows for the
history years feed the regression; rows for later years are the covariates' future paths. A cell may be empty in a
future year only (that covariate is then extended by its straight-line trend, and the output says so).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from renkou.errors import UserError
from renkou.projection.problems import bad_value


@dataclass(frozen=True)
class History:
    """Totals by year, sorted by year."""

    years: list[int]
    totals: list[float]


@dataclass(frozen=True)
class Covariates:
    """Covariate ``names`` and, per year (sorted), their values (None where a future cell is empty)."""

    names: list[str]
    years: list[int]
    values: list[list[float | None]]

    def column(self, name: str) -> tuple[list[int], list[float]]:
        """The years where covariate ``name`` is given and its values there."""
        j = self.names.index(name)
        pairs = [(year, row[j]) for year, row in zip(self.years, self.values, strict=True) if row[j] is not None]
        return [year for year, _ in pairs], [float(value) for _, value in pairs if value is not None]


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    """Non-empty rows with their line numbers, the header first."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [
                (number, [cell.strip() for cell in row])
                for number, row in enumerate(csv.reader(handle), start=1)
                if row and any(cell.strip() for cell in row)
            ]
    except OSError as error:
        raise UserError(f"无法读取文件 {path}：{error.strerror}", f"cannot read {path}: {error.strerror}") from error
    except UnicodeDecodeError:
        raise UserError(f"文件 {path} 不是 UTF-8 编码", f"{path} is not UTF-8 encoded") from None
    except csv.Error as error:
        raise UserError(f"文件 {path} 不是有效的 CSV：{error}", f"{path} is not valid CSV: {error}") from error


def _year(path: Path, line: int, text: str, seen: set[int]) -> int:
    try:
        year = int(text)
    except ValueError:
        raise bad_value(path, f"line {line}.year", text, "应为整数年份", "expected a whole year") from None
    if not 1800 <= year <= 2300:
        raise bad_value(path, f"line {line}.year", text, "年份应在 1800 至 2300 之间", "expected a year 1800-2300")
    if year in seen:
        raise bad_value(path, f"line {line}.year", text, "年份重复", "the year appears twice")
    seen.add(year)
    return year


def _number(path: Path, line: int, column: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise bad_value(path, f"line {line}.{column}", text, "应为数值", "expected a number") from None
    if not math.isfinite(value):
        raise bad_value(path, f"line {line}.{column}", text, "应为有限数值", "expected a finite number")
    return value


def _cells(path: Path, line: int, row: list[str], width: int) -> list[str]:
    if len(row) != width:
        raise bad_value(
            path, f"line {line}", ",".join(row), f"应有 {width} 列，实有 {len(row)} 列", f"expected {width} columns"
        )
    return row


def read_history(path: Path) -> History:
    """Read ``year,population`` (population positive), at least three years."""
    rows = _rows(path)
    if not rows or [cell.lower() for cell in rows[0][1]] != ["year", "population"]:
        header = ",".join(rows[0][1]) if rows else ""
        raise bad_value(path, "header", header, "表头应为 year,population", "the header must be year,population")
    seen: set[int] = set()
    pairs = []
    for line, row in rows[1:]:
        year_text, population_text = _cells(path, line, row, 2)
        year = _year(path, line, year_text, seen)
        population = _number(path, line, "population", population_text)
        if population <= 0:
            raise bad_value(path, f"line {line}.population", population_text, "人口应为正数", "must be positive")
        pairs.append((year, population))
    if len(pairs) < 3:
        raise bad_value(path, "rows", len(pairs), "至少需要 3 个年份", "at least 3 years are needed")
    pairs.sort()
    return History([year for year, _ in pairs], [value for _, value in pairs])


def read_covariates(path: Path, history_end: int) -> Covariates:
    """Read a covariates file; cells may be empty only in years after ``history_end`` (the base year)."""
    rows = _rows(path)
    if not rows:
        raise bad_value(path, "header", "", "文件为空", "the file is empty")
    header = rows[0][1]
    if not header or header[0].lower() != "year":
        raise bad_value(path, "header", ",".join(header), "第一列应为 year", "the first column must be year")
    names = header[1:]
    if not names:
        raise bad_value(path, "header", ",".join(header), "至少需要一个协变量列", "at least one covariate column")
    for name in names:
        if not name or names.count(name) > 1 or name.lower() == "year":
            raise bad_value(path, "header", name, "协变量列名为空或重复", "a covariate name is empty or repeated")
    seen: set[int] = set()
    table: list[tuple[int, list[float | None]]] = []
    for line, row in rows[1:]:
        cells = _cells(path, line, row, len(header))
        year = _year(path, line, cells[0], seen)
        values: list[float | None] = []
        for name, text in zip(names, cells[1:], strict=True):
            if text == "":
                if year <= history_end:
                    raise bad_value(
                        path,
                        f"line {line}.{name}",
                        text,
                        f"{history_end} 年及以前不能为空",
                        f"empty in a year up to {history_end}",
                    )
                values.append(None)
            else:
                values.append(_number(path, line, name, text))
        table.append((year, values))
    table.sort(key=lambda item: item[0])
    return Covariates(names, [year for year, _ in table], [values for _, values in table])
