"""Life-table files: read the input CSV, run the table, write the output CSV.

Input (UTF-8 or GBK, comma separated, a header line; blank lines and lines starting with ``#`` are skipped):

* ``age,interval,deaths,exposure[,ax]``: deaths and person-years of exposure by age group, or
* ``age,interval,mx[,ax]``: death rates by age group (for tables built from projected or model rates).

``interval`` is empty for the last, open group (an age written ``85+`` also marks it). ``ax`` is optional, and a
blank ``ax`` cell means "let the table choose". Output: ``age,interval,mx,qx,ax,lx,dx,Lx,Tx,ex`` with radix 100 000.
Every input error names the file, the line, the column and the value.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from renkou.errors import UserError
from renkou.stats.lifetable import (
    COLUMNS,
    DEFAULT_MIN_DEATHS,
    DEFAULT_RADIX,
    LifeTable,
    life_table,
    life_table_from_deaths,
)
from renkou.stats.lifetable_ages import FloatArray, LifeTableInputError, format_age
from renkou.stats.lifetable_ax import SexLike

# Header names accepted for each column (lower-cased, spaces removed). Chinese names are those a statistics office
# would write in a spreadsheet.
HEADER_ALIASES: dict[str, str] = {
    "age": "age",
    "年龄": "age",
    "interval": "interval",
    "n": "interval",
    "组距": "interval",
    "deaths": "deaths",
    "死亡人数": "deaths",
    "死亡数": "deaths",
    "exposure": "exposure",
    "person_years": "exposure",
    "暴露人年": "exposure",
    "mx": "mx",
    "死亡率": "mx",
    "ax": "ax",
}
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d*)?$")


@dataclass(frozen=True)
class LifeTableInput:
    """The parsed input file: columns by age group, NaN where a cell was blank, and each row's line number."""

    path: Path
    ages: FloatArray
    intervals: FloatArray
    deaths: FloatArray | None
    exposure: FloatArray | None
    mx: FloatArray | None
    ax: FloatArray | None
    lines: list[int]

    @property
    def from_rates(self) -> bool:
        """True when the file gives death rates rather than deaths and exposures."""
        return self.mx is not None


def _error(path: Path, line: int | None, zh: str, en: str) -> UserError:
    where_zh = f"{path} 第 {line} 行：" if line else f"{path}："
    where_en = f"{path} line {line}: " if line else f"{path}: "
    return UserError(where_zh + zh, where_en + en, code="bad_life_table")


def _decode(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"找不到输入文件 {path}", f"input file not found: {path}") from None
    except OSError as error:
        raise UserError(f"无法读取输入文件 {path}：{error.strerror}", f"cannot read {path}: {error.strerror}") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _error(path, None, "文件编码无法识别（应为 UTF-8 或 GBK）", "unrecognised encoding (use UTF-8 or GBK)")


def _number(path: Path, line: int, column: str, text: str) -> float:
    cleaned = text.strip()
    if _THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(",", "")
    try:
        value = float(cleaned)
    except ValueError:
        raise _error(
            path, line, f"{column} 列的值“{text}”不是数字", f"column {column}: '{text}' is not a number"
        ) from None
    if not math.isfinite(value):
        raise _error(path, line, f"{column} 列的值“{text}”不是有限数", f"column {column}: '{text}' is not finite")
    return value


def _header(path: Path, row: list[str], line: int) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, name in enumerate(row):
        key = HEADER_ALIASES.get(name.strip().lower().replace(" ", ""))
        if key is None:
            continue  # extra columns (a note, a region code) are allowed and ignored
        if key in positions:
            raise _error(path, line, f"列 {key} 出现了两次", f"column {key} appears twice")
        positions[key] = index
    found = ", ".join(name.strip() for name in row)
    has_counts = "deaths" in positions or "exposure" in positions
    needed = ["age", "interval", *(["deaths", "exposure"] if has_counts or "mx" not in positions else ["mx"])]
    missing = [name for name in needed if name not in positions]
    if missing:
        raise _error(
            path,
            line,
            f"缺少列 {', '.join(missing)}（需要 age,interval,deaths,exposure[,ax] 或 age,interval,mx[,ax]；现有：{found}）",
            f"missing column {', '.join(missing)} (need age,interval,deaths,exposure[,ax] or age,interval,mx[,ax]; "
            f"found: {found})",
        )
    if has_counts and "mx" in positions:
        raise _error(
            path,
            line,
            "同时给出了 mx 和 deaths/exposure，只能二选一",
            "both mx and deaths/exposure are given; use one or the other",
        )
    return positions


