"""District shapes as data: GeoJSON of a city's county-level divisions, keyed by GB/T 2260 code.

Used by the annual report (choropleth maps) and the web dashboard (ECharts maps). The shapes ship as package data
(``data/<city code>.geojson``, sources and licence in ``data/SOURCES.md``); each feature has the properties
``code`` and ``name`` (the division in 2020), ``source_code``, ``source_name`` and ``redrawn`` (whether the code or
name was changed from the source's, e.g. 临安市 330185 -> 临安区 330112, same area). Coordinates are longitude and
latitude in degrees, as in the source (which does not state its datum; good for display, not for surveying).
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

from renkou.errors import UserError

__all__ = ["available_cities", "district_codes", "districts_geojson"]


def available_cities() -> list[str]:
    """The city codes (6 digits, GB/T 2260) whose district shapes ship with renkou."""
    folder = resources.files("renkou.geo") / "data"
    return sorted(entry.name.removesuffix(".geojson") for entry in folder.iterdir() if entry.name.endswith(".geojson"))


@cache
def _load(city: str) -> dict[str, Any]:
    path = resources.files("renkou.geo") / "data" / f"{city}.geojson"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def districts_geojson(city: str = "330100") -> dict[str, Any]:
    """The district shapes of ``city`` as a GeoJSON FeatureCollection (a fresh copy the caller may change).

    Raises :class:`renkou.errors.UserError` when no shapes ship for ``city``.
    """
    cities = available_cities()
    if city not in cities:
        raise UserError(
            f"没有城市 {city} 的区县边界数据；已有：{', '.join(cities)}",
            f"no district shapes for city {city}; available: {', '.join(cities)}",
        )
    return copy.deepcopy(_load(city))


def district_codes(city: str = "330100") -> list[str]:
    """The GB/T 2260 codes of the districts that have a shape, in code order."""
    return sorted(str(f["properties"]["code"]) for f in districts_geojson(city)["features"])
