"""Information-processing fees (信息处理费, 国办函〔2020〕109号): pure arithmetic over a fee schedule.

Disclosure is free (条例 art. 42) unless an applicant's requests clearly exceed a reasonable volume; then the office
may charge, by one of two progressive (超额累进) methods, never both for the same request (109号 art. 3):

- by count (按件, art. 4): the n-th request of the same applicant in a calendar month pays the rate of n's band:
  1-10 free, 11-30 100 yuan each, then bands of 10 each 100 yuan dearer (31-40 200, 41-50 300, ...);
- by pages (按量, art. 5; for paper copies, e-mail or copied electronic data): within one request pages 1-30 free,
  31-100 10 yuan a page, 101-200 20, above 200 40.

The bands are data (``data/fees.yaml``, loaded by :mod:`renkou.disclosure.fee_rules`); this module only computes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from renkou.disclosure.calendar import WorkingCalendar, provisional_warning
from renkou.disclosure.text import DisclosureError, Text


class FeeMethod(StrEnum):
    """How a request's fee is counted."""

    COUNT = "count"
    PAGES = "pages"


@dataclass(frozen=True)
class Band:
    """Units up to ``up_to`` (inclusive; None = no limit) cost ``rate`` yuan each."""

    up_to: int | None
    rate: int


@dataclass(frozen=True)
class BandStep:
    """Beyond the last bounded band, every further ``size`` units cost ``increase`` yuan more per unit."""

    size: int
    increase: int


