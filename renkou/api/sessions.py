"""Sessions (after a password log-in) and API tokens (for department systems), and who a request comes from.

Both are random 256-bit strings handed out once; the database keeps only their SHA-256 digests. A session expires
``session_idle_minutes`` after its last use and ``session_hours`` after log-in; a token on its expiry date; either
can be revoked. A browser sends the session in an HttpOnly cookie and, for any request that changes something,
echoes the CSRF token it got at log-in in the ``X-CSRF-Token`` header; scripts send ``Authorization: Bearer ...``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool

from renkou.api.accounts import User, get_user_by_id
from renkou.api.errors import ApiError, session_expired
from renkou.api.permissions import ANONYMOUS, Principal
from renkou.api.service import Service
from renkou.api.settings import ServiceSettings
from renkou.engine import Engine

SESSION_COOKIE = "renkou_session"
CSRF_HEADER = "X-CSRF-Token"
SESSION_PREFIX = "rks_"
TOKEN_PREFIX = "rkt_"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOUCH_EVERY = timedelta(seconds=60)  # write last_seen at most this often (a write per request would be wasteful)


def digest(secret: str) -> str:
    """SHA-256 of a session or token string (what the database keeps)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def csrf_for(session_token: str) -> str:
    """The CSRF token bound to a session (derived, so nothing more is stored)."""
    return hashlib.sha256(("csrf\x1f" + session_token).encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class NewSession:
    """A session just opened: the token and CSRF token are shown to the client once."""

    token: str
    csrf_token: str
    expires_at: datetime


def open_session(
    engine: Engine, settings: ServiceSettings, user: User, client: str | None, now: datetime
) -> NewSession:
    """Start a session for ``user``."""
    token = SESSION_PREFIX + secrets.token_urlsafe(32)
    expires_at = now + timedelta(hours=settings.session_hours)
    engine.execute(
        "INSERT INTO api_sessions VALUES (?, ?, ?, ?, ?, ?, false)",
        [digest(token), user.user_id, now, now, expires_at, client],
    )
    return NewSession(token, csrf_for(token), expires_at)


def revoke_session(engine: Engine, session_digest: str) -> None:
    """End one session."""
    engine.execute("UPDATE api_sessions SET revoked = true WHERE session_digest = ?", [session_digest])


def revoke_user_sessions(engine: Engine, user_id: int) -> None:
    """End every session of an account (after a password reset, a role change or disabling)."""
    engine.execute("UPDATE api_sessions SET revoked = true WHERE user_id = ? AND NOT revoked", [user_id])


def session_principal(engine: Engine, settings: ServiceSettings, token: str, now: datetime) -> Principal | None:
    """The principal of a live session, or None when it is unknown, expired, revoked or its account unusable."""
    rows = engine.rows(
        "SELECT user_id, last_seen, expires_at, revoked FROM api_sessions WHERE session_digest = ?", [digest(token)]
    )
    if not rows:
        return None
    user_id, last_seen, expires_at, revoked = rows[0]
    if revoked or now >= expires_at or now - last_seen >= timedelta(minutes=settings.session_idle_minutes):
        return None
    user = get_user_by_id(engine, int(user_id))
    # A lock-out stops password guessing; it does not end sessions opened before (else anyone could log a clerk
    # out by mistyping their password five times).
    if user is None or user.disabled:
        return None
    if now - last_seen >= TOUCH_EVERY:
        engine.execute("UPDATE api_sessions SET last_seen = ? WHERE session_digest = ?", [now, digest(token)])
    return user.principal("session", digest(token), csrf_for(token))


@dataclass(frozen=True)
class NewToken:
    """An API token just issued (its secret is shown once)."""

    token_id: int
    token: str
    expires_at: datetime


def issue_token(engine: Engine, user: User, name: str, days: int, now: datetime) -> NewToken:
    """Issue an API token acting as ``user`` (a department system's account)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = int(engine.scalar("SELECT coalesce(max(token_id), 0) + 1 FROM api_tokens"))
    expires_at = now + timedelta(days=days)
    engine.execute(
        "INSERT INTO api_tokens VALUES (?, ?, ?, ?, ?, ?, NULL, false)",
        [token_id, digest(token), user.user_id, name, now, expires_at],
    )
    return NewToken(token_id, token, expires_at)


def list_tokens(engine: Engine) -> list[dict[str, Any]]:
    """Every token's metadata (never the secret)."""
    rows = engine.rows(
        "SELECT t.token_id, t.name, u.username, t.created_at, t.expires_at, t.last_used, t.revoked "
        "FROM api_tokens t JOIN api_users u USING (user_id) ORDER BY t.token_id"
    )
    keys = ("token_id", "name", "username", "created_at", "expires_at", "last_used", "revoked")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def revoke_token(engine: Engine, token_id: int) -> bool:
    """Revoke a token; False when there is no such token."""
    exists = engine.scalar("SELECT count(*) FROM api_tokens WHERE token_id = ?", [token_id])
    if exists:
        engine.execute("UPDATE api_tokens SET revoked = true WHERE token_id = ?", [token_id])
    return bool(exists)


def token_principal(engine: Engine, token: str, now: datetime) -> Principal | None:
    """The principal of a live API token, or None."""
    rows = engine.rows(
        "SELECT user_id, expires_at, revoked, last_used FROM api_tokens WHERE token_digest = ?", [digest(token)]
    )
    if not rows:
        return None
    user_id, expires_at, revoked, last_used = rows[0]
    if revoked or now >= expires_at:
        return None
    user = get_user_by_id(engine, int(user_id))
    if user is None or user.disabled:
        return None
    if last_used is None or now - last_used >= TOUCH_EVERY:
        engine.execute("UPDATE api_tokens SET last_used = ? WHERE token_digest = ?", [now, digest(token)])
    return user.principal("token")


def credential(request: Request) -> tuple[str, str] | None:
    """(how, secret) of the request's credential: a bearer header first, then the session cookie."""
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return "bearer", header[7:].strip()
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return "cookie", cookie
    return None


def lookup(service: Service, secret: str) -> Principal | None:
    """The principal of a session or token string (blocking: takes the database lock)."""
    now = service.now()
    with service.database() as engine:
        if secret.startswith(TOKEN_PREFIX):
            return token_principal(engine, secret, now)
        if secret.startswith(SESSION_PREFIX):
            return session_principal(engine, service.settings, secret, now)
    return None


def make_resolver(service: Service) -> Any:
    """The function :func:`renkou.api.permissions.requires` calls to learn who a request comes from."""

    async def resolve(request: Request, public_allowed: bool) -> Principal:
        found = credential(request)
        if found is None:
            return ANONYMOUS
        how, secret = found
        principal = await run_in_threadpool(lookup, service, secret)
        if principal is None:
            if public_allowed:
                return ANONYMOUS
            raise session_expired()
        if how == "cookie" and request.method not in SAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER, "")
            if not (principal.csrf_token and hmac.compare_digest(sent, principal.csrf_token)):
                if public_allowed:
                    return ANONYMOUS
                raise ApiError(
                    403,
                    "csrf",
                    f"缺少或错误的 {CSRF_HEADER} 请求头",
                    f"missing or wrong {CSRF_HEADER} header (send the csrf_token from log-in)",
                )
        return principal

    return resolve
