"""Responses travel compressed, and versioned files are cached for a year: plotly.js (the
largest file a first view loads), the assets, the page and the callbacks' answers."""

from __future__ import annotations

import gzip
import os
import re

import brotli
import plotly
import pytest
from dash.fingerprint import build_fingerprint
from flask import Flask, Response, request

from perfdash import create_app, store
from perfdash.config import Settings
from perfdash.web import security, transfer

BROWSER = "gzip, deflate, br, zstd"  # what Chromium sends


@pytest.fixture
def client(sqlite_url):
    eng = store.make_engine(sqlite_url)
    app = create_app(Settings(database_url=sqlite_url), engine=eng)
    client = app.server.test_client()
    client.get("/dashboard")  # the page registers the bundles' paths it links
    yield client
    eng.dispose()


def plotly_file() -> tuple[str, bytes]:
    """plotly.js's fingerprinted URL (as Dash builds it) and the file's bytes."""
    path = os.path.join(os.path.dirname(plotly.__file__), "package_data", "plotly.min.js")
    name = build_fingerprint(
        "package_data/plotly.min.js", plotly.__version__, int(os.stat(path).st_mtime)
    )
    with open(path, "rb") as f:
        return f"/_dash-component-suites/plotly/{name}", f.read()


def long_cached(cache_control: str) -> bool:
    parts = {p.strip() for p in cache_control.split(",")}
    return {"public", "immutable", f"max-age={transfer.YEAR}"} <= parts


def test_plotly_travels_as_brotli_and_is_cached_for_a_year(client):
    url, original = plotly_file()
    response = client.get(url, headers={"Accept-Encoding": BROWSER})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response.headers["Vary"]
    body = response.get_data()
    assert brotli.decompress(body) == original
    assert len(body) < 0.3 * len(original)  # 4.8 MB -> about 1.3 MB
    assert int(response.headers["Content-Length"]) == len(body)
    assert long_cached(response.headers["Cache-Control"])
    # the kept copy: the second cold load gets the same bytes
    again = client.get(url, headers={"Accept-Encoding": BROWSER})
    assert again.get_data() == body


def test_a_client_without_brotli_gets_gzip_and_one_without_any_gets_the_file(client):
    url, original = plotly_file()
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()) == original
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert plain.get_data() == original


def test_every_bundle_the_page_links_is_compressed_and_cached(client):
    page = client.get("/dashboard").get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="(/[^"]+)"', page)
    bundles = [u for u in urls if u.startswith(("/_dash-component-suites/", "/assets/"))]
    assert len(bundles) >= 8
    for url in bundles:
        response = client.get(url, headers={"Accept-Encoding": BROWSER})
        assert response.status_code == 200, url
        assert response.headers["Content-Encoding"] == "br", url
        assert brotli.decompress(response.get_data())
        assert long_cached(response.headers["Cache-Control"]), url


def test_an_unversioned_asset_is_revalidated_not_kept_for_a_year(client):
    response = client.get("/assets/perfdash.css", headers={"Accept-Encoding": BROWSER})
    assert response.status_code == 200
    assert f"max-age={transfer.YEAR}" not in response.headers.get("Cache-Control", "")
    assert response.headers.get("ETag")
    assert response.get_data()
    unversioned = client.get("/_dash-component-suites/dash/dcc/dash_core_components.js")
    assert f"max-age={transfer.YEAR}" not in unversioned.headers.get("Cache-Control", "")


def test_the_page_and_callback_answers_are_compressed_but_never_cached(client):
    page = client.get("/dashboard", headers={"Accept-Encoding": BROWSER})
    assert page.headers["Content-Encoding"] == "br"
    assert page.headers["Cache-Control"] == "no-store"
    html = brotli.decompress(page.get_data()).decode()
    # the security headers hashed the page before it was compressed: its inline scripts run
    hashes = security._script_hashes(html)
    assert hashes and all(h in page.headers["Content-Security-Policy"] for h in hashes)
    deps = client.get("/_dash-dependencies", headers={"Accept-Encoding": BROWSER})
    assert deps.headers["Content-Encoding"] == "br"
    assert f"max-age={transfer.YEAR}" not in deps.headers.get("Cache-Control", "")


def test_made_up_versions_share_one_kept_copy_and_a_changed_file_gets_a_new_one(tmp_path):
    """Copies are bounded by the files served, whatever versions a client invents."""
    css = tmp_path / "site.css"
    css.write_text("body { color: black; }\n" * 200)
    server = Flask(__name__, static_folder=str(tmp_path), static_url_path="/assets")
    kept = transfer.install(server).cache._kept
    client = server.test_client()
    first = client.get("/assets/site.css?m=1", headers={"Accept-Encoding": "br"})
    assert brotli.decompress(first.get_data()) == css.read_bytes()
    for version in range(2, 12):
        assert client.get(f"/assets/site.css?m={version}").status_code == 200
    assert len(kept) == 1
    css.write_text("body { color: navy; }\n" * 300)  # a new file under the same name
    os.utime(css, (1, 1))
    again = client.get("/assets/site.css?m=99", headers={"Accept-Encoding": "br"})
    assert brotli.decompress(again.get_data()) == css.read_bytes()
    assert len(kept) == 2
    client.get("/assets/site.css", headers={"Accept-Encoding": "br"}).get_data()  # unversioned
    assert len(kept) == 2


def test_the_cache_keeps_only_versioned_urls():
    cache = transfer.VersionedCache()
    cache.set("br;", b"a callback's answer")  # an unversioned response's key
    assert cache.get("br;") is None
    cache.set("br;/assets/x.css?m=1", b"kept")
    assert cache.get("br;/assets/x.css?m=1") == b"kept"
    assert cache.get("gzip;/assets/x.css?m=1") is None


def test_a_bundle_is_kept_once_whatever_fingerprint_names_it():
    server = Flask(__name__)
    keys = set()
    for name in ("plotly.v7_1_0m1796.min.js", "plotly.v9_9_9m1.min.js"):
        path = f"/_dash-component-suites/plotly/package_data/{name}"
        with server.test_request_context(path):
            keys.add(transfer.file_key(request, Response(b"x")))
    assert keys == {"/_dash-component-suites/plotly/package_data/plotly.min.js"}
