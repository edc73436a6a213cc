"""Creating the first admin — never with a default password.

``renkou admin create-admin`` writes the account straight into the database when no server holds it. While
``renkou serve`` runs, the database is the server's alone (DuckDB: one writing process), so the command goes
through the server instead: at start, a server whose register has no active admin writes a *setup file* beside the
database (``renkou.duckdb.setup``, mode 0600) with its address and a random one-time secret, and accepts one
``POST /api/setup/admin`` carrying that secret. Whoever can read the setup file can read the database itself, so
this grants nothing new; once an admin exists the endpoint refuses and the file is removed.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.concurrency import run_in_threadpool

from renkou.api import accounts, audit
from renkou.api.context import client_of, service_of
from renkou.api.errors import ApiError
from renkou.api.models import StrictModel, UserOut
from renkou.api.permissions import Action, Role, requires
from renkou.api.service import Service

SECRET_HEADER = "X-Setup-Secret"


def setup_path(database: str | Path) -> Path:
    """Where the setup file of ``database`` lives."""
    return Path(f"{database}.setup")


@dataclass(frozen=True)
class SetupFile:
    """What the server tells a local ``create-admin``."""

    url: str
    secret: str


def write_setup_file(database: str | Path, url: str) -> SetupFile:
    """Write a fresh setup file (0600) and return it."""
    found = SetupFile(url, secrets.token_urlsafe(32))
    path = setup_path(database)
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({"url": found.url, "secret": found.secret}, handle)
    return found


def read_setup_file(database: str | Path) -> SetupFile | None:
    """The setup file of a running server, or None."""
    path = setup_path(database)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return SetupFile(str(data["url"]), str(data["secret"]))
    except (OSError, ValueError, KeyError):
        return None


class FirstAdmin(StrictModel):
    """The first admin account."""

    username: str
    password: str
    display_name: str | None = None


router = APIRouter(tags=["setup 初始化"])


@router.post(
    "/api/setup/admin",
    response_model=UserOut,
    status_code=201,
    dependencies=[requires(Action.SETUP)],
    responses={403: {"description": "setup closed or wrong secret"}},
    summary="创建首个管理员 / create the first admin",
)
async def first_admin(
    body: FirstAdmin,
    request: Request,
    secret: Annotated[str | None, Header(alias=SECRET_HEADER, max_length=128)] = None,
) -> dict[str, Any]:
    """仅供本机 renkou admin create-admin 使用：凭服务写在数据库旁的一次性密钥创建首个管理员。

    For a local ``renkou admin create-admin`` only: creates the first admin with the one-time secret the server
    wrote beside the database.
    """
    service = service_of(request)
    expected: str | None = getattr(request.app.state, "setup_secret", None)
    if not expected or not secret or not hmac.compare_digest(secret, expected):
        raise ApiError(403, "setup_closed", "初始化入口未开放或密钥不符", "setup is closed or the secret is wrong")
    user = await run_in_threadpool(create_first_admin, service, body, client_of(request))
    request.app.state.setup_secret = None
    database = getattr(request.app.state, "setup_database", None)
    if database:
        setup_path(database).unlink(missing_ok=True)
    return user.public_view(service.now())


def create_first_admin(service: Service, body: FirstAdmin, client: str | None) -> accounts.User:
    """Create an admin if none is active yet (the check and the insert share the database lock)."""
    now = service.now()
    with service.database() as engine, engine.transaction():
        if accounts.count_active_admins(engine):
            raise ApiError(403, "setup_closed", "已有系统管理员", "an admin exists already")
        user = accounts.create_user(
            engine,
            service.hasher,
            service.settings,
            username=body.username,
            role=Role.ADMIN,
            password=body.password,
            now=now,
            display_name=body.display_name,
        )
        event = audit.AuditEvent(
            action="account.create", actor="(setup)", target=user.username, client=client, detail={"role": "admin"}
        )
        audit.append(engine, event, now)
    return user
