"""Accounts, log-in, lock-out, sessions and API tokens: secrets are hashed at rest and expire when they should."""

from __future__ import annotations

from conftest import PASSWORD, USERS, Env

from renkou.api import sessions


def login(env: Env, username: str, password: str = PASSWORD) -> tuple[int, dict[str, object]]:
    response = env.client.post("/api/auth/login", json={"username": username, "password": password})
    env.client.cookies.clear()
    return response.status_code, response.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def table(env: Env, sql: str) -> list[tuple[object, ...]]:
    with env.service.database() as engine:
        return engine.rows(sql)


def test_passwords_are_stored_as_argon2id_hashes_only(env: Env) -> None:
    rows = table(env, "SELECT username, password_hash FROM api_users")
    assert len(rows) == len(USERS)
    for _username, password_hash in rows:
        assert str(password_hash).startswith("$argon2id$")
        assert PASSWORD not in str(password_hash)
    dump = str(table(env, "SELECT * FROM api_users"))
    assert PASSWORD not in dump


def test_login_me_logout(env: Env) -> None:
    status, body = login(env, "analyst1")
    assert status == 200
    token = str(body["token"])
    me = env.client.get("/api/auth/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.json()["role"] == "analyst"
    assert env.client.post("/api/auth/logout", headers=bearer(token)).status_code == 200
    assert env.client.get("/api/auth/me", headers=bearer(token)).status_code == 401


def test_wrong_password_and_unknown_user_look_the_same(env: Env) -> None:
    wrong = env.client.post("/api/auth/login", json={"username": "analyst1", "password": "nope"})
    unknown = env.client.post("/api/auth/login", json={"username": "ghost", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_lockout_after_five_failures_and_its_end(env: Env) -> None:
    for _ in range(4):
        assert login(env, "points1", "wrong password!")[0] == 401
    assert login(env, "points1")[0] == 200  # a success resets the count...
    for _ in range(4):
        assert login(env, "points1", "wrong password!")[0] == 401
    assert login(env, "points1")[0] == 200  # ...so eight failures in all have not locked it
    for _ in range(5):
        assert login(env, "points1", "wrong password!")[0] == 401
    status, body = login(env, "points1")  # right password, but locked now
    assert status == 403
    assert body["error"]["code"] == "account_locked"  # type: ignore[index]
    env.clock.advance(minutes=14)
    assert login(env, "points1")[0] == 403
    env.clock.advance(minutes=1, seconds=1)
    assert login(env, "points1")[0] == 200


def test_lockout_does_not_end_an_open_session(env: Env) -> None:
    _, body = login(env, "points1")
    token = str(body["token"])
    for _ in range(5):
        login(env, "points1", "wrong password!")
    assert login(env, "points1")[0] == 403
    assert env.client.get("/api/auth/me", headers=bearer(token)).status_code == 200


def test_admin_unlocks_a_locked_account(env: Env) -> None:
    for _ in range(5):
        login(env, "points1", "wrong password!")
    assert login(env, "points1")[0] == 403
    response = env.client.patch("/api/admin/users/points1", json={"unlock": True}, headers=env.headers("admin1"))
    assert response.status_code == 200
    assert response.json()["locked"] is False
    assert login(env, "points1")[0] == 200


def test_session_expires_when_idle_and_after_its_lifetime(env: Env) -> None:
    _, body = login(env, "auditor1")
    token = str(body["token"])
    env.clock.advance(minutes=29)
    assert env.client.get("/api/auth/me", headers=bearer(token)).status_code == 200
    env.clock.advance(minutes=29)  # 29 minutes since the last use: still alive
    assert env.client.get("/api/auth/me", headers=bearer(token)).status_code == 200
    env.clock.advance(minutes=31)
    assert env.client.get("/api/auth/me", headers=bearer(token)).status_code == 401
    # Absolute lifetime: used every 20 minutes, it still ends 12 hours after log-in.
    _, body = login(env, "auditor1")
    token = str(body["token"])
    for _ in range(35):
        env.clock.advance(minutes=20)
        assert env.client.get("/api/auth/me", headers=bearer(token)).status_code == 200
    env.clock.advance(minutes=20)  # 12 h 0 min after log-in
    assert env.client.get("/api/auth/me", headers=bearer(token)).status_code == 401


def test_session_token_is_stored_as_a_digest(env: Env) -> None:
    _, body = login(env, "auditor1")
    token = str(body["token"])
    stored = [row[0] for row in table(env, "SELECT session_digest FROM api_sessions")]
    assert token not in stored
    assert sessions.digest(token) in stored


def test_cookie_session_needs_the_csrf_header_to_change_anything(env: Env) -> None:
    response = env.client.post("/api/auth/login", json={"username": "analyst1", "password": PASSWORD})
    csrf = response.json()["csrf_token"]
    assert sessions.SESSION_COOKIE in response.cookies
    set_cookie = response.headers["set-cookie"].lower()
    assert "httponly" in set_cookie and "samesite=strict" in set_cookie
    assert env.client.get("/api/auth/me").status_code == 200  # reading with the cookie alone is fine
    change = {"current_password": PASSWORD, "new_password": "another long passphrase"}
    refused = env.client.post("/api/auth/password", json=change)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf"
    accepted = env.client.post("/api/auth/password", json=change, headers={"X-CSRF-Token": csrf})
    assert accepted.status_code == 200
    env.client.cookies.clear()
    assert login(env, "analyst1", "another long passphrase")[0] == 200


def test_api_token_for_a_department_system(env: Env) -> None:
    admin = env.headers("admin1")
    issued = env.client.post(
        "/api/admin/tokens", json={"username": "steward_hukou", "name": "公安户籍系统", "days": 30}, headers=admin
    )
    assert issued.status_code == 201
    token = issued.json()["token"]
    assert token.startswith("rkt_")
    stored = str(table(env, "SELECT * FROM api_tokens"))
    assert token not in stored and sessions.digest(token) in stored
    assert env.client.get("/api/feeds/hukou/batches", headers=bearer(token)).status_code == 200
    listed = env.client.get("/api/admin/tokens", headers=admin).json()
    assert listed[0]["username"] == "steward_hukou" and "token" not in listed[0]
    env.clock.advance(days=30)
    assert env.client.get("/api/feeds/hukou/batches", headers=bearer(token)).status_code == 401


def test_revoked_token_stops_working(env: Env) -> None:
    admin = env.headers("admin1")
    issued = env.client.post(
        "/api/admin/tokens", json={"username": "analyst1", "name": "报表系统"}, headers=admin
    ).json()
    token = issued["token"]
    assert env.client.get("/api/auth/me", headers=bearer(token)).status_code == 200
    assert env.client.delete(f"/api/admin/tokens/{issued['token_id']}", headers=admin).status_code == 200
    assert env.client.get("/api/auth/me", headers=bearer(token)).status_code == 401
    assert env.client.delete("/api/admin/tokens/999", headers=admin).status_code == 404


def test_no_token_may_act_as_an_admin(env: Env) -> None:
    response = env.client.post(
        "/api/admin/tokens", json={"username": "admin1", "name": "x"}, headers=env.headers("admin1")
    )
    assert response.status_code == 400


def test_create_user_validates_role_binding_and_password(env: Env) -> None:
    admin = env.headers("admin1")
    base = {"username": "clerk_new", "password": "a long enough passphrase", "role": "clerk"}
    cases = [
        ({**base}, "bad_binding"),  # a clerk without districts
        ({**base, "districts": ["33010"]}, "bad_district"),
        ({**base, "role": "steward"}, "bad_binding"),  # a steward without a feed
        ({**base, "role": "analyst", "districts": ["330106"]}, "bad_binding"),
        ({**base, "role": "superuser"}, "bad_role"),
        ({**base, "role": "public"}, "bad_role"),
        ({**base, "districts": ["330106"], "password": "short"}, "weak_password"),
        ({**base, "districts": ["330106"], "password": "my clerk_new password"}, "weak_password"),
        ({**base, "districts": ["330106"], "username": "admin1"}, "user_exists"),
    ]
    for body, code in cases:
        response = env.client.post("/api/admin/users", json=body, headers=admin)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["error"]["code"] == code
    created = env.client.post("/api/admin/users", json={**base, "districts": ["330106"]}, headers=admin)
    assert created.status_code == 201
    assert created.json()["districts"] == ["330106"]
    assert login(env, "clerk_new", "a long enough passphrase")[0] == 200


def test_role_change_and_password_reset_end_the_users_sessions(env: Env) -> None:
    admin = env.headers("admin1")
    _, body = login(env, "analyst1")
    token = str(body["token"])
    changed = env.client.patch("/api/admin/users/analyst1", json={"role": "auditor"}, headers=admin)
    assert changed.status_code == 200 and changed.json()["role"] == "auditor"
    assert env.client.get("/api/auth/me", headers=bearer(token)).status_code == 401
    _, body = login(env, "analyst1")
    token = str(body["token"])
    reset = env.client.post(
        "/api/admin/users/analyst1/password", json={"password": "brand new passphrase"}, headers=admin
    )
    assert reset.status_code == 200
    assert env.client.get("/api/auth/me", headers=bearer(token)).status_code == 401
    assert login(env, "analyst1", "brand new passphrase")[0] == 200


def test_disabled_account_cannot_log_in(env: Env) -> None:
    admin = env.headers("admin1")
    assert env.client.patch("/api/admin/users/points1", json={"disabled": True}, headers=admin).status_code == 200
    status, body = login(env, "points1")
    assert status == 403 and body["error"]["code"] == "account_disabled"  # type: ignore[index]


def test_the_last_admin_cannot_be_demoted_or_disabled(env: Env) -> None:
    admin = env.headers("admin1")
    for change in ({"role": "analyst"}, {"disabled": True}):
        response = env.client.patch("/api/admin/users/admin1", json=change, headers=admin)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "last_admin"
    assert env.client.patch("/api/admin/users/nobody", json={"unlock": True}, headers=admin).status_code == 404
