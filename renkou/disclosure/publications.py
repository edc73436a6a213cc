"""The proactive publication register (主动公开, 政府信息公开条例 art. 26): information that must be published is
published within 20 working days of being formed or changed. Each item carries the day formed and the day
published; :func:`check_publication` says whether it was late, counting on the official calendar.

Categories follow what an office of the population register publishes: renkou's own reports (the annual population
report, the public query figures) are items like any other, with ``source`` naming the renkou output.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from renkou.disclosure.calendar import WorkingCalendar
from renkou.disclosure.text import Text

PUBLICATION_PERIOD = 20  # working days, art. 26

CATEGORIES: dict[str, Text] = {
    "statistics": Text("统计数据", "statistics"),
    "report": Text("统计公报与报告", "reports"),
    "regulation": Text("规章", "regulations (rules)"),
    "normative_document": Text("行政规范性文件", "normative documents"),
    "plan": Text("规划与计划", "plans"),
    "procedure": Text("办事指南", "service guides"),
    "other": Text("其他", "other"),
}
RENKOU_SOURCES: dict[str, Text] = {
    "renkou-report": Text("renkou 年度人口报告（renkou report）", "renkou annual population report"),
    "renkou-public": Text("renkou 公众人口查询（/public）", "renkou public population query"),
}


@dataclass(frozen=True)
class PublicationCheck:
    """When an item was due and whether it was published late."""

    due: date
    late: bool
    late_working_days: int
    provisional: bool


def check_publication(formed_on: date, published_on: date, calendar: WorkingCalendar) -> PublicationCheck:
    """Due on the 20th working day after the day formed (that day not counted); late when published after it."""
    due = calendar.add_working_days(formed_on, PUBLICATION_PERIOD)
    late_days = calendar.count_working_days(due, published_on) if published_on > due else 0
    provisional = bool(calendar.uncovered_years(formed_on, max(due, published_on)))
    return PublicationCheck(due, published_on > due, late_days, provisional)


def publication_rows(items: list[dict[str, Any]], calendar: WorkingCalendar, lang: str = "zh") -> list[dict[str, Any]]:
    """The register's items with due day and late flag, JSON-ready."""
    rows = []
    for item in items:
        check = check_publication(item["formed_on"], item["published_on"], calendar)
        category = CATEGORIES.get(item["category"], Text(item["category"], item["category"]))
        source = RENKOU_SOURCES.get(item["source"], Text(item["source"], item["source"]))
        rows.append(
            {
                **{k: (v.isoformat() if isinstance(v, date) else v) for k, v in item.items()},
                "category_name": category.zh if lang == "zh" else category.en,
                "source_name": source.zh if lang == "zh" else source.en,
                "due": check.due.isoformat(),
                "late": check.late,
                "late_working_days": check.late_working_days,
                "provisional": check.provisional,
            }
        )
    return rows
