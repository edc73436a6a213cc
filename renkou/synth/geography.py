"""Where synthetic persons come from: ID divisions of the city's districts over time, and origin counties.

An ID number keeps the division code of the place and time it was first issued: someone born in 萧山 in 1970 got
a number in the mid-1980s under 萧山县 (330121), not 萧山区 (330109). Numbers were first issued around 1985, so the
issuing year is max(birth year, 1985). Codes and years are those of :mod:`renkou.ids.divisions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray

from renkou.ids.divisions import all_divisions, lookup

FIRST_ISSUE_YEAR = 1985

# For each 2020 district: the codes under which its people were issued ID numbers, with the first year of each
# (GB/T 2260 history: 萧山县 -> 萧山市 1988/89 -> 萧山区 2001, etc.; 滨江 was carved out of 萧山 in 1996).
DISTRICT_HISTORY: dict[str, tuple[tuple[int, str], ...]] = {
    "330102": ((0, "330102"),),
    "330103": ((0, "330103"),),
    "330104": ((0, "330104"),),
    "330105": ((0, "330105"),),
    "330106": ((0, "330106"),),
    "330108": ((0, "330121"), (1989, "330181"), (1996, "330108")),
    "330109": ((0, "330121"), (1989, "330181"), (2001, "330109")),
    "330110": ((0, "330125"), (1994, "330184"), (2001, "330110")),
    "330111": ((0, "330123"), (1994, "330183"), (2014, "330111")),
    "330112": ((0, "330124"), (1996, "330185"), (2017, "330112")),
    "330122": ((0, "330122"),),
    "330127": ((0, "330127"),),
    "330182": ((0, "330126"), (1992, "330182")),
}


def issuing_division(district: str, birth_years: NDArray[np.int64]) -> NDArray[np.int64]:
    """The division code in the ID numbers of persons born in ``district`` (a 2020 code) in the given years."""
    history = DISTRICT_HISTORY[district]
    starts = np.array([start for start, _ in history], dtype=np.int64)
    codes = np.array([int(code) for _, code in history], dtype=np.int64)
    issued = np.maximum(np.asarray(birth_years, dtype=np.int64), FIRST_ISSUE_YEAR)
    return codes[np.searchsorted(starts, issued, side="right") - 1]


@dataclass(frozen=True)
class Origins:
    """Counties of origin: province shares and, per province, stable county codes."""

    provinces: tuple[str, ...]
    shares: NDArray[np.float64]
    counties: tuple[NDArray[np.int64], ...]

    def sample(self, n: int, rng: np.random.Generator) -> NDArray[np.int64]:
        """County codes of ``n`` persons: province by share, county uniformly within it."""
        province = rng.choice(len(self.provinces), size=n, p=self.shares)
        out = np.empty(n, dtype=np.int64)
        for index, counties in enumerate(self.counties):
            chosen = province == index
            out[chosen] = counties[rng.integers(0, len(counties), int(chosen.sum()))]
        return out

    def all_codes(self) -> list[str]:
        """Every county code that :meth:`sample` can return."""
        return [str(code) for counties in self.counties for code in counties.tolist()]


@cache
def _current_counties() -> tuple[tuple[str, int | None], ...]:
    """(code, first year) of every county-level code still in use (placeholders 市辖区 and xxxx00 excluded)."""
    return tuple(
        (d.code, d.valid_from)
        for d in all_divisions()
        if d.level == "county" and d.valid_to is None and d.name != "市辖区" and not d.code.endswith("00")
    )


@cache
def stable_counties(province: str, exclude_prefix: str) -> tuple[int, ...]:
    """County-level codes of a province still in use, preferring those in use since 1990 or earlier.

    A province whose counties were all renumbered later (重庆, a municipality since 1997) keeps its current codes.
    """
    current = [
        (code, start)
        for code, start in _current_counties()
        if code.startswith(province[:2]) and not code.startswith(exclude_prefix)
    ]
    old = [(code, start) for code, start in current if start is None or start <= 1990]
    return tuple(sorted({int(code) for code, _ in (old or current)}))


def origins(province_share: dict[str, float], city_prefix: str) -> Origins:
    """The origin sampler for a city (its own counties excluded)."""
    provinces = []
    shares = []
    counties = []
    for province, share in province_share.items():
        codes = stable_counties(province, city_prefix)
        if lookup(province) is None or not codes:
            raise ValueError(f"origin province {province} has no usable county codes")
        provinces.append(province)
        shares.append(share)
        counties.append(np.array(codes, dtype=np.int64))
    weights = np.array(shares, dtype=np.float64)
    return Origins(tuple(provinces), weights / weights.sum(), tuple(counties))


def all_district_id_codes() -> list[str]:
    """Every division code that :func:`issuing_division` can return."""
    return sorted({code for history in DISTRICT_HISTORY.values() for _, code in history})
