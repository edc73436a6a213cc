"""Reply letters for every reply kind: the Word file opens and carries the legal basis and the required details; the
PDF renders to an image (pypdfium2) and its text layer says the same."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pypdfium2
import pytest
from docx import Document as WordDocument

from renkou.disclosure.applicants import Applicant, ApplicantKind
from renkou.disclosure.documents import to_docx, to_html, to_pdf
from renkou.disclosure.fees import FeeMethod
from renkou.disclosure.receipt import Channel
from renkou.disclosure.responses import Response, ResponseKind, WithholdingGround
from renkou.disclosure.store import Actor, RequestDetails

OFFICER = Actor("officer1", "disclosure_officer")

# Each kind with its details and the texts its letter must carry (article, and the detail itself).
CASES: dict[ResponseKind, tuple[dict[str, Any], tuple[str, ...]]] = {
    ResponseKind.ALREADY_PUBLIC: (
        {"where": "本机关门户网站“统计数据”栏目"},
        ("第三十六条第（一）项", "本机关门户网站“统计数据”栏目", "获取该政府信息的方式和途径"),
    ),
    ResponseKind.PROVIDED: ({}, ("第三十六条第（二）项", "电子形式、电子邮件")),
    ResponseKind.PARTIALLY_PROVIDED: (
        {"grounds": (WithholdingGround.THIRD_PARTY_RIGHTS,), "reason": "表中含个人身份信息"},
        ("第三十七条", "第十五条", "表中含个人身份信息", "可以公开的部分"),
    ),
    ResponseKind.NOT_DISCLOSED: (
        {"grounds": (WithholdingGround.PROCESS_INFORMATION,), "reason": "为内部讨论稿"},
        ("第三十六条第（三）项", "第十六条第二款", "为内部讨论稿", "不予公开"),
    ),
    ResponseKind.DOES_NOT_EXIST: ({}, ("第三十六条第（四）项", "该政府信息不存在")),
    ResponseKind.NOT_HELD: (
        {"reason": "出生医学证明由卫生健康部门签发", "referral": "市卫生健康委员会（0571-12345678）"},
        ("第三十六条第（五）项", "市卫生健康委员会（0571-12345678）", "出生医学证明由卫生健康部门签发"),
    ),
    ResponseKind.REPEATED: (
        {"previous_reply": "2026年1月20日（〔2026〕第0001号）"},
        ("第三十六条第（六）项", "2026年1月20日（〔2026〕第0001号）", "不予重复处理"),
    ),
    ResponseKind.SPECIAL_CHANNEL: (
        {"where": "户籍档案查询请持本人身份证到户籍窗口办理"},
        ("第三十六条第（七）项", "户籍档案查询请持本人身份证到户籍窗口办理"),
    ),
    ResponseKind.NEEDS_PROCESSING: ({}, ("第三十八条", "加工、分析")),
    ResponseKind.NOT_A_REQUEST: (
        {"reason": "所提事项为对户籍窗口的投诉"},
        ("第三十九条", "所提事项为对户籍窗口的投诉", "不作为政府信息公开申请处理"),
    ),
    ResponseKind.UNREASONABLE_VOLUME: (
        {"reason": "一个月内提出相同内容申请120件"},
        ("第三十五条", "一个月内提出相同内容申请120件", "不予处理"),
    ),
}
COMMON = (
    "政府信息公开申请答复书",
    "王小明：",
    "2026年3月2日收到您提出",
    "2026-0001",
    "六十日内",
    "六个月内",
    "2026年3月16日",
)


def reply_document(desk: Any, kind: ResponseKind, details: dict[str, Any]) -> Any:
    applicant = Applicant(ApplicantKind.PERSON, "王小明", "居民身份证", "110101199003074578", email="w@example.cn")
    filed = desk.store.file(
        OFFICER,
        applicant,
        RequestDetails("2025年新生儿数量"),
        Channel.IN_PERSON,
        date(2026, 3, 2),
        received_on=date(2026, 3, 2),
    )
    desk.reply(OFFICER, filed.request_no, date(2026, 3, 16), Response(kind=kind, **details))
    return desk.reply_document(OFFICER, filed.request_no, office="杭州市人口信息管理办公室")


def docx_text(data: bytes) -> str:
    word = WordDocument(io.BytesIO(data))
    return "\n".join(p.text for p in word.paragraphs)


def pdf_text_and_ink(data: bytes) -> tuple[str, float]:
    """The PDF's text and the share of non-white pixels of its first page rendered at 100 dpi."""
    pdf = pypdfium2.PdfDocument(data)
    text = "".join(page.get_textpage().get_text_range() for page in pdf)
    image = pdf[0].render(scale=100 / 72).to_pil().convert("L")
    histogram = image.histogram()
    ink = 1 - sum(histogram[200:]) / sum(histogram)
    return text.replace("\r", "").replace("\n", ""), ink


