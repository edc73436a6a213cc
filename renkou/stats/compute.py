"""The indicator set of ``renkou stats``: for the city and every district, registered, resident and floating.

Python API: :func:`compute_stats` returns the JSON-ready dictionary of the contract in DESIGN.md ("Contracts",
``stats --json``)::

    {"as_of": "YYYY-MM-DD", "city": B, "districts": {"330102": {"name": "上城区", ...B}}, ...}

where ``B = {"registered": I, "resident": I, "floating": F}``. ``I`` holds the indicators of
:mod:`renkou.stats.definitions` and ``"notes"`` (key -> bilingual reason or warning). The work is a handful of
grouped queries (:mod:`renkou.stats.counts`) and array arithmetic (:mod:`renkou.stats.block`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from renkou.errors import UserError
from renkou.register.population import KIND_ZH
from renkou.register.store import Register
from renkou.stats import indicators as ind
from renkou.stats.area_life_tables import AreaLifeTable, area_life_table, block_life_tables
from renkou.stats.block import AreaResult, area_results, block_arrays
from renkou.stats.counts import (
    BLOCK_KINDS,
    STAY_LABELS,
    Areas,
    FloatingCounts,
    RegisterCounts,
    RegisterRange,
    district_list,
    make_areas,
    read_counts,
    read_counts_series,
    register_range,
    year_start,
)
from renkou.stats.definitions import FLOATING_DEFINITIONS, describe_all
from renkou.stats.lifetable import DEFAULT_MIN_DEATHS

# A register whose last event is this long before the as-of date probably lacks the latest deliveries.
STALE_DAYS = 31


@dataclass(frozen=True)
class StatsRequest:
    """What to compute: the as-of date, optionally one district and a past state of knowledge."""

    as_of: date
    district: str | None = None
    known_at: datetime | None = None
    min_deaths: float = DEFAULT_MIN_DEATHS


def check_range(found: RegisterRange, as_of: date) -> None:
    """Refuse an as-of date the register cannot answer for, with a one-line reason."""
    if found.first_event is None or found.start is None:
        raise UserError("登记库中没有任何事件", "the register has no events")
    if as_of < found.start:
        raise UserError(
            f"截至日期 {as_of} 早于登记库的起始日期 {found.start}（基础登记日），此前的人口未知",
            f"as-of date {as_of} is before the register starts on {found.start} (its baseline); the population "
            "before that is unknown",
        )
    if found.last_recorded is not None and as_of > found.last_recorded:
        raise UserError(
            f"截至日期 {as_of} 晚于登记库最后一次登记的日期 {found.last_recorded}",
            f"as-of date {as_of} is after the last date anything was recorded in the register ({found.last_recorded})",
        )
    if found.events_in_year == 0:
        start = year_start(as_of) + timedelta(days=1)
        raise UserError(
            f"{start} 至 {as_of} 这一年中登记库没有任何事件，无法统计该年",
            f"the register has no events in the year {start} to {as_of}, so there is nothing to report for it",
        )


def _selected_rows(counts: RegisterCounts, in_use: dict[str, str]) -> list[int]:
    """District rows to report: those in use in the as-of year and any other with people or events."""
    rows = []
    for row in range(1, counts.areas.size):
        busy = (
            any(
                block.population_start[row].sum()
                or block.population_end[row].sum()
                or block.births[row].sum()
                or block.deaths[row].sum()
                for block in counts.blocks.values()
            )
            or counts.floating.population_end[row].sum()
        )
        if counts.areas.codes[row] in in_use or busy:
            rows.append(row)
    return rows


def _pick_district(text: str, codes: list[str], names: list[str]) -> str:
    wanted = text.strip()
    for code, name in zip(codes, names, strict=True):
        if wanted in (code, name):
            return code
    listing = ", ".join(f"{c} {n}" for c, n in zip(codes, names, strict=True))
    raise UserError(
        f"--district：本市没有区县“{text}”；可选：{listing}",
        f"--district: the city has no district '{text}'; known districts: {listing}",
    )


def _floating(counts: FloatingCounts, area: int, province_names: dict[str, str], covered: bool) -> dict[str, Any]:
    end = counts.population_end[area]
    population = int(end.sum())
    start = int(counts.population_start[area].sum())
    result: dict[str, Any] = {
        "population": population,
        "population_start": start if covered else None,
        "population_change": population - start if covered else None,
        "male": int(end[1]),
        "female": int(end[0]),
        "permit_holders": int(counts.permit_holders[area]),
    }
    notes: dict[str, str] = {}
    share = ind.ratio(counts.permit_holders[area], population)
    result["permit_share"] = round(float(share), 4) if np.isfinite(share) else None
    if result["permit_share"] is None:
        notes["permit_share"] = str(FLOATING_DEFINITIONS["permit_share"].null_reason)
    provinces = sorted(counts.by_province[area].items(), key=lambda item: (-item[1], item[0]))
    result["by_province_of_origin"] = {
        code or "unknown": {"name": province_names.get(code), "population": n} for code, n in provinces
    }
    stays = counts.by_stay[area]
    result["by_years_of_residence"] = {label: int(stays[i]) for i, label in enumerate(STAY_LABELS)}
    if stays[-1]:
        result["by_years_of_residence"]["unknown"] = int(stays[-1])
    if not covered:
        notes["population_start"] = notes["population_change"] = (
            "统计年度的起点早于登记库的起始日期 / the year starts before the register does"
        )
    result["notes"] = notes
    return result


def _province_names(counts: FloatingCounts) -> dict[str, str]:
    from renkou.ids import lookup

    names: dict[str, str] = {}
    for code in {c for area in counts.by_province for c in area if c}:
        found = lookup(code)
        if found is not None:
            names[code] = found.name
    return names


def _block(result: AreaResult) -> dict[str, Any]:
    return {**result.values, "notes": result.notes}


def _global_notes(found: RegisterRange, counts: RegisterCounts, covered: bool) -> list[str]:
    notes = [
        "年平均人口取年初（上年同日）与年末（截至日）人口的平均数；分年龄生育率和生命表的人年数同样取平均 / the mean "
        "population of the year is the average of the populations at its start (the same day a year earlier) and "
        "its end (the as-of date); the person-years of the fertility rates and life tables are taken the same way",
    ]
    if found.last_event is not None and (counts.as_of - found.last_event).days > STALE_DAYS:
        notes.append(
            f"登记库最后一个事件发生在 {found.last_event}，其后的变动可能尚未报送 / the register's last event occurred "
            f"on {found.last_event}; changes after it may not have been delivered yet"
        )
    if not covered:
        notes.append(
            f"登记库始于 {found.start}，晚于统计年度的起点 {counts.start}：本年流量指标为空 / the register starts on "
            f"{found.start}, after the start of the year ({counts.start}): the year's flow indicators are null"
        )
    for kind in BLOCK_KINDS:
        unknown = int(counts.blocks[kind].births_by_mother_age[0, -1])
        if unknown:
            notes.append(
                f"{KIND_ZH[kind]}：{unknown} 例出生的母亲年龄不详，已按已知年龄构成分摊 / {kind} population: {unknown} "
                "births with the mother's age unknown were spread over the known ages"
            )
    return notes


def compute_stats(register: Register, request: StatsRequest) -> dict[str, Any]:
    """Every indicator for the city and its districts (or one district) on ``request.as_of``, as a dictionary."""
    return compute_stats_series(register, [request.as_of], request).results[request.as_of]


@dataclass(frozen=True)
class StatsSeries:
    """Indicator sets of several as-of dates, and the city's population by sex and age read on the way."""

    results: dict[date, dict[str, Any]]  # as-of date -> what compute_stats returns for it
    # date (every as-of date, each year's start and the extra dates) -> "registered" / "resident" -> counts
    # [3 sexes (F, M, unknown), ages 0..100 (the last open) and unknown]
    city_by_age: dict[date, dict[str, np.ndarray]]


