"""User-facing errors: one line, Chinese first, English after.

Commands catch :class:`UserError` and print its message on stderr with exit code 1, so a clerk never sees a
traceback for input they can fix.
"""

from __future__ import annotations


class UserError(Exception):
    """An error caused by the user's input, with a bilingual one-line message."""

    def __init__(self, zh: str, en: str, *, code: str = "bad_input") -> None:
        self.zh = zh
        self.en = en
        self.code = code
        super().__init__(f"{zh} / {en}")

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"
