"""How numbers read in a Chinese statistical bulletin (统计公报): persons, 万人, ‰, %, and changes.

Pure string formatting; ``None`` (a figure that could not be computed) reads as "—" in tables and makes a
sentence say the figure is not available rather than print a zero.
"""

from __future__ import annotations

DASH = "—"
# Counts from this size on read in 万人 (ten thousands), as bulletins do ("出生10.86万人"); smaller ones in persons.
WAN_FROM = 10_000


def persons(count: float | None) -> str:
    """A head count in text: ``11936010`` -> ``1193.60万人``, ``9999`` -> ``9999人``."""
    if count is None:
        return DASH
    if abs(count) >= WAN_FROM:
        return f"{count / 10_000:.2f}万人"
    return f"{round(count)}人"


def count_cell(count: float | None) -> str:
    """A head count in a table cell, with thousands separators."""
    return DASH if count is None else f"{round(count):,}"


def integer(count: float | None) -> str:
    """A count in running text, without separators (as bulletins print them): ``6736``."""
    return DASH if count is None else str(round(count))


def number(value: float | None, digits: int = 2) -> str:
    """A plain number with ``digits`` decimals, or the dash."""
    return DASH if value is None else f"{value:.{digits}f}"


def per_mille(value: float | None, digits: int = 2) -> str:
    """A rate in per mille: ``10.4`` -> ``10.40‰``."""
    return DASH if value is None else f"{value:.{digits}f}‰"


def percent(fraction: float | None, digits: int = 2) -> str:
    """A fraction shown as a percentage: ``0.2309`` -> ``23.09%``."""
    return DASH if fraction is None else f"{fraction * 100:.{digits}f}%"


def years(value: float | None, digits: int = 2) -> str:
    """An age or a life expectancy: ``85.6593`` -> ``85.66岁``."""
    return DASH if value is None else f"{value:.{digits}f}岁"


def change_in_persons(change: float | None) -> str:
    """``比上年末增加375人`` / ``减少`` / ``与上年末持平``; empty when the change is unknown."""
    if change is None:
        return ""
    if change == 0:
        return "，与上年末持平"
    verb = "增加" if change > 0 else "减少"
    return f"，比上年末{verb}{persons(abs(change))}"


def change_in_points(now: float | None, before: float | None, *, scale: float = 100.0, unit: str = "个百分点") -> str:
    """``，比上年提高0.52个百分点`` for two fractions (``scale`` 100) or rates (scale 1, unit "个千分点")."""
    if now is None or before is None:
        return ""
    delta = round((now - before) * scale, 2)
    if delta == 0:
        return "，与上年持平"
    verb = "提高" if delta > 0 else "下降"
    return f"，比上年{verb}{abs(delta):.2f}{unit}"


def change_in_count(now: float | None, before: float | None) -> str:
    """``，比上年增加12人`` between two yearly counts (births, deaths)."""
    if now is None or before is None:
        return ""
    delta = now - before
    if delta == 0:
        return "，与上年持平"
    verb = "增加" if delta > 0 else "减少"
    return f"，比上年{verb}{persons(abs(delta))}"


def signed_count(value: float | None) -> str:
    """A change in a table cell: ``+375`` / ``-12``."""
    return DASH if value is None else f"{round(value):+,}"