def compute_stats_series(
    register: Register,
    as_of_dates: list[date],
    options: StatsRequest | None = None,
    *,
    extra_dates: tuple[date, ...] = (),
    trend_only: tuple[date, ...] = (),
) -> StatsSeries:
    """:func:`compute_stats` for several as-of dates at once (the trend years of a report), each result the same as
    a call of its own, but the register's state read in one pass for all the dates (and ``extra_dates``, whose
    city populations by sex and age come along, e.g. for a pyramid five years earlier).

    ``options`` gives the district, ``known_at`` and ``min_deaths`` (its ``as_of`` is ignored). Every date is
    checked first, so a date the register cannot answer for refuses the whole series. The as-of dates in
    ``trend_only`` get what a trend needs (stocks, flows, rates, life tables): their urban, household, schooling,
    permit and origin indicators are not read and are null, with a note saying so.
    """
    request = options or StatsRequest(as_of_dates[0])
    dates = sorted(set(as_of_dates))
    engine = register.engine
    found = {as_of: register_range(engine, as_of, request.known_at) for as_of in dates}
    for as_of in dates:
        check_range(found[as_of], as_of)
    areas = make_areas(engine, register.city, register.city_prefix)
    light = frozenset(trend_only)
    series = read_counts_series(engine, areas, dates, request.known_at, tuple(extra_dates), light)
    results = {
        as_of: _result(register, areas, found[as_of], counts, request)
        for as_of, counts in zip(dates, series.counts, strict=True)
    }
    for as_of in light & set(results):
        _drop_details(results[as_of])
    return StatsSeries(results, series.city_by_age)


# Indicators computed from what a trend year does not read (see compute_stats_series).
DETAIL_KEYS = (
    "urban_population",
    "urbanization_rate",
    "households",
    "mean_household_size",
    "one_person_households",
    "elderly_only_households",
    "persons_without_household",
    "mean_years_of_schooling_working_age",
)
FLOATING_DETAIL_KEYS = ("permit_holders", "permit_share", "by_province_of_origin", "by_years_of_residence")
NOT_READ = "趋势年份未统计此项 / not computed for a trend year"


