"""The web pages of the service: the public query page, the analysts' dashboard, the clerk's workbench and the
department steward's upload page, Chinese first with English available.

:func:`register` is picked up by :func:`renkou.api.app.create_app`. Pages are Jinja2 templates with static CSS and
scripts; every page reads its figures from a JSON endpoint (the API's own, or this package's under ``/web/api``), and
every route declares its action with :func:`renkou.api.permissions.requires`, like the API's.
"""

from __future__ import annotations

from typing import Any


def register(app: Any) -> None:
    """Add the pages, their JSON endpoints and the static files to the FastAPI ``app``."""
    from renkou.web.app import install

    install(app)
