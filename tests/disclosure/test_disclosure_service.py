"""The disclosure endpoints and pages in the service: the public files and reads only its own request; the officer
confirms, records, replies, charges and downloads letters; roles are checked; lists never show an ID number."""

from __future__ import annotations

import io
from typing import Any

import pypdfium2
from docx import Document as WordDocument

APPLICANT = {
    "kind": "person",
    "name": "赵六",
    "id_type": "居民身份证",
    "id_number": "110101199003074578",
    "phone": "13911112222",
}


def file_online(env: Any, description: str = "2025年分街道户籍人口") -> dict[str, Any]:
    env.login(None)
    response = env.client.post(
        "/api/disclosure/public/requests", json={"applicant": APPLICANT, "description": description}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_public_files_online_and_sees_only_its_own_status(service_env: Any) -> None:
    env = service_env
    env.clock.set_day("2026-03-06")
    filed = file_online(env)
    assert filed["request_no"] == "2026-0001" and len(filed["secret"]) >= 12
    assert "双方确认" in filed["receipt_rule"]["zh"]
    status = env.client.post(
        "/api/disclosure/public/status", json={"request_no": "2026-0001", "secret": filed["secret"]}
    )
    assert status.status_code == 200
    body = status.json()
    assert body["state"] == "awaiting_receipt" and body["received_on"] is None
    assert set(body) == {
        "request_no",
        "filed_on",
        "channel",
        "received_on",
        "state",
        "state_name",
        "answer_due",
        "next_due",
        "description",
        "response_name",
        "provisional",
    }
    wrong = env.client.post("/api/disclosure/public/status", json={"request_no": "2026-0001", "secret": "x" * 12})
    unknown = env.client.post("/api/disclosure/public/status", json={"request_no": "2026-0099", "secret": "x" * 12})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json()["error"] == unknown.json()["error"]
    # The public reaches nothing of the officer's.
    assert env.client.get("/api/disclosure/requests").status_code == 401
    assert env.client.get("/api/disclosure/requests/2026-0001").status_code == 401


def test_officer_takes_a_request_from_filing_to_reply_and_fee(service_env: Any) -> None:
    env = service_env
    env.clock.set_day("2026-03-06")
    filed = file_online(env)
    number = filed["request_no"]
    env.login("disclosure1")
    listed = env.client.get("/api/disclosure/requests")
    assert listed.status_code == 200
    assert APPLICANT["id_number"] not in listed.text and APPLICANT["phone"] not in listed.text
    assert listed.json()[0]["id_masked"] == "110101********4578"
    env.day("2026-03-09")
    confirmed = env.client.post(
        f"/api/disclosure/requests/{number}/events", json={"kind": "confirm", "on": "2026-03-09"}
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["answer_due"] == "2026-04-07"  # hand count in test_disclosure_store.py
    detail = env.client.get(f"/api/disclosure/requests/{number}")
    assert detail.json()["applicant"]["id_number"] == APPLICANT["id_number"]  # the handling officer's full view
    fee = env.client.post(
        f"/api/disclosure/requests/{number}/fee",
        json={"method": "pages", "pages": 31, "on": "2026-03-10", "applicant_received": "2026-03-10"},
    )
    assert fee.status_code == 200 and fee.json()["state"] == "awaiting_payment"
    assert "人民币 10 元" in fee.json()["notice"]  # page 31 alone at 10 yuan
    paid = env.client.post(f"/api/disclosure/requests/{number}/events", json={"kind": "fee_paid", "on": "2026-03-11"})
    assert paid.status_code == 200
    refused = env.client.post(
        f"/api/disclosure/requests/{number}/reply", json={"kind": "not_disclosed", "on": "2026-03-12"}
    )
    assert refused.status_code == 400 and "grounds" in refused.json()["error"]["en"]
    replied = env.client.post(
        f"/api/disclosure/requests/{number}/reply",
        json={"kind": "provided", "on": "2026-03-12", "note": "附件：分街道户籍人口表"},
    )
    assert replied.status_code == 200 and replied.json()["state"] == "answered"
    docx = env.client.get(f"/api/disclosure/requests/{number}/letter.docx")
    assert docx.status_code == 200 and docx.headers["content-disposition"].endswith(f'reply-{number}.docx"')
    text = "\n".join(p.text for p in WordDocument(io.BytesIO(docx.content)).paragraphs)
    assert "赵六：" in text and "第三十六条第（二）项" in text and "附件：分街道户籍人口表" in text
    pdf = env.client.get(f"/api/disclosure/requests/{number}/letter.pdf?which=fee")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    pdf_text = "".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(pdf.content))
    assert "人民币 10 元" in pdf_text
    # The public now sees the reply kind and nothing more.
    env.login(None)
    status = env.client.post("/api/disclosure/public/status", json={"request_no": number, "secret": filed["secret"]})
    assert status.json()["state"] == "answered" and status.json()["response_name"].startswith("予以公开")
    audit = env.service.register.engine.rows("SELECT action FROM audit_log WHERE target = ? ORDER BY seq", [number])
    assert [a for (a,) in audit] == [
        "disclosure.file",
        "disclosure.received",
        "disclosure.applicant.read",
        "disclosure.applicant.read",
        "disclosure.fee_notice_sent",
        "disclosure.fee_paid",
        "disclosure.answered",
        "disclosure.applicant.read",
        "disclosure.applicant.read",
    ]


def test_roles_and_the_officers_pages(service_env: Any) -> None:
    env = service_env
    env.login("analyst1")
    assert env.client.get("/api/disclosure/requests").status_code == 403
    assert env.client.get("/disclosure").status_code == 403
    env.login(None)
    assert env.client.get("/disclosure").status_code == 303
    assert env.client.get("/disclosure/apply").status_code == 200
    assert 'id="apply-form"' in env.client.get("/disclosure/apply?lang=en").text
    env.login("disclosure1")
    desk = env.client.get("/disclosure")
    assert desk.status_code == 200 and 'id="requests"' in desk.text and "政府信息公开工作台" in desk.text
    assert 'href="/disclosure"' in desk.text.split("</header>")[0]
    assert env.client.get("/disclosure?no=2026-0001").status_code == 200
    assert env.client.get("/disclosure?no=../etc").status_code == 422


def test_officer_logs_a_mailed_request_and_the_overdue_list(service_env: Any) -> None:
    env = service_env
    env.clock.set_day("2026-03-02")
    env.login("disclosure1")
    logged = env.client.post(
        "/api/disclosure/requests",
        json={
            "applicant": APPLICANT,
            "description": "人口",
            "channel": "mail",
            "signed_for": "2026-03-02",
            "submitted": "2026-02-27",
        },
    )
    assert logged.status_code == 201, logged.text
    assert logged.json()["received_on"] == "2026-03-02" and logged.json()["answer_due"] == "2026-03-30"
    env.day("2026-03-25")  # 03-26, 27, 30: 3 working days left -> near due
    overdue = env.client.get("/api/disclosure/overdue").json()
    assert [(r["request_no"], r["near_due"], r["working_days_left"]) for r in overdue] == [("2026-0001", True, 3)]
    env.day("2026-03-31")
    overdue = env.client.get("/api/disclosure/overdue").json()
    assert overdue[0]["overdue"] is True and overdue[0]["working_days_left"] == -1
    report = env.client.get("/api/disclosure/annual-report", params={"year": 2026})
    assert report.json()["table3"]["new"]["person"] == 1 and report.json()["table3"]["carried_out"]["total"] == 1
    pdf = env.client.get("/api/disclosure/annual-report", params={"year": 2026, "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_publication_register_in_the_service(service_env: Any) -> None:
    env = service_env
    env.login("disclosure1")
    item = {"title": "2026年人口统计报告", "category": "report", "source": "renkou-report"}
    late = env.client.post(
        "/api/disclosure/publications", json={**item, "formed_on": "2026-09-18", "published_on": "2026-10-26"}
    )
    assert late.status_code == 201 and late.json() == {"item_no": 1, "due": "2026-10-22", "late": True}
    backwards = env.client.post(
        "/api/disclosure/publications", json={**item, "formed_on": "2026-09-18", "published_on": "2026-09-17"}
    )
    assert backwards.status_code == 400 and "before" in backwards.json()["error"]["en"]
    rows = env.client.get("/api/disclosure/publications").json()
    assert [(r["item_no"], r["late"], r["late_working_days"]) for r in rows] == [(1, True, 2)]
    assert rows[0]["source_name"].startswith("renkou 年度人口报告")
    desk = env.client.get("/disclosure")
    assert 'value="renkou-report"' in desk.text


def test_online_filing_is_limited_per_address_and_documents_allow_only_styles(service_env: Any) -> None:
    from renkou.api.routers.disclosure import FILINGS_PER_HOUR

    env = service_env
    env.clock.set_day("2026-03-09")
    for _ in range(FILINGS_PER_HOUR):
        file_online(env)
    refused = env.client.post("/api/disclosure/public/requests", json={"applicant": APPLICANT, "description": "x"})
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "too_many_requests"
    env.clock.now = env.clock.now.replace(hour=3, minute=1)  # an hour and a minute later
    assert file_online(env)["request_no"] == f"2026-{FILINGS_PER_HOUR + 1:04d}"
    env.login("disclosure1")
    report = env.client.get("/api/disclosure/annual-report", params={"year": 2026, "format": "html"})
    assert report.status_code == 200 and "<script" not in report.text
    assert report.headers["content-security-policy"].startswith("default-src 'none'; style-src 'unsafe-inline'")


def test_reviews_and_lawsuits_in_the_service_feed_the_annual_report(service_env: Any) -> None:
    env = service_env
    env.clock.set_day("2027-01-10")
    env.login("disclosure1")
    first = env.client.post("/api/disclosure/appeals", json={"kind": "review", "filed_on": "2026-05-01"})
    assert first.status_code == 201 and first.json() == {"appeal_no": 1}
    decided = env.client.post(
        "/api/disclosure/appeals/1/decision", json={"outcome": "corrected", "decided_on": "2026-07-01"}
    )
    assert decided.status_code == 200
    again = env.client.post("/api/disclosure/appeals/1/decision", json={"outcome": "other", "decided_on": "2026-08-01"})
    assert again.status_code == 400 and "already decided" in again.json()["error"]["en"]
    env.client.post("/api/disclosure/appeals", json={"kind": "lawsuit_direct", "filed_on": "2026-09-01"})
    listed = env.client.get("/api/disclosure/appeals").json()
    assert [(a["appeal_no"], a["outcome"]) for a in listed] == [(1, "corrected"), (2, "pending")]
    report = env.client.get("/api/disclosure/annual-report", params={"year": 2026}).json()
    assert report["appeals"] == {"review": {"corrected": 1}, "lawsuit_direct": {"pending": 1}}
    assert env.client.get("/api/disclosure/appeals/9/decision").status_code == 405
    missing = env.client.post(
        "/api/disclosure/appeals/9/decision", json={"outcome": "other", "decided_on": "2026-08-01"}
    )
    assert missing.status_code == 404 and "no appeal numbered 9" in missing.json()["error"]["en"]


def test_pages_keep_the_content_security_policy(service_env: Any) -> None:
    import re
    from html.parser import HTMLParser

    class Inline(HTMLParser):
        """What ``default-src 'self'`` would block: inline scripts, style and event-handler attributes, other origins."""

        def __init__(self) -> None:
            super().__init__()
            self.problems: list[str] = []
            self.ids: list[str] = []
            self.script: str | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found = dict(attrs)
            if found.get("id"):
                self.ids.append(str(found["id"]))
            for name, value in attrs:
                if name == "style" or name.startswith("on"):
                    self.problems.append(f"<{tag} {name}>")
                if name in ("src", "href") and value and re.match(r"^(https?:)?//", value):
                    self.problems.append(f"<{tag} {name}={value}>")
            if tag in ("style",):
                self.problems.append("<style>")
            if tag == "script":
                self.script = "external" if found.get("src") else str(found.get("type"))

        def handle_endtag(self, tag: str) -> None:
            if tag == "script":
                self.script = None

        def handle_data(self, data: str) -> None:
            if self.script not in (None, "external", "application/json") and data.strip():
                self.problems.append("inline script")

    env = service_env
    for user, path in (
        (None, "/disclosure/apply"),
        (None, "/disclosure/status?no=2026-0001"),
        ("disclosure1", "/disclosure"),
        ("disclosure1", "/disclosure?no=2026-0001&lang=en"),
    ):
        env.login(user)
        response = env.client.get(path)
        assert response.status_code == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"]
        parser = Inline()
        parser.feed(response.text)
        assert parser.problems == [], (path, parser.problems)
        assert len(parser.ids) == len(set(parser.ids)), (path, "duplicate ids")
