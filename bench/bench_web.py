"""Dashboard first paint in a real headless Chromium, on a register (by default the demo's).

Serves a private copy of the register under uvicorn on loopback, logs an analyst in, then opens the dashboard
``--runs`` times and reads the browser's own Performance timeline: first paint and first contentful paint, plus the
time until the population pyramid is drawn and until every chart is drawn (the figures come from JSON endpoints
after the first paint; the first visit computes and caches every year's indicators, later visits read the cache).

    .venv/bin/python bench/bench_web.py --db demo-output/renkou.duckdb [--runs 5] [--out bench/RESULTS_web.md]

The bar (issue 7): dashboard first paint under 1 s on the demo data.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "a long enough test passphrase 42"
CHARTS = (
    "pyramid-registered",
    "pyramid-resident",
    "trend-population",
    "trend-rates",
    "district-map",
    "fan-chart",
    "fan-births",
)
BAR_MS = 1000.0

PAINT_JS = """() => {
  const paint = Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]));
  const nav = performance.getEntriesByType('navigation')[0];
  return {first_paint: paint['first-paint'], first_contentful_paint: paint['first-contentful-paint'],
          response_end: nav.responseEnd, dom_content_loaded: nav.domContentLoadedEventEnd};
}"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(database: Path) -> tuple[Any, Any, threading.Thread, str]:
    """A service on ``database`` with an analyst account, served on a free loopback port."""
    import uvicorn

    from renkou.api import accounts
    from renkou.api.app import create_app
    from renkou.api.permissions import Role
    from renkou.api.service import Service

    service = Service.open(database)
    with service.database() as engine:
        for username, role, districts in (("bench", Role.ANALYST, ()), ("benchclerk", Role.CLERK, ("330106",))):
            accounts.create_user(
                engine,
                service.hasher,
                service.settings,
                username=username,
                role=role,
                password=PASSWORD,
                now=service.now(),
                districts=districts,
            )
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(service), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return service, server, thread, f"http://127.0.0.1:{port}"


def measure(url: str, runs: int) -> list[dict[str, float]]:
    """Open the dashboard ``runs`` times in one logged-in browser context; timings in milliseconds."""
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1300, "height": 900})
        context.set_default_timeout(600_000)
        page = context.new_page()
        page.goto(f"{url}/login")
        page.fill("#username", "bench")
        page.fill("#password", PASSWORD)
        page.click("#login-submit")
        page.wait_for_url(f"{url}/dashboard**")
        page.goto("about:blank")
        for _ in range(runs):
            started = time.perf_counter()
            page.goto(f"{url}/dashboard", wait_until="commit")
            page.wait_for_selector("#pyramid-resident[data-drawn='true']")
            pyramid = (time.perf_counter() - started) * 1000
            for chart in CHARTS:
                page.wait_for_selector(f"#{chart}[data-drawn='true']")
            page.wait_for_selector("#plan-table tbody tr[data-status], #plan-summary:not(:empty)")
            page.wait_for_selector("#warnings-summary:not(:empty)")
            every = (time.perf_counter() - started) * 1000
            timing = page.evaluate(PAINT_JS)
            results.append({**timing, "pyramid_drawn": pyramid, "all_charts_drawn": every})
            page.goto("about:blank")
        browser.close()
    return results


def desk_writes(url: str, count: int) -> list[float]:
    """Seconds per desk form (a move-in recorded as a batch of one through ingest), one after the other."""
    from datetime import date, timedelta

    import httpx

    from renkou.ids import make_id

    times = []
    with httpx.Client(base_url=url, timeout=600) as client:
        login = client.post("/api/auth/login", json={"username": "benchclerk", "password": PASSWORD})
        login.raise_for_status()
        headers = {"X-CSRF-Token": login.json()["csrf_token"]}
        today = date.today()
        for index in range(count):
            number = make_id("340104", date(1990, 1, 1) + timedelta(days=index), 7 + 2 * index, sex="M")
            values = {"id_number": number, "name": "基准测试", "occurred_on": str(today), "hukou_region": "330106"}
            started = time.perf_counter()
            answer = client.post("/web/api/events", json={"event_type": "hukou_in", "values": values}, headers=headers)
            times.append(time.perf_counter() - started)
            if answer.status_code != 201:
                raise RuntimeError(f"desk form refused: {answer.status_code} {answer.text}")
    return times


def report(database: Path, rows: list[dict[str, float]], persons: int, command: str, writes: list[float]) -> str:
    """The Markdown of bench/RESULTS_web.md."""
    fcp = [r["first_contentful_paint"] for r in rows]
    lines = [
        "# Web: dashboard first paint",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} ({os.cpu_count()} cores, shared), "
        f"headless Chromium ({CHROMIUM}), register `{database.name}` with {persons:,} persons (resident, last year).",
        "",
        f"Command: `{command}`",
        "",
        "The demo register is made by `.venv/bin/renkou demo --no-serve` (scale 0.1, the default).",
        "",
        "Timings in milliseconds from the start of navigation (browser Performance timeline); run 1 is the first "
        "visit after the service started (indicators computed and cached), later runs read the cache.",
        "",
        "| run | first paint | first contentful paint | HTML received | DOM ready | pyramid drawn | all charts, plan board and warnings drawn |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for index, r in enumerate(rows, start=1):
        lines.append(
            f"| {index} | {r['first_paint']:.0f} | {r['first_contentful_paint']:.0f} | {r['response_end']:.0f} | "
            f"{r['dom_content_loaded']:.0f} | {r['pyramid_drawn']:.0f} | {r['all_charts_drawn']:.0f} |"
        )
    verdict = "met" if max(fcp) < BAR_MS else "NOT met"
    lines += [
        "",
        f"First contentful paint: worst {max(fcp):.0f} ms, median {statistics.median(fcp):.0f} ms — bar "
        f"< {BAR_MS:.0f} ms {verdict}.",
        "",
        f"Desk forms (a move-in through `/web/api/events`: a one-row file ingested as a batch of one, with its audit "
        f"entry), {len(writes)} in a row: " + ", ".join(f"{w * 1000:.0f} ms" for w in writes) + ".",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=Path("demo-output/renkou.duckdb"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("bench/RESULTS_web.md"))
    args = parser.parse_args()
    if not args.db.exists():
        print(f"错误 / error: {args.db} not found: run `renkou demo --no-serve` first", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="renkou-bench-web-") as folder:
        copy = Path(folder) / "renkou.duckdb"
        shutil.copy(args.db, copy)
        shutil.copy(Path(f"{args.db}.key"), Path(f"{copy}.key"))
        service, server, thread, url = serve(copy)
        try:
            from datetime import date

            from renkou.register.population import population_total
            from renkou.web.dashboard_api import years

            with service.database() as engine:
                last = years(service)[-1]
                persons = population_total(engine, date(last, 12, 31), "resident")
            rows = measure(url, args.runs)
            writes = desk_writes(url, 3)
        finally:
            server.should_exit = True
            thread.join(timeout=60)  # the server stops before the database closes
            service.close()
    command = f".venv/bin/python bench/bench_web.py --db {args.db} --runs {args.runs}"
    text = report(args.db, rows, persons, command, writes)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
