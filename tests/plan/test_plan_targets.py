"""Target strings and comparisons, case by case (including "about" with its stated tolerance)."""

from __future__ import annotations

import math

import pytest

from renkou.plan.targets import Target, TargetSyntaxError, Tolerance, meets, meets_series, parse_target, parse_tolerance


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        ("<=14", 14.0, True),
        ("<=14", 14.01, False),
        ("<14", 14.0, False),
        ("<14", 13.99, True),
        (">=83.88", 83.88, True),
        (">=83.88", 83.87, False),
        (">8", 8.0, False),
        (">8", 8.001, True),
        ("≤5", 5.0, True),
        ("≥90", 89.9, False),
        ("60..70", 60.0, True),
        ("60..70", 70.0, True),
        ("60..70", 70.1, False),
        ("60..70", 59.9, False),
        (">-1.5", -1.0, True),
    ],
)
def test_level_targets(text: str, value: float, expected: bool) -> None:
    assert meets(parse_target(text), value) is expected


def test_about_with_absolute_tolerance() -> None:
    target = parse_target("~1.6", Tolerance(0.1))
    assert target.kind == "about"
    assert meets(target, 1.5)  # the bounds are inclusive
    assert meets(target, 1.7)
    assert meets(target, 1.6)
    assert not meets(target, 1.49)
    assert not meets(target, 1.71)


def test_about_with_relative_tolerance() -> None:
    target = parse_target("~1100", parse_tolerance("3%"))  # 1067 .. 1133
    assert meets(target, 1067.0)
    assert meets(target, 1133.0)
    assert not meets(target, 1066.9)
    assert not meets(target, 1133.1)
    assert target.describe() == "~1100 (±3%)"


def test_about_with_zero_tolerance_means_exactly() -> None:
    target = parse_target("~7", Tolerance(0.0))
    assert meets(target, 7.0)
    assert not meets(target, 7.0001)


def test_about_needs_a_tolerance() -> None:
    with pytest.raises(TargetSyntaxError, match="tolerance"):
        parse_target("~1.6")


@pytest.mark.parametrize("text", ["14", "=14", "about 5", "<=", "1.5.2", "70..60", ">=x", ""])
def test_malformed_targets_are_refused(text: str) -> None:
    with pytest.raises(TargetSyntaxError):
        parse_target(text, Tolerance(1))


def test_a_bare_number_is_refused_with_a_hint() -> None:
    with pytest.raises(TargetSyntaxError, match="bare number"):
        parse_target(72)


@pytest.mark.parametrize(("raw", "width"), [(0.5, 0.5), ("0.5", 0.5), ("5%", 5.0), ("2.5 %", 2.5), (0, 0.0)])
def test_tolerances(raw: object, width: float) -> None:
    assert math.isclose(parse_tolerance(raw).width(100.0), width)


@pytest.mark.parametrize("raw", [-1, "-5%", "five", True, None, math.inf])
def test_bad_tolerances(raw: object) -> None:
    with pytest.raises(TargetSyntaxError):
        parse_tolerance(raw)


def test_falling_targets() -> None:
    target = parse_target("falling each year toward normal")
    assert target == Target("falling", text="falling each year toward normal")
    assert meets_series([110.0, 109.0, 108.5]) is True
    assert meets_series([110.0, 110.0, 108.5]) is False  # flat is not falling
    assert meets_series([110.0, 111.0]) is False
    assert meets_series([110.0]) is None
    with pytest.raises(ValueError, match="series"):
        meets(target, 100.0)


def test_progress_point_of_a_range_is_its_middle() -> None:
    assert parse_target("60..70").point() == 65.0
    assert parse_target(">=12.2").point() == 12.2
