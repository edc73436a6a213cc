"""Read what the report needs from the register: the indicator sets of the report year and the years before it, and
population by sex and single age for the pyramids. The only module of the report that queries the register.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

import numpy as np

from renkou.errors import UserError
from renkou.register.store import Register

TREND_YEARS = 5  # the trend section covers the report year and the four before it (e.g. 2016-2020)
PYRAMID_LAG = 5  # the pyramids are overlaid with the population five years earlier
PYRAMID_KINDS = ("registered", "resident")


@dataclass(frozen=True)
class Pyramid:
    """Population by sex and single year of age (0..``len-1``, the last the open group) on a date."""

    on: date
    female: np.ndarray
    male: np.ndarray
    unknown: int = 0  # persons whose sex or age is not known (left out of the pyramid, counted in its note)


@dataclass(frozen=True)
class ReportData:
    """Everything the report is built from."""

    year: int
    city_code: str
    stats: dict[int, dict[str, Any]]  # year -> ``compute_stats`` result as of 31 December (report year included)
    pyramids: dict[str, tuple[Pyramid, Pyramid]]  # kind -> (31 December of the year, five years earlier or the start)
    extracted_on: date  # the day the figures were read from the register
    known_at: datetime | None = None  # the figures as the register knew them then (None: everything recorded)

    @property
    def current(self) -> dict[str, Any]:
        """The indicator set of the report year."""
        return self.stats[self.year]

    @property
    def previous(self) -> dict[str, Any] | None:
        """The indicator set of the year before, when the register covers it."""
        return self.stats.get(self.year - 1)


OPEN_AGE = 100


def pyramid_from_rows(rows: list[dict[str, Any]], on: date) -> Pyramid:
    """Fold (sex, age, population) rows into arrays 0..100+; unknown sex or age is counted apart (and is rare)."""
    female = np.zeros(OPEN_AGE + 1, dtype=np.int64)
    male = np.zeros(OPEN_AGE + 1, dtype=np.int64)
    unknown = 0
    for row in rows:
        age = row["age"]
        target = {"F": female, "M": male}.get(row["sex"])
        if age is None or age < 0 or target is None:
            unknown += int(row["population"])
            continue
        target[min(int(age), OPEN_AGE)] += int(row["population"])
    return Pyramid(on, female, male, unknown)


def pyramid_from_counts(counts: np.ndarray, on: date) -> Pyramid:
    """A pyramid from counts [3 sexes (F, M, unknown), ages 0..100 (the last open) and unknown], as
    :func:`pyramid_from_rows` folds the register's rows: unknown sex or age is counted apart."""
    female = np.rint(counts[0, : OPEN_AGE + 1]).astype(np.int64)
    male = np.rint(counts[1, : OPEN_AGE + 1]).astype(np.int64)
    return Pyramid(on, female, male, round(float(counts.sum())) - int(female.sum()) - int(male.sum()))


def _year_end(year: int) -> date:
    return date(year, 12, 31)


Step = Callable[[str], None]  # told what is being done, for a progress display


def quiet(_: str) -> None:
    """The default step callback: say nothing."""


def gather(
    register: Register,
    year: int,
    *,
    today: date | None = None,
    known_at: datetime | None = None,
    step: Step = quiet,
) -> ReportData:
    """Read the report's figures for ``year`` (as of 31 December) from ``register``, as known at ``known_at``.

    ``known_at`` reproduces a report published earlier: events recorded after it (late registrations) are ignored.

    Refuses, with a bilingual one-line reason, a year the register cannot answer for: outside its range, without
    events, or a year that started before the register did (its births and deaths would be incomplete).
    """
    from renkou.stats.compute import StatsRequest, check_range, compute_stats_series
    from renkou.stats.counts import register_range

    if not 1900 <= year <= 2200:
        raise UserError(f"--year：年份不合理：{year}", f"--year: not a plausible year: {year}")
    found = register_range(register.engine, _year_end(year), known_at)
    check_range(found, _year_end(year))
    start = cast(date, found.start)
    if start > _year_end(year - 1):
        raise UserError(
            f"--year {year}：登记库始于 {start}，{year} 年不是完整的统计年度（全年出生、死亡不全）；最早可编报告的年份为 "
            f"{start.year + 1}",
            f"--year {year}: the register starts on {start}, so {year} is not a whole year (its births and deaths "
            f"are incomplete); the first year a report can cover is {start.year + 1}",
        )
    # The earlier years of the trend window (the year before also gives the changes of the summary); a year ending
    # before the register starts is simply absent. One series reads the register's state once for all the years.
    years = [y for y in range(year, year - TREND_YEARS, -1) if _year_end(y) >= start]
    step(f"{years[-1]}—{year} 年指标 / indicators of {years[-1]}-{year}")
    # The pyramids (31 December and five years earlier, or the register's first day when it starts later) come
    # from the same pass.
    earlier_on = max(_year_end(year - PYRAMID_LAG), start)
    series = compute_stats_series(
        register,
        [_year_end(y) for y in years],
        StatsRequest(as_of=_year_end(year), known_at=known_at),
        extra_dates=(earlier_on,),
        # The report reads households, urban, schooling, permits and origins of the year and the year before only.
        trend_only=tuple(_year_end(y) for y in years[2:]),
    )
    stats: dict[int, dict[str, Any]] = {y: series.results[_year_end(y)] for y in years}
    pyramids = {
        kind: (
            pyramid_from_counts(series.city_by_age[_year_end(year)][kind], _year_end(year)),
            pyramid_from_counts(series.city_by_age[earlier_on][kind], earlier_on),
        )
        for kind in PYRAMID_KINDS
    }
    return ReportData(
        year=year,
        city_code=register.city,
        stats=stats,
        pyramids=pyramids,
        extracted_on=today or date.today(),
        known_at=known_at,
    )