@dataclass(frozen=True)
class Tariff:
    """A progressive tariff: bands in increasing order, optionally continued by steps."""

    unit: Text
    bands: tuple[Band, ...]
    step: BandStep | None = None

    def __post_init__(self) -> None:
        limits = [band.up_to for band in self.bands]
        bounded = [limit for limit in limits if limit is not None]
        if not self.bands or bounded != sorted(set(bounded)) or None in limits[:-1]:
            raise ValueError("bands must be in increasing order, only the last may be unbounded")
        if self.step is not None and limits[-1] is None:
            raise ValueError("a step needs a bounded last band")

    def rate(self, unit_number: int) -> int:
        """The price of the ``unit_number``-th unit (1-based)."""
        if unit_number < 1:
            raise ValueError("unit numbers start at 1")
        for band in self.bands:
            if band.up_to is None or unit_number <= band.up_to:
                return band.rate
        last = self.bands[-1]
        if self.step is None or last.up_to is None:
            raise AssertionError("unreachable: validated in __post_init__")
        steps = -(-(unit_number - last.up_to) // self.step.size)  # ceiling division
        return last.rate + steps * self.step.increase

    def total(self, units: int) -> int:
        """The price of units 1..``units``, band by band."""
        if units < 0:
            raise ValueError("units must be >= 0")
        total, lower = 0, 0
        for band in self.bands:
            upper = units if band.up_to is None else min(units, band.up_to)
            total += max(0, upper - lower) * band.rate
            if band.up_to is None or units <= band.up_to:
                return total
            lower = band.up_to
        if self.step is None:
            raise AssertionError("unreachable: validated in __post_init__")
        rate = self.bands[-1].rate
        while lower < units:
            rate += self.step.increase
            upper = min(units, lower + self.step.size)
            total += (upper - lower) * rate
            lower = upper
        return total

    def breakdown(self, first: int, last: int) -> list[tuple[int, int, int]]:
        """Units ``first``..``last`` grouped by rate: (from, to, rate) rows."""
        rows: list[tuple[int, int, int]] = []
        for unit in range(first, last + 1):
            rate = self.rate(unit)
            if rows and rows[-1][2] == rate:
                rows[-1] = (rows[-1][0], unit, rate)
            else:
                rows.append((unit, unit, rate))
        return rows


@dataclass(frozen=True)
class FeeSchedule:
    """Both tariffs, the payment period and the notice wording, with the source they come from."""

    source: str
    count: Tariff
    pages: Tariff
    payment_working_days: int
    fee_time_excluded: bool
    notice_template: str
    payment_method: str


@dataclass(frozen=True)
class FeeAssessment:
    """The fee for one request by one method, with its lines for the notice."""

    method: FeeMethod
    amount: int
    lines: tuple[Text, ...]
    basis: Text


def assess(
    schedule: FeeSchedule, method: FeeMethod, *, position: int | None = None, pages: int | None = None
) -> FeeAssessment:
    """The fee for one request: by ``position`` (its number among the applicant's requests this calendar month)
    or by ``pages`` (pages supplied for this request), exactly one of them, matching ``method``.
    """
    if (position is None) == (pages is None):
        raise DisclosureError(
            "每件申请只能按件或按量一种方式计费（国办函〔2020〕109号第三条）",
            "a request is charged by count or by pages, exactly one (国办函〔2020〕109号 art. 3)",
            code="fee",
        )
    if method is FeeMethod.COUNT:
        if position is None or position < 1:
            raise DisclosureError(
                f"按件计收需要本月第几件（≥1），收到 {position}",
                f"by count needs the request's number this month (>= 1), got {position}",
                code="fee",
            )
        amount = schedule.count.rate(position)
        lines = (
            Text(
                f"本自然月第 {position} 件申请，按件计收 {amount} 元/件",
                f"request number {position} this calendar month, by count: {amount} yuan",
            ),
        )
        basis = Text("国办函〔2020〕109号第三条、第四条", "国办函〔2020〕109号 arts. 3, 4")
        return FeeAssessment(method, amount, lines, basis)
    if pages is None or pages < 0:
        raise DisclosureError(
            f"按量计收需要页数（≥0），收到 {pages}", f"by pages needs a page count (>= 0), got {pages}", code="fee"
        )
    page_lines = tuple(_page_line(low, high, rate) for low, high, rate in schedule.pages.breakdown(1, pages))
    basis = Text("国办函〔2020〕109号第三条、第五条", "国办函〔2020〕109号 arts. 3, 5")
    return FeeAssessment(method, schedule.pages.total(pages), page_lines, basis)


def _page_line(low: int, high: int, rate: int) -> Text:
    span_zh = f"第 {low} 页" if low == high else f"第 {low}—{high} 页"
    span_en = f"page {low}" if low == high else f"pages {low}-{high}"
    subtotal = (high - low + 1) * rate
    return Text(f"{span_zh}，{rate} 元/页，小计 {subtotal} 元", f"{span_en} at {rate} yuan a page: {subtotal} yuan")


def monthly_positions(requests: Iterable[tuple[Hashable, Hashable, date]]) -> dict[Hashable, int]:
    """Each request's number among its applicant's requests in the same calendar month (for the count method).

    ``requests`` are (request id, applicant id, receipt date); ties on a day keep the order given.
    """
    ordered = sorted(enumerate(requests), key=lambda item: (item[1][2], item[0]))
    seen: dict[tuple[Hashable, int, int], int] = defaultdict(int)
    positions: dict[Hashable, int] = {}
    for _, (request_id, applicant, received) in ordered:
        key = (applicant, received.year, received.month)
        seen[key] += 1
        positions[request_id] = seen[key]
    return positions


@dataclass(frozen=True)
class FeeNotice:
    """The text of a fee notice and the payment deadline once the applicant's receipt day is known."""

    text: str
    payment_due: date | None
    provisional: bool
    warnings: tuple[Text, ...]


def fee_notice(
    schedule: FeeSchedule,
    assessment: FeeAssessment,
    *,
    request_ref: str,
    applicant: str,
    issued: date,
    calendar: WorkingCalendar,
    applicant_received: date | None = None,
) -> FeeNotice:
    """Fill the schedule's notice template; with ``applicant_received`` also compute the payment deadline
    (``payment_working_days`` working days, the day after receipt being day 1)."""
    if assessment.amount <= 0:
        raise DisclosureError(
            "未超出免费范围，应缴金额为0，无需发出收费通知",
            "within the free allowance: nothing to pay, so no fee notice",
            code="fee",
        )
    payment_due = None
    warnings: tuple[Text, ...] = ()
    if applicant_received is not None:
        payment_due = calendar.add_working_days(applicant_received, schedule.payment_working_days)
        uncovered = calendar.uncovered_years(applicant_received, payment_due)
        if uncovered:
            warnings = (provisional_warning(uncovered),)
    fields = {
        "request_ref": request_ref,
        "applicant": applicant,
        "issued": issued.isoformat(),
        "method": "按件计收" if assessment.method is FeeMethod.COUNT else "按量计收",
        "lines": "\n".join(f"  {line.zh}" for line in assessment.lines),
        "amount": assessment.amount,
        "basis": assessment.basis.zh,
        "payment_method": schedule.payment_method,
        "payment_days": schedule.payment_working_days,
        "payment_due": payment_due.isoformat() if payment_due else "（以收到本通知次日起计算）",
    }
    try:
        text = schedule.notice_template.format_map(fields)
    except (KeyError, ValueError) as error:
        raise DisclosureError(
            f"收费通知模板 {schedule.source} 的占位符无效：{error}",
            f"fee notice template in {schedule.source} has an invalid placeholder: {error}",
            code="fee",
        ) from error
    return FeeNotice(text, payment_due, bool(warnings), warnings)


def tariff_rows(tariff: Tariff, shown_up_to: int) -> Sequence[tuple[int, int | None, int]]:
    """The tariff as (from, to, rate) rows up to ``shown_up_to`` units, for display."""
    rows: list[tuple[int, int | None, int]] = []
    lower = 0
    for band in tariff.bands:
        rows.append((lower + 1, band.up_to, band.rate))
        if band.up_to is None:
            return rows
        lower = band.up_to
    rate = tariff.bands[-1].rate
    while tariff.step is not None and lower < shown_up_to:
        rate += tariff.step.increase
        rows.append((lower + 1, lower + tariff.step.size, rate))
        lower += tariff.step.size
    return rows
