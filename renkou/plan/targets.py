"""Target strings as plans publish them, and whether a value meets them (pure).

Syntax (the plan's own comparison is kept):

- ``~X`` about X, within a tolerance the plan file states (absolute in the indicator's unit, or ``"5%"`` of X);
- ``<=X`` at most, ``>=X`` at least, ``<X`` ``>X`` strictly below / above;
- ``A..B`` a closed range;
- ``falling`` (also "falling each year ...") the value falls from every year to the next.

A bare number is refused: plans use it both for "reach at least" and "about", so the file must say which.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Kind = Literal["about", "at_most", "at_least", "below", "above", "range", "falling"]

_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
_COMPARISON = re.compile(rf"^(~|<=|>=|<|>|≤|≥)\s*({_NUMBER})$")
_RANGE = re.compile(rf"^({_NUMBER})\s*\.\.\s*({_NUMBER})$")
_SYMBOLS: dict[str, Kind] = {
    "~": "about",
    "<=": "at_most",
    "≤": "at_most",
    ">=": "at_least",
    "≥": "at_least",
    "<": "below",
    ">": "above",
}


class TargetSyntaxError(ValueError):
    """A target string that does not follow the syntax above; the message says what is expected."""


@dataclass(frozen=True)
class Tolerance:
    """How far from an "about" target a value may be: ``amount`` absolute, or a fraction of the target if relative."""

    amount: float
    relative: bool = False

    def width(self, target: float) -> float:
        """The allowed distance from ``target`` in the indicator's unit."""
        return abs(target) * self.amount if self.relative else self.amount

    def describe(self) -> str:
        """The tolerance as written in a plan file."""
        return f"{self.amount * 100:g}%" if self.relative else f"{self.amount:g}"


@dataclass(frozen=True)
class Target:
    """A parsed target: its kind and bounds (``low``/``high`` for a range, ``value`` otherwise)."""

    kind: Kind
    value: float | None = None
    low: float | None = None
    high: float | None = None
    tolerance: Tolerance | None = None
    text: str = ""

    def point(self) -> float | None:
        """The number progress is measured toward: the target value, or the middle of a range."""
        if self.kind == "range" and self.low is not None and self.high is not None:
            return (self.low + self.high) / 2
        return self.value

    def bounds(self) -> tuple[float, float]:
        """The closed or open interval of values that meet the target (for "about", with its tolerance)."""
        if self.kind == "falling":
            return (-math.inf, math.inf)
        if self.kind == "range":
            assert self.low is not None and self.high is not None
            return (self.low, self.high)
        assert self.value is not None
        if self.kind == "about":
            width = self.tolerance.width(self.value) if self.tolerance else 0.0
            return (self.value - width, self.value + width)
        if self.kind in ("at_most", "below"):
            return (-math.inf, self.value)
        return (self.value, math.inf)

    def describe(self) -> str:
        """The target in its file syntax, with the tolerance of an "about" target."""
        if self.kind == "about" and self.tolerance is not None:
            return f"{self.text} (±{self.tolerance.describe()})"
        return self.text


def parse_tolerance(raw: object) -> Tolerance:
    """Parse a tolerance: a non-negative number (absolute) or a string like ``"5%"`` (relative to the target)."""
    if isinstance(raw, bool):
        raise TargetSyntaxError(f"tolerance must be a number or a percentage like '5%', not {raw!r}")
    if isinstance(raw, int | float):
        if raw < 0 or not math.isfinite(raw):
            raise TargetSyntaxError(f"tolerance must be a non-negative number, not {raw!r}")
        return Tolerance(float(raw))
    if isinstance(raw, str):
        text = raw.strip()
        match = re.fullmatch(rf"({_NUMBER})\s*%", text)
        if match and float(match.group(1)) >= 0:
            return Tolerance(float(match.group(1)) / 100, relative=True)
        try:
            amount = float(text)
        except ValueError:
            amount = -1.0
        if amount >= 0:
            return Tolerance(amount)
    raise TargetSyntaxError(f"tolerance must be a number or a percentage like '5%', not {raw!r}")


def parse_target(text: object, tolerance: Tolerance | None = None) -> Target:
    """Parse a target string; ``tolerance`` is required for an "about" target (``~X``)."""
    if not isinstance(text, str):
        raise TargetSyntaxError(
            f"target must be a string such as '~1.6', '<=14', '>8', '60..70' or 'falling', not {text!r} "
            "(write a bare number as '>=X' or '~X' to say which is meant)"
        )
    raw = text.strip()
    if raw.lower().startswith("falling"):
        return Target("falling", text=raw)
    match = _COMPARISON.match(raw)
    if match:
        kind = _SYMBOLS[match.group(1)]
        if kind == "about" and tolerance is None:
            raise TargetSyntaxError(f"target {raw!r} is 'about' (~) but no tolerance is given")
        return Target(kind, value=float(match.group(2)), tolerance=tolerance if kind == "about" else None, text=raw)
    match = _RANGE.match(raw)
    if match:
        low, high = float(match.group(1)), float(match.group(2))
        if low > high:
            raise TargetSyntaxError(f"range {raw!r} has its lower end above its upper end")
        return Target("range", low=low, high=high, text=raw)
    raise TargetSyntaxError(f"cannot read target {raw!r}: expected '~X', '<=X', '>=X', '<X', '>X', 'A..B' or 'falling'")


def meets(target: Target, value: float) -> bool:
    """Whether one value meets a level target (not "falling", which needs a series: see :func:`meets_series`)."""
    if target.kind == "falling":
        raise ValueError("a 'falling' target is judged on a series of values, not one value")
    low, high = target.bounds()
    if target.kind == "below":
        return value < high
    if target.kind == "above":
        return value > low
    return low <= value <= high


def meets_series(values: Sequence[float]) -> bool | None:
    """Whether a yearly series falls strictly from every year to the next; None with fewer than two values."""
    if len(values) < 2:
        return None
    return all(later < earlier for earlier, later in itertools.pairwise(values))
