"""Per-address limit on failed log-ins (in addition to the per-account lock-out): password spraying over many
accounts from one address is stopped, other addresses are not, and the limit lifts as failures age out."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from conftest import PASSWORD, Env
from fastapi.testclient import TestClient

from renkou.api import accounts
from renkou.api.ratelimit import LoginFailures

T0 = datetime(2021, 6, 1, 9, 0, 0)


def test_window_by_hand() -> None:
    failures = LoginFailures(limit=3, window=timedelta(minutes=10))
    for minute in range(3):
        assert failures.retry_after("192.0.2.1", T0 + timedelta(minutes=minute)) is None
        failures.failed("192.0.2.1", T0 + timedelta(minutes=minute))
    # Three failures at 9:00, 9:01, 9:02: at 9:03 the next try waits until 9:10, when the first leaves the window.
    assert failures.retry_after("192.0.2.1", T0 + timedelta(minutes=3)) == 7 * 60
    assert failures.retry_after("192.0.2.1", T0 + timedelta(minutes=9, seconds=59, microseconds=1)) == 1
    assert failures.retry_after("192.0.2.1", T0 + timedelta(minutes=10)) is None
    assert failures.retry_after("192.0.2.2", T0 + timedelta(minutes=3)) is None  # another address
    assert failures.retry_after(None, T0) is None  # no address known: never refused on this ground


def test_addresses_kept_are_bounded() -> None:
    failures = LoginFailures(limit=1, window=timedelta(minutes=10), max_addresses=2)
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        failures.failed(address, T0)
    assert failures.retry_after("192.0.2.1", T0) is None  # the least recently seen was forgotten
    assert failures.retry_after("192.0.2.3", T0) == 600


def login(client: TestClient, username: str, password: str) -> int:
    return client.post("/api/auth/login", json={"username": username, "password": password}).status_code


def test_spraying_from_one_address_is_stopped(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    limit = env.service.settings.login_failures_per_address
    assert limit == 20
    # One wrong password on each of many accounts, known or not: no account reaches its own lock-out.
    for i in range(limit):
        assert login(env.client, "analyst1" if i == 0 else f"guess{i}", "Winter2021!") == 401
    checked: list[str] = []
    real = accounts.authenticate
    monkeypatch.setattr(accounts, "authenticate", lambda *a, **k: checked.append("x") or real(*a, **k))
    refused = env.client.post("/api/auth/login", json={"username": "analyst1", "password": PASSWORD})
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "too_many_attempts"
    assert int(refused.headers["retry-after"]) == 15 * 60
    assert checked == []  # refused before any password check (no hashing work for the attacker to cause)
    # Another address logs in as usual.
    with TestClient(env.client.app, client=("198.51.100.20", 40000)) as other:
        assert login(other, "analyst1", PASSWORD) == 200
    # The refusal is audited, with the address.
    with env.service.database() as engine:
        rows = engine.rows(
            "SELECT outcome, client FROM audit_log WHERE action = 'auth.login' AND outcome = 'rate_limited'"
        )
    assert rows == [("rate_limited", "203.0.113.7")]
    # Once the failures are older than the window, the address may try again.
    env.clock.advance(minutes=15, seconds=1)
    assert login(env.client, "analyst1", PASSWORD) == 200


def test_successful_log_ins_are_not_counted(env: Env) -> None:
    for _ in range(env.service.settings.login_failures_per_address + 5):
        assert login(env.client, "points1", PASSWORD) == 200
    assert login(env.client, "points1", "wrong password") == 401
