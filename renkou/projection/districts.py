"""Districts and the city: bottom-up aggregation.

Each district is projected with its own base and rates; the city is their sum, series by series and variant by
variant, so the districts add up to the city exactly in every output (population, births, deaths, migrants).
Migration between districts is part of each district's net migrants (and cancels in the city total when the inputs
are consistent). Pure functions, no I/O.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np

from renkou.errors import UserError
from renkou.projection.engine import Projection


def add_city(
    projection: Projection, series: list[tuple[str, str]], city: str
) -> tuple[Projection, list[tuple[str, str]]]:
    """Append one city series per variant, the sum of all regions' series of that variant (series on axis 0)."""
    regions = list(dict.fromkeys(region for region, _ in series))
    variants = list(dict.fromkeys(variant for _, variant in series))
    if city in regions:
        raise UserError(f"城市代码 {city} 与某个地区代码相同", f"the city code {city} is also a region code")
    for region in regions:
        own = {variant for r, variant in series if r == region}
        if own != set(variants):
            raise UserError(
                f"地区 {region} 的方案 {sorted(own)} 与其他地区 {variants} 不同，无法汇总为城市",
                f"region {region} has variants {sorted(own)}, not {variants}: cannot sum to the city",
            )
    groups = [[k for k, (_, v) in enumerate(series) if v == variant] for variant in variants]
    combined = {}
    for field in fields(Projection):
        values = getattr(projection, field.name)
        city_rows = np.stack([values[group].sum(axis=0) for group in groups])
        combined[field.name] = np.concatenate([values, city_rows])
    return Projection(**combined), [*series, *((city, variant) for variant in variants)]
