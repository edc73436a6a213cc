"""Schemathesis over the points and permits operations of the OpenAPI document, in-process, with the credential of
the role that may use each (so generated requests reach the handlers): no server error, answers match the schema."""

from __future__ import annotations

from typing import cast

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from points_service import PASSWORD, Env
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from renkou.api.app import create_app
from renkou.api.service import Service

pytestmark = pytest.mark.slow

schema = schemathesis.openapi.from_dict(create_app(cast(Service, None), pages=False).openapi()).include(
    path_regex=r"^/api/(points|permits)/"
)


def bearer(env: Env, username: str) -> dict[str, str]:
    response = env.client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    env.client.cookies.clear()
    return {"Authorization": f"Bearer {response.json()['token']}"}


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_server_error_and_answers_match_the_schema(case: schemathesis.Case, points_env: Env) -> None:
    user = "points1" if case.path.startswith("/api/points") else "clerk_xihu"
    headers = {**(case.headers or {}), **bearer(points_env, user)}
    response = case.call(headers=headers, app=points_env.client.app)
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance, content_type_conformance])
