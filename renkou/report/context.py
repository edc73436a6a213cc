"""Shared helpers of the content builders: the source line, names, and safe access to the indicator dictionaries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from renkou.report.gather import ReportData
from renkou.report.model import Numbering

KIND_ZH = {"registered": "户籍人口", "resident": "常住人口", "floating": "流动人口"}


@dataclass
class Context:
    """What every section builder needs: the data, the figure/table numbering and the source line."""

    data: ReportData
    numbering: Numbering

    @property
    def year(self) -> int:
        """The report year."""
        return self.data.year

    @property
    def city_name(self) -> str:
        """The city's name, e.g. 杭州市."""
        return str(self.data.current["city"]["name"])

    def source(self, as_of: str | None = None) -> str:
        """``资料来源：renkou 人口登记库，截至 2020-12-31（2026-11-23 提取）``."""
        day = as_of or self.data.current["as_of"]
        return f"资料来源：renkou 人口登记库，截至 {day}（{self.data.extracted_on.isoformat()} 提取）。"

    def source_years(self, first: int, last: int) -> str:
        """The source line of a series: 各年 12 月 31 日."""
        return f"资料来源：renkou 人口登记库，{first}—{last} 年各年 12 月 31 日（{self.data.extracted_on.isoformat()} 提取）。"

    def trend_years(self) -> list[int]:
        """The years of the trend section whose whole year the register covers (flows known), oldest first."""
        return [
            y for y in sorted(self.data.stats) if value(self.data.stats[y]["city"]["resident"], "births") is not None
        ]


def value(block: dict[str, Any] | None, key: str) -> Any:
    """``block[key]``, or None when the block or the key is missing."""
    if block is None:
        return None
    return block.get(key)


def city_block(stats: dict[str, Any] | None, kind: str) -> dict[str, Any] | None:
    """The city's block of ``kind`` (registered / resident / floating) in an indicator set."""
    if stats is None:
        return None
    block: dict[str, Any] = stats["city"][kind]
    return block


def zh(note: str) -> str:
    """The Chinese half of a bilingual ``"中文 / English"`` note."""
    return note.split(" / ", 1)[0]
