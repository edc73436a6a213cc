"""Accounts: users, roles and their bindings, password hashes (argon2id), log-in with lock-out.

A clerk is bound to one or more districts (6-digit codes), a steward to one department feed; other roles carry no
binding. Passwords are checked against a minimum length and the username; failed log-ins are counted per account
and ``max_failed_logins`` in a row lock it for ``lockout_minutes`` (an admin can unlock it earlier). All functions
take the engine of a caller that holds the service's database lock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from renkou.api.permissions import ACCOUNT_ROLES, Principal, Role
from renkou.api.settings import ServiceSettings
from renkou.engine import Engine
from renkou.errors import UserError
from renkou.register.feeds import FEEDS

USERNAME = re.compile(r"^[a-z][a-z0-9_.-]{2,31}$")
DISTRICT = re.compile(r"^\d{6}$")
USER_COLUMNS = (
    "user_id",
    "username",
    "display_name",
    "role",
    "districts",
    "feed",
    "password_hash",
    "failed_logins",
    "locked_until",
    "disabled",
    "created_at",
    "password_changed_at",
)


@dataclass(frozen=True)
class User:
    """One account as stored (the password hash never leaves this module's callers)."""

    user_id: int
    username: str
    display_name: str | None
    role: Role
    districts: tuple[str, ...]
    feed: str | None
    password_hash: str | None
    failed_logins: int
    locked_until: datetime | None
    disabled: bool
    created_at: datetime
    password_changed_at: datetime | None

    def locked(self, now: datetime) -> bool:
        """True while a lock-out lasts."""
        return self.locked_until is not None and now < self.locked_until

    def principal(self, via: str, session_digest: str | None = None, csrf_token: str | None = None) -> Principal:
        """The principal this account acts as."""
        return Principal(
            role=self.role,
            username=self.username,
            user_id=self.user_id,
            districts=frozenset(self.districts),
            feed=self.feed,
            via=via,
            session_digest=session_digest,
            csrf_token=csrf_token,
        )

    def public_view(self, now: datetime) -> dict[str, Any]:
        """The account as shown to an admin (no hash)."""
        return {
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role.value,
            "districts": list(self.districts),
            "feed": self.feed,
            "disabled": self.disabled,
            "locked": self.locked(now),
            "failed_logins": self.failed_logins,
            "created_at": self.created_at,
            "password_changed_at": self.password_changed_at,
        }


def _user(row: Sequence[Any]) -> User:
    values = dict(zip(USER_COLUMNS, row, strict=True))
    values["role"] = Role(values["role"])
    values["districts"] = tuple(values["districts"] or ())
    values["disabled"] = bool(values["disabled"])
    values["failed_logins"] = int(values["failed_logins"])
    return User(**values)


def get_user(engine: Engine, username: str) -> User | None:
    """The account named ``username`` (None when there is none)."""
    rows = engine.rows(f"SELECT {', '.join(USER_COLUMNS)} FROM api_users WHERE username = ?", [username])
    return _user(rows[0]) if rows else None


def get_user_by_id(engine: Engine, user_id: int) -> User | None:
    """The account with ``user_id``."""
    rows = engine.rows(f"SELECT {', '.join(USER_COLUMNS)} FROM api_users WHERE user_id = ?", [user_id])
    return _user(rows[0]) if rows else None


def list_users(engine: Engine) -> list[User]:
    """All accounts, by username."""
    return [_user(row) for row in engine.rows(f"SELECT {', '.join(USER_COLUMNS)} FROM api_users ORDER BY username")]


def count_active_admins(engine: Engine) -> int:
    """Admins that are not disabled."""
    return int(engine.scalar("SELECT count(*) FROM api_users WHERE role = 'admin' AND NOT disabled") or 0)


def check_username(username: str) -> str:
    """The username if well formed (3-32 characters: lower-case letters, digits, ``_ . -``, a letter first)."""
    if not USERNAME.match(username):
        raise UserError(
            f"用户名“{username}”无效：应为 3–32 个小写字母、数字或 _ . -，以字母开头",
            f"invalid username '{username}': 3-32 lower-case letters, digits or _ . -, starting with a letter",
            code="bad_username",
        )
    return username


def check_password(password: str, username: str, settings: ServiceSettings) -> None:
    """Refuse a password that is too short or contains the username."""
    if len(password) < settings.min_password_length:
        raise UserError(
            f"密码至少需要 {settings.min_password_length} 个字符",
            f"the password needs at least {settings.min_password_length} characters",
            code="weak_password",
        )
    if username.lower() in password.lower():
        raise UserError("密码不能包含用户名", "the password must not contain the username", code="weak_password")


def check_binding(role: Role, districts: Iterable[str], feed: str | None) -> tuple[tuple[str, ...], str | None]:
    """Validate a role's binding: districts for a clerk, one feed for a steward, nothing for the others."""
    bound = tuple(sorted(set(districts)))
    for code in bound:
        if not DISTRICT.match(code):
            raise UserError(
                f"区划代码“{code}”无效，应为 6 位数字", f"invalid district code '{code}': 6 digits", code="bad_district"
            )
    if role is Role.CLERK and not bound:
        raise UserError(
            "户籍窗口人员须绑定至少一个区县", "a clerk must be bound to at least one district", code="bad_binding"
        )
    if role is not Role.CLERK and bound:
        raise UserError("只有户籍窗口人员可绑定区县", "only a clerk is bound to districts", code="bad_binding")
    if role is Role.STEWARD:
        if feed not in FEEDS:
            raise UserError(
                f"部门数据管理员须绑定一个数据源（{'、'.join(FEEDS)}），而不是“{feed}”",
                f"a steward must be bound to one feed ({', '.join(FEEDS)}), not '{feed}'",
                code="bad_binding",
            )
    elif feed is not None:
        raise UserError("只有部门数据管理员可绑定数据源", "only a steward is bound to a feed", code="bad_binding")
    return bound, feed


def parse_role(text: str) -> Role:
    """A role that accounts may have (the public is nobody's account)."""
    try:
        role = Role(text)
    except ValueError:
        role = Role.PUBLIC
    if role not in ACCOUNT_ROLES:
        raise UserError(
            f"未知的角色“{text}”（可选：{'、'.join(ACCOUNT_ROLES)}）",
            f"unknown role '{text}' (one of: {', '.join(ACCOUNT_ROLES)})",
            code="bad_role",
        )
    return role


def create_user(
    engine: Engine,
    hasher: PasswordHasher,
    settings: ServiceSettings,
    *,
    username: str,
    role: Role,
    password: str,
    now: datetime,
    display_name: str | None = None,
    districts: Iterable[str] = (),
    feed: str | None = None,
) -> User:
    """Create an account; the username must be new."""
    check_username(username)
    check_password(password, username, settings)
    bound, feed = check_binding(role, districts, feed)
    if get_user(engine, username) is not None:
        raise UserError(f"用户名“{username}”已存在", f"username '{username}' already exists", code="user_exists")
    user_id = int(engine.scalar("SELECT coalesce(max(user_id), 0) + 1 FROM api_users"))
    engine.execute(
        f"INSERT INTO api_users ({', '.join(USER_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, 0, NULL, false, ?, ?)",
        [user_id, username, display_name, role.value, list(bound), feed, hasher.hash(password), now, now],
    )
    created = get_user(engine, username)
    assert created is not None
    return created


def update_user(
    engine: Engine,
    user: User,
    *,
    role: Role | None = None,
    districts: Iterable[str] | None = None,
    feed: str | None = None,
    display_name: str | None = None,
    disabled: bool | None = None,
    unlock: bool = False,
) -> User:
    """Change an account's role, binding, name or state; the last active admin cannot be demoted or disabled."""
    new_role = role or user.role
    new_districts = tuple(districts) if districts is not None else (user.districts if new_role is Role.CLERK else ())
    new_feed = feed if feed is not None else (user.feed if new_role is Role.STEWARD else None)
    bound, new_feed = check_binding(new_role, new_districts, new_feed)
    new_disabled = user.disabled if disabled is None else disabled
    loses_admin = user.role is Role.ADMIN and not user.disabled and (new_role is not Role.ADMIN or new_disabled)
    if loses_admin and count_active_admins(engine) <= 1:
        raise UserError(
            "不能停用或降级最后一个系统管理员", "the last active admin cannot be disabled or demoted", code="last_admin"
        )
    engine.execute(
        "UPDATE api_users SET role = ?, districts = ?, feed = ?, display_name = ?, disabled = ?, "
        "failed_logins = CASE WHEN ? THEN 0 ELSE failed_logins END, "
        "locked_until = CASE WHEN ? THEN NULL ELSE locked_until END WHERE user_id = ?",
        [
            new_role.value,
            list(bound),
            new_feed,
            display_name if display_name is not None else user.display_name,
            new_disabled,
            unlock,
            unlock,
            user.user_id,
        ],
    )
    updated = get_user_by_id(engine, user.user_id)
    assert updated is not None
    return updated


def set_password(
    engine: Engine, hasher: PasswordHasher, settings: ServiceSettings, user: User, password: str, now: datetime
) -> None:
    """Store a new password hash (and clear any lock-out)."""
    check_password(password, user.username, settings)
    engine.execute(
        "UPDATE api_users SET password_hash = ?, password_changed_at = ?, failed_logins = 0, locked_until = NULL "
        "WHERE user_id = ?",
        [hasher.hash(password), now, user.user_id],
    )


@dataclass(frozen=True)
class LoginOutcome:
    """The result of checking a username and password."""

    status: str  # ok | bad_credentials | locked | disabled
    user: User | None = None
    just_locked: bool = False


# Verified against when the username is unknown, so that a miss costs as long as a wrong password.
_DUMMY_PASSWORD = "renkou-dummy-password-for-timing"


def authenticate(
    engine: Engine, hasher: PasswordHasher, settings: ServiceSettings, username: str, password: str, now: datetime
) -> LoginOutcome:
    """Check a log-in; count failures and lock the account after ``max_failed_logins`` in a row."""
    user = get_user(engine, username)
    if user is None or user.password_hash is None:
        verify_password(hasher, _dummy_hash(hasher), password)
        return LoginOutcome("bad_credentials")
    if user.disabled:
        return LoginOutcome("disabled", user)
    if user.locked(now):
        return LoginOutcome("locked", user)
    if verify_password(hasher, user.password_hash, password):
        rehash = hasher.check_needs_rehash(user.password_hash)
        engine.execute(
            "UPDATE api_users SET failed_logins = 0, locked_until = NULL, "
            "password_hash = coalesce(?, password_hash) WHERE user_id = ?",
            [hasher.hash(password) if rehash else None, user.user_id],
        )
        return LoginOutcome("ok", get_user_by_id(engine, user.user_id))
    failures = user.failed_logins + 1
    lock = failures >= settings.max_failed_logins
    engine.execute(
        "UPDATE api_users SET failed_logins = ?, locked_until = ? WHERE user_id = ?",
        [0 if lock else failures, now + timedelta(minutes=settings.lockout_minutes) if lock else None, user.user_id],
    )
    return LoginOutcome("bad_credentials", user, just_locked=lock)


_DUMMY_HASHES: dict[tuple[int, int, int], str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = hasher.hash(_DUMMY_PASSWORD)
    return _DUMMY_HASHES[key]


def verify_password(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    try:
        return bool(hasher.verify(password_hash, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
