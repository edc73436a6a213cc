"""In a real headless Chromium (Debian's, driven by Playwright): a points officer scores one applicant, ranks a round
from an uploaded file, sees and publishes the masked public list; a clerk issues and endorses a residence permit.

The service runs under uvicorn on a free loopback port over a copy of the points test register, its clock at
1 June 2021. A page must not log a single console error (a Content-Security-Policy violation would be one).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import browser_support
import pytest
from browser_support import chromium, new_page, serving
from points_city import MA, ZHOU
from points_service import PASSWORD, copy_register, open_service
from test_points_service_api import CSV, IDS

from renkou.api.app import create_app
from renkou.api.service import Service
from renkou.ids import mask

pytestmark = pytest.mark.browser

# A refusal the page explains to its user (restoring a permit that is not suspended): Chromium still logs it.
EXPECTED = ("status of 400",)


@dataclass
class Site:
    url: str
    service: Service
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def site(points_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("points-browser")
    service = open_service(copy_register(points_template, folder))
    try:
        with serving(create_app(service), "renkou-points-test-server") as url:
            yield Site(url, service)
    finally:
        service.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any, site: Site) -> Iterator[Any]:
    errors: list[str] = []
    tab = new_page(browser, errors, EXPECTED)
    try:
        yield tab
        assert errors == [], f"console errors: {errors}"
    finally:
        tab.context.close()


def shot(page: Any, name: str) -> None:
    """A full-page screenshot when ``RENKOU_SCREENSHOTS=dir`` asks for them (to look at the pages)."""
    folder = os.environ.get("RENKOU_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def log_in(page: Any, site: Site, username: str, landing: str) -> None:
    browser_support.log_in(page, site.url, username, PASSWORD, landing)


def test_an_officer_scores_ranks_and_publishes_the_masked_list(page: Any, site: Site, tmp_path: Path) -> None:
    log_in(page, site, "points1", "/points")
    assert page.locator("h1").inner_text() == "积分管理"
    page.select_option("#score-rules", "shanghai-2015")
    page.select_option("#in-has_permit", "true")
    page.fill("#in-age", "43")
    page.select_option("#in-education", "master")
    page.select_option("#in-skill", "title_senior")
    page.fill("#in-high_base_months", "6")
    page.fill("#in-insurance_years", "7.9")
    page.check("input[name='verified'][value='education']")
    page.click("#score-submit")
    page.wait_for_selector("#score-total[data-total]")
    # age 43 capped at 30; senior title 140 beats 硕士; 7 full years x 3 = 21.
    assert page.locator("#score-total").get_attribute("data-total") == "191"
    assert "封顶 30 分" in page.locator("#lines tr[data-indicator='age']").inner_text()
    assert (
        page.locator("#lines tr[data-indicator='education'] td[data-source]").get_attribute("data-source") == "verified"
    )
    assert page.locator("#lines tr[data-indicator='age'] td[data-source]").inner_text() == "自报"

    applicants = tmp_path / "applicants.csv"
    applicants.write_text(CSV, encoding="utf-8")
    page.select_option("#rank-rules", "beijing-2016")
    page.set_input_files("#rank-file", str(applicants))
    page.fill("#rank-quota", "2")
    page.click("#rank-submit")
    page.wait_for_selector("#ranking tbody tr, #rank-message.error")
    assert page.locator("#rank-message.error").count() == 0, page.locator("#rank-message").inner_text()
    page.wait_for_selector("#history-intact[data-intact='yes']")  # the last part of the round drawn
    page.wait_for_selector("#score-chart[data-drawn='true']")
    rows = page.locator("#ranking tbody tr")
    assert rows.count() == 6
    assert rows.first.locator("code").inner_text() == mask(IDS["B"])
    assert "申请 6 人，符合条件 4 人，录取 3 人" in page.locator("#round-summary").inner_text()
    listed = page.locator("#public-list tbody tr")
    assert listed.count() == 3
    assert [listed.nth(i).locator("td").nth(2).inner_text() for i in range(3)] == ["钱*", "赵*", "李*"]
    body = page.locator("body").inner_text()
    assert all(number not in body for number in IDS.values())
    assert page.locator("#published-badge").get_attribute("data-published") == "no"
    page.click("#publish")
    page.wait_for_selector("#published-badge[data-published='yes']")
    page.wait_for_selector("#publish-message:not([hidden])")
    assert "未配置通知发件箱" in page.locator("#publish-message").inner_text()  # this service has no outbox
    public_url = page.locator("#public-page-link").get_attribute("href")
    assert public_url is not None and public_url.startswith("/points/published/")
    shot(page, "points")
    page.goto(f"{site.url}/points?lang=en")
    assert page.locator("h1").inner_text() == "Points administration"


def test_a_clerk_issues_and_endorses_a_permit(page: Any, site: Site) -> None:
    log_in(page, site, "clerk_xihu", "/workbench")
    page.goto(f"{site.url}/permits")
    page.fill("#permit-id", ZHOU)  # employed, registered in 西湖区 since 7 January 2019
    page.fill("#permit-on", "2020-06-01")
    page.click("#act-issue")
    page.wait_for_selector("#permit-message[data-outcome='issued']")
    assert mask(ZHOU) in page.locator("#permit-message").inner_text()
    assert "有效" in page.locator("#permit-facts").inner_text()
    # Year 1: anniversary Tuesday 1 June 2021, window from 1 May: endorsed on the last day, on time.
    page.fill("#permit-on", "2021-06-01")
    page.click("#act-endorse")
    page.wait_for_selector("#permit-message[data-outcome='endorsed']")
    assert page.locator("#permit-facts dd[data-key='pmt.years']").inner_text().startswith("1")
    assert "2022-05-01 — 2022-06-01" in page.locator("#permit-facts").inner_text()
    assert ZHOU not in page.locator("body").inner_text()
    page.click("#list-due")
    page.wait_for_selector("#list-total[data-total]")
    shot(page, "permits")


def test_a_clerk_records_a_suspension_restores_replaces_and_cancels_a_permit(page: Any, site: Site) -> None:
    log_in(page, site, "clerk_shangcheng", "/workbench")
    page.goto(f"{site.url}/permits")
    page.fill("#permit-id", MA)  # employed, registered in 上城区 since 1 May 2016
    page.fill("#permit-on", "2019-05-06")
    page.click("#act-issue")
    page.wait_for_selector("#permit-message[data-outcome='issued']")
    # Year 1: anniversary Wednesday 6 May 2020 was missed: suspended from the 7th.
    page.click("#list-suspend")
    page.wait_for_selector("#list-total[data-recorded='1']")
    assert "中止 1 张，本次登记 1 张" in page.locator("#list-total").inner_text()
    assert page.locator("#permit-list tbody tr").count() == 1
    assert mask(MA) in page.locator("#permit-list tbody").inner_text()

    page.fill("#permit-on", "2021-05-10")
    page.click("#act-restore")
    page.wait_for_selector("#permit-message[data-outcome='restored']")
    assert "居住年限自今日起重新计算" in page.locator("#permit-message").inner_text()
    assert page.locator("#permit-facts dd[data-key='pmt.years']").inner_text() == "0 (2021-05-10)"
    page.click("#act-restore")  # not suspended any more: refused with the reason in both languages
    page.wait_for_selector("#permit-message[data-outcome='error']")
    refused = page.locator("#permit-message").inner_text()
    assert refused == f"{mask(MA)} 的居住证未中止（状态：有效），无须恢复"

    page.fill("#permit-on", "2021-05-20")
    page.fill("#permit-no", "SC-2021-0001")
    page.click("#act-replace")
    page.wait_for_selector("#permit-message[data-outcome='replaced']")
    assert "3301022019000001 → SC-2021-0001" in page.locator("#permit-message").inner_text()
    assert page.locator("#permit-facts dd[data-key='pmt.years']").inner_text() == "0 (2021-05-10)"

    page.fill("#permit-on", "2021-06-01")
    page.fill("#permit-no", "")
    page.check("#permit-departed")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#act-cancel")
    page.wait_for_selector("#permit-message[data-outcome='cancelled']")
    assert "居住登记同时注销" in page.locator("#permit-message").inner_text()
    assert page.locator("#permit-facts dd[data-key='pmt.status']").inner_text() == "已注销"
    assert MA not in page.locator("body").inner_text()
    shot(page, "permits-actions")
    page.goto(f"{site.url}/permits?lang=en")
    assert page.locator("#act-restore").inner_text() == "Restore (late endorsement)"


def test_anyone_reads_a_published_list_without_logging_in(page: Any, site: Site) -> None:
    from renkou.api.routers.points import _store
    from renkou.points import rounds

    service = site.service
    with service.database():
        store = _store(service)
        opened = rounds.create_round(
            store, rules="beijing-2016", data=CSV.encode(), file_name="a.csv", quota=2, opens=date(2021, 6, 1),
            closes=date(2021, 6, 7), title="公示测试", user="points1", now=service.now(), clock=service.now,
        )  # fmt: skip
        store.publish(opened.info.round_id, "points1", service.now())
    page.goto(f"{site.url}/points/published")
    assert page.locator("h1").inner_text() == "积分公示"
    page.click(f"#published-rounds tr[data-round='{opened.info.round_id}'] a")
    page.wait_for_url(f"{site.url}/points/published/{opened.info.round_id}")
    assert page.locator("h1").inner_text() == "积分公示：公示测试"
    rows = page.locator("#public-list tbody tr")
    assert rows.count() == 3  # B 70, then A and D tied at 50 on the cut-off (worked in test_points_service_api)
    assert [rows.nth(i).locator("td").nth(2).inner_text() for i in range(3)] == ["钱*", "赵*", "李*"]
    assert rows.first.locator("code").inner_text() == mask(IDS["B"])
    assert rows.first.locator("td").nth(3).inner_text() == "70"
    body = page.locator("body").inner_text()
    assert all(number not in body for number in IDS.values())
    assert page.locator("#login-link").count() == 1  # nobody is logged in
    page.click("#lang-toggle")
    page.wait_for_url("**lang=en")
    assert page.locator("h1").inner_text() == "Points list: 公示测试"
    assert page.locator("#public-list th").first.inner_text() == "Rank"
    shot(page, "points-public")
