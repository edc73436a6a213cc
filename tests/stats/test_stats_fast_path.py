"""The one-pass counting path equals the previous one, and a series equals separate calls, on random registers.

The reference is the population query of ``renkou stats`` before the rewrite (stats_reference_population.py, whose
results were checked against hand computations); the register is random (stats_random_register.py), so the two
implementations are compared on persons, households and districts nobody chose.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest
from stats_random_register import build_random_register
from stats_reference_population import read_population

from renkou.register.population import population_by
from renkou.register.store import Register
from renkou.stats.compute import (
    DETAIL_KEYS,
    FLOATING_DETAIL_KEYS,
    NOT_READ,
    StatsRequest,
    compute_stats,
    compute_stats_series,
)
from renkou.stats.counts import make_areas, read_counts
from renkou.stats.counts_base import Areas, state_rows_sql, year_start
from renkou.stats.counts_population import DistrictCodes

AS_OF_DATES = (date(2018, 12, 31), date(2019, 6, 30), date(2020, 2, 29), date(2020, 12, 31))


@pytest.fixture(scope="module", params=[11, 29])
def register(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Register]:
    opened = build_random_register(Path(tmp_path_factory.mktemp("random")), seed=request.param)
    yield opened
    opened.close()


def _recorded_after_baseline(register: Register) -> datetime:
    """A moment between the residence file and the first year's hukou file (a past state of knowledge)."""
    times = [row[0] for row in register.engine.rows("SELECT DISTINCT recorded_at FROM batches ORDER BY 1")]
    return times[1] + (times[2] - times[1]) / 2


@pytest.mark.parametrize("as_of", AS_OF_DATES)
def test_population_counts_equal_the_previous_query(register: Register, as_of: date) -> None:
    areas = make_areas(register.engine, register.city, register.city_prefix)
    for known_at in (None, _recorded_after_baseline(register)):
        counts = read_counts(register.engine, areas, as_of, known_at)
        source = state_rows_sql(known_at)
        if known_at is not None:
            register.engine.execute(f"CREATE OR REPLACE TEMP TABLE rk_reference AS SELECT * FROM {source}")
            source = "rk_reference"
        old = read_population(register.engine, areas, source, year_start(as_of), as_of)
        for kind in ("registered", "resident"):
            block = counts.blocks[kind]
            assert block.population_start.sum() > 0
            np.testing.assert_array_equal(block.population_start, old.start[kind])
            np.testing.assert_array_equal(block.population_end, old.end[kind])
            np.testing.assert_array_equal(block.urban, old.urban[kind])
            np.testing.assert_array_equal(block.urban_known, old.urban_known[kind])
            np.testing.assert_array_equal(block.schooling_years, old.schooling_years[kind])
            np.testing.assert_array_equal(block.schooling_known, old.schooling_known[kind])
            households = np.stack(
                [
                    block.households,
                    block.household_members,
                    block.one_person_households,
                    block.elderly_only_households,
                ],
                axis=1,
            )
            assert households[0, 0] > 0
            np.testing.assert_array_equal(households, old.households[kind])
        floating = counts.floating
        assert floating.population_end.sum() > 0
        np.testing.assert_array_equal(floating.population_start, old.floating_start)
        np.testing.assert_array_equal(floating.population_end, old.floating_end)
        np.testing.assert_array_equal(floating.permit_holders, old.permit_holders)
        np.testing.assert_array_equal(floating.by_stay, old.by_stay)
        assert floating.by_province == old.by_province


def _plain(result: dict[str, Any]) -> Any:
    return json.loads(json.dumps(result, sort_keys=True, default=str))


