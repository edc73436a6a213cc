"""The annual disclosure work report (政府信息公开工作年度报告, 条例 arts. 49-50: departments report by 31 January of
the next year) with the statutory tables in the layout of the national template: 国务院办公厅政府信息与政务公开办公室
《中华人民共和国政府信息公开工作年度报告格式》(国办公开办函〔2021〕30号, 2021-09-26).

Counting rules (as the template's check relation demands: new + carried in = concluded + carried out):

- a request belongs to the year it was *received* (art. 31 receipt day); online requests not yet confirmed are not
  counted;
- its outcome is counted in the year it *concluded*: the reply day, the day after the applicant's correction or
  payment period ran out (treated as abandoned), or the withdrawal day; every request is seen as the office knew it
  on 31 December (later events are ignored), so the report of a past year does not change;
- columns are the applicant kinds of table 3 (natural person; businesses, research institutions, non-profit
  organisations, legal service organisations, other organisations);
- reply kinds map to the template's rows: already public and provided -> (一) 予以公开 (the template's explanation
  counts "told where it is published" as disclosed); a refusal on several grounds is counted once, under its first
  ground; does not exist and not held -> (四)1 本机关不掌握相关政府信息; needs processing -> (四)2; not a request ->
  (五)1; repeated -> (五)2; unreasonable volume -> (五)4; special statutory channel and withdrawals -> (六)3 其他;
  abandoned after a correction notice -> (六)1, after a fee notice -> (六)2;
- reviews and lawsuits (table 4): cases filed in the year, by their outcome as of 31 December (undecided: 尚未审结).

Two supplementary tables the template leaves to the text (section 六) follow: requests by channel, and fees.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from renkou.disclosure.applicants import APPLICANT_KINDS, ApplicantKind
from renkou.disclosure.calendar import WorkingCalendar
from renkou.disclosure.deadlines import compute_deadlines
from renkou.disclosure.documents import Cell, Document, Grid, Heading, Para
from renkou.disclosure.events import Answered, FeeNoticeSent, FeePaid, Withdrawn
from renkou.disclosure.fees import FeeSchedule
from renkou.disclosure.publications import CATEGORIES, check_publication
from renkou.disclosure.receipt import Channel
from renkou.disclosure.responses import ResponseKind, WithholdingGround
from renkou.disclosure.store import StoredRequest
from renkou.disclosure.workflow import RequestState

TEMPLATE = (
    "国务院办公厅政府信息与政务公开办公室《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）"
)

APPEAL_KINDS = {
    "review": "行政复议",
    "lawsuit_direct": "行政诉讼（未经复议直接起诉）",
    "lawsuit_after_review": "行政诉讼（复议后起诉）",
}
APPEAL_OUTCOMES = {"maintained": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结"}

# Table 3 rows: (key, label, level) — level 0 a top row, 1 a group, 2 an item of a group.
ROWS: tuple[tuple[str, str, int], ...] = (
    ("new", "一、本年新收政府信息公开申请数量", 0),
    ("carried_in", "二、上年结转政府信息公开申请数量", 0),
    ("disclosed", "（一）予以公开", 1),
    ("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1),
    ("withheld.state_secret", "1.属于国家秘密", 2),
    ("withheld.law_prohibits", "2.其他法律行政法规禁止公开", 2),
    ("withheld.security_stability", "3.危及“三安全一稳定”", 2),
    ("withheld.third_party_rights", "4.保护第三方合法权益", 2),
    ("withheld.internal_affairs", "5.属于三类内部事务信息", 2),
    ("withheld.process_information", "6.属于四类过程性信息", 2),
    ("withheld.enforcement_files", "7.属于行政执法案卷", 2),
    ("withheld.inquiry", "8.属于行政查询事项", 2),
    ("unable.not_held", "1.本机关不掌握相关政府信息", 2),
    ("unable.needs_making", "2.没有现成信息需要另行制作", 2),
    ("unable.still_unclear", "3.补正后申请内容仍不明确", 2),
    ("not_handled.petition", "1.信访举报投诉类申请", 2),
    ("not_handled.repeated", "2.重复申请", 2),
    ("not_handled.publication", "3.要求提供公开出版物", 2),
    ("not_handled.unreasonable", "4.无正当理由大量反复申请", 2),
    ("not_handled.confirm", "5.要求行政机关确认或重新出具已获取信息", 2),
    ("other.no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", 2),
    ("other.no_payment", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", 2),
    ("other.other", "3.其他", 2),
    ("concluded", "（七）总计", 1),
    ("carried_out", "四、结转下年度继续办理", 0),
)
GROUPS = {
    "withheld": "（三）不予公开",
    "unable": "（四）无法提供",
    "not_handled": "（五）不予处理",
    "other": "（六）其他处理",
}
COLUMNS: tuple[ApplicantKind, ...] = tuple(ApplicantKind)

KIND_ROW: dict[ResponseKind, str] = {
    ResponseKind.ALREADY_PUBLIC: "disclosed",
    ResponseKind.PROVIDED: "disclosed",
    ResponseKind.PARTIALLY_PROVIDED: "partial",
    ResponseKind.DOES_NOT_EXIST: "unable.not_held",
    ResponseKind.NOT_HELD: "unable.not_held",
    ResponseKind.NEEDS_PROCESSING: "unable.needs_making",
    ResponseKind.NOT_A_REQUEST: "not_handled.petition",
    ResponseKind.REPEATED: "not_handled.repeated",
    ResponseKind.UNREASONABLE_VOLUME: "not_handled.unreasonable",
    ResponseKind.SPECIAL_CHANNEL: "other.other",
}


@dataclass(frozen=True)
class Outcome:
    """How and when a request concluded (None while open)."""

    row: str
    on: date


@dataclass
class AnnualFigures:
    """The counts of the report: table 3 as row -> applicant kind -> count, and the other tables."""

    year: int
    table3: dict[str, Counter[ApplicantKind]] = field(default_factory=dict)
    by_channel: Counter[Channel] = field(default_factory=Counter)
    fee_notices: int = 0
    fee_notice_amount: int = 0
    fees_paid: int = 0
    fees_paid_amount: int = 0
    appeals: dict[str, Counter[str]] = field(default_factory=dict)
    published: int = 0
    published_late: int = 0
    published_by_category: Counter[str] = field(default_factory=Counter)
    late_items: list[dict[str, Any]] = field(default_factory=list)
    overdue_replies: int = 0

    def cell(self, row: str, kind: ApplicantKind | None = None) -> int:
        """One count of table 3 (``kind`` None: the row's total)."""
        counts = self.table3.get(row, Counter())
        return counts.total() if kind is None else counts[kind]

    def group_total(self, group: str, kind: ApplicantKind | None = None) -> int:
        """The sum of a group's item rows (e.g. all of 不予公开)."""
        return sum(self.cell(key, kind) for key, _, _ in ROWS if key.startswith(group + "."))


def outcome_of(
    request: StoredRequest, calendar: WorkingCalendar, schedule: FeeSchedule, year_end: date
) -> tuple[Outcome | None, bool]:
    """The request's outcome as known on ``year_end`` (None while open) and whether its answer was late."""
    events = [e for e in request.domain_events if e.on <= year_end]
    report = compute_deadlines(
        events,
        calendar,
        as_of=max(year_end, events[-1].on),
        payment_period=schedule.payment_working_days,
        fee_time_excluded=schedule.fee_time_excluded,
    )
    late = report.overdue
    last = events[-1]
    if isinstance(last, Answered):
        response = last.response
        if response.kind is ResponseKind.NOT_DISCLOSED:
            ground = response.grounds[0] if response.grounds else WithholdingGround.LAW_PROHIBITS
            return Outcome(f"withheld.{ground.value}", last.on), late
        return Outcome(KIND_ROW[response.kind], last.on), late
    if isinstance(last, Withdrawn):
        return Outcome("other.other", last.on), late
    if report.state is RequestState.ABANDONED:
        if report.payment_due is not None and any(isinstance(e, FeeNoticeSent) for e in events):
            return Outcome("other.no_payment", report.payment_due + timedelta(days=1)), late
        assert report.correction_due is not None
        return Outcome("other.no_correction", report.correction_due + timedelta(days=1)), late
    return None, late


def annual_figures(
    year: int,
    requests: list[StoredRequest],
    calendar: WorkingCalendar,
    schedule: FeeSchedule,
    *,
    appeals: Sequence[dict[str, Any]] = (),
    publications: Sequence[dict[str, Any]] = (),
    today: date | None = None,
) -> AnnualFigures:
    """Count the year's requests, fees, appeals and publications; a year not yet over is counted as known
    ``today`` (nothing is projected beyond it)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    if today is not None and today < end:
        end = today
    figures = AnnualFigures(year, {key: Counter() for key, _, _ in ROWS})
    for request in requests:
        received = request.received_on
        if received is None or received > end:
            continue
        kind = request.applicant_kind
        outcome, late = outcome_of(request, calendar, schedule, end)
        if outcome is not None and outcome.on < start:
            continue  # concluded before the year: not in this report
        if received >= start:
            figures.table3["new"][kind] += 1
            figures.by_channel[request.channel] += 1
        else:
            figures.table3["carried_in"][kind] += 1
        if outcome is not None and outcome.on <= end:
            figures.table3[outcome.row][kind] += 1
            figures.table3["concluded"][kind] += 1
            figures.overdue_replies += int(late)
        else:
            figures.table3["carried_out"][kind] += 1
        for stored in request.events:
            event = stored.event
            if isinstance(event, FeeNoticeSent) and start <= event.on <= end:
                figures.fee_notices += 1
                figures.fee_notice_amount += event.amount
            if isinstance(event, FeePaid) and start <= event.on <= end:
                notice = next(e.event for e in request.events if isinstance(e.event, FeeNoticeSent))
                assert isinstance(notice, FeeNoticeSent)
                figures.fees_paid += 1
                figures.fees_paid_amount += notice.amount
    for appeal in appeals:
        if not start <= appeal["filed_on"] <= end:
            continue
        decided = appeal["decided_on"]
        result = appeal["outcome"] if decided is not None and decided <= end else "pending"
        figures.appeals.setdefault(appeal["kind"], Counter())[result] += 1
    for item in publications:
        if start <= item["published_on"] <= end:
            figures.published += 1
            figures.published_by_category[item["category"]] += 1
            check = check_publication(item["formed_on"], item["published_on"], calendar)
            if check.late:
                figures.published_late += 1
                figures.late_items.append({**item, "due": check.due})
    for kind in COLUMNS:  # the template's check relation; a failure here is a bug in the counting above
        left = figures.cell("new", kind) + figures.cell("carried_in", kind)
        assert left == figures.cell("concluded", kind) + figures.cell("carried_out", kind), kind
    return figures


def _n(value: int) -> Cell:
    return Cell(str(value), number=True)


def table3(figures: AnnualFigures) -> Grid:
    """Table 3 of the template: requests received and handled, by applicant kind."""
    kinds = [APPLICANT_KINDS[k].zh for k in COLUMNS]
    header1 = (
        Cell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", cols=3, rows=3, header=True),
        Cell("申请人情况", cols=7, header=True),
    )
    header2 = (
        Cell(kinds[0], rows=2, header=True),
        Cell("法人或其他组织", cols=5, header=True),
        Cell("总计", rows=2, header=True),
    )
    header3 = tuple(Cell(name, header=True) for name in kinds[1:])
    rows: list[tuple[Cell, ...]] = [header1, header2, header3]

    def numbers(key: str | None, group: str | None = None) -> list[Cell]:
        if group is not None:
            return [_n(figures.group_total(group, k)) for k in COLUMNS] + [_n(figures.group_total(group))]
        assert key is not None
        return [_n(figures.cell(key, k)) for k in COLUMNS] + [_n(figures.cell(key))]

    outcome_rows = [r for r in ROWS if r[0] not in ("new", "carried_in", "carried_out")]
    outcome_height = len(outcome_rows)
    seen_groups: set[str] = set()
    first_outcome = True
    for key, label, level in ROWS:
        cells: list[Cell] = []
        if level == 0:
            cells.append(Cell(label, cols=3))
            rows.append((*cells, *numbers(key)))
            continue
        if first_outcome:
            cells.append(Cell("三、本年度办理结果", rows=outcome_height))
            first_outcome = False
        if level == 1:
            cells.append(Cell(label, cols=2))
            rows.append((*cells, *numbers(key)))
            continue
        group = key.split(".")[0]
        if group not in seen_groups:
            seen_groups.add(group)
            size = sum(1 for k, _, _ in ROWS if k.startswith(group + "."))
            cells.append(Cell(GROUPS[group], rows=size))
        cells.append(Cell(label))
        rows.append((*cells, *numbers(key)))
    return Grid("", tuple(rows))


def table4(figures: AnnualFigures) -> Grid:
    """Table 4: administrative reviews and lawsuits about disclosure decisions."""
    outcomes = list(APPEAL_OUTCOMES)
    header1 = (
        Cell("行政复议", cols=5, header=True),
        Cell("行政诉讼", cols=10, header=True),
    )
    header2 = (
        *(Cell(APPEAL_OUTCOMES[o], rows=2, header=True) for o in outcomes),
        Cell("总计", rows=2, header=True),
        Cell("未经复议直接起诉", cols=5, header=True),
        Cell("复议后起诉", cols=5, header=True),
    )
    header3 = tuple(Cell(name, header=True) for _ in range(2) for name in [*APPEAL_OUTCOMES.values(), "总计"])
    values: list[Cell] = []
    for kind in APPEAL_KINDS:
        counts = figures.appeals.get(kind, Counter())
        values += [_n(counts[o]) for o in outcomes] + [_n(counts.total())]
    return Grid("", (header1, header2, header3, tuple(values)))


def table2(figures: AnnualFigures) -> Grid:
    """Table 2 (proactive publication): the rows this register can fill; the others are the office's to enter."""
    dash = Cell("—", number=True)
    rows: tuple[tuple[Cell, ...], ...] = (
        (Cell("第二十条第（一）项", cols=4, header=True),),
        (
            Cell("信息内容", header=True),
            Cell("本年制发件数", header=True),
            Cell("本年废止件数", header=True),
            Cell("现行有效件数", header=True),
        ),
        (Cell("规章"), _n(figures.published_by_category["regulation"]), dash, dash),
        (Cell("行政规范性文件"), _n(figures.published_by_category["normative_document"]), dash, dash),
        (Cell("第二十条第（五）项", cols=4, header=True),),
        (Cell("信息内容", header=True), Cell("本年处理决定数量", cols=3, header=True)),
        (Cell("行政许可"), Cell("—", cols=3, number=True)),
        (Cell("第二十条第（六）项", cols=4, header=True),),
        (Cell("信息内容", header=True), Cell("本年处理决定数量", cols=3, header=True)),
        (Cell("行政处罚"), Cell("—", cols=3, number=True)),
        (Cell("行政强制"), Cell("—", cols=3, number=True)),
        (Cell("第二十条第（八）项", cols=4, header=True),),
        (Cell("信息内容", header=True), Cell("本年收费金额（单位：万元）", cols=3, header=True)),
        (Cell("行政事业性收费"), Cell("—", cols=3, number=True)),
    )
    note = "“本年制发件数”为本系统主动公开登记中本年公开的件数；标“—”的栏目本系统不记录，由本机关据实填写。"
    return Grid("", rows, note)


def supplementary(figures: AnnualFigures) -> list[Grid]:
    """Requests by channel, fees, and the publication register's timeliness (not in the template's tables)."""
    channel_names = {
        Channel.IN_PERSON: "当面",
        Channel.MAIL: "邮寄（签收）",
        Channel.ORDINARY_MAIL: "平常信函",
        Channel.ONLINE: "网上",
        Channel.FAX: "传真",
    }
    channels = (
        tuple(Cell(name, header=True) for name in [*channel_names.values(), "合计"]),
        (*tuple(_n(figures.by_channel[c]) for c in channel_names), _n(figures.by_channel.total())),
    )
    fees = (
        (
            Cell("发出收费通知（件）", header=True),
            Cell("通知金额（元）", header=True),
            Cell("实际收取（件）", header=True),
            Cell("实际收取金额（元）", header=True),
        ),
        (
            _n(figures.fee_notices),
            _n(figures.fee_notice_amount),
            _n(figures.fees_paid),
            _n(figures.fees_paid_amount),
        ),
    )
    published = (
        (
            Cell("本年主动公开（件）", header=True),
            Cell("超过20个工作日公开（件）", header=True),
            Cell("依申请答复逾期（件）", header=True),
        ),
        (_n(figures.published), _n(figures.published_late), _n(figures.overdue_replies)),
    )
    return [
        Grid("附表1  本年新收申请按提交渠道（条例第三十一条）", channels),
        Grid("附表2  信息处理费（国办函〔2020〕109号）", fees),
        Grid("附表3  公开及时性（条例第二十六条、第三十三条）", published),
    ]


def annual_document(figures: AnnualFigures, *, office: str, generated: date) -> Document:
    """The report as a document: the template's six sections with tables 2-4 and the supplementary tables."""
    year = figures.year
    new, carried_in = figures.cell("new"), figures.cell("carried_in")
    concluded, carried_out = figures.cell("concluded"), figures.cell("carried_out")
    summary = (
        f"本报告依据《中华人民共和国政府信息公开条例》第五十条和{TEMPLATE}编制，统计期限为{year}年1月1日至{year}年12月31日。"
        f"本年新收政府信息公开申请{new}件，上年结转{carried_in}件，办结{concluded}件，结转下年度{carried_out}件；"
        f"本年主动公开政府信息{figures.published}件，其中超过20个工作日公开{figures.published_late}件。"
    )
    due = date(year + 1, 1, 31)
    blocks: list[Any] = [
        Heading("一、总体情况"),
        Para(summary),
        Heading("二、主动公开政府信息情况"),
        table2(figures),
        Heading("三、收到和处理政府信息公开申请情况"),
        table3(figures),
        Heading("四、政府信息公开行政复议、行政诉讼情况"),
        table4(figures),
        Heading("五、存在的主要问题及改进情况"),
        Para("（由本机关据实填写。）"),
        Heading("六、其他需要报告的事项"),
        Para(
            f"本年发出信息处理费收费通知{figures.fee_notices}件，金额{figures.fee_notice_amount}元；"
            f"实际收取{figures.fees_paid}件，金额{figures.fees_paid_amount}元（国办函〔2020〕109号）。"
        ),
        *supplementary(figures),
    ]
    if figures.late_items:
        rows = [
            (
                Cell("事项", header=True),
                Cell("形成日", header=True),
                Cell("应公开日", header=True),
                Cell("公开日", header=True),
            )
        ]
        for item in figures.late_items:
            rows.append(
                (
                    Cell(f"{item['title']}（{CATEGORIES.get(item['category'], CATEGORIES['other']).zh}）"),
                    Cell(item["formed_on"].isoformat()),
                    Cell(item["due"].isoformat()),
                    Cell(item["published_on"].isoformat()),
                )
            )
        blocks.append(Grid("附表4  超过20个工作日公开的事项", tuple(rows)))
    footnotes = (
        f"表格格式：{TEMPLATE}。",
        f"报送期限：{year + 1}年1月31日（条例第四十九条）。"
        + ("本报告生成时已过报送期限。" if generated > due else ""),
    )
    return Document(
        title=f"{office}{year}年政府信息公开工作年度报告",
        blocks=tuple(blocks),
        office=office,
        dated=generated,
        footnotes=footnotes,
    )