@pytest.mark.parametrize("kind", list(ResponseKind))
def test_reply_letter_in_word_carries_the_basis_and_details(desk: Any, kind: ResponseKind) -> None:
    details, expected = CASES[kind]
    text = docx_text(to_docx(reply_document(desk, kind, details)))
    for fragment in (*expected, *COMMON, "杭州市人口信息管理办公室〔2026〕第0001号"):
        assert fragment in text, (kind, fragment)
    assert "110101199003074578" not in text  # the letter names the applicant, not the ID number


@pytest.mark.parametrize("kind", [ResponseKind.NOT_DISCLOSED, ResponseKind.NOT_HELD, ResponseKind.PROVIDED])
def test_reply_letter_pdf_renders_with_its_key_text(desk: Any, kind: ResponseKind) -> None:
    details, expected = CASES[kind]
    text, ink = pdf_text_and_ink(to_pdf(reply_document(desk, kind, details)))
    assert 0.005 < ink < 0.2, ink  # text on a white page: not blank, not a black box
    for fragment in (*expected, *COMMON):
        assert fragment in text, (kind, fragment)


def test_html_letter_is_escaped(desk: Any) -> None:
    document = reply_document(desk, ResponseKind.NOT_A_REQUEST, {"reason": "<script>alert(1)</script>"})
    html = to_html(document)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_fee_notice_letter(desk: Any) -> None:
    applicant = Applicant(
        ApplicantKind.BUSINESS, "某某数据有限公司", "统一社会信用代码", "91330100MA2B3C4D5E", phone="0571-8888"
    )
    filed = desk.store.file(
        OFFICER, applicant, RequestDetails("分年龄人口"), Channel.MAIL, date(2026, 3, 2), received_on=date(2026, 3, 2)
    )
    desk.fee(
        OFFICER,
        filed.request_no,
        date(2026, 3, 3),
        method=FeeMethod.PAGES,
        pages=205,
        applicant_received=date(2026, 3, 4),
    )
    document = desk.fee_document(OFFICER, filed.request_no, office="杭州市人口信息管理办公室")
    # 205 pages: 70 x 10 + 100 x 20 + 5 x 40 = 700 + 2000 + 200 = 2900 yuan.
    text = docx_text(to_docx(document))
    for fragment in (
        "某某数据有限公司：",
        "人民币 2900 元",
        "第 201—205 页，40 元/页，小计 200 元",
        "国办函〔2020〕109号",
    ):
        assert fragment in text, fragment
    pdf_text, ink = pdf_text_and_ink(to_pdf(document))
    assert "人民币 2900 元" in pdf_text and ink > 0.005


def test_a_letter_before_the_reply_is_an_error(desk: Any) -> None:
    from renkou.disclosure.text import DisclosureError

    applicant = Applicant(ApplicantKind.PERSON, "王小明", "居民身份证", "110101199003074578", phone="13800000000")
    filed = desk.store.file(
        OFFICER, applicant, RequestDetails("x"), Channel.IN_PERSON, date(2026, 3, 2), received_on=date(2026, 3, 2)
    )
    with pytest.raises(DisclosureError, match="not answered"):
        desk.reply_document(OFFICER, filed.request_no)
    with pytest.raises(DisclosureError, match="no fee notice"):
        desk.fee_document(OFFICER, filed.request_no)
