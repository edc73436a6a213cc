"""Schemathesis against the app's OpenAPI document, in-process (ASGI): generated requests to every operation, sent
with the credential of a role that may use it, never produce a server error or a body that breaks the schema."""

from __future__ import annotations

from typing import cast

import schemathesis
from conftest import Env
from hypothesis import HealthCheck, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from renkou.api.app import create_app
from renkou.api.service import Service

# The OpenAPI document does not depend on the data: build it from an app over no service, at import time (the
# parametrisation needs it then); each test then sends its cases to an app on a real register.
schema = schemathesis.openapi.from_dict(create_app(cast(Service, None), pages=False).openapi())

# Who may call each part of the API (so that generated requests reach the handlers, not just the role check).
ROLE_FOR_PREFIX = (
    ("/api/admin", "admin1"),
    ("/api/persons", "clerk_xihu"),
    ("/api/feeds", "steward_hukou"),
    ("/api/stats", "analyst1"),
    ("/api/audit", "auditor1"),
    ("/api/auth", "points1"),
    ("/api/disclosure", "disclosure1"),
    ("/api/points", "points1"),
    ("/api/permits", "clerk_xihu"),
)


def headers_for(env: Env, path: str) -> dict[str, str]:
    for prefix, user in ROLE_FOR_PREFIX:
        if path.startswith(prefix):
            return env.headers(user)
    return {}


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_server_error_and_responses_match_the_schema(case: schemathesis.Case, env: Env) -> None:
    headers = {**(case.headers or {}), **headers_for(env, case.path)}
    response = case.call(headers=headers, app=env.client.app)
    env.client.cookies.clear()
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance, content_type_conformance])
