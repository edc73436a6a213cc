"""Writing register values into files people open in spreadsheets.

Text that begins with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) would be run as a formula by
spreadsheet programs (CSV injection). The register stores such text unchanged and inert; every export passes it
through :func:`inert`, which prefixes an apostrophe so that it is shown, never executed.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: str | None) -> str | None:
    """The value made safe to open in a spreadsheet."""
    if value and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
