"""Log-in, log-out, who am I, change my password. Every log-in attempt is audited."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from renkou.api import accounts, audit, sessions
from renkou.api.context import client_of, event_for, service_of
from renkou.api.errors import ApiError
from renkou.api.models import Done, LoginRequest, LoginResponse, Me, PasswordChange
from renkou.api.permissions import ROLE_ZH, Action, Principal, requires
from renkou.api.service import Service

router = APIRouter(tags=["auth 登录"])

BAD_CREDENTIALS = ApiError(401, "bad_credentials", "用户名或密码错误", "wrong username or password")


def me_view(user: accounts.User) -> dict[str, Any]:
    """The signed-in account as returned to its owner."""
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role.value,
        "role_name": ROLE_ZH[user.role],
        "districts": list(user.districts),
        "feed": user.feed,
    }


@router.post(
    "/api/auth/login",
    response_model=LoginResponse,
    dependencies=[requires(Action.LOGIN)],
    responses={
        401: {"description": "wrong credentials"},
        403: {"description": "locked or disabled"},
        429: {"description": "too many failed log-ins from this address"},
    },
    summary="登录 / log in",
)
async def login(body: LoginRequest, request: Request, response: Response) -> dict[str, Any]:
    """用户名和密码登录；连续失败多次将锁定账户。 / Log in; repeated failures lock the account."""
    service = service_of(request)
    client = client_of(request)
    wait = service.login_failures.retry_after(client, service.now())
    if wait is not None:
        await run_in_threadpool(_refused, service, body.username, client, wait)
        raise ApiError(
            429,
            "too_many_attempts",
            f"此地址登录失败次数过多，请 {math.ceil(wait / 60)} 分钟后再试",
            f"too many failed log-ins from this address: try again in {math.ceil(wait / 60)} minutes",
            headers={"Retry-After": str(wait)},
        )
    result = await run_in_threadpool(_login, service, body.username, body.password, client)
    if isinstance(result, ApiError):
        if result.status in (401, 403):  # wrong password, locked or disabled: all failures of this address
            service.login_failures.failed(client, service.now())
        raise result
    user, new = result
    response.set_cookie(
        sessions.SESSION_COOKIE,
        new.token,
        max_age=service.settings.session_hours * 3600,
        httponly=True,
        samesite="strict",
        secure=service.settings.secure_cookies,
        path="/",
    )
    return {"token": new.token, "csrf_token": new.csrf_token, "expires_at": new.expires_at, "user": me_view(user)}


def _refused(service: Service, username: str, client: str | None, wait: int) -> None:
    """Audit an attempt refused before any check (the address has failed too often)."""
    event = audit.AuditEvent(
        action="auth.login",
        outcome="rate_limited",
        target=username[:64],
        client=client,
        detail={"retry_after_seconds": wait},
    )
    service.record(event)


def _login(
    service: Service, username: str, password: str, client: str | None
) -> tuple[accounts.User, sessions.NewSession] | ApiError:
    now = service.now()
    with service.database() as engine, engine.transaction():
        outcome = accounts.authenticate(engine, service.hasher, service.settings, username, password, now)
        event = audit.AuditEvent(
            action="auth.login",
            outcome=outcome.status,
            actor=username if outcome.user else None,
            role=outcome.user.role.value if outcome.user else None,
            target=username[:64],  # the name tried, known or not (an attack shows as many names)
            client=client,
            detail={"locked_now": True} if outcome.just_locked else {},
        )
        audit.append(engine, event, now)
        if outcome.status == "ok" and outcome.user is not None:
            return outcome.user, sessions.open_session(engine, service.settings, outcome.user, client, now)
    if outcome.status == "locked":
        return ApiError(
            403,
            "account_locked",
            f"连续登录失败次数过多，账户已锁定 {service.settings.lockout_minutes} 分钟；可请管理员解锁",
            f"too many failed log-ins: the account is locked for {service.settings.lockout_minutes} minutes "
            "(an admin can unlock it)",
        )
    if outcome.status == "disabled":
        return ApiError(403, "account_disabled", "账户已停用", "the account is disabled")
    return BAD_CREDENTIALS


@router.post("/api/auth/logout", response_model=Done, summary="退出登录 / log out")
async def logout(
    request: Request, response: Response, principal: Annotated[Principal, requires(Action.SELF)]
) -> dict[str, bool]:
    """结束当前会话。 / End the current session."""
    service = service_of(request)

    def end() -> None:
        with service.database() as engine, engine.transaction():
            if principal.session_digest:
                sessions.revoke_session(engine, principal.session_digest)
            audit.append(engine, event_for(principal, request, "auth.logout"), service.now())

    await run_in_threadpool(end)
    response.delete_cookie(sessions.SESSION_COOKIE, path="/")
    return {"ok": True}


@router.get("/api/auth/me", response_model=Me, summary="当前用户 / who am I")
async def me(request: Request, principal: Annotated[Principal, requires(Action.SELF)]) -> dict[str, Any]:
    """当前登录的账户。 / The signed-in account."""
    service = service_of(request)

    def load() -> accounts.User | None:
        with service.database() as engine:
            return accounts.get_user(engine, principal.username or "")

    user = await run_in_threadpool(load)
    if user is None:
        raise BAD_CREDENTIALS
    return me_view(user)


@router.post(
    "/api/auth/password",
    response_model=Done,
    responses={400: {"description": "weak password"}, 401: {"description": "wrong current password"}},
    summary="修改密码 / change my password",
)
async def change_password(
    body: PasswordChange, request: Request, principal: Annotated[Principal, requires(Action.SELF)]
) -> dict[str, bool]:
    """修改本人密码（需当前密码）；其他会话随之结束。 / Change one's password; other sessions end."""
    service = service_of(request)

    def change() -> ApiError | None:
        now = service.now()
        with service.database() as engine, engine.transaction():
            user = accounts.get_user(engine, principal.username or "")
            if user is None or user.password_hash is None:
                return BAD_CREDENTIALS
            if not accounts.verify_password(service.hasher, user.password_hash, body.current_password):
                audit.append(engine, event_for(principal, request, "auth.password", outcome="bad_credentials"), now)
                return BAD_CREDENTIALS
            accounts.set_password(engine, service.hasher, service.settings, user, body.new_password, now)
            sessions.revoke_user_sessions(engine, user.user_id)
            audit.append(engine, event_for(principal, request, "auth.password", target=user.username), now)
        return None

    problem = await run_in_threadpool(change)
    if problem is not None:
        raise problem
    return {"ok": True}
