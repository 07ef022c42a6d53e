"""Schema-driven test: schemathesis generates requests from /api/v1/openapi.json and checks that
the API never answers with a server error and that answers match the document.

It runs against the Flask (WSGI) app in-process on a SQLite file, with an editor token so the
write operations are exercised past authentication.  ``max_examples`` keeps it well under a
minute.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi import checks as openapi_checks

from perfdash import auth, create_app, store
from perfdash.config import Settings
from perfdash.migrations import upgrade
from perfdash.openapi import spec


@pytest.fixture(scope="module")
def api_app(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('schemathesis') / 'api.sqlite3'}"
    engine = store.make_engine(url)
    upgrade(engine)
    store.create_release(engine, "rel-1", title="First")
    app = create_app(Settings(database_url=url), engine=engine)
    yield app, auth.create_token(engine, "schemathesis", "editor")
    engine.dispose()


@pytest.fixture(scope="module")
def editor_headers(api_app):
    return {"Authorization": f"Bearer {api_app[1]}"}


# The document the app serves (checked equal below); loaded at import so schemathesis can
# parametrize without a lazy fixture.
schema = schemathesis.openapi.from_dict(
    spec(),
    config=SchemathesisConfig.from_dict(
        # A batch over the documented maxItems is rightly refused with 413 (too large).
        {
            "checks": {
                "negative_data_rejection": {
                    "expected-statuses": [400, 401, 403, 404, 405, 406, 409, 413, 415, 422]
                }
            }
        }
    ),
)


def test_served_document_is_the_tested_one(api_app):
    served = api_app[0].server.test_client().get("/api/v1/openapi.json").get_json()
    assert served == spec()


def test_every_api_route_is_in_the_document(api_app):
    """What schemathesis covers: every /api/v1 operation the app serves is documented
    (path parameters compared by position, not name)."""
    import re

    served = set()
    for rule in api_app[0].server.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or "<path:" in rule.rule:
            continue
        path = re.sub(r"<[^>]+>", "{}", rule.rule.removeprefix("/api/v1"))
        served |= {(m, path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {
        (method.upper(), re.sub(r"\{[^}]+\}", "{}", path))
        for path, item in spec()["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert served - {("GET", "/openapi.json")} == documented
    assert {
        ("GET", "/annotations"),
        ("POST", "/annotations"),
        ("DELETE", "/annotations/{}"),
    } <= documented


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_never_fails_with_server_error(case, api_app, editor_headers):
    # Follow-up requests some checks make (e.g. reading a created release) go to the app too.
    case.operation.schema.app = api_app[0].server
    case.call_and_validate(
        app=api_app[0].server,
        headers=editor_headers,
        excluded_checks=[
            # A schema-valid record may still name a release that does not exist or a time in
            # the future; the API rejects those with 400, which is correct behaviour.
            openapi_checks.positive_data_acceptance,
        ],
    )
