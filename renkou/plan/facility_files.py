"""Files of facility planning: the standards (YAML) and the capacity (CSV), validated with line-numbered errors.

Standards file (default ``renkou/plan/rules/facilities.yaml``)::

    standards:
      - id: primary_school_places      # the facility's key (also the capacity file's "facility")
        name_zh: 小学学位
        name_en: primary school places
        unit_zh: 个
        unit_en: places
        ages: [6, 11]                  # single ages served, inclusive; [60, null] for 60 and over
        per_1000: 1000                 # units per 1000 persons of those ages
        by_single_age: true            # also report each single year of age (one school grade each)
        source: where the standard comes from

Capacity file: CSV with a header ``district,facility,year,capacity`` (a 6-digit area code, which may be the city's,
a facility id of the standards, a year, and the units available: places, beds, doctors).
"""

from __future__ import annotations

import csv
from pathlib import Path

from renkou.errors import UserError
from renkou.plan.facilities import Standard
from renkou.plan.yamlines import LineDict, LineList, Where, load_yaml

DEFAULT_STANDARDS = Path(__file__).parent / "rules" / "facilities.yaml"
_KEYS = {"id", "name_zh", "name_en", "unit_zh", "unit_en", "ages", "per_1000", "by_single_age", "source"}
CAPACITY_COLUMNS = ("district", "facility", "year", "capacity")
MAX_AGE = 100  # the projection's open group


def _standard(where: Where, item: object, line: int) -> Standard:
    if not isinstance(item, LineDict):
        raise where.fail(line, f"标准应为映射，而不是 {item!r}", f"a standard must be a mapping, not {item!r}")
    where.unknown_keys(item, _KEYS, "standard")
    ident = item.get("id")
    if not isinstance(ident, str) or not ident.isidentifier():
        raise where.fail(
            item.line_of("id"),
            f"标准的 id 无效：{ident!r}",
            f"a standard needs an id like primary_school_places: {ident!r}",
        )
    ages = item.get("ages")
    ok = (
        isinstance(ages, LineList)
        and len(ages) == 2
        and isinstance(ages[0], int)
        and not isinstance(ages[0], bool)
        and 0 <= ages[0] <= MAX_AGE
        and (ages[1] is None or (isinstance(ages[1], int) and not isinstance(ages[1], bool) and ages[0] <= ages[1]))
    )
    if not ok or ages is None:
        raise where.fail(
            item.line_of("ages"),
            f"标准 {ident} 的 ages 应为 [起始年龄, 终止年龄或 null]：{ages!r}",
            f"standard {ident}: ages must be [first age, last age or null], not {ages!r}",
        )
    rate = item.get("per_1000")
    if isinstance(rate, bool) or not isinstance(rate, int | float) or rate < 0:
        raise where.fail(
            item.line_of("per_1000"),
            f"标准 {ident} 的 per_1000 应为非负数：{rate!r}",
            f"standard {ident}: per_1000 must be a non-negative number, not {rate!r}",
        )
    by_age = item.get("by_single_age", False)
    if not isinstance(by_age, bool):
        raise where.fail(
            item.line_of("by_single_age"),
            f"标准 {ident} 的 by_single_age 应为 true/false",
            f"standard {ident}: by_single_age must be true or false",
        )
    return Standard(
        id=ident,
        name_zh=str(item.get("name_zh", ident)),
        name_en=str(item.get("name_en", ident)),
        unit_zh=str(item.get("unit_zh", "")),
        unit_en=str(item.get("unit_en", "")),
        low=int(ages[0]),
        high=None if ages[1] is None else min(int(ages[1]), MAX_AGE),
        per_1000=float(rate),
        by_single_age=by_age,
        source=str(item.get("source", "")),
    )


def load_standards(path: Path = DEFAULT_STANDARDS) -> list[Standard]:
    """Read and validate a standards file; errors name the file, line, key and value."""
    where = Where(path)
    data = load_yaml(path)
    if not isinstance(data, LineDict):
        raise where.fail(1, "标准文件应为 YAML 映射", "a standards file must be a YAML mapping")
    where.unknown_keys(data, {"standards"}, "standards file")
    items = data.get("standards")
    if not isinstance(items, LineList) or not items:
        raise where.fail(data.line_of("standards"), "standards 应为非空列表", "standards must be a non-empty list")
    found = [_standard(where, item, line) for item, line in zip(items, items.item_lines, strict=True)]
    seen: set[str] = set()
    for standard, line in zip(found, items.item_lines, strict=True):
        if standard.id in seen:
            raise where.fail(line, f"标准 id 重复：{standard.id}", f"duplicate standard id {standard.id}")
        seen.add(standard.id)
    return found


def read_capacity(path: Path, facilities: set[str]) -> dict[tuple[str, str], dict[int, float]]:
    """``(area, facility) -> year -> units`` from a capacity CSV; a bad row is an error naming its line."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise UserError(f"找不到容量文件 {path}", f"capacity file not found: {path}") from None
    except OSError as error:
        raise UserError(f"无法读取容量文件 {path}：{error}", f"cannot read capacity file {path}: {error}") from None
    capacity: dict[tuple[str, str], dict[int, float]] = {}
    with handle:
        reader = csv.DictReader(handle)
        header = tuple(name.strip() for name in reader.fieldnames or ())
        missing = [c for c in CAPACITY_COLUMNS if c not in header]
        if missing:
            raise UserError(
                f"{path}:1：容量文件缺少列 {', '.join(missing)}（应有 {','.join(CAPACITY_COLUMNS)}）",
                f"{path}:1: capacity file lacks column(s) {', '.join(missing)} (needs {','.join(CAPACITY_COLUMNS)})",
            )
        for number, raw in enumerate(reader, start=2):
            row = {str(k).strip(): (v or "").strip() for k, v in raw.items() if k is not None}
            area, facility = row["district"], row["facility"]
            if not (len(area) == 6 and area.isdigit()):
                raise UserError(
                    f"{path}:{number}：区县代码应为 6 位数字：{area!r}",
                    f"{path}:{number}: district must be a 6-digit code, not {area!r}",
                )
            if facility not in facilities:
                raise UserError(
                    f"{path}:{number}：未知设施 {facility!r}（可选：{', '.join(sorted(facilities))}）",
                    f"{path}:{number}: unknown facility {facility!r} (known: {', '.join(sorted(facilities))})",
                )
            try:
                year = int(row["year"])
                units = float(row["capacity"].replace(",", ""))
            except ValueError:
                raise UserError(
                    f"{path}:{number}：年份或容量不是数字：{row['year']!r}, {row['capacity']!r}",
                    f"{path}:{number}: year or capacity is not a number: {row['year']!r}, {row['capacity']!r}",
                ) from None
            if not (1900 <= year <= 2200) or not units >= 0:
                raise UserError(
                    f"{path}:{number}：年份或容量超出范围：{year}, {units}",
                    f"{path}:{number}: year or capacity out of range: {year}, {units}",
                )
            by_year = capacity.setdefault((area, facility), {})
            if year in by_year:
                raise UserError(
                    f"{path}:{number}：{area} {facility} {year} 重复",
                    f"{path}:{number}: {area} {facility} {year} given twice",
                )
            by_year[year] = units
    return capacity
