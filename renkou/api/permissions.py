"""Permissions: one mechanism, consulted by every endpoint.

Each endpoint declares the one :class:`Action` it performs with ``Depends(requires(Action.X))`` (a test checks that
every route does). :data:`GRANTS` says which roles may perform each action; finer decisions that depend on the
resource (a clerk's districts, a steward's feed) are made here too, by :func:`person_access` and
:func:`may_read_feed`, so handlers never compare roles themselves. Pages added later (``renkou/web``) use the same
dependency.

Roles (DESIGN.md "Security and privacy"): admin (accounts, nothing personal), clerk (bound to districts: person
records), steward (bound to one department feed: its batches and quarantine), analyst (aggregates only, never a
single person), points officer, disclosure officer, auditor (the audit log), and the anonymous public (published
aggregates only).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from fastapi import Depends, Request

from renkou.api.errors import forbidden, not_authenticated


class Role(StrEnum):
    """Who a user is to the system."""

    ADMIN = "admin"
    CLERK = "clerk"
    STEWARD = "steward"
    ANALYST = "analyst"
    POINTS_OFFICER = "points_officer"
    DISCLOSURE_OFFICER = "disclosure_officer"
    AUDITOR = "auditor"
    PUBLIC = "public"


ROLE_ZH = {
    Role.ADMIN: "系统管理员",
    Role.CLERK: "户籍窗口人员",
    Role.STEWARD: "部门数据管理员",
    Role.ANALYST: "统计分析人员",
    Role.POINTS_OFFICER: "积分管理人员",
    Role.DISCLOSURE_OFFICER: "政务公开人员",
    Role.AUDITOR: "审计人员",
    Role.PUBLIC: "公众",
}
ACCOUNT_ROLES = tuple(role for role in Role if role is not Role.PUBLIC)


class Action(StrEnum):
    """What an endpoint does."""

    PUBLIC_READ = "public.read"  # published (suppressed) aggregates, health, method
    LOGIN = "auth.login"
    SETUP = "setup.first_admin"  # guarded by the one-time secret of the setup file (renkou.api.setup)
    SELF = "auth.self"  # one's own session and password
    ACCOUNTS_MANAGE = "accounts.manage"  # users, roles, API tokens
    PERSON_READ = "person.read"  # one person's record and history
    PERSON_WRITE = "person.write"  # record an event through a form (the clerk's workbench)
    AGGREGATE_READ = "aggregate.read"  # exact, unsuppressed aggregates (never a single person)
    FEED_READ = "feed.read"  # a department feed's batches and quarantine
    FEED_UPLOAD = "feed.upload"
    AUDIT_READ = "audit.read"
    POINTS_MANAGE = "points.manage"
    DISCLOSURE_MANAGE = "disclosure.manage"
    DISCLOSURE_FILE = "disclosure.file"  # the public files a disclosure request and reads its own by number + secret


_EVERYONE = frozenset(Role)
_SIGNED_IN = frozenset(ACCOUNT_ROLES)

GRANTS: dict[Action, frozenset[Role]] = {
    Action.PUBLIC_READ: _EVERYONE,
    Action.LOGIN: _EVERYONE,
    Action.SETUP: _EVERYONE,
    Action.SELF: _SIGNED_IN,
    Action.ACCOUNTS_MANAGE: frozenset({Role.ADMIN}),
    Action.PERSON_READ: frozenset({Role.CLERK}),
    Action.PERSON_WRITE: frozenset({Role.CLERK}),
    Action.AGGREGATE_READ: frozenset({Role.ANALYST}),
    Action.FEED_READ: frozenset({Role.STEWARD}),
    Action.FEED_UPLOAD: frozenset({Role.STEWARD}),
    Action.AUDIT_READ: frozenset({Role.AUDITOR}),
    Action.POINTS_MANAGE: frozenset({Role.POINTS_OFFICER}),
    Action.DISCLOSURE_MANAGE: frozenset({Role.DISCLOSURE_OFFICER}),
    Action.DISCLOSURE_FILE: _EVERYONE,
}


@dataclass(frozen=True)
class Principal:
    """Who is asking: an account (through a session or an API token) or the anonymous public."""

    role: Role
    username: str | None = None
    user_id: int | None = None
    districts: frozenset[str] = field(default_factory=frozenset)
    feed: str | None = None
    via: str = "anonymous"  # anonymous | session | token
    session_digest: str | None = None
    csrf_token: str | None = None

    @property
    def is_anonymous(self) -> bool:
        """True for the public (no credential)."""
        return self.role is Role.PUBLIC


ANONYMOUS = Principal(Role.PUBLIC)


def allowed(principal: Principal, action: Action) -> bool:
    """True when the principal's role may perform ``action``."""
    return principal.role in GRANTS[action]


@dataclass(frozen=True)
class PersonAccess:
    """How a person's record may be shown to a principal allowed to read persons."""

    full_identity: bool  # the full ID number and name (a clerk of the person's district)
    reason_required: bool  # a read outside one's districts needs a stated reason


def person_access(principal: Principal, person_districts: Iterable[str | None]) -> PersonAccess:
    """Full identity for a clerk of one of the person's districts; otherwise masked, and only with a reason."""
    if not allowed(principal, Action.PERSON_READ):
        raise forbidden()
    own = bool(principal.districts & {d for d in person_districts if d})
    return PersonAccess(full_identity=own, reason_required=not own)


def may_read_feed(principal: Principal, feed: str) -> bool:
    """A steward reads only the feed they are bound to."""
    return allowed(principal, Action.FEED_READ) and principal.feed == feed


ResolvePrincipal = Callable[[Request, bool], Awaitable[Principal]]


def requires(action: Action) -> Any:
    """The dependency an endpoint declares: resolves the caller, checks ``action``, returns the principal.

    Resolution (credentials -> principal) is done by the service's resolver on ``app.state.resolve_principal``; when
    the public may perform the action, a stale or unknown credential falls back to the anonymous public instead of
    failing, so an expired cookie never blocks a public page.
    """
    public_allowed = Role.PUBLIC in GRANTS[action]

    async def check_permission(request: Request) -> Principal:
        resolve: ResolvePrincipal = request.app.state.resolve_principal
        principal = await resolve(request, public_allowed)
        if not allowed(principal, action):
            raise not_authenticated() if principal.is_anonymous else forbidden()
        request.state.principal = principal
        return principal

    check_permission.renkou_action = action  # type: ignore[attr-defined]  # read by the route-coverage test
    return Depends(check_permission)


def route_action(dependency_call: object) -> Action | None:
    """The action a dependency made by :func:`requires` checks (None for any other callable)."""
    action = getattr(dependency_call, "renkou_action", None)
    return action if isinstance(action, Action) else None
