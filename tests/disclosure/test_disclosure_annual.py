"""The annual report's counts against a hand-built set of requests (each request's row worked out by hand below),
the template's check relation, reviews and lawsuits, fees, the publication register, and the rendered tables."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from docx import Document as WordDocument

from renkou.disclosure.annual import annual_document, annual_figures
from renkou.disclosure.applicants import Applicant, ApplicantKind
from renkou.disclosure.documents import to_docx
from renkou.disclosure.fees import FeeMethod
from renkou.disclosure.publications import check_publication
from renkou.disclosure.receipt import Channel
from renkou.disclosure.responses import Response, ResponseKind, WithholdingGround
from renkou.disclosure.store import Actor, RequestDetails

OFFICER = Actor("officer1", "disclosure_officer")
P, BUS, RES, NPO, LEGAL, OTHER = (
    ApplicantKind.PERSON,
    ApplicantKind.BUSINESS,
    ApplicantKind.RESEARCH,
    ApplicantKind.NONPROFIT,
    ApplicantKind.LEGAL_SERVICE,
    ApplicantKind.OTHER_ORG,
)
D = date.fromisoformat


def new(desk: Any, kind: ApplicantKind, received: str, channel: Channel = Channel.IN_PERSON, n: int = 0) -> str:
    applicant = Applicant(kind, f"申请人{received}{n}", "证件", f"ID{received}{kind.value}{n}", phone="13800000000")
    waits = channel is Channel.ONLINE
    filed = desk.store.file(
        OFFICER, applicant, RequestDetails("人口数据"), channel, D(received), received_on=None if waits else D(received)
    )
    if waits:
        desk.store.confirm_receipt(OFFICER, filed.request_no, D(received))
    return str(filed.request_no)


def reply(desk: Any, number: str, on: str, kind: ResponseKind, **details: Any) -> None:
    desk.reply(OFFICER, number, D(on), Response(kind=kind, **details))


def build(desk: Any) -> None:
    """The hand-built year 2026 (letters as in the module's notes)."""
    a = new(desk, P, "2025-12-15")  # A: carried in, answered 2026 -> disclosed (person)
    reply(desk, a, "2026-01-08", ResponseKind.PROVIDED)
    b = new(desk, P, "2025-11-03")  # B: concluded in 2025: not in the 2026 report
    reply(desk, b, "2025-11-20", ResponseKind.PROVIDED)
    c = new(desk, BUS, "2025-12-29")  # C: carried in and still open at the end of 2026 (answered 2027)
    reply(desk, c, "2027-01-05", ResponseKind.PROVIDED)
    d = new(desk, P, "2026-03-02", Channel.ONLINE)  # D: already public -> disclosed
    reply(desk, d, "2026-03-20", ResponseKind.ALREADY_PUBLIC, where="门户网站")
    e = new(desk, RES, "2026-04-01", Channel.MAIL)  # E: partial
    reply(desk, e, "2026-04-20", ResponseKind.PARTIALLY_PROVIDED, grounds=(WithholdingGround.THIRD_PARTY_RIGHTS,))
    f = new(desk, P, "2026-05-06")  # F: refused on two grounds -> counted once, under the first
    grounds = (WithholdingGround.THIRD_PARTY_RIGHTS, WithholdingGround.STATE_SECRET)
    reply(desk, f, "2026-05-20", ResponseKind.NOT_DISCLOSED, grounds=grounds)
    g = new(desk, LEGAL, "2026-06-01", Channel.FAX)  # G: not held
    reply(desk, g, "2026-06-10", ResponseKind.NOT_HELD, reason="非本机关职责")
    h = new(desk, P, "2026-06-02", Channel.ORDINARY_MAIL)  # H: does not exist -> also 不掌握
    reply(desk, h, "2026-06-12", ResponseKind.DOES_NOT_EXIST)
    i = new(desk, P, "2026-07-01")  # I: needs processing -> 另行制作
    reply(desk, i, "2026-07-10", ResponseKind.NEEDS_PROCESSING)
    j = new(desk, NPO, "2026-07-02")  # J: petition
    reply(desk, j, "2026-07-10", ResponseKind.NOT_A_REQUEST, reason="投诉")
    k = new(desk, P, "2026-07-03")  # K: repeated
    reply(desk, k, "2026-07-10", ResponseKind.REPEATED, previous_reply="〔2026〕第0001号")
    el = new(desk, OTHER, "2026-07-06")  # L: unreasonable volume
    reply(desk, el, "2026-07-10", ResponseKind.UNREASONABLE_VOLUME, reason="大量")
    m = new(desk, P, "2026-08-03")  # M: correction notice 08-05, 10 days (due 08-19), none came -> abandoned
    desk.correct(OFFICER, m, D("2026-08-05"), days=10)
    n = new(desk, BUS, "2026-09-01")  # N: fee 150 (45 pages), received 09-03, due 10-08, unpaid -> abandoned
    desk.fee(OFFICER, n, D("2026-09-02"), method=FeeMethod.PAGES, pages=45, applicant_received=D("2026-09-03"))
    o = new(desk, P, "2026-09-07")  # O: fee 700 (100 pages) paid, then provided
    desk.fee(OFFICER, o, D("2026-09-08"), method=FeeMethod.PAGES, pages=100, applicant_received=D("2026-09-08"))
    desk.paid(OFFICER, o, D("2026-09-10"))
    reply(desk, o, "2026-09-20", ResponseKind.PROVIDED)
    p = new(desk, P, "2026-10-12")  # P: withdrawn -> other
    desk.withdraw(OFFICER, p, D("2026-10-13"))
    q = new(desk, BUS, "2026-10-14")  # Q: special statutory channel -> other
    reply(desk, q, "2026-10-20", ResponseKind.SPECIAL_CHANNEL, where="不动产登记机构")
    new(desk, P, "2026-12-21")  # R: open at the year's end -> carried out
    desk.store.file(
        OFFICER, Applicant(P, "S", "证件", "IDS", phone="1"), RequestDetails("x"), Channel.ONLINE, D("2026-12-30")
    )
    t = new(desk, P, "2026-12-28")  # T: awaiting its correction at the year's end -> carried out
    desk.correct(OFFICER, t, D("2026-12-30"), days=15)


def figures_of(desk: Any) -> Any:
    return annual_figures(
        2026,
        desk.store.requests(),
        desk.calendar,
        desk.schedule,
        appeals=desk.store.appeals(),
        publications=desk.store.publications(),
        today=D("2027-01-10"),
    )


def test_table3_counts_by_hand(desk: Any) -> None:
    build(desk)
    f = figures_of(desk)
    expected = {
        "new": {P: 10, RES: 1, LEGAL: 1, NPO: 1, OTHER: 1, BUS: 2},  # D F H I K M O P R T; E; G; J; L; N Q
        "carried_in": {P: 1, BUS: 1},  # A; C
        "disclosed": {P: 3},  # A D O
        "partial": {RES: 1},  # E
        "withheld.third_party_rights": {P: 1},  # F (first ground only)
        "withheld.state_secret": {},
        "unable.not_held": {LEGAL: 1, P: 1},  # G H
        "unable.needs_making": {P: 1},  # I
        "not_handled.petition": {NPO: 1},  # J
        "not_handled.repeated": {P: 1},  # K
        "not_handled.unreasonable": {OTHER: 1},  # L
        "other.no_correction": {P: 1},  # M
        "other.no_payment": {BUS: 1},  # N
        "other.other": {P: 1, BUS: 1},  # P Q
        "concluded": {P: 9, BUS: 2, RES: 1, LEGAL: 1, NPO: 1, OTHER: 1},
        "carried_out": {BUS: 1, P: 2},  # C; R T
    }
    for row, counts in expected.items():
        for kind in ApplicantKind:
            assert f.cell(row, kind) == counts.get(kind, 0), (row, kind)
    assert (
        f.cell("new") == 16 and f.cell("carried_in") == 2 and f.cell("concluded") == 15 and f.cell("carried_out") == 3
    )
    assert f.group_total("withheld") == 1 and f.group_total("unable") == 3 and f.group_total("not_handled") == 3
    assert f.group_total("other") == 4
    # By channel, requests received in 2026: D online, E mail, G fax, H ordinary mail, the other 12 in person.
    assert dict(f.by_channel) == {
        Channel.ONLINE: 1,
        Channel.MAIL: 1,
        Channel.FAX: 1,
        Channel.ORDINARY_MAIL: 1,
        Channel.IN_PERSON: 12,
    }
    # Fees: notices N (150) and O (100 pages: 70 x 10 = 700); paid O.
    assert (f.fee_notices, f.fee_notice_amount, f.fees_paid, f.fees_paid_amount) == (2, 850, 1, 700)


def test_the_year_before_and_a_year_not_yet_over(desk: Any) -> None:
    build(desk)
    f2025 = annual_figures(2025, desk.store.requests(), desk.calendar, desk.schedule)
    # 2025: B (Nov, answered Nov), A (Dec 15, open at the end), C (Dec 29, open).
    assert (f2025.cell("new"), f2025.cell("concluded"), f2025.cell("carried_out")) == (3, 1, 2)
    # 2026 seen on 2026-08-10: M's correction period (due 08-19) has not run out, so M is still open.
    partial = annual_figures(2026, desk.store.requests(), desk.calendar, desk.schedule, today=D("2026-08-10"))
    assert partial.cell("other.no_correction") == 0
    assert partial.cell("new") == 10  # D E F G H I J K L M
    assert partial.cell("carried_in") == 2


def test_reviews_and_lawsuits_as_of_the_years_end(desk: Any) -> None:
    store = desk.store
    store.add_appeal(OFFICER, kind="review", filed_on=D("2026-05-01"), outcome="maintained", decided_on=D("2026-06-01"))
    store.add_appeal(OFFICER, kind="review", filed_on=D("2026-11-01"), outcome="pending")
    late = store.add_appeal(OFFICER, kind="review", filed_on=D("2026-10-01"), outcome="pending")
    store.decide_appeal(OFFICER, late, outcome="corrected", decided_on=D("2027-01-05"))  # decided after the year
    store.add_appeal(
        OFFICER, kind="lawsuit_direct", filed_on=D("2026-02-01"), outcome="corrected", decided_on=D("2026-12-01")
    )
    store.add_appeal(
        OFFICER, kind="lawsuit_after_review", filed_on=D("2025-10-01"), outcome="other", decided_on=D("2026-01-10")
    )
    f = figures_of(desk)
    assert dict(f.appeals["review"]) == {"maintained": 1, "pending": 2}
    assert dict(f.appeals["lawsuit_direct"]) == {"corrected": 1}
    assert "lawsuit_after_review" not in f.appeals  # filed in 2025
    from renkou.disclosure.text import DisclosureError

    with pytest.raises(DisclosureError, match="already decided"):
        store.decide_appeal(OFFICER, late, outcome="other", decided_on=D("2027-01-06"))


def test_publication_register_flags_items_later_than_20_working_days(desk: Any) -> None:
    # Formed Friday 2026-09-18: 09-20 (make-up Sunday) 1, 09-21..24 5, 09-28..30 8, 10-08..09 10, 10-10 (make-up
    # Saturday) 11, 10-12..16 16, 10-19..22 20 -> due 2026-10-22; published Monday 10-26: 2 working days late.
    check = check_publication(D("2026-09-18"), D("2026-10-26"), desk.calendar)
    assert (check.due, check.late, check.late_working_days) == (D("2026-10-22"), True, 2)
    assert not check_publication(D("2026-09-18"), D("2026-10-22"), desk.calendar).late
    # Formed 2026-03-02: 03-03..06 4, 09..13 9, 16..20 14, 23..27 19, 03-30 20 -> due 03-30.
    assert check_publication(D("2026-03-02"), D("2026-03-30"), desk.calendar).due == D("2026-03-30")
    add = desk.store.add_publication
    add(
        OFFICER,
        title="规章甲",
        category="regulation",
        source="",
        formed_on=D("2026-03-02"),
        published_on=D("2026-03-30"),
        location="",
    )
    add(
        OFFICER,
        title="2026年人口公报",
        category="report",
        source="renkou-report",
        formed_on=D("2026-09-18"),
        published_on=D("2026-10-26"),
        location="",
    )
    add(
        OFFICER,
        title="旧",
        category="statistics",
        source="",
        formed_on=D("2025-12-01"),
        published_on=D("2025-12-05"),
        location="",
    )
    f = figures_of(desk)
    assert (f.published, f.published_late) == (2, 1)
    assert f.published_by_category["regulation"] == 1
    assert [item["title"] for item in f.late_items] == ["2026年人口公报"]


def cells_by_label(table: Any) -> dict[str, list[str]]:
    """Each row of a Word table keyed by its last label cell (merged cells repeat their text in python-docx)."""
    rows: dict[str, list[str]] = {}
    for row in table.rows:
        texts = [cell.text for cell in row.cells]
        numbers = texts[-7:]
        labels = [t for t in texts[:-7] if t]
        if labels:
            rows[labels[-1]] = numbers
    return rows


def test_rendered_report_carries_the_counts_in_the_templates_layout(desk: Any) -> None:
    build(desk)
    document = annual_document(figures_of(desk), office="杭州市人口信息管理办公室", generated=D("2027-01-10"))
    word = WordDocument(io.BytesIO(to_docx(document)))
    table3 = next(t for t in word.tables if "本年新收政府信息公开申请数量" in t.rows[3].cells[0].text)
    rows = cells_by_label(table3)
    # Columns: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计.
    assert rows["一、本年新收政府信息公开申请数量"] == ["10", "2", "1", "1", "1", "1", "16"]
    assert rows["二、上年结转政府信息公开申请数量"] == ["1", "1", "0", "0", "0", "0", "2"]
    assert rows["1.本机关不掌握相关政府信息"] == ["1", "0", "0", "0", "1", "0", "2"]
    assert rows["（七）总计"] == ["9", "2", "1", "1", "1", "1", "15"]
    assert rows["四、结转下年度继续办理"] == ["2", "1", "0", "0", "0", "0", "3"]
    text = "\n".join(p.text for p in word.paragraphs)
    assert "国办公开办函〔2021〕30号" in text and "2027年1月31日" in text
    assert "本年新收政府信息公开申请16件，上年结转2件，办结15件，结转下年度3件" in text
