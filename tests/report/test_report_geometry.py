"""Pure helpers of the charts and the content: age grouping, pyramids from rows, polygon areas, province folding.

Each is checked against a plain loop or a shape whose answer is known by hand.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from renkou.report.charts import five_year_groups, group_labels
from renkou.report.charts_map import label_point, ring_area_centroid, rings
from renkou.report.content_vital import SMALL_CELL, province_rows
from renkou.report.gather import OPEN_AGE, pyramid_from_rows


def test_five_year_groups_match_a_plain_loop() -> None:
    rng = np.random.default_rng(7)
    single = rng.integers(0, 500, size=OPEN_AGE + 1)
    expected = [0] * 21
    for age, count in enumerate(single):
        expected[min(age // 5, 20)] += int(count)
    assert five_year_groups(single).tolist() == expected
    assert group_labels()[0] == "0-4" and group_labels()[-2] == "95-99" and group_labels()[-1] == "100+"


def test_pyramid_rows_fold_the_open_age_and_skip_unknowns() -> None:
    rows = [
        {"sex": "F", "age": 0, "population": 3},
        {"sex": "M", "age": 0, "population": 4},
        {"sex": "F", "age": 100, "population": 1},
        {"sex": "F", "age": 104, "population": 2},
        {"sex": None, "age": 30, "population": 9},
        {"sex": "M", "age": None, "population": 9},
    ]
    pyramid = pyramid_from_rows(rows, date(2020, 12, 31))
    assert pyramid.female[0] == 3 and pyramid.male[0] == 4
    assert pyramid.female[OPEN_AGE] == 3
    assert pyramid.female.sum() + pyramid.male.sum() == 10
    assert pyramid.unknown == 18


def test_shoelace_area_and_centroid_of_known_shapes() -> None:
    square = np.array([[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]], dtype=float)
    area, cx, cy = ring_area_centroid(square)
    assert (area, cx, cy) == (4.0, 1.0, 1.0)
    triangle = np.array([[0, 0], [3, 0], [0, 3]], dtype=float)  # open ring: centroid at the mean of the corners
    area, cx, cy = ring_area_centroid(triangle)
    assert area == 4.5 and np.isclose(cx, 1.0) and np.isclose(cy, 1.0)
    clockwise = square[::-1]
    assert ring_area_centroid(clockwise)[0] == -4.0


def test_label_point_uses_the_largest_part_of_a_multipolygon() -> None:
    geometry = {
        "type": "MultiPolygon",
        "coordinates": [
            [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]],
            [[[10, 10], [14, 10], [14, 14], [10, 14], [10, 10]]],
        ],
    }
    area, x, y = label_point(rings(geometry))
    assert area == 17.0 and (x, y) == (12.0, 12.0)


def test_provinces_fold_small_cells_and_the_tail_into_others() -> None:
    by_province = {f"{i:02d}0000": {"name": f"省{i:02d}", "population": 100 - i} for i in range(11, 25)}
    by_province["650000"] = {"name": "新疆维吾尔自治区", "population": SMALL_CELL - 1}
    by_province["unknown"] = {"name": None, "population": 5}
    rows = province_rows(by_province)
    assert len(rows) == 11 and rows[-1][0] == "其他省份及不详"
    assert [name for name, _ in rows[:3]] == ["省11", "省12", "省13"]
    assert sum(count for _, count in rows) == sum(int(e["population"]) for e in by_province.values())
    assert all(count >= SMALL_CELL for _, count in rows)
