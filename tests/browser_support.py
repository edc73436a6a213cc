"""What every browser test needs: the service under uvicorn on a free loopback port, and Debian's Chromium through
Playwright (never a browser downloaded by the test tools)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import uvicorn

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 60_000  # generous: CI machines are shared, and a first dashboard computes every year's indicators


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(app: Any, name: str = "renkou-test-server") -> Iterator[str]:
    """Run ``app`` under uvicorn on a thread; yield its base URL; stop it afterwards."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True, name=name)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (./dev.sh test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Any, errors: list[str], expected: tuple[str, ...] = (), timeout_ms: int = TIMEOUT_MS) -> Any:
    """A fresh context and page in Chinese; console errors (except those containing one of ``expected``: answers a
    page expects and explains to its user, which Chromium still logs) and page errors are collected in ``errors``."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1300, "height": 900}, locale="zh-CN")
    context.set_default_timeout(timeout_ms)
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and not any(word in message.text for word in expected)
            else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page


def log_in(page: Any, base_url: str, username: str, password: str, landing: str) -> None:
    """Log in through the login form and wait for the landing page."""
    page.goto(f"{base_url}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-submit")
    page.wait_for_url(f"{base_url}{landing}**")
