"""Small helpers every router uses: the service of a request, the client's address, an audit event for a caller."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request

from renkou.api.audit import AuditEvent
from renkou.api.permissions import Principal
from renkou.api.service import Service


def service_of(request: Request) -> Service:
    """The service the app was created with."""
    service: Service = request.app.state.service
    return service


def client_of(request: Request) -> str | None:
    """Where the request came from (the peer address; a proxy must be configured to pass the real one)."""
    return request.client.host if request.client else None


def event_for(
    principal: Principal,
    request: Request,
    action: str,
    *,
    outcome: str = "ok",
    target: str | None = None,
    subject_id: str | None = None,
    reason: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """An audit event for something ``principal`` did through ``request``."""
    return AuditEvent(
        action=action,
        outcome=outcome,
        actor=principal.username,
        role=principal.role.value,
        target=target,
        subject_id=subject_id,
        client=client_of(request),
        reason=reason,
        detail={"via": principal.via, **(detail or {})},
    )
