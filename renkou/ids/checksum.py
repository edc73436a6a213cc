"""The check character of GB 11643-1999: ISO 7064 MOD 11-2 over the first 17 digits."""

from __future__ import annotations

from operator import mul

# Weight of position i (1-based from the left) is 2**(18 - i) mod 11, as the standard tabulates them.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# The check character for each remainder of the weighted sum mod 11; 10 is written X.
CHECK_CHARACTERS = "10X98765432"
# Summing byte values is faster than int() per digit; every ASCII digit is its value + 48.
_ASCII_ZERO_OFFSET = 48 * sum(WEIGHTS)


def check_character(first17: str) -> str:
    """The check character (``0``-``9`` or ``X``) for 17 ASCII digits, by ISO 7064 MOD 11-2.

    Raises ``ValueError`` unless ``first17`` is exactly 17 ASCII digits.
    """
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError(f"need 17 ASCII digits, got {len(first17)} characters")
    total = sum(map(mul, first17.encode("ascii"), WEIGHTS)) - _ASCII_ZERO_OFFSET
    return CHECK_CHARACTERS[total % 11]