def test_a_series_equals_separate_calls(register: Register) -> None:
    ends = [date(2018, 12, 31), date(2019, 12, 31), date(2020, 12, 31)]
    series = compute_stats_series(register, ends, extra_dates=(date(2016, 12, 31), date(2019, 6, 30)))
    for as_of in ends:
        assert _plain(series.results[as_of]) == _plain(compute_stats(register, StatsRequest(as_of)))
    # The city's population by sex and age on every date read, as the register's own population query gives it
    # (the start of the register's first year, 2017-12-31, included; before the baseline nobody is counted).
    for on in (date(2016, 12, 31), date(2017, 12, 31), date(2019, 6, 30), *ends):
        for kind in ("registered", "resident"):
            counts = series.city_by_age[on][kind]
            expected = np.zeros_like(counts)
            for found in population_by(register.engine, on, kind, ("sex", "age")).to_pylist():
                sex = {"F": 0, "M": 1}.get(found["sex"], 2)
                age = found["age"]
                expected[sex, 101 if age is None or age < 0 else min(age, 100)] += found["population"]
            np.testing.assert_array_equal(counts, expected)


def test_a_series_of_mid_year_dates_equals_separate_calls(register: Register) -> None:
    """Years from 1 July to 30 June (consecutive: their events read in one pass), and overlapping years (a leap day
    among them: a pass per year)."""
    for ends in ([date(2019, 6, 30), date(2020, 6, 30)], [date(2019, 6, 30), date(2020, 2, 29)]):
        series = compute_stats_series(register, ends)
        for as_of in ends:
            assert _plain(series.results[as_of]) == _plain(compute_stats(register, StatsRequest(as_of)))


def test_a_series_as_known_in_the_past_equals_separate_calls(register: Register) -> None:
    known = _recorded_after_baseline(register)
    ends = [date(2018, 6, 30), date(2018, 12, 31)]
    request = StatsRequest(ends[0], known_at=known)
    series = compute_stats_series(register, ends, request)
    for as_of in ends:
        single = compute_stats(register, StatsRequest(as_of, known_at=known))
        assert _plain(series.results[as_of]) == _plain(single)


def test_trend_years_drop_only_their_details(register: Register) -> None:
    ends = [date(2018, 12, 31), date(2019, 12, 31), date(2020, 12, 31)]
    series = compute_stats_series(register, ends, trend_only=(ends[0],), extra_dates=())
    full = compute_stats(register, StatsRequest(ends[0]))
    light = series.results[ends[0]]
    assert list(light["districts"]) == list(full["districts"])
    areas = [(light["city"], full["city"])]
    areas += [(light["districts"][code], full["districts"][code]) for code in full["districts"]]
    for area, expected in areas:
        for kind, keys in (("registered", DETAIL_KEYS), ("resident", DETAIL_KEYS), ("floating", FLOATING_DETAIL_KEYS)):
            for key, value in area[kind].items():
                if key in keys:
                    assert value is None
                    assert area[kind]["notes"][key] == NOT_READ
                elif key != "notes":
                    assert _plain({key: value}) == _plain({key: expected[kind][key]}), (kind, key)
    # The other years of the series are whole.
    assert _plain(series.results[ends[2]]) == _plain(compute_stats(register, StatsRequest(ends[2])))


def test_district_codes_keep_the_order_of_the_codes() -> None:
    """The minimum of coded values decodes to the area of the minimum code (a household's district)."""
    listed = ["330102", "330105", "330106", "330182"]
    areas = Areas(["330100", *listed], ["杭州市", "上城区", "拱墅区", "西湖区", "建德市"])
    codes = DistrictCodes(areas)
    candidates = ["", "330100", "330101", "330102", "330104", "330105", "330106", "330107", "330182", "330199", "9"]
    connection = duckdb.connect()
    coded = {code: int(connection.execute(f"SELECT {codes.sql(repr(code))}").fetchall()[0][0]) for code in candidates}
    member, rows = codes.rows(np.array([coded[c] for c in candidates]))
    assert member.all()
    for code, row in zip(candidates, rows.tolist(), strict=True):
        assert row == (areas.codes.index(code) if code in listed else -1)
    rng = np.random.default_rng(5)
    for _ in range(300):
        group = list(rng.choice(candidates, size=int(rng.integers(1, 4))))
        smallest = min(group)
        _, by_min_code = codes.rows(np.array([coded[smallest]]))
        _, by_min_coded = codes.rows(np.array([min(coded[c] for c in group)]))
        assert by_min_code[0] == by_min_coded[0], group
