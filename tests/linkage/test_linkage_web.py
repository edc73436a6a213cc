"""The clerk's linkage review page in a real browser: pairs side by side with masked IDs, and a decision applied."""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
import uvicorn
from conftest import LinkedCity

from renkou.api import accounts
from renkou.api.app import create_app
from renkou.api.permissions import Role
from renkou.api.service import Service
from renkou.api.settings import ServiceSettings
from renkou.linkage.run import run_linkage
from renkou.linkage.settings import LinkSettings
from renkou.linkage.store import review_queue
from renkou.register.store import Register

CHROMIUM = "/usr/bin/chromium"
FAST = ServiceSettings(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1)
PASSWORD = "correct horse battery staple"
MASKED = re.compile(r"^\d{6}\*{8}[\dX]{4}$")


@dataclass
class Site:
    url: str
    service: Service
    district: str
    pairs: int


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def site(linked_city: LinkedCity, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium")
    folder = tmp_path_factory.mktemp("link-web")
    db = folder / "renkou.duckdb"
    shutil.copy(linked_city.db, db)
    shutil.copy(f"{linked_city.db}.key", f"{db}.key")
    register = Register.open(db)
    run = run_linkage(register, LinkSettings(max_iterations=1))  # unconverged: every model pair goes to review
    subjects = [row["subject"] for row in review_queue(register.engine, run.run_id).to_pylist()]
    # The clerk's district: the one holding most persons of the queue (latest residence district).
    districts = register.engine.rows(
        "SELECT region, count(*) FROM (SELECT arg_max(coalesce(residence_region, hukou_region), valid_from) AS region "
        "FROM spells WHERE hex(subject_id) IN (SELECT unnest(?)) GROUP BY subject_id) WHERE region IS NOT NULL "
        "GROUP BY ALL ORDER BY 2 DESC",
        [subjects],
    )
    register.close()
    district, _count = districts[0]
    service = Service.open(db, FAST, lambda: datetime(2021, 6, 1, 9, 0, 0))
    with service.database() as engine:
        accounts.create_user(
            engine,
            service.hasher,
            service.settings,
            username="clerk_link",
            role=Role.CLERK,
            password=PASSWORD,
            now=service.now(),
            districts=[district],
        )
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(service), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True, name="renkou-link-test-server")
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield Site(f"http://127.0.0.1:{port}", service, str(district), len(subjects))
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        service.close()


@pytest.fixture
def page(site: Site) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = chromium.new_context(viewport={"width": 1300, "height": 900}, locale="zh-CN")
        context.set_default_timeout(60_000)
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        try:
            yield tab
            assert errors == [], f"page errors: {errors}"
        finally:
            chromium.close()


def test_clerk_reviews_a_pair_and_the_match_is_filed(page: Any, site: Site) -> None:
    page.goto(f"{site.url}/login")
    page.fill("#username", "clerk_link")
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(re.compile(r".*/(workbench|home|$).*"))
    page.goto(f"{site.url}/linkage")
    page.wait_for_selector(".link-pair")
    assert page.locator("h1").inner_text() == "关联复核"
    cards = page.locator(".link-pair")
    shown = cards.count()
    assert 0 < shown <= min(site.pairs, 50)
    first = cards.nth(0)
    # Side by side: the department row and the register person; the person's ID masked (first 6, last 4).
    assert first.locator("caption").all_inner_texts() == ["部门记录", "登记人员"]
    person_id = first.locator(".pair-side").nth(1).locator('tr[data-field="id"] td').inner_text()
    assert MASKED.match(person_id), person_id
    row_id = first.locator(".pair-side").nth(0).locator('tr[data-field="id"] td').inner_text()
    assert row_id == "—" or MASKED.match(row_id), row_id
    # Only pairs whose person belongs to the clerk's district are listed (the page's data, read as the page reads it).
    listed = page.evaluate("fetch('/web/api/linkage/queue').then((r) => r.json())")
    assert len(listed["pairs"]) == shown
    assert all(site.district in (p["person"]["hukou_region"], p["person"]["residence_region"]) for p in listed["pairs"])
    batch, line = int(first.get_attribute("data-batch")), int(first.get_attribute("data-line"))
    first.locator(".link-note").fill("核对无误")
    first.locator(".link-accept").click()
    page.wait_for_selector("#link-message:not([hidden])")
    assert "已确认为同一人" in page.locator("#link-message").inner_text()
    assert page.locator(".link-pair").count() == shown - 1
    with site.service.database() as engine:
        refiled = engine.rows("SELECT source FROM link_refiled WHERE batch_id = ? AND line = ?", [batch, line])
        decided = engine.rows(
            "SELECT accepted, clerk, note FROM link_decisions WHERE batch_id = ? AND line = ?", [batch, line]
        )
        audited = engine.scalar("SELECT count(*) FROM audit_log WHERE actor = 'clerk_link'")
    assert refiled == [("clerk",)]
    assert decided == [(True, "clerk_link", "核对无误")]
    assert audited >= 2  # the queue read and the decision
    # English on request.
    page.goto(f"{site.url}/linkage?lang=en")
    page.wait_for_selector(".link-pair" if listed["total"] > 1 else "#link-empty")
    assert page.locator("h1").inner_text() == "Linkage review"
    # The page shows at most 50 pairs: when more wait, the next one moves up into the freed place.
    assert page.locator(".link-pair").count() == min(listed["total"] - 1, 50)
    assert "waiting in your districts" in page.locator("#link-total").inner_text()


def test_other_roles_cannot_use_the_queue(site: Site) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(create_app(site.service))
    assert client.get("/web/api/linkage/queue").status_code == 401
    assert client.post(
        "/web/api/linkage/decide", json={"run_id": 1, "batch_id": 1, "line": 2, "accept": True}
    ).status_code in (401, 403)
