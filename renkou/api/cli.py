"""``renkou serve`` and ``renkou admin ...``: thin commands over :mod:`renkou.api`.

Heavy imports (FastAPI, uvicorn, DuckDB) stay inside the command functions so ``renkou --help`` stays fast.
"""

from __future__ import annotations

import logging
import re
import signal
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from renkou.errors import UserError

DB_HELP = "登记库数据库文件。\n\nRegister database file (DuckDB)."
ID_LIKE = re.compile(r"\d{14}(\d{3}[\dXx]|\d?)")  # 15- and 18-character ID numbers


def mask_path(path: str) -> str:
    """A request path fit for the access log: ID numbers masked, the query of a person look-up dropped."""
    from renkou.ids import mask

    masked = ID_LIKE.sub(lambda found: mask(found.group(0)), path)
    if masked.startswith("/api/persons") and "?" in masked:
        masked = masked.split("?", 1)[0] + "?…"  # the stated reason may name people
    return masked


class MaskIds(logging.Filter):
    """Mask ID numbers in uvicorn's access log lines (its arguments are client, method, path, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], mask_path(args[2]), *args[3:])
        return True


def _check_port_free(host: str, port: int) -> None:
    import socket

    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        raise UserError(
            f"无法在 {host}:{port} 上监听：{error.strerror}（端口被占用或地址无效）",
            f"cannot listen on {host}:{port}: {error.strerror} (port in use or bad address)",
        ) from None


def serve_command(
    db: Annotated[Path, typer.Option("--db", help=DB_HELP)],
    host: Annotated[str, typer.Option(help="监听地址。\n\nAddress to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口。\n\nPort.", min=1, max=65535)] = 8000,
    secure_cookies: Annotated[
        bool,
        typer.Option(help="仅通过 HTTPS 发送会话 Cookie（部署在 TLS 代理之后时）。\n\nHTTPS-only session cookies."),
    ] = False,
    outbox: Annotated[
        Path | None,
        typer.Option(
            "--outbox",
            help="通知发件箱（SQLite），积分结果等短信、邮件放入其中，由 renkou notify send 发送。\n\n"
            "Notification outbox (SQLite) where points results and the like are queued for renkou notify send.",
        ),
    ] = None,
) -> None:
    """启动服务（API 与网页），本进程独占登记库的写入。

    Start the service (API and pages); this process owns the register for writing while it runs.
    """
    import uvicorn

    from renkou.api import accounts
    from renkou.api.app import create_app
    from renkou.api.service import Service
    from renkou.api.settings import ServiceSettings
    from renkou.api.setup import setup_path, write_setup_file

    _check_port_free(host, port)
    service = Service.open(db, ServiceSettings(secure_cookies=secure_cookies, outbox=outbox))
    app = create_app(service, warm=True)
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{port}"
    with service.database() as engine:
        has_admin = accounts.count_active_admins(engine) > 0
    local = f"http://127.0.0.1:{port}" if host in {"0.0.0.0", "::", "127.0.0.1", "localhost"} else url
    print(f"renkou 服务地址 / serving at {url}   (OpenAPI: {url}/openapi.json)", file=sys.stderr)
    if not has_admin:
        found = write_setup_file(db, local)
        app.state.setup_secret = found.secret
        app.state.setup_database = str(db)
        print(
            f"尚无系统管理员。请在本机另开终端运行 / no admin yet; in another terminal on this machine run:\n"
            f"  renkou admin create-admin --db {db} --username <name>",
            file=sys.stderr,
        )
    config = uvicorn.Config(app, host=host, port=port, log_level="info", workers=1)
    server = uvicorn.Server(config)
    logging.getLogger("uvicorn.access").addFilter(MaskIds())
    # Uvicorn shuts down gracefully on SIGINT/SIGTERM and then re-raises the signal; turn SIGTERM into the same
    # KeyboardInterrupt as Ctrl-C so that the database is closed and the setup file removed either way.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        service.close()
        setup_path(db).unlink(missing_ok=True)
    print("服务已停止 / server stopped", file=sys.stderr)


def _interrupt(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("密码 / password", hide_input=True, confirmation_prompt=True)
    if not password:
        raise UserError("密码为空", "the password is empty")
    return password


def create_admin_command(
    db: Annotated[Path, typer.Option("--db", help=DB_HELP)],
    username: Annotated[str, typer.Option(help="用户名。\n\nUsername.")],
    display_name: Annotated[str | None, typer.Option(help="显示名。\n\nDisplay name.")] = None,
    password_stdin: Annotated[
        bool, typer.Option(help="从标准输入读取密码（一行）。\n\nRead the password from standard input (one line).")
    ] = False,
) -> None:
    """创建系统管理员账户（首个管理员只能这样创建，没有默认密码）。

    Create an admin account (the first admin can only be made this way; there is no default password).
    """
    from renkou.api.accounts import check_password, check_username
    from renkou.api.settings import ServiceSettings

    settings = ServiceSettings()
    check_username(username)
    password = _read_password(password_stdin)
    check_password(password, username, settings)
    try:
        user = _create_admin_directly(db, username, password, display_name, settings)
    except UserError as error:
        if error.code != "database_locked":
            raise
        user = _create_admin_through_server(db, username, password, display_name)
    print(f"已创建系统管理员 / admin created: {user['username']}")


def _create_admin_directly(
    db: Path, username: str, password: str, display_name: str | None, settings: Any
) -> dict[str, Any]:
    from renkou.api import accounts, audit
    from renkou.api.permissions import Role
    from renkou.api.service import Service

    service = Service.open(db, settings)
    try:
        now = service.now()
        with service.database() as engine, engine.transaction():
            user = accounts.create_user(
                engine,
                service.hasher,
                settings,
                username=username,
                role=Role.ADMIN,
                password=password,
                now=now,
                display_name=display_name,
            )
            event = audit.AuditEvent(
                action="account.create", actor="(cli)", target=username, client="local", detail={"role": "admin"}
            )
            audit.append(engine, event, now)
        return user.public_view(now)
    finally:
        service.close()


def _create_admin_through_server(db: Path, username: str, password: str, display_name: str | None) -> dict[str, Any]:
    import httpx

    from renkou.api.setup import SECRET_HEADER, read_setup_file

    found = read_setup_file(db)
    if found is None:
        raise UserError(
            f"数据库 {db} 正由 renkou serve 使用，且已有系统管理员：请以管理员身份登录后在服务中新建账户，或先停止服务",
            f"database {db} is held by renkou serve and an admin exists: log in as an admin and create accounts "
            "through the service, or stop the server first",
        )
    try:
        response = httpx.post(
            f"{found.url}/api/setup/admin",
            json={"username": username, "password": password, "display_name": display_name},
            headers={SECRET_HEADER: found.secret},
            timeout=30,
        )
    except httpx.HTTPError as error:
        raise UserError(
            f"无法连接服务 {found.url}：{error}", f"cannot reach the server at {found.url}: {error}"
        ) from None
    if response.status_code != 201:
        problem = (
            response.json().get("error", {})
            if response.headers.get("content-type", "").startswith("application/json")
            else {}
        )
        raise UserError(
            str(problem.get("zh", f"服务返回 {response.status_code}")),
            str(problem.get("en", f"the server answered {response.status_code}")),
        )
    result: dict[str, Any] = response.json()
    return result


def verify_audit_command(db: Annotated[Path, typer.Option("--db", help=DB_HELP)]) -> None:
    """重新计算审计日志的哈希链；有断裂时以非零状态退出。

    Recompute the audit log's hash chain; exit non-zero on any break.
    """
    from renkou.api.audit import verify_audit
    from renkou.register.store import Register

    register = Register.open(db, read_only=True)
    try:
        result = verify_audit(register.engine)
    finally:
        register.close()
    if result.ok:
        print(f"{result.message} (head {result.head_hash})")
        return
    print(f"校验失败 / verification failed: {result.message}", file=sys.stderr)
    raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``serve`` and the ``admin`` group to the CLI."""
    app.command("serve")(serve_command)
    admin = typer.Typer(
        help="账户与审计管理。\n\nAccounts and audit administration.",
        no_args_is_help=True,
        add_completion=False,
        rich_markup_mode=None,
    )
    admin.command("create-admin")(create_admin_command)
    admin.command("verify-audit")(verify_audit_command)
    app.add_typer(admin, name="admin")