def _drop_details(result: dict[str, Any]) -> None:
    for area in (result["city"], *result["districts"].values()):
        for kind, keys in (("registered", DETAIL_KEYS), ("resident", DETAIL_KEYS), ("floating", FLOATING_DETAIL_KEYS)):
            block = area[kind]
            for key in keys:
                block[key] = None
                block["notes"][key] = NOT_READ


def _result(
    register: Register, areas: Areas, found: RegisterRange, counts: RegisterCounts, request: StatsRequest
) -> dict[str, Any]:
    """The indicator dictionary of one as-of date from its counts."""
    engine = register.engine
    city = register.city
    as_of = counts.as_of
    in_use = dict(district_list(engine, city, register.city_prefix, as_of.year))
    covered = found.start is not None and found.start <= counts.start
    rows = _selected_rows(counts, in_use)
    names = [in_use.get(areas.codes[row], areas.names[row]) for row in rows]
    if request.district is not None:
        chosen = _pick_district(request.district, [areas.codes[r] for r in rows], names)
        keep = [i for i, row in enumerate(rows) if areas.codes[row] == chosen]
        rows, names = [rows[i] for i in keep], [names[i] for i in keep]
    all_rows = [0, *rows]
    per_kind = {}
    for kind in BLOCK_KINDS:
        block = counts.blocks[kind]
        arrays = block_arrays(block, all_rows, min_deaths=request.min_deaths)
        per_kind[kind] = dict(zip(all_rows, area_results(block, arrays, covered=covered, rows=all_rows), strict=True))
    provinces = _province_names(counts.floating)

    def area_block(row: int) -> dict[str, Any]:
        return {
            "registered": _block(per_kind["registered"][row]),
            "resident": _block(per_kind["resident"][row]),
            "floating": _floating(counts.floating, row, provinces, covered),
        }

    return {
        "as_of": as_of.isoformat(),
        "year": {"from": (counts.start + timedelta(days=1)).isoformat(), "to": as_of.isoformat()},
        "known_at": request.known_at.isoformat() if request.known_at else None,
        "register": {
            "start": found.start.isoformat() if found.start else None,
            "last_event": found.last_event.isoformat() if found.last_event else None,
            "last_recorded": found.last_recorded.isoformat() if found.last_recorded else None,
        },
        "city": {"code": city, "name": areas.names[0], **area_block(0)},
        "districts": {
            areas.codes[row]: {"name": name, **area_block(row)} for row, name in zip(rows, names, strict=True)
        },
        "notes": _global_notes(found, counts, covered),
        "definitions": describe_all(),
    }


def life_tables(
    register: Register,
    as_of: date,
    kind: str = "resident",
    *,
    district: str | None = None,
    abridged: bool = True,
    open_age: int = ind.OPEN_AGE,
    known_at: datetime | None = None,
    min_deaths: float = DEFAULT_MIN_DEATHS,
) -> dict[str, AreaLifeTable]:
    """The period life tables ("F", "M", "T") of the year ending on ``as_of`` for the city or one district.

    Abridged (0, 1-4, 5-9, ..., 85+) by default; ``abridged=False`` gives complete tables of single years up to
    ``open_age`` (at most 100), sensible only for large populations.
    """
    if kind not in BLOCK_KINDS:
        raise UserError(
            f"生命表的人口口径应为 registered 或 resident：{kind}", f"life tables need registered or resident: {kind}"
        )
    engine = register.engine
    check_range(register_range(engine, as_of, known_at), as_of)
    areas = make_areas(engine, register.city, register.city_prefix)
    row = 0
    if district is not None:
        row = areas.codes.index(_pick_district(district, areas.codes[1:], areas.names[1:]))
    block = read_counts(engine, _one_area(areas, row), as_of, known_at).blocks[kind]
    if abridged:
        return block_life_tables(
            block.deaths, block.population_start, block.population_end, [-1], min_deaths=min_deaths
        )[0]
    known = slice(0, ind.OPEN_AGE + 1)
    tables = {}
    for index, sex in enumerate(("F", "M", "T")):

        def pick(array: np.ndarray, index: int = index, sex: str = sex) -> np.ndarray:
            return array[-1, :, known].sum(axis=0) if sex == "T" else array[-1, index, known]

        tables[sex] = area_life_table(
            pick(block.deaths),
            pick(block.population_start),
            pick(block.population_end),
            sex,
            abridged=False,
            open_age=open_age,
            min_deaths=min_deaths,
        )
    return tables


def _one_area(areas: Areas, row: int) -> Areas:
    """The city alone, or the city and one district (its counts in the last row)."""
    if row == 0:
        return Areas(areas.codes[:1], areas.names[:1])
    return Areas([areas.codes[0], areas.codes[row]], [areas.names[0], areas.names[row]])
