"""The OpenAPI document against the app: it lists exactly the routes Flask registered, and
schemathesis generates requests from it and checks that the API never answers with a server
error and that answers match the document.

It runs against the Flask (WSGI) app in-process on a SQLite file, with an editor token so the
write operations are exercised past authentication.  ``max_examples`` keeps it well under a
minute.
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi import checks as openapi_checks

from perfdash import auth, create_app, store
from perfdash.api import http
from perfdash.api.openapi import spec
from perfdash.config import Settings
from perfdash.migrations import upgrade


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


# The document the app serves (``GET /api/v1/openapi.json`` answers ``spec()``); loaded at
# import so schemathesis can parametrize without a lazy fixture.
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


# Rules under /api/v1 that are not operations: the document does not describe itself, and the
# catch-all only turns unknown paths into JSON 404/405 answers.
NOT_OPERATIONS = {f"{http.API_PREFIX}/openapi.json", http.CATCH_ALL_RULE}
FLASK_PARAMETER = re.compile(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>")  # <int:x>, <x>, <conv(a):x>


def registered_operations(server) -> set[tuple[str, str]]:
    """(METHOD, OpenAPI path) of every route Flask really registered under /api/v1."""
    operations = set()
    for rule in server.url_map.iter_rules():
        if not rule.rule.startswith(http.API_PREFIX + "/") or rule.rule in NOT_OPERATIONS:
            continue
        path = FLASK_PARAMETER.sub(r"{\1}", rule.rule.removeprefix(http.API_PREFIX))
        operations |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return operations


def documented_operations(document: dict) -> set[tuple[str, str]]:
    """(METHOD, path) of every operation in an OpenAPI document."""
    return {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "put", "post", "delete", "options", "head", "patch", "trace")
    }


def test_document_and_registered_routes_agree(api_app):
    """Every /api/v1 route Flask serves is documented with its methods and its path parameters'
    names, and every documented operation is served: schemathesis below covers exactly the
    API, no more and no less."""
    server = api_app[0].server
    served_document = server.test_client().get(f"{http.API_PREFIX}/openapi.json").get_json()
    assert served_document["servers"] == [{"url": http.API_PREFIX}]
    served = registered_operations(server)
    documented = documented_operations(served_document)
    assert sorted(served - documented) == [], "served but not in the document"
    assert sorted(documented - served) == [], "in the document but not served"
    assert {
        ("GET", "/releases/{release_id}"),
        ("POST", "/metrics"),
        ("DELETE", "/annotations/{annotation_id}"),
    } <= served  # the comparison above is not between two empty sets


def test_documented_path_parameters_are_declared(api_app):
    """A {name} in a path is declared as a path parameter (on the path or the operation)."""
    for path, item in spec()["paths"].items():
        names = set(re.findall(r"\{(\w+)\}", path))
        for method, operation in item.items():
            if method == "parameters":
                continue
            declared = {
                p["name"]
                for p in [*item.get("parameters", []), *operation.get("parameters", [])]
                if p["in"] == "path"
            }
            assert declared == names, (method, path)


@pytest.mark.slow
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
        # a WSGI call decodes no content encoding, so ask for the bytes as they are
        headers={**editor_headers, "Accept-Encoding": "identity"},
        excluded_checks=[
            # A schema-valid record may still name a release that does not exist or a time in
            # the future; the API rejects those with 400, which is correct behaviour.
            openapi_checks.positive_data_acceptance,
        ],
    )
