"""Clean-up of typed or pasted ID numbers, and the masked display form."""

from __future__ import annotations

# Full-width digits and letters come from Chinese input methods; a lowercase x is a common typo for the check X.
_TO_ASCII = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "ｘ": "X", "Ｘ": "X", "x": "X"})

MASK_MIDDLE = "********"


def normalise(text: str) -> str:
    """Remove all whitespace (also inside and full-width), make full-width digits ASCII and every x an ``X``.

    Nothing else is changed: other characters stay, so that validation can report them.
    """
    return "".join(text.split()).translate(_TO_ASCII)


def mask(number: str) -> str:
    """The display form of an ID number: first 6 characters, ``********``, last 4.

    The input is normalised first. For an 18-character number this hides characters 7-14 (the birth date).
    Anything shorter than 10 characters is returned as all ``*`` (same length), since showing 6 + 4 of it
    would show most or all of it.
    """
    text = normalise(number)
    if len(text) < 10:
        return "*" * len(text)
    return text[:6] + MASK_MIDDLE + text[-4:]
