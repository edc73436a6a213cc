"""The dashboard's figures, shaped from the indicator set of :func:`renkou.stats.compute.compute_stats` (the same
numbers as ``renkou stats``). Pure: dictionaries in, dictionaries out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from renkou.api.analytics import usable_years

__all__ = ["usable_years"]  # kept here for the dashboard's callers; the rule lives with the analytics reads


@dataclass(frozen=True)
class Card:
    """An overview card: which block of the indicator set and which indicator, and how to show it."""

    key: str  # message key of the label (renkou.web.catalog)
    block: str  # registered | resident | floating
    indicator: str
    unit: str  # persons | per_mille | fraction | years | children | ratio
    # How the change is shown: absolute difference, or (for counts) also the relative change.
    relative: bool = False


CARDS = (
    Card("card.registered", "registered", "population", "persons", relative=True),
    Card("card.resident", "resident", "population", "persons", relative=True),
    Card("card.floating", "floating", "population", "persons", relative=True),
    Card("card.births", "resident", "births", "persons", relative=True),
    Card("card.deaths", "resident", "deaths", "persons", relative=True),
    Card("card.cbr", "resident", "crude_birth_rate", "per_mille"),
    Card("card.nir", "resident", "natural_increase_rate", "per_mille"),
    Card("card.tfr", "resident", "total_fertility_rate", "children"),
    Card("card.e0", "resident", "life_expectancy_at_birth", "years"),
    Card("card.share60", "resident", "share_60_plus", "fraction"),
    Card("card.share65", "resident", "share_65_plus", "fraction"),
    Card("card.urban", "resident", "urbanization_rate", "fraction"),
)

TREND_SERIES = (
    ("registered", "population"),
    ("resident", "population"),
    ("floating", "population"),
    ("resident", "births"),
    ("resident", "deaths"),
    ("resident", "crude_birth_rate"),
    ("resident", "crude_death_rate"),
    ("resident", "natural_increase_rate"),
)


def _value(area: Mapping[str, Any] | None, block: str, indicator: str) -> float | None:
    if area is None:
        return None
    found = area.get(block, {}).get(indicator)
    return float(found) if isinstance(found, int | float) else None


def change(current: float | None, previous: float | None) -> tuple[float | None, float | None]:
    """(difference, relative change) from ``previous`` to ``current``; None where it cannot be computed."""
    if current is None or previous is None:
        return None, None
    difference = current - previous
    relative = difference / previous if previous else None
    return difference, relative


def overview_cards(current: Mapping[str, Any], previous: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The cards of the city: value this year, last year, difference and (for counts) relative change."""
    cards = []
    for card in CARDS:
        now = _value(current, card.block, card.indicator)
        before = _value(previous, card.block, card.indicator)
        difference, relative = change(now, before)
        cards.append(
            {
                "key": card.key,
                "block": card.block,
                "indicator": card.indicator,
                "unit": card.unit,
                "value": now,
                "previous": before,
                "change": difference,
                "relative_change": relative if card.relative else None,
            }
        )
    return cards


def district_rows(
    current: Mapping[str, Mapping[str, Any]], previous: Mapping[str, Mapping[str, Any]] | None
) -> list[dict[str, Any]]:
    """One row per district: the three populations, this year's change of the resident population, ageing, births,
    deaths and the crude birth rate."""
    rows = []
    for code, area in current.items():
        before = previous.get(code) if previous else None
        resident = _value(area, "resident", "population")
        resident_change, resident_relative = change(resident, _value(before, "resident", "population"))
        rows.append(
            {
                "code": code,
                "name": area.get("name"),
                "registered": _value(area, "registered", "population"),
                "resident": resident,
                "floating": _value(area, "floating", "population"),
                "resident_change": resident_change,
                "resident_relative_change": resident_relative,
                "share_60_plus": _value(area, "resident", "share_60_plus"),
                "births": _value(area, "resident", "births"),
                "deaths": _value(area, "resident", "deaths"),
                "crude_birth_rate": _value(area, "resident", "crude_birth_rate"),
            }
        )
    return rows


def trend(years: Iterable[int], stats_by_year: Mapping[int, Mapping[str, Any]]) -> dict[str, Any]:
    """Year-by-year series of the city (:data:`TREND_SERIES`), null where a year has no value."""
    chosen = sorted(years)
    series = {
        f"{block}.{indicator}": [_value(stats_by_year[year].get("city"), block, indicator) for year in chosen]
        for block, indicator in TREND_SERIES
    }
    return {"years": chosen, "series": series}


PYRAMID_WIDTH = 5
PYRAMID_OPEN_AGE = 85


def pyramid_labels(width: int = PYRAMID_WIDTH, open_age: int = PYRAMID_OPEN_AGE) -> list[str]:
    """Age-group labels of the pyramid: ``0-4``, ``5-9``, ... and the open group ``85+``."""
    return [*(f"{start}-{start + width - 1}" for start in range(0, open_age, width)), f"{open_age}+"]


def pyramid(
    rows: Iterable[tuple[str | None, int | None, int]], width: int = PYRAMID_WIDTH, open_age: int = PYRAMID_OPEN_AGE
) -> dict[str, list[int]]:
    """Persons by sex and age group from (sex, age in completed years, persons); unknown sex or age left out."""
    size = open_age // width + 1
    out = {"F": [0] * size, "M": [0] * size}
    for sex, age, persons in rows:
        if sex in out and age is not None and age >= 0:
            out[sex][min(age // width, size - 1)] += int(persons)
    return out
