"""End to end in a real headless Chromium (Debian's, driven by Playwright): log in, see the dashboard's pyramid drawn,
switch language, run a public query and download its CSV, record an event as a clerk, upload a steward's file.

The service runs under uvicorn on a free loopback port, on a private copy of the synthetic city's register. Pages
must not log a single console error (a Content-Security-Policy violation would be one). Screenshots are written to
the test's temporary folder (``RENKOU_SCREENSHOTS=dir`` keeps them somewhere else, to look at).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import browser_support
import pytest
from browser_support import chromium, new_page, serving
from conftest import PASSWORD, Built, copy_register, open_service
from service_city import City, citizen_id

from renkou.api.app import create_app
from renkou.api.service import Service

pytestmark = pytest.mark.browser

# Answers a page expects and explains to its user (a quarantined form, a duplicate): Chromium still logs them.
EXPECTED = ("status of 422", "status of 409")


@dataclass
class Site:
    """The running service and what the tests need to know about it."""

    url: str
    service: Service
    city: City
    shots: Path
    console: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def site(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("browser")
    service = open_service(copy_register(built, folder))
    shots = Path(os.environ.get("RENKOU_SCREENSHOTS") or folder / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    try:
        with serving(create_app(service)) as url:
            yield Site(url, service, built.city, shots)
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


def log_in(page: Any, site: Site, username: str, landing: str) -> None:
    browser_support.log_in(page, site.url, username, PASSWORD, landing)


def canvas_ink(page: Any, selector: str) -> int:
    """Pixels of the chart's canvas that are not blank: a drawn chart has thousands."""
    return int(
        page.evaluate(
            """(selector) => {
                const canvas = document.querySelector(selector + ' canvas');
                if (!canvas) return 0;
                const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                let ink = 0;
                for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) ink++;
                return ink;
            }""",
            selector,
        )
    )


def chart_series(page: Any, selector: str) -> list[dict[str, Any]]:
    return list(
        page.evaluate(
            "(s) => echarts.getInstanceByDom(document.querySelector(s)).getOption().series"
            ".map((x) => ({name: x.name, data: x.data}))",
            selector,
        )
    )


def site_json(page: Any, site: Site, path: str) -> Any:
    """A JSON answer fetched with the page's own session."""
    response = page.request.get(f"{site.url}{path}")
    assert response.ok, response.text()
    return response.json()


def test_dashboard_draws_the_pyramid_and_switches_language(page: Any, site: Site) -> None:
    log_in(page, site, "analyst1", "/dashboard")
    page.wait_for_selector("#pyramid-resident[data-drawn='true']")
    page.wait_for_selector("#pyramid-registered[data-drawn='true']")
    page.wait_for_selector("#cards .card")
    assert canvas_ink(page, "#pyramid-resident") > 2000
    series = chart_series(page, "#pyramid-registered")
    assert [s["name"] for s in series] == ["男 2020", "女 2020", "男 2018", "女 2018"]
    registered = site.city.registered_on(date(2020, 12, 31))
    # Men are drawn to the left (negative), women to the right: together they are the registered population.
    assert -sum(series[0]["data"]) + sum(series[1]["data"]) == sum(registered.values())
    page.wait_for_selector("#fan-chart[data-drawn='true']")
    page.wait_for_selector("#trend-population[data-drawn='true']")
    page.wait_for_selector("#district-map[data-drawn='true']")
    assert canvas_ink(page, "#district-map") > 2000
    assert page.locator("#district-table tbody tr[data-district='330106'] td").nth(1).inner_text() == "{:,}".format(
        registered["330106"]
    )
    # The plan board: one row per indicator of the default plan, each with a status light and a reason.
    page.wait_for_selector("#plan-table tbody tr[data-status]")
    rows = page.locator("#plan-table tbody tr[data-status]")
    assert rows.count() == 16
    statuses = [rows.nth(i).get_attribute("data-status") for i in range(rows.count())]
    order = {"red": 1, "amber": 2, "green": 3}
    assert set(statuses) <= set(order) and [order[s] for s in statuses] == sorted(order[s] for s in statuses)
    first = rows.first
    assert first.locator(".light").inner_text() == {"red": "红", "amber": "黄", "green": "绿"}[statuses[0]]
    assert first.locator("td.reason").inner_text().strip() != ""
    assert "红" in page.locator("#plan-summary").inner_text()
    # Early warnings with their evidence (the city is past the 20% ageing line).
    page.wait_for_selector("#warnings-list li.warning[data-rule='ageing'][data-area='330100']")
    assert "证据" in page.locator("#warnings-list li.warning[data-rule='ageing'][data-area='330100']").inner_text()
    # The fan charts draw the register projection's figures.
    page.wait_for_selector("#fan-births[data-drawn='true']")
    fan = site_json(page, site, "/web/api/dashboard/projection?year=2020")
    drawn = {s["name"]: s["data"] for s in chart_series(page, "#fan-chart")}
    assert drawn["中方案"] == fan["variants"]["medium"] and drawn["随机中位数"] == fan["intervals"]["p50"]
    assert {s["name"]: s["data"] for s in chart_series(page, "#fan-births")}["高方案"] == fan["births"]["high"]
    # Tooltips are drawn without inline style attributes (the CSP would refuse them, as a console error).
    for chart in (
        "#trend-population",
        "#trend-rates",
        "#pyramid-resident",
        "#fan-chart",
        "#fan-births",
        "#district-map",
    ):
        page.hover(chart, position={"x": 320, "y": 200})
        page.wait_for_timeout(200)
    page.screenshot(path=str(site.shots / "dashboard-zh.png"), full_page=True)

    page.click("#lang-toggle")
    page.wait_for_url("**lang=en**")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text().startswith("Population dashboard")
    page.wait_for_selector("#pyramid-registered[data-drawn='true']")
    assert [s["name"] for s in chart_series(page, "#pyramid-registered")][:2] == ["Male 2020", "Female 2020"]
    page.wait_for_selector("#plan-table tbody tr[data-status]")
    assert page.locator("#plan-table tbody tr .light").first.inner_text() in ("Red", "Amber", "Green")
    page.screenshot(path=str(site.shots / "dashboard-en.png"), full_page=True)
    # The choice is remembered on the next page.
    page.goto(f"{site.url}/public")
    assert page.locator("h1").inner_text() == "Public population query"


