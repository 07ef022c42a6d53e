"""The index page links every bundle a page uses and not the DataTable's, which none uses."""

from __future__ import annotations

import re

from perfdash import create_app, store
from perfdash.config import Settings
from perfdash.ui import bundles


def test_the_page_links_dash_and_bootstrap_but_not_the_datatable(sqlite_url):
    eng = store.make_engine(sqlite_url)
    try:
        page = create_app(Settings(database_url=sqlite_url), engine=eng).server.test_client()
        html = page.get("/dashboard").get_data(as_text=True)
    finally:
        eng.dispose()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert not [s for s in scripts if "dash_table" in s]
    for needed in ("dash_renderer", "dash_core_components", "dash_html_components", "react-dom"):
        assert any(needed in s for s in scripts), needed
    assert any("dash_bootstrap_components" in s for s in scripts)


def test_only_the_unused_packages_script_tags_go():
    tags = (
        '<script src="/_dash-component-suites/dash/dcc/dash_core_components.v4m1.js"></script>\n'
        '<script src="/_dash-component-suites/dash/dash_table/bundle.v7m1.js"></script>\n'
        '<script src="/assets/dash_table_notes.js?m=1"></script>\n'
    )
    kept = bundles.without_unused(tags)
    assert "dash_core_components" in kept
    assert "dash_table/bundle" not in kept
    assert "/assets/dash_table_notes.js" in kept  # an asset of ours, whatever its name