def read_lifetable_csv(path: Path) -> LifeTableInput:
    """Parse a life-table input CSV (see the module docstring); raises :class:`UserError` naming file and line."""
    reader = csv.reader(io.StringIO(_decode(path)))
    positions: dict[str, int] | None = None
    columns: dict[str, list[float]] = {name: [] for name in ("age", "interval", "deaths", "exposure", "mx", "ax")}
    lines: list[int] = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        if positions is None:
            positions = _header(path, row, line)
            continue
        cells = {key: (row[index].strip() if index < len(row) else "") for key, index in positions.items()}
        age_text = cells["age"]
        open_mark = age_text.endswith("+")
        if open_mark:
            age_text = age_text[:-1]
            if cells["interval"]:
                raise _error(
                    path,
                    line,
                    f"年龄“{cells['age']}”是开口组，组距应为空",
                    f"age '{cells['age']}' is an open group, so its interval must be empty",
                )
        for key, text in cells.items():
            if key == "age":
                text = age_text
            if text:
                columns[key].append(_number(path, line, key, text))
            elif key in ("interval", "ax"):
                columns[key].append(math.nan)  # blank interval: open group; blank ax: chosen by the table
            else:
                raise _error(path, line, f"{key} 列为空", f"column {key} is empty")
        lines.append(line)
    if positions is None or not lines:
        raise _error(path, None, "文件中没有数据行", "the file has no data rows")

    def column(name: str) -> FloatArray | None:
        return np.array(columns[name]) if name in positions else None

    return LifeTableInput(
        path=path,
        ages=np.array(columns["age"]),
        intervals=np.array(columns["interval"]),
        deaths=column("deaths"),
        exposure=column("exposure"),
        mx=column("mx"),
        ax=column("ax"),
        lines=lines,
    )


def compute_life_table(
    data: LifeTableInput,
    *,
    sex: SexLike = "T",
    ax_method: str = "midpoint",
    min_deaths: float = DEFAULT_MIN_DEATHS,
    radix: float = DEFAULT_RADIX,
) -> LifeTable:
    """Run the life table on a parsed file; an input error is re-raised naming the file line of its row."""
    try:
        if data.mx is not None:
            return life_table(data.ages, data.intervals, data.mx, data.ax, sex=sex, radix=radix, ax_method=ax_method)
        if data.deaths is None or data.exposure is None:  # the reader guarantees one kind of input
            raise _error(data.path, None, "缺少 deaths/exposure 列", "missing deaths/exposure columns")
        return life_table_from_deaths(
            data.ages,
            data.intervals,
            data.deaths,
            data.exposure,
            data.ax,
            sex=sex,
            radix=radix,
            ax_method=ax_method,
            min_deaths=min_deaths,
        )
    except LifeTableInputError as error:
        line = data.lines[error.row] if error.row is not None else None
        raise _error(data.path, line, error.zh, error.en) from None


# Output precision: rates and probabilities to 8 significant digits, person counts to 3 decimals, years to 4.
OUTPUT_FORMATS: dict[str, str] = {
    "mx": ".8g",
    "qx": ".8g",
    "ax": ".4f",
    "lx": ".3f",
    "dx": ".3f",
    "Lx": ".3f",
    "Tx": ".3f",
    "ex": ".4f",
}


def format_rows(table: LifeTable) -> list[list[str]]:
    """The output rows of one table as text; an empty cell where a value is undefined (``ex`` where ``lx`` is 0)."""
    if table.shape:
        raise ValueError(f"a stack of tables of shape {table.shape}: select one table first")
    rows = []
    for i, age in enumerate(table.ages):
        width = float(table.intervals[i])
        cells = [format_age(float(age)), format_age(width) if math.isfinite(width) else ""]
        for name, spec in OUTPUT_FORMATS.items():
            value = float(getattr(table, name)[i])
            cells.append(format(value, spec) if math.isfinite(value) else "")
        rows.append(cells)
    return rows


def write_lifetable_csv(table: LifeTable, path: Path) -> None:
    """Write ``age,interval,mx,qx,ax,lx,dx,Lx,Tx,ex`` (UTF-8); the file appears complete or not at all."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise UserError(f"输出目录不存在：{directory}", f"output directory does not exist: {directory}")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(COLUMNS)
            writer.writerows(format_rows(table))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
