"""The GB 11643-1999 check character against the standard's worked examples and an independent computation."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkou.ids import check_character


def iso7064_mod11_2(first17: str) -> str:
    """ISO 7064 MOD 11-2 written from its definition: weights 2**(n-1) mod 11 counted from the check position,
    check value c such that the weighted sum of all 18 characters is 1 mod 11, with 10 written X."""
    total = 0
    for position_from_right, digit in enumerate(reversed(first17), start=2):
        total += int(digit) * pow(2, position_from_right - 1, 11)
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


@pytest.mark.parametrize(
    ("number", "source"),
    [
        ("11010519491231002X", "GB 11643-1999 appendix: Beijing Chaoyang, woman born 1949-12-31"),
        ("440524188001010014", "GB 11643-1999 appendix: Guangdong Chaoyang county, man born 1880-01-01"),
        ("360426199101010071", "python-stdnum cn.ric doctest"),
    ],
)
def test_published_examples(number: str, source: str) -> None:
    assert check_character(number[:17]) == number[17], source


def test_weights_are_the_standards() -> None:
    # The table printed in GB 11643-1999: 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2.
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    assert weights == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def test_every_remainder_maps_as_tabulated() -> None:
    # A single non-zero digit in the last position (weight 2) walks the remainders 0, 2, 4, ...
    assert check_character("0" * 17) == "1"
    assert check_character("0" * 16 + "1") == "X"  # remainder 2 -> X
    assert check_character("0" * 16 + "5") == "2"  # remainder 10 -> 2
    assert check_character("1" + "0" * 16) == "5"  # weight 7 -> remainder 7 -> 5


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_matches_the_definition(first17: str) -> None:
    assert check_character(first17) == iso7064_mod11_2(first17)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_complete_number_sums_to_one_mod_11(first17: str) -> None:
    number = first17 + check_character(first17)
    values = [10 if c == "X" else int(c) for c in number]
    assert sum(v * pow(2, 17 - i, 11) for i, v in enumerate(values)) % 11 == 1


@pytest.mark.parametrize("bad", ["", "1234567890123456", "123456789012345678", "1234567890123456X", "１" * 17])
def test_refuses_anything_but_17_ascii_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        check_character(bad)
