"""/dashboard: releases over a period, KPIs, charts, records, and the catalog leaderboard.

``state`` is the view as the URL says it, ``layout`` builds the page for it, ``callbacks``
keep the views in step with the controls, reading through ``data`` and drawing with
``render`` and ``perfdash.ui.figures``.
"""

from perfdash.ui.pages.dashboard.callbacks import register
from perfdash.ui.pages.dashboard.layout import layout

__all__ = ["layout", "register"]
