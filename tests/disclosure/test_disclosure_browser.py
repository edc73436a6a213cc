"""In a real browser (Debian's Chromium through Playwright): the public files a request online, the officer confirms
receipt and replies, downloads the reply letter, and the public sees its request answered."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import chromium, log_in, new_page, serving
from conftest import PASSWORD, FixedClock, open_service
from docx import Document as WordDocument

from renkou.api.app import create_app


def charts_built() -> bool:
    from renkou.web.templating import charts_available

    return charts_available()


@pytest.fixture
def site(db_path: Path) -> Iterator[str]:
    clock = FixedClock()
    clock.set_day("2026-03-09")
    service: Any = open_service(db_path, clock)
    try:
        with serving(create_app(service), "renkou-disclosure-test-server") as url:
            yield url
    finally:
        service.close()


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def test_public_files_online_and_officer_replies_with_a_letter(site: str, browser: Any) -> None:
    errors: list[str] = []
    public = new_page(browser, errors)
    public.goto(f"{site}/disclosure/apply")
    public.fill("#a-name", "孙八")
    public.fill("#a-id-number", "110101199003074578")
    public.fill("#a-phone", "13955556666")
    public.fill("#a-description", "2025年本市分区县常住人口")
    public.click("#apply-submit")
    public.wait_for_selector("#apply-message.ok")
    message = public.locator("#apply-message")
    number, secret = message.get_attribute("data-request-no"), message.get_attribute("data-secret")
    assert number == "2026-0001" and secret and secret in message.inner_text()

    officer = new_page(browser, errors)
    log_in(officer, site, "disclosure1", PASSWORD, "/disclosure")
    row = officer.locator(f"#requests tbody tr[data-no='{number}']")
    row.wait_for()
    assert row.get_attribute("data-state") == "awaiting_receipt"
    assert "110101199003074578" not in officer.content() and "孙*" in row.inner_text()
    row.locator("a").click()
    officer.wait_for_url(f"{site}/disclosure?no={number}")
    officer.wait_for_selector("#request-state[data-state='awaiting_receipt']")
    officer.select_option("#e-kind", "confirm")
    officer.fill("#e-on", "2026-03-09")
    officer.click("#event-submit")
    officer.wait_for_selector("#request-state[data-state='in_progress']")
    assert "2026-04-07" in officer.locator("#request-facts").inner_text()  # hand count in test_disclosure_store.py
    officer.select_option("#r-kind", "provided")
    officer.fill("#r-on", "2026-03-09")
    officer.fill("#r-note", "附件：分区县常住人口表")
    officer.click("#reply-submit")
    officer.wait_for_selector("#request-state[data-state='answered']")
    with officer.expect_download() as download_info:
        officer.click("#letter-reply-docx")
    letter = Path(download_info.value.path()).read_bytes()
    text = "\n".join(p.text for p in WordDocument(io.BytesIO(letter)).paragraphs)
    assert "孙八：" in text and "第三十六条第（二）项" in text and "附件：分区县常住人口表" in text

    officer.goto(f"{site}/disclosure")
    if charts_built():
        officer.wait_for_selector("#months-chart[data-drawn='true']")
        assert officer.locator("#months-chart").get_attribute("data-received") == "1"  # received in March 2026

    public.goto(f"{site}/disclosure/status?no={number}")
    public.fill("#s-secret", secret)
    public.click("#status-submit")
    public.wait_for_selector("#status-result[data-state='answered']")
    assert "予以公开" in public.locator("#status-result").inner_text()
    assert errors == [], errors
