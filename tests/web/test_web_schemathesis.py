"""Schemathesis against the web part's JSON endpoints (``/web/api/...``) in the OpenAPI document, in-process:
generated requests, sent with the credential of a role that may use each endpoint, never produce a server error."""

from __future__ import annotations

from typing import cast

import schemathesis
from conftest import Env
from hypothesis import HealthCheck, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from renkou.api.app import create_app
from renkou.api.service import Service

# The document does not depend on the data: built from an app over no service, at import time (parametrisation
# needs it then); each case is sent to an app on a real register.
DOCUMENT = create_app(cast(Service, None)).openapi()
schema = schemathesis.openapi.from_dict(DOCUMENT).include(path_regex=r"^/web/api/")

ROLE_FOR_PREFIX = (
    ("/web/api/dashboard", "analyst1"),
    ("/web/api/events", "clerk_xihu"),
    ("/web/api/workbench", "clerk_xihu"),
    ("/web/api/feeds", "steward_hukou"),
)


def headers_for(env: Env, path: str) -> dict[str, str]:
    for prefix, user in ROLE_FOR_PREFIX:
        if path.startswith(prefix):
            return env.bearer(user)
    return {}


def test_the_document_lists_the_web_endpoints() -> None:
    paths = set(DOCUMENT["paths"])
    assert {"/web/api/events", "/web/api/feeds/upload", "/web/api/dashboard/overview"} <= paths
    assert not any(path in paths for path in ("/", "/dashboard", "/workbench"))  # pages are not API operations


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_server_error_and_responses_match_the_schema(case: schemathesis.Case, env: Env) -> None:
    headers = {**(case.headers or {}), **headers_for(env, case.path)}
    response = case.call(headers=headers, app=env.client.app)
    env.client.cookies.clear()
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance, content_type_conformance])
