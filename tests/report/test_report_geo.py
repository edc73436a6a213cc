"""District shapes of Hangzhou: every 2020 district present under its GB/T 2260 code, and areas that agree with the
published land areas (杭州统计年鉴: the city 16 850 km², 淳安县 4 427 km² the largest, 上城区 about 26 km²)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from renkou.errors import UserError
from renkou.geo import available_cities, district_codes, districts_geojson
from renkou.ids import lookup
from renkou.report.charts_map import ring_area_centroid, rings

DISTRICTS_2020 = {
    "330102": "上城区",
    "330103": "下城区",
    "330104": "江干区",
    "330105": "拱墅区",
    "330106": "西湖区",
    "330108": "滨江区",
    "330109": "萧山区",
    "330110": "余杭区",
    "330111": "富阳区",
    "330112": "临安区",
    "330122": "桐庐县",
    "330127": "淳安县",
    "330182": "建德市",
}
KM_PER_DEGREE = 111.32


def _area_km2(feature: dict) -> float:  # type: ignore[type-arg]
    """Area on an equirectangular projection at the ring's latitude (good to a fraction of a percent here)."""
    total = 0.0
    for polygon in rings(feature["geometry"]):
        for index, ring in enumerate(polygon):
            scale = KM_PER_DEGREE**2 * math.cos(math.radians(float(np.mean(ring[:, 1]))))
            area = abs(ring_area_centroid(ring)[0]) * scale
            total += area if index == 0 else -area
    return total


def test_all_thirteen_districts_of_2020_have_a_shape_under_their_code() -> None:
    assert "330100" in available_cities()
    assert district_codes("330100") == sorted(DISTRICTS_2020)
    for feature in districts_geojson()["features"]:
        code, name = feature["properties"]["code"], feature["properties"]["name"]
        assert DISTRICTS_2020[code] == name
        division = lookup(code, 2020)
        assert division is not None and division.name == name and division.parent_code == "330100"


def test_linan_is_marked_redrawn_from_the_county_level_city() -> None:
    features = {f["properties"]["code"]: f["properties"] for f in districts_geojson()["features"]}
    assert features["330112"]["redrawn"] is True
    assert features["330112"]["source_code"] == "330185" and features["330112"]["source_name"] == "临安市"
    assert [c for c, p in features.items() if p["redrawn"]] == ["330112"]


def test_areas_agree_with_the_published_land_areas() -> None:
    areas = {f["properties"]["code"]: _area_km2(f) for f in districts_geojson()["features"]}
    assert sum(areas.values()) == pytest.approx(16_850, rel=0.05)
    assert max(areas, key=areas.__getitem__) == "330127"
    assert areas["330127"] == pytest.approx(4_427, rel=0.08)
    assert areas["330102"] < 40


def test_the_caller_gets_a_copy() -> None:
    first = districts_geojson()
    first["features"].clear()
    assert len(districts_geojson()["features"]) == 13


def test_unknown_city_is_a_bilingual_error() -> None:
    with pytest.raises(UserError) as error:
        districts_geojson("320500")
    assert "320500" in error.value.zh and "320500" in error.value.en and "330100" in str(error.value)


def test_extract_maps_an_abolished_code_to_the_division_of_the_year() -> None:
    from renkou.geo.extract import convert, current_division, name_stem

    assert name_stem("临安市") == "临安" and name_stem("淳安县") == "淳安" and name_stem("上城区") == "上城"
    assert current_division("330185", "临安市", "330100", 2020) == ("330112", "临安区")
    assert current_division("330185", "临安市", "330100", 2016) == ("330185", "临安市")
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}
    source = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": "330185", "properties": {"name": "临安市"}, "geometry": square},
            {"type": "Feature", "id": "330102", "properties": {"name": "上城区"}, "geometry": square},
        ],
    }
    converted = convert(source, "330100", 2020)
    assert [f["properties"]["code"] for f in converted["features"]] == ["330102", "330112"]
    assert [f["properties"]["redrawn"] for f in converted["features"]] == [False, True]
    assert converted["features"][1]["geometry"] == square
