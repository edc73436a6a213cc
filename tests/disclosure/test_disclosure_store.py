"""Stored requests: personal data sealed and masked at rest, append-only events checked by the workflow, the
public's secret, fees by count from the applicant's requests in the month, audit entries for every write and read."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from renkou.disclosure.applicants import Applicant, ApplicantKind, mask_document, mask_name
from renkou.disclosure.events import CorrectionRequested, ExtensionApproved
from renkou.disclosure.fees import FeeMethod
from renkou.disclosure.receipt import Channel
from renkou.disclosure.responses import Response, ResponseKind
from renkou.disclosure.store import Actor, RequestDetails
from renkou.disclosure.text import DisclosureError

OFFICER = Actor("officer1", "disclosure_officer")
ID_NUMBER = "330106199001011234"
PHONE = "13912345678"


def person(id_number: str = ID_NUMBER, name: str = "张三丰") -> Applicant:
    return Applicant(ApplicantKind.PERSON, name, "居民身份证", id_number, phone=PHONE, email="zhang@example.cn")


def file(desk: Any, on: date, applicant: Applicant | None = None, channel: Channel = Channel.IN_PERSON) -> str:
    received = None if channel in (Channel.ONLINE, Channel.FAX) else on
    filed = desk.store.file(
        OFFICER, applicant or person(), RequestDetails("2025年人口统计公报数据"), channel, on, received_on=received
    )
    return str(filed.request_no)


def test_personal_data_are_sealed_at_rest_and_masked_in_lists(desk: Any, db_path: Path) -> None:
    number = file(desk, date(2026, 3, 2))
    stored = desk.store.get(number)
    assert stored.id_masked == "330106********1234"
    assert stored.name_masked == "张**"
    assert stored.contact_masked == "139****5678 · z***@example.cn"
    assert desk.store.applicant(OFFICER, number) == person()
    desk.store.engine.execute("CHECKPOINT")
    raw = db_path.read_bytes()
    for secret in (ID_NUMBER, PHONE, "zhang@example.cn", "张三丰"):
        assert secret.encode("utf-8") not in raw, secret


def test_an_organisations_name_is_not_masked_but_its_code_is() -> None:
    assert mask_name("杭州某某科技有限公司", is_person=False) == "杭州某某科技有限公司"
    assert mask_document("91330100MA2B3C4D5E") == "913301********4D5E"
    assert mask_name("李四", is_person=True) == "李*"


def test_a_sealed_row_moved_to_another_request_does_not_open(desk: Any) -> None:
    first, second = file(desk, date(2026, 3, 2)), file(desk, date(2026, 3, 2), person("110101199003074578", "王五"))
    desk.store.engine.execute(
        "UPDATE disclosure_requests SET applicant_sealed = (SELECT applicant_sealed FROM disclosure_requests "
        "WHERE request_no = ?) WHERE request_no = ?",
        [first, second],
    )
    with pytest.raises(DisclosureError, match="cannot be decrypted"):
        desk.store.applicant(OFFICER, second)


def test_numbers_run_per_year(desk: Any) -> None:
    assert [file(desk, date(2025, 12, 31)), file(desk, date(2026, 1, 2)), file(desk, date(2026, 1, 5))] == [
        "2025-0001",
        "2026-0001",
        "2026-0002",
    ]
    desk.store.engine.execute("UPDATE disclosure_requests SET request_no = '2026-9999' WHERE request_no = '2026-0002'")
    assert file(desk, date(2026, 1, 6)) == "2026-10000"
    assert file(desk, date(2026, 1, 6)) == "2026-10001"


def test_events_are_appended_and_checked_against_the_regulation(desk: Any) -> None:
    number = file(desk, date(2026, 3, 2))
    desk.correct(OFFICER, number, date(2026, 3, 4), days=10, items="请写明年份")
    with pytest.raises(DisclosureError, match="awaiting correction"):
        desk.reply(OFFICER, number, date(2026, 3, 5), Response(kind=ResponseKind.DOES_NOT_EXIST))
    desk.correction_received(OFFICER, number, date(2026, 3, 9))
    with pytest.raises(DisclosureError, match="only once"):
        desk.store.record(OFFICER, number, CorrectionRequested(on=date(2026, 3, 10), period_working_days=5))
    desk.extend(OFFICER, number, date(2026, 3, 20), days=10, approved_by="主任")
    with pytest.raises(DisclosureError, match="extended only once"):
        desk.store.record(OFFICER, number, ExtensionApproved(on=date(2026, 3, 21), working_days=5, approved_by="x"))
    with pytest.raises(DisclosureError, match="head of the disclosure office"):
        desk.extend(OFFICER, number, date(2026, 3, 21), days=5, approved_by=" ")
    stored = desk.store.get(number)
    assert [e.event.kind for e in stored.events] == [
        "received",
        "correction_requested",
        "correction_received",
        "extension_approved",
    ]
    assert [e.seq for e in stored.events] == [1, 2, 3, 4]
    assert stored.events[1].detail == {"items": "请写明年份"}
    # Restarted on 03-09: 20 + 10 working days, 03-10 .. 04-20 with the 清明 holiday (04-04..04-06 in 2026: 04-06
    # a Monday off): March 10-31 = 16 days, April 1-3 = 3 (19), 04-07..04-17 = 9 (28), 04-20 = 29, 04-21 = 30.
    view = desk.view(number, date(2026, 3, 20))
    assert view.report.answer_due == date(2026, 4, 21)


def test_an_online_request_waits_for_both_sides_to_confirm(desk: Any) -> None:
    number = file(desk, date(2026, 3, 6), channel=Channel.ONLINE)  # a Friday
    view = desk.view(number, date(2026, 3, 6))
    assert view.state == "awaiting_receipt" and view.report is None
    with pytest.raises(DisclosureError, match="confirm receipt first"):
        desk.correct(OFFICER, number, date(2026, 3, 9))
    with pytest.raises(DisclosureError, match="before the day filed"):
        desk.store.confirm_receipt(OFFICER, number, date(2026, 3, 5))
    desk.store.confirm_receipt(OFFICER, number, date(2026, 3, 9))
    with pytest.raises(DisclosureError, match="already confirmed"):
        desk.store.confirm_receipt(OFFICER, number, date(2026, 3, 10))
    # Received Monday 03-09; 20 working days from 03-10: 03-10..03-31 = 16, 04-01..04-03 = 19, 04-07 = 20.
    assert desk.view(number, date(2026, 3, 9)).report.answer_due == date(2026, 4, 7)


def test_the_status_secret_is_checked_and_kept_only_as_a_digest(desk: Any) -> None:
    filed = desk.store.file(OFFICER, person(), RequestDetails("x"), Channel.ONLINE, date(2026, 3, 2))
    assert desk.store.check_secret(filed.request_no, filed.secret)
    assert not desk.store.check_secret(filed.request_no, filed.secret + "x")
    assert not desk.store.check_secret("2026-9999", filed.secret)
    stored = desk.store.engine.scalar("SELECT secret_digest FROM disclosure_requests")
    assert filed.secret not in stored


def test_fee_by_count_uses_the_applicants_requests_that_month(desk: Any) -> None:
    # The same person files 12 requests in March (and one in February, which does not count); another person one.
    file(desk, date(2026, 2, 27))
    numbers = [file(desk, date(2026, 3, 2 + (i % 5))) for i in range(12)]
    other = file(desk, date(2026, 3, 3), person("110101199003074578", "王五"))
    ordered = sorted(numbers, key=lambda n: (desk.store.get(n).received_on, n))
    # 1st-10th free, 11th and 12th 100 yuan each (国办函〔2020〕109号 art. 4).
    assert desk.assess_fee(ordered[9], FeeMethod.COUNT).amount == 0
    assert desk.assess_fee(ordered[10], FeeMethod.COUNT).amount == 100
    assert desk.assess_fee(ordered[11], FeeMethod.COUNT).amount == 100
    assert desk.assess_fee(other, FeeMethod.COUNT).amount == 0
    with pytest.raises(DisclosureError, match="nothing to pay"):
        desk.fee(OFFICER, ordered[0], date(2026, 3, 9), method=FeeMethod.COUNT)
    _, text = desk.fee(OFFICER, ordered[11], date(2026, 3, 9), method=FeeMethod.COUNT)
    assert "本自然月第 12 件申请" in text and "人民币 100 元" in text and "张三丰" in text


def test_fee_by_pages_and_payment(desk: Any) -> None:
    number = file(desk, date(2026, 3, 2))
    # 45 pages: 1-30 free, 31-45 at 10 yuan = 150.
    stored, text = desk.fee(
        OFFICER, number, date(2026, 3, 4), method=FeeMethod.PAGES, pages=45, applicant_received=date(2026, 3, 5)
    )
    assert stored.events[-1].event.amount == 150 and stored.events[-1].detail["pages"] == 45
    # Payment within 20 working days from the day after 03-05: 03-06..03-31 = 18, 04-01 19, 04-02 20.
    assert "截止日期：2026-04-02" in text
    assert desk.view(number, date(2026, 3, 10)).state == "awaiting_payment"
    desk.paid(OFFICER, number, date(2026, 3, 10))
    assert desk.view(number, date(2026, 3, 10)).state == "in_progress"


def test_every_write_and_full_read_is_audited(desk: Any) -> None:
    from renkou.api.audit import verify_audit

    number = file(desk, date(2026, 3, 2))
    desk.store.applicant(Actor("officer2", "disclosure_officer", "10.0.0.5", "session"), number, reason="reply")
    desk.reply(OFFICER, number, date(2026, 3, 10), Response(kind=ResponseKind.DOES_NOT_EXIST))
    rows = desk.store.engine.rows("SELECT actor, action, target, client FROM audit_log ORDER BY seq")
    assert rows == [
        ("officer1", "disclosure.file", number, None),
        ("officer2", "disclosure.applicant.read", number, "10.0.0.5"),
        ("officer1", "disclosure.answered", number, None),
    ]
    assert verify_audit(desk.store.engine).ok
    text = " ".join(str(r) for r in desk.store.engine.rows("SELECT * FROM audit_log"))
    assert ID_NUMBER not in text and "张三丰" not in text


def test_unknown_numbers_and_bad_details_are_one_line_errors(desk: Any) -> None:
    with pytest.raises(DisclosureError, match="no request numbered 2026-0042"):
        desk.view("2026-0042", date(2026, 3, 2))
    with pytest.raises(DisclosureError, match="at least one contact"):
        Applicant(ApplicantKind.PERSON, "张三", "居民身份证", ID_NUMBER)
    with pytest.raises(DisclosureError, match="describe the information"):
        RequestDetails("  ")
