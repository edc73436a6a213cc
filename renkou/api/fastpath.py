"""The public query service's fast path: a repeated public query is answered from memory before the web framework
parses it.

Published figures change only when the register does, so a successful answer to ``GET /api/public/...`` is kept
under its exact URL (path and query string) and replayed. The permission mechanism is still consulted: the replay
happens only while the public may read published figures (:data:`renkou.api.permissions.GRANTS`). A first request,
an unusual spelling of a query, or any error goes through the full application (validation, permission dependency,
handler) as usual; the cache is bounded and emptied when the register changes.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from renkou.api.permissions import ANONYMOUS, Action, allowed
from renkou.api.service import Service

FAST_PATHS = frozenset(
    {
        "/api/public/population",
        "/api/public/population.csv",
        "/api/public/indicators",
        "/api/public/indicators.csv",
        "/api/public/projection",
        "/api/public/projection.csv",
    }
)
KEPT_HEADERS = frozenset({b"content-type", b"content-length", b"content-disposition"})


class PublicFastPath:
    """ASGI middleware replaying successful public answers by URL."""

    def __init__(self, app: ASGIApp, service: Service) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] not in FAST_PATHS:
            await self.app(scope, receive, send)
            return
        if not allowed(ANONYMOUS, Action.PUBLIC_READ):
            await self.app(scope, receive, send)
            return
        # The day is part of the key: a query without a year means the latest published year, which changes on
        # 1 January even when the register does not.
        key = (scope["path"], scope["query_string"], self.service.today())
        cached = self.service.responses.get(key)
        if cached is not None:
            headers, body = cached
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        generation = self.service.generation
        captured: dict[str, Any] = {"body": []}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = [(k, v) for k, v in message.get("headers", []) if k.lower() in KEPT_HEADERS]
            elif message["type"] == "http.response.body":
                captured["body"].append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capture)
        if captured.get("status") == 200:
            self.service.responses.put(key, (captured["headers"], b"".join(captured["body"])), generation)
