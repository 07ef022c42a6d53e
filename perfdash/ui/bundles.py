"""The app class: Dash, linking only the component bundles perfdash's pages use.

Dash links the DataTable's bundle into every page whether a page shows a DataTable or not;
perfdash's pages have none (the dashboard's records are a Bootstrap table), so the first view
skips that request.  A page that brings a DataTable back must drop its package from
``UNUSED``, or the browser cannot draw it.  Subclassing is Dash's documented way to change
the index page (``Dash.interpolate_index``).
"""

from __future__ import annotations

import re

import dash

UNUSED = ("dash/dash_table/",)  # paths under /_dash-component-suites/
_SCRIPT = re.compile(r'<script src="[^"]*/_dash-component-suites/(?P<path>[^"]+)"></script>\s*')


def without_unused(scripts: str) -> str:
    """The index page's script tags without those of the packages in ``UNUSED``."""
    return _SCRIPT.sub(lambda m: "" if m.group("path").startswith(UNUSED) else m.group(0), scripts)


class App(dash.Dash):
    def interpolate_index(self, **kwargs) -> str:
        kwargs["scripts"] = without_unused(kwargs.get("scripts", ""))
        return super().interpolate_index(**kwargs)
