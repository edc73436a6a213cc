"""Accounts and API tokens, for admins. Every change is audited in the same transaction as the change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool

from renkou.api import accounts, audit, sessions
from renkou.api.context import event_for, service_of
from renkou.api.errors import bad_request, not_found
from renkou.api.models import Done, PasswordReset, TokenCreate, TokenIssued, TokenOut, UserCreate, UserOut, UserUpdate
from renkou.api.permissions import Action, Principal, Role, requires
from renkou.engine import Engine

router = APIRouter(prefix="/api/admin", tags=["admin 管理"])

Admin = Annotated[Principal, requires(Action.ACCOUNTS_MANAGE)]
Username = Annotated[str, Path(min_length=3, max_length=32, pattern=r"^[a-z][a-z0-9_.-]{2,31}$")]
ERRORS: dict[int | str, dict[str, Any]] = {400: {"description": "invalid value"}, 404: {"description": "no such user"}}
T = TypeVar("T")


def _no_user(username: str) -> Exception:
    return not_found(f"没有用户“{username}”", f"no user '{username}'")


async def _in_transaction(request: Request, work: Callable[[Engine], T]) -> T:
    service = service_of(request)

    def run() -> T:
        with service.database() as engine, engine.transaction():
            return work(engine)

    return await run_in_threadpool(run)


@router.get("/users", response_model=list[UserOut], summary="用户列表 / list accounts")
async def list_users(request: Request, principal: Admin) -> list[dict[str, Any]]:
    """全部账户。 / Every account."""
    now = service_of(request).now()
    users = await _in_transaction(request, accounts.list_users)
    return [user.public_view(now) for user in users]


@router.post(
    "/users", response_model=UserOut, status_code=201, responses=ERRORS, summary="新建账户 / create an account"
)
async def create_user(body: UserCreate, request: Request, principal: Admin) -> dict[str, Any]:
    """新建账户（角色与绑定：户籍窗口人员绑定区县，部门数据管理员绑定数据源）。

    Create an account (a clerk is bound to districts, a steward to a feed).
    """
    service = service_of(request)
    now = service.now()
    role = accounts.parse_role(body.role)

    def work(engine: Engine) -> accounts.User:
        user = accounts.create_user(
            engine,
            service.hasher,
            service.settings,
            username=body.username,
            role=role,
            password=body.password,
            now=now,
            display_name=body.display_name,
            districts=body.districts,
            feed=body.feed,
        )
        detail = {"role": role.value, "districts": list(user.districts), "feed": user.feed}
        audit.append(engine, event_for(principal, request, "account.create", target=user.username, detail=detail), now)
        return user

    user = await _in_transaction(request, work)
    return user.public_view(now)


@router.patch("/users/{username}", response_model=UserOut, responses=ERRORS, summary="修改账户 / change an account")
async def update_user(username: Username, body: UserUpdate, request: Request, principal: Admin) -> dict[str, Any]:
    """修改角色、绑定、停用或解锁；角色或绑定变化后该用户的会话结束。

    Change role, binding, disable or unlock; the user's sessions end when role or binding change.
    """
    service = service_of(request)
    now = service.now()
    role = accounts.parse_role(body.role) if body.role is not None else None

    def work(engine: Engine) -> accounts.User:
        user = accounts.get_user(engine, username)
        if user is None:
            raise _no_user(username)
        updated = accounts.update_user(
            engine,
            user,
            role=role,
            districts=body.districts,
            feed=body.feed,
            display_name=body.display_name,
            disabled=body.disabled,
            unlock=body.unlock,
        )
        rights_changed = (updated.role, updated.districts, updated.feed, updated.disabled) != (
            user.role,
            user.districts,
            user.feed,
            user.disabled,
        )
        if rights_changed:
            sessions.revoke_user_sessions(engine, user.user_id)
        detail = {
            "changes": body.model_dump(exclude_none=True, exclude_defaults=True),
            "sessions_ended": rights_changed,
        }
        audit.append(engine, event_for(principal, request, "account.update", target=username, detail=detail), now)
        return updated

    updated = await _in_transaction(request, work)
    return updated.public_view(now)


@router.post("/users/{username}/password", response_model=Done, responses=ERRORS, summary="重设密码 / reset a password")
async def reset_password(
    username: Username, body: PasswordReset, request: Request, principal: Admin
) -> dict[str, bool]:
    """为用户设置新密码并结束其全部会话。 / Set a new password and end the user's sessions."""
    service = service_of(request)
    now = service.now()

    def work(engine: Engine) -> None:
        user = accounts.get_user(engine, username)
        if user is None:
            raise _no_user(username)
        accounts.set_password(engine, service.hasher, service.settings, user, body.password, now)
        sessions.revoke_user_sessions(engine, user.user_id)
        audit.append(engine, event_for(principal, request, "account.password_reset", target=username), now)

    await _in_transaction(request, work)
    return {"ok": True}


@router.get("/tokens", response_model=list[TokenOut], summary="API 令牌列表 / list API tokens")
async def list_tokens(request: Request, principal: Admin) -> list[dict[str, Any]]:
    """全部 API 令牌（不含令牌本身）。 / Every API token (never the secret)."""
    return await _in_transaction(request, sessions.list_tokens)


@router.post("/tokens", response_model=TokenIssued, status_code=201, responses=ERRORS, summary="签发 API 令牌 / issue")
async def issue_token(body: TokenCreate, request: Request, principal: Admin) -> dict[str, Any]:
    """为部门系统签发 API 令牌（以某个账户的身份，令牌只显示这一次）。

    Issue an API token for a department system, acting as an account (the secret is shown once).
    """
    service = service_of(request)
    now = service.now()

    def work(engine: Engine) -> sessions.NewToken:
        user = accounts.get_user(engine, body.username)
        if user is None:
            raise _no_user(body.username)
        if user.role is Role.ADMIN:
            raise bad_request(
                "admin_token", "不能为系统管理员签发 API 令牌", "API tokens cannot act as an admin (log in instead)"
            )
        issued = sessions.issue_token(engine, user, body.name, body.days, now)
        detail = {"token_id": issued.token_id, "name": body.name, "days": body.days}
        audit.append(engine, event_for(principal, request, "token.issue", target=user.username, detail=detail), now)
        return issued

    issued = await _in_transaction(request, work)
    return {"token_id": issued.token_id, "token": issued.token, "expires_at": issued.expires_at}


@router.delete("/tokens/{token_id}", response_model=Done, responses=ERRORS, summary="吊销 API 令牌 / revoke")
async def revoke_token(
    token_id: Annotated[int, Path(ge=1, le=2**62)], request: Request, principal: Admin
) -> dict[str, bool]:
    """吊销一个 API 令牌。 / Revoke an API token."""
    service = service_of(request)

    def work(engine: Engine) -> None:
        if not sessions.revoke_token(engine, token_id):
            raise not_found(f"没有编号为 {token_id} 的令牌", f"no token {token_id}")
        audit.append(engine, event_for(principal, request, "token.revoke", target=str(token_id)), service.now())

    await _in_transaction(request, work)
    return {"ok": True}
