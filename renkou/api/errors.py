"""Errors an endpoint returns: an HTTP status with a bilingual message and a stable code.

Every error body has the same shape, ``{"error": {"code": ..., "zh": ..., "en": ...}}``, whether it comes from a
permission check, bad input (:class:`renkou.errors.UserError`) or request validation.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An HTTP error with a bilingual message."""

    def __init__(self, status: int, code: str, zh: str, en: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{zh} / {en}")
        self.status = status
        self.code = code
        self.zh = zh
        self.en = en
        self.headers = headers

    def body(self) -> dict[str, Any]:
        """The JSON body."""
        return {"error": {"code": self.code, "zh": self.zh, "en": self.en}}


def not_authenticated() -> ApiError:
    """401: log in (or send a token) first."""
    return ApiError(
        401,
        "not_authenticated",
        "请先登录",
        "log in first",
        headers={"WWW-Authenticate": 'Bearer realm="renkou"'},
    )


def session_expired() -> ApiError:
    """401: the session or token is unknown, expired or revoked."""
    return ApiError(
        401,
        "session_expired",
        "会话已过期或凭据无效，请重新登录",
        "the session has expired or the credential is invalid; log in again",
        headers={"WWW-Authenticate": 'Bearer realm="renkou", error="invalid_token"'},
    )


def forbidden(zh: str = "无权访问", en: str = "not allowed for your role") -> ApiError:
    """403: authenticated, but the role may not do this."""
    return ApiError(403, "forbidden", zh, en)


def not_found(zh: str, en: str) -> ApiError:
    """404 with a message naming what was not found."""
    return ApiError(404, "not_found", zh, en)


def bad_request(code: str, zh: str, en: str) -> ApiError:
    """400 for input that passed validation but makes no sense here."""
    return ApiError(400, code, zh, en)
