"""Administrative division codes (GB/T 2260): provinces, prefecture cities, counties and districts, past and present.

The table (``data/divisions.csv``, built by ``scripts/build_divisions.py``; sources in ``data/SOURCES.md``) has one
row per name a code has carried, with the years it was in use (inclusive; an empty ``valid_from`` means "since
before the first code list", an empty ``valid_to`` means "still in use"). In the year of a change the old and the
new name (or the abolished and the new code) both count as in use; :func:`lookup` then gives the newer name.
It is read once, on first use.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

LEVELS = ("province", "prefecture", "county")
# Province-level municipalities: their prefecture-level codes (xx0100 市辖区, xx0200 县) are placeholders, and the
# city a district belongs to is the municipality itself.
MUNICIPALITIES = frozenset({"11", "12", "31", "50"})
# Prefecture digits 90: counties administered directly by the province (省直辖县级行政区划), under no city.
DIRECT_COUNTIES = "90"


@dataclass(frozen=True)
class Division:
    """One name of one division code over the years it was in use."""

    code: str
    name: str
    level: str
    parent_code: str | None
    valid_from: int | None
    valid_to: int | None

    @property
    def is_current(self) -> bool:
        """True when the code still carries this name."""
        return self.valid_to is None

    def valid_in(self, year: int) -> bool:
        """True when the code carried this name at some time in ``year``."""
        return (self.valid_from is None or self.valid_from <= year) and (self.valid_to is None or year <= self.valid_to)


@dataclass(frozen=True)
class _Table:
    rows: tuple[Division, ...]
    by_code: dict[str, tuple[Division, ...]]
    by_name: dict[str, tuple[Division, ...]]


def _int_or_none(text: str) -> int | None:
    return int(text) if text else None


@cache
def _table() -> _Table:
    text = (resources.files("renkou.ids.data") / "divisions.csv").read_text(encoding="utf-8")
    rows = tuple(
        Division(
            code=row["code"],
            name=row["name"],
            level=row["level"],
            parent_code=row["parent_code"] or None,
            valid_from=_int_or_none(row["valid_from"]),
            valid_to=_int_or_none(row["valid_to"]),
        )
        for row in csv.DictReader(io.StringIO(text))
    )
    by_code: dict[str, list[Division]] = {}
    by_name: dict[str, list[Division]] = {}
    for division in rows:
        by_code.setdefault(division.code, []).append(division)
        by_name.setdefault(division.name, []).append(division)
    return _Table(
        rows=rows,
        by_code={code: tuple(found) for code, found in by_code.items()},
        by_name={name: tuple(found) for name, found in by_name.items()},
    )


def _latest(candidates: Iterable[Division]) -> Division | None:
    """The most recent of several names: still in use first, then the latest end, then the latest start."""
    return max(candidates, key=lambda d: (d.valid_to or 10_000, d.valid_from or 0), default=None)


def all_divisions() -> list[Division]:
    """Every row of the table (all codes, all names over time), ordered by code then period."""
    return list(_table().rows)


def is_known(code: str) -> bool:
    """True when ``code`` was a GB/T 2260 code at any time."""
    return code in _table().by_code


def lookup(code: str, year: int | None = None) -> Division | None:
    """The division with this code: its name in ``year``, or its latest name when ``year`` is None.

    None when the code is unknown, or was not in use in ``year``.
    """
    found = _table().by_code.get(code, ())
    if year is not None:
        found = tuple(d for d in found if d.valid_in(year))
    return _latest(found)


def history(code: str) -> list[Division]:
    """All names the code has carried, oldest first (empty for an unknown code)."""
    return list(_table().by_code.get(code, ()))


def _prefix(parent: Division) -> str:
    """The code prefix shared by everything inside a province (2 digits) or a prefecture (4 digits)."""
    return parent.code[:2] if parent.level == "province" else parent.code[:4]


def find_by_name(name: str, parent: str | None = None) -> list[Division]:
    """Divisions called ``name`` (exactly; failing that, whose name starts with it, so "杭州" finds 杭州市).

    ``parent`` (a code or a name) keeps those inside that province or prefecture. Current names come first,
    then by code. A name can match several codes (e.g. 西湖区 in Hangzhou and in Nanchang, or a renumbered county).
    """
    table = _table()
    wanted = name.strip()
    found: list[Division] = list(table.by_name.get(wanted, ()))
    if not found and wanted:
        found = [d for d in table.rows if d.name.startswith(wanted)]
    if parent is not None:
        parents = [lookup(parent)] if parent.isdigit() else find_by_name(parent)
        areas = {(p.code, _prefix(p)) for p in parents if p is not None and p.level != "county"}
        found = [d for d in found if any(d.code != code and d.code.startswith(prefix) for code, prefix in areas)]
    return sorted(found, key=lambda d: (not d.is_current, d.code, d.valid_from or 0))


def province_of(code: str, year: int | None = None) -> Division | None:
    """The province-level division containing ``code`` (itself for a province), or None if ``code`` is unknown."""
    if not is_known(code):
        return None
    return lookup(code[:2] + "0000", year)


def prefecture_of(code: str, year: int | None = None) -> Division | None:
    """The prefecture-level city containing ``code`` (itself for a prefecture).

    For the districts of a municipality (北京, 天津, 上海, 重庆) that is the municipality itself; a county that
    the province administers directly (codes xx90xx, e.g. 济源市 419001) and a province have none (None).
    None also for an unknown code.
    """
    if not is_known(code) or code.endswith("0000"):
        return None
    if code[:2] in MUNICIPALITIES:
        return lookup(code[:2] + "0000", year)
    if code[2:4] == DIRECT_COUNTIES:
        return None
    return lookup(code[:4] + "00", year)


def children_of(code: str, year: int | None = None) -> list[Division]:
    """The divisions whose parent is ``code`` (in ``year`` if given, else those still in use), ordered by code."""
    rows = (d for d in _table().rows if d.parent_code == code)
    if year is None:
        return [d for d in rows if d.is_current]
    return [d for d in rows if d.valid_in(year)]
