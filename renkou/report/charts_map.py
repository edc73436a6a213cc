"""A district choropleth from the GeoJSON of :mod:`renkou.geo`: each district shaded by a value, with its name.

The six central districts of a city are small beside its rural counties, so districts too small to label on the
main map are repeated, enlarged and labelled, in an inset.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from renkou.report.charts import WIDE_HEIGHT, WIDTH, _figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.colors import Normalize
    from matplotlib.figure import Figure

NO_DATA = "#eeeeee"
# A district whose area is below this share of the city's gets its label in the inset instead of the main map.
SMALL_SHARE = 0.02
INSET_ROOM = 0.6  # extra width east of the city, as a share of its own width, that holds the inset


def rings(geometry: Mapping[str, Any]) -> list[list[np.ndarray]]:
    """The polygons of a GeoJSON Polygon or MultiPolygon, each a list of rings (exterior first) as (n, 2) arrays."""
    kind = geometry["type"]
    polygons = [geometry["coordinates"]] if kind == "Polygon" else geometry["coordinates"]
    if kind not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"unsupported geometry type {kind}")
    return [[np.asarray(ring, dtype=np.float64) for ring in polygon] for polygon in polygons]


def ring_area_centroid(ring: np.ndarray) -> tuple[float, float, float]:
    """(signed area, centroid x, centroid y) of a closed or open ring by the shoelace formula."""
    x, y = ring[:, 0], ring[:, 1]
    x1, y1 = np.roll(x, -1), np.roll(y, -1)
    cross = x * y1 - x1 * y
    area = cross.sum() / 2
    if area == 0:
        return 0.0, float(x.mean()), float(y.mean())
    cx = ((x + x1) * cross).sum() / (6 * area)
    cy = ((y + y1) * cross).sum() / (6 * area)
    return float(area), float(cx), float(cy)


def label_point(polygons: list[list[np.ndarray]]) -> tuple[float, float, float]:
    """(area, x, y): the unsigned area of all exteriors and the centroid of the largest one."""
    measured = [ring_area_centroid(polygon[0]) for polygon in polygons]
    largest = max(measured, key=lambda m: abs(m[0]))
    return sum(abs(m[0]) for m in measured), largest[1], largest[2]


def _draw(axes: Axes, features: list[dict[str, Any]], values: Mapping[str, float | None], norm: Normalize) -> None:
    from matplotlib import colormaps
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path

    colours = colormaps["YlOrRd"]
    for feature in features:
        code = feature["properties"]["code"]
        value = values.get(code)
        paths = [Path(ring) for polygon in rings(feature["geometry"]) for ring in polygon]
        face = NO_DATA if value is None else colours(norm(value))
        axes.add_patch(PathPatch(Path.make_compound_path(*paths), facecolor=face, edgecolor="#555555", linewidth=0.5))
    axes.autoscale_view()
    axes.set_axis_off()


def _label(axes: Axes, x: float, y: float, name: str, value: float | None, value_format: str, norm: Normalize) -> None:
    shown = "无数据" if value is None else value_format.format(value)
    # White on the darkest third of the colour scale, where black text would disappear.
    colour = "white" if value is not None and norm(value) > 0.66 else "#111111"
    axes.annotate(f"{name}\n{shown}", (x, y), ha="center", va="center", fontsize=6.5, color=colour)


def choropleth(
    geojson: Mapping[str, Any],
    values: Mapping[str, float | None],
    legend: str,
    *,
    value_format: str = "{:.1f}",
) -> Figure:
    """Districts shaded by ``values`` (district code -> value, None for no data) with a colour bar."""
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    features = list(geojson["features"])
    known = [v for v in values.values() if v is not None]
    low, high = (min(known), max(known)) if known else (0.0, 1.0)
    if high == low:
        low, high = low - 0.5, high + 0.5
    norm = Normalize(low, high)
    figure = _figure(WIDE_HEIGHT, width=WIDTH)
    axes = figure.add_subplot()
    _draw(axes, features, values, norm)
    latitudes = [ring[:, 1].mean() for f in features for polygon in rings(f["geometry"]) for ring in polygon[:1]]
    aspect = 1 / math.cos(math.radians(float(np.mean(latitudes)))) if latitudes else 1.0
    axes.set_aspect(aspect)

    placed = {f["properties"]["code"]: label_point(rings(f["geometry"])) for f in features}
    city_area = sum(p[0] for p in placed.values()) or 1.0
    small = [f for f in features if placed[f["properties"]["code"]][0] / city_area < SMALL_SHARE]
    for feature in features:
        code = feature["properties"]["code"]
        if feature not in small:
            _label(
                axes,
                placed[code][1],
                placed[code][2],
                feature["properties"]["name"],
                values.get(code),
                value_format,
                norm,
            )
    if small:
        # Widen the main map to the east, and put the enlarged centre in the room this makes (not over a district).
        left, right = axes.get_xlim()
        axes.set_xlim(left, right + (right - left) * INSET_ROOM)
        inset = axes.inset_axes((0.64, 0.02, 0.36, 0.66))
        _draw(inset, small, values, norm)
        inset.set_aspect(aspect)
        for feature in small:
            code = feature["properties"]["code"]
            _label(
                inset,
                placed[code][1],
                placed[code][2],
                feature["properties"]["name"],
                values.get(code),
                value_format,
                norm,
            )
        inset.set_axis_on()
        inset.grid(False)
        for spine in inset.spines.values():
            spine.set_visible(True)
            spine.set_color("#777777")
        inset.set_xticks([])
        inset.set_yticks([])
        inset.set_title("中心城区（放大）", fontsize=7)
        axes.indicate_inset_zoom(inset, edgecolor="#777777")
    bar = figure.colorbar(ScalarMappable(norm, colormaps["YlOrRd"]), ax=axes, shrink=0.6, pad=0.01)
    bar.set_label(legend)
    return figure
