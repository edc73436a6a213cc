"""Bilingual text and the part's error type.

Every message a disclosure officer or an applicant reads carries Chinese first and English after, so the same
objects serve the CLI (one line), the web pages (either language) and the reply letters (Chinese).
"""

from __future__ import annotations

from dataclasses import dataclass

from renkou.errors import UserError


@dataclass(frozen=True)
class Text:
    """A message in Chinese and English."""

    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


class DisclosureError(UserError):
    """A request history, rule file or input that breaks a rule of the regulation or of the file format."""

    def __init__(self, zh: str, en: str, *, code: str = "disclosure") -> None:
        super().__init__(zh, en, code=code)

    @property
    def text(self) -> Text:
        """The message as :class:`Text`."""
        return Text(self.zh, self.en)
