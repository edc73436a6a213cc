"""A service over the permit test register with a fixed clock and accounts: a points officer and
clerks of 西湖区 (330106) and 拱墅区 (330105); a client that logs in with the session cookie and sends the CSRF
header on writes, as the pages' scripts do."""

from __future__ import annotations

from pathlib import Path

from officer_service import NOW, PASSWORD, Env, copy_register, open_service_with

from renkou.api.permissions import Role
from renkou.api.service import Service

__all__ = ["NOW", "PASSWORD", "USERS", "Env", "copy_register", "open_service"]

USERS = {
    "points1": {"role": Role.POINTS_OFFICER},
    "clerk_xihu": {"role": Role.CLERK, "districts": ["330106"]},
    "clerk_gongshu": {"role": Role.CLERK, "districts": ["330105"]},
    "analyst1": {"role": Role.ANALYST},
}


def open_service(db_path: Path) -> Service:
    """The service with its clock standing at NOW and this suite's accounts."""
    return open_service_with(db_path, USERS)
