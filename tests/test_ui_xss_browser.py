"""In headless Chromium: release titles, artists and notes holding HTML/JS are shown as text.

Nothing they contain runs (a canary global stays unset) and the pickers, the chart legend and
the records table show the characters exactly as typed, not as markup.
"""

from __future__ import annotations

from browser import graph_traces, wait_until

from perfdash import store

TITLE = '<b>Bold</b><img src=x onerror="window.__xss=1">'
ARTIST = "<script>window.__xss=2</script>"
NOTES = '<a href="javascript:window.__xss=3">click</a> %{customdata}'


def _open_hostile_release(demo_app, start_app, dash_duo) -> None:
    engine = demo_app.server.extensions["perfdash"]["engine"]
    rid = store.create_release(engine, "xss-1", title=TITLE, artist_name=ARTIST)
    for day, value in ((1, 100), (2, 250), (3, 400)):
        store.add_performance_metric(
            rid,
            "YouTube",
            "views",
            value,
            notes=NOTES,
            engine=engine,
            recorded_at=store.to_utc(f"2026-01-0{day}T12:00:00Z"),
        )
    base = start_app(demo_app, "/dashboard")
    dash_duo.driver.get(f"{base}/dashboard?release={rid}&period=all")
    dash_duo.wait_for_element("#dash-series")
    wait_until(lambda: graph_traces(dash_duo, "dash-series"))
    wait_until(lambda: _svg_text(dash_duo))


def _svg_text(dash_duo) -> str:
    return dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#dash-series text'))"
        ".map(t => t.textContent).join(' | ')"
    )


def test_hostile_text_never_runs(demo_app, start_app, dash_duo):
    _open_hostile_release(demo_app, start_app, dash_duo)
    # the picker shows the label literally
    dash_duo.wait_for_contains_text("#dash-release", "<b>Bold</b>")
    assert ARTIST in dash_duo.find_element("#dash-release").text
    links = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#dash-series a'))"
        ".map(a => a.getAttribute('href'))"
    )
    assert not any("javascript" in (h or "") for h in links), links
    # nothing ran, no element was made from the text
    assert dash_duo.driver.execute_script("return window.__xss === undefined")
    assert not dash_duo.driver.find_elements("css selector", "img[src='x']")
    # the chart's title shows the hostile title as characters (a long title is cut before
    # the artist, whom the picker above names literally)
    assert 'onerror="window.__xss=1">' in _svg_text(dash_duo)


def test_chart_labels_are_not_markup(demo_app, start_app, dash_duo):
    _open_hostile_release(demo_app, start_app, dash_duo)
    bold = dash_duo.driver.execute_script(
        "return document.querySelectorAll('#dash-series text tspan[style*=bold]').length"
    )
    assert bold == 0, _svg_text(dash_duo)
    assert "<b>Bold</b>" in _svg_text(dash_duo)