def run_query(page: Any) -> list[dict[str, Any]]:
    """Submit the query form; the rows the page asked for, once they are on the page."""
    with page.expect_response(lambda r: "/api/public/population?" in r.url) as answer:
        page.click("#q-submit")
    rows: list[dict[str, Any]] = answer.value.json()["rows"]
    page.wait_for_function("(n) => document.querySelectorAll('#result-table tbody tr').length === n", arg=len(rows))
    return rows


def download(page: Any) -> list[dict[str, str]]:
    with page.expect_download() as event:
        page.click("#csv-link")
    return list(csv.DictReader(io.StringIO(Path(event.value.path()).read_text(encoding="utf-8-sig"))))


def registered_by_age_group(city: City, day: date) -> dict[str, int]:
    """Registered persons by five-year age group (85+ open) on ``day``, counted here with plain arithmetic."""
    counts: dict[str, int] = {}
    for person in city.persons:
        if person.hukou_on(day) is not None and person.alive_on(day):
            start = min(person.age_on(day) // 5 * 5, 85)
            label = "85+" if start == 85 else f"{start}-{start + 4}"
            counts[label] = counts.get(label, 0) + 1
    return counts


def test_public_query_and_csv_download(page: Any, site: Site) -> None:
    truth = registered_by_age_group(site.city, date(2020, 12, 31))
    page.goto(f"{site.url}/public")
    page.wait_for_selector("#result-table tbody tr")
    page.select_option("#q-year", "2020")
    page.select_option("#q-kind", "registered")
    page.uncheck("input[name='by'][value='district']")
    page.check("input[name='by'][value='age_group']")
    cells = run_query(page)
    page.screenshot(path=str(site.shots / "public.png"), full_page=True)
    rows = {row["age_group"]: row for row in download(page)}
    assert set(rows) == {cell["age_group"] for cell in cells} == set(truth) | {"85+"}
    shown_cells = 0
    for cell in cells:
        row = rows[cell["age_group"]]
        shown = page.locator(f"#result-table tbody tr[data-age-group='{cell['age_group']}'] td").last.inner_text()
        if cell["suppressed"]:
            assert (row["population"], row["flag"], shown) == ("", "x", "—")
        else:
            expected = truth.get(cell["age_group"], 0)
            assert (int(row["population"]), row["flag"], shown) == (expected, "", f"{expected:,}")
            shown_cells += 1
    assert shown_cells >= 3
    # No figure under the threshold of 10 persons is ever shown.
    assert all(int(r["population"]) >= 10 for r in rows.values() if r["flag"] == "")


def test_clerk_records_a_move_in_and_finds_the_person(page: Any, site: Site) -> None:
    newcomer = citizen_id("340104", date(1990, 2, 3), 911, "M")
    log_in(page, site, "clerk_xihu", "/workbench")
    page.select_option("#event-type", "hukou_in")
    page.fill("#hukou_in-id_number", newcomer)
    page.fill("#hukou_in-name", "浏览器测试")
    page.fill("#hukou_in-occurred_on", "2021-05-20")
    page.select_option("#hukou_in-hukou_region", "330106")
    page.select_option("#hukou_in-urban_rural", "111")
    page.click("#form-hukou_in button[type='submit']")
    page.wait_for_selector("#record-message[data-status='recorded']")
    masked = newcomer[:6] + "********" + newcomer[-4:]
    assert masked in page.locator("#record-message").inner_text()
    page.wait_for_selector(f"#recent tbody tr:has-text('{masked}')")
    page.fill("#find-id", newcomer)
    page.click("#find-submit")
    page.wait_for_selector("#person:not([hidden])")
    assert page.locator("#person-name").inner_text() == "浏览器测试"
    assert page.locator("#history tbody tr").count() == 1
    assert page.locator("#history tbody tr").first.get_attribute("data-event-type") == "hukou_in"
    page.screenshot(path=str(site.shots / "workbench.png"), full_page=True)
    # A form with a bad value is quarantined, and the reason is shown.
    page.select_option("#event-type", "birth")
    page.fill("#birth-id_number", newcomer[:-1] + ("0" if newcomer[-1] != "0" else "1"))
    page.fill("#birth-name", "校验码错")
    page.fill("#birth-occurred_on", "2021-05-21")
    page.click("#form-birth button[type='submit']")
    page.wait_for_selector("#record-message[data-status='quarantined']")
    assert page.locator("#record-message li[data-reason='id_checksum']").count() == 1


def test_steward_uploads_and_reads_the_quarantine(page: Any, site: Site, tmp_path: Path) -> None:
    baby = citizen_id("330106", date(2021, 4, 2), 912, "F")
    file = tmp_path / "hukou_2021_04.csv"
    file.write_text(
        f"event_type,id_number,name,occurred_on,hukou_region\nbirth,{baby},小红,2021-04-02,330106\n"
        "birth,33010620210402000,小明,2021-04-02,330106\n",
        encoding="utf-8",
    )
    log_in(page, site, "steward_hukou", "/steward")
    page.wait_for_selector("#batches tbody tr")
    page.set_input_files("#upload-file", str(file))
    page.click("#upload-submit")
    page.wait_for_selector("#upload-message[data-status='loaded']")
    page.wait_for_selector("#quarantine tbody tr[data-reason='id_length']")
    assert page.locator("#batches tbody tr").first.locator("td").nth(1).inner_text() == "hukou_2021_04.csv"
    assert page.locator("#findings tbody tr[data-kind='birth_mother_unknown']").count() == 1
    page.screenshot(path=str(site.shots / "steward.png"), full_page=True)


def test_public_indicators_and_projection(page: Any, site: Site) -> None:
    page.goto(f"{site.url}/public?lang=en")
    page.wait_for_selector("#indicator-table tbody tr[data-area='330100']")
    indicators = site_json(page, site, "/api/public/indicators")
    rows = page.locator("#indicator-table tbody tr")
    assert rows.count() == len(indicators["rows"]) == 14  # the city and its 13 districts
    for index, row in enumerate(indicators["rows"]):
        cells = rows.nth(index)
        assert cells.get_attribute("data-area") == row["area"]
        for name in ("population", "births", "deaths"):
            text = cells.locator(f"td[data-indicator='{name}']").inner_text()
            assert text == ("—" if row[name] is None else f"{row[name]:,}"), (row["area"], name)
            assert row[name] is None or row[name] >= 10
    page.select_option("#i-kind", "registered")
    page.wait_for_selector("#i-title:has-text('registered')")
    assert page.locator("#i-csv").get_attribute("href").endswith("kind=registered")
    # The projection: one row per year, three variants, the chart drawing the same (withheld years as gaps).
    page.wait_for_selector("#projection-chart[data-drawn='true']")
    drawn = {s["name"]: s["data"] for s in chart_series(page, "#projection-chart")}
    for variant, label in (("low", "Low"), ("medium", "Medium"), ("high", "High")):
        answer = site_json(page, site, f"/api/public/projection?variant={variant}")
        assert drawn[label] == [row["population"] for row in answer["rows"]]
    assert page.locator("#projection-table tbody tr").count() == 16
    page.select_option("#p-district", "330106")
    page.wait_for_function("() => document.querySelector('#p-csv').href.includes('district=330106')")
    page.screenshot(path=str(site.shots / "public-figures.png"), full_page=True)
