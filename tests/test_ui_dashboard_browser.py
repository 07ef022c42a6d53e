"""The dashboard in headless Chromium, used the way a person uses it, checked against the DB.

Every number read off the page is recomputed here from the raw rows
(``get_performance_metrics_for_release``), not from the dashboard's own queries.
"""

from __future__ import annotations

import csv
import glob
import os
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pandas as pd
from browser import dropdown_text, graph_traces, pick
from browser import wait_until as _wait_until
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from perfdash import store
from perfdash.ui.figures.insights import APPROVED_TRACE, NOTES_TRACE

# --------------------------------------------------------------------------- page helpers

# Generous: several helpers run browser tests on one machine at once.
TIMEOUT = 30


def wait_until(condition, *, message: str) -> None:
    _wait_until(condition, timeout=TIMEOUT, message=message)


def wait_for(dash_duo, selector: str):
    return dash_duo.wait_for_element(selector, timeout=TIMEOUT)


# Bootstrap scrolls smoothly; a click during the animation lands on the wrong element
SCROLL = "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});"


def choose(dash_duo, group_id: str, label: str) -> None:
    """Click the radio button labelled ``label`` in a dbc.RadioItems."""
    element = dash_duo.driver.find_element(
        By.XPATH, f"//div[@id='{group_id}']//label[normalize-space()='{label}']"
    )
    dash_duo.driver.execute_script(SCROLL, element)
    element.click()


def checked(dash_duo, group_id: str) -> str:
    return dash_duo.driver.execute_script(
        "const i = document.querySelector('#' + arguments[0] + ' input:checked');"
        "return i ? i.labels[0].textContent.trim() : null;",
        group_id,
    )


def click(dash_duo, selector: str) -> None:
    """Scroll an element to the middle of the window, then click it like a person."""
    element = dash_duo.find_element(selector)
    dash_duo.driver.execute_script(SCROLL, element)
    element.click()


def pick_in_view(dash_duo, dropdown_id: str, text: str) -> None:
    """``pick`` after scrolling the dropdown into view without Bootstrap's smooth scroll."""
    dash_duo.driver.execute_script(SCROLL, dash_duo.find_element(f"#{dropdown_id}"))
    pick(dash_duo, dropdown_id, text)


def clear(dash_duo, dropdown_id: str) -> None:
    click(dash_duo, f"#{dropdown_id} .dash-dropdown-clear")


def traces(dash_duo) -> dict[str, dict]:
    return {t["name"]: t for t in graph_traces(dash_duo, "dash-series") or []}


def kpi(dash_duo, metric: str, part: str = "gain") -> int:
    text = dash_duo.find_element(f'[data-metric="{metric}"] .kpi-{part}').text
    return int(text.replace(",", "").replace("+", ""))


def query(dash_duo) -> dict[str, list[str]]:
    return parse_qs(urlparse(dash_duo.driver.current_url).query)


def table_rows(dash_duo) -> list[dict[str, str]]:
    return dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#dash-table tbody tr')).map(tr => {"
        " const row = {}; tr.querySelectorAll('td[data-column]').forEach(td =>"
        " row[td.getAttribute('data-column')] = td.innerText.trim()); return row;})"
        ".filter(r => Object.keys(r).length);"
    )


# --------------------------------------------------------------------------- DB helpers


def readings(engine, key: str, metric: str) -> pd.DataFrame:
    """The raw rows of one release and metric, oldest first."""
    release = store.get_release_by_key(engine, key)
    rows = store.get_performance_metrics_for_release(release["id"], engine=engine)
    frame = pd.DataFrame(rows)
    frame = frame[frame["metric_type"] == metric].copy()
    frame["platform"] = frame["platform"].str.lower()
    return frame.sort_values(["recorded_at", "id"])


def gain_between(frame: pd.DataFrame, start: datetime, end: datetime) -> dict[str, int]:
    """Per platform: last total in [start, end) minus last total before start."""
    out = {}
    for platform, part in frame.groupby("platform"):
        inside = part[(part["recorded_at"] >= start) & (part["recorded_at"] < end)]
        before = part[part["recorded_at"] < start]
        if inside.empty:
            continue
        base = (
            before["metric_value"].iloc[-1] if not before.empty else inside["metric_value"].iloc[0]
        )
        out[platform] = int(inside["metric_value"].iloc[-1] - base)
    return out


def preset_window(days: int) -> tuple[datetime, datetime]:
    """What 'last N days' means with TZ=UTC (the demo app's zone): whole days up to today."""
    today = datetime.now(UTC).date()
    end = datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    return end - timedelta(days=days), end


# --------------------------------------------------------------------------- tests


def test_search_pick_period_granularity_mode_kpi_and_compare(demo_app, start_app, dash_duo):
    engine = demo_app.server.extensions["perfdash"]["engine"]
    start_app(demo_app, "/dashboard")
    wait_for(dash_duo, '[data-metric="views"] .kpi-gain')

    # "Neon Tides" is the least recently active release: not in the first list, only
    # the server-side search finds it
    clear(dash_duo, "dash-release")
    dash_duo.wait_for_contains_text("#dash-series", "Pick a release", timeout=TIMEOUT)
    pick_in_view(dash_duo, "dash-release", "Neon Tides")
    neon = store.get_release_by_key(engine, "demo-001")["id"]
    wait_until(lambda: query(dash_duo).get("release") == [str(neon)], message="release in URL")

    # last 28 days, by week
    choose(dash_duo, "dash-period", "28 days")
    choose(dash_duo, "dash-granularity", "week")
    wait_until(lambda: query(dash_duo).get("granularity") == ["week"], message="week in URL")
    assert query(dash_duo)["period"] == ["28d"]
    views = readings(engine, "demo-001", "views")
    start, end = preset_window(28)

    def weekly_totals():
        t = traces(dash_duo)
        return {"YouTube", "TikTok"} <= set(t) and all(
            pd.Timestamp(x).weekday() == 0 for x in t["YouTube"]["x"]
        )

    wait_until(weekly_totals, message="weekly buckets")
    assert query(dash_duo)["mode"] == ["gain"]  # gains per bucket by default
    choose(dash_duo, "dash-mode", "Running total")
    wait_until(lambda: query(dash_duo).get("mode") == ["total"], message="total in URL")
    youtube = views[views["platform"] == "youtube"]
    last_total = int(youtube["metric_value"].iloc[-1])
    # the URL changes first; the chart follows in its own response
    wait_until(
        lambda: weekly_totals() and traces(dash_duo)["YouTube"]["y"][-1] == last_total,
        message="weekly totals",
    )

    # gains per week add up to what the period gained, per platform
    choose(dash_duo, "dash-mode", "Gain per period")
    expected = gain_between(views, start, end)
    wait_until(
        lambda: round(sum(traces(dash_duo)["YouTube"]["y"])) == expected["youtube"],
        message="weekly YouTube gains sum to the period's gain",
    )
    assert round(sum(traces(dash_duo)["TikTok"]["y"])) == expected["tiktok"]
    assert query(dash_duo)["mode"] == ["gain"]

    # the views KPI card: the period's gain over both platforms, and the total at its end
    wait_until(lambda: kpi(dash_duo, "views") == sum(expected.values()), message="KPI gain")
    latest = views.groupby("platform")["metric_value"].last().sum()
    assert kpi(dash_duo, "views", "total") == latest
    # the period runs to now; the previous one has the same (cut) length
    now = datetime.now(UTC)
    prev = gain_between(views, start - (now - start), start)
    change = sum(expected.values()) - sum(prev.values())
    assert f"{change:+,}" in dash_duo.find_element('[data-metric="views"] .kpi-change').text

    # compare with a second release: one line per release, platforms summed
    pick_in_view(dash_duo, "dash-release", "Glass Horizon")
    glass = store.get_release_by_key(engine, "demo-002")["id"]

    def one_line_per_release():
        names = list(traces(dash_duo))
        return (
            len(names) == 2
            and any("Neon Tides" in n for n in names)
            and any("Glass Horizon" in n for n in names)
        )

    wait_until(one_line_per_release, message="one line per release")
    assert query(dash_duo)["release"] == [str(neon), str(glass)]
    glass_gain = sum(gain_between(readings(engine, "demo-002", "views"), start, end).values())
    glass_trace = next(t for n, t in traces(dash_duo).items() if "Glass Horizon" in n)
    assert round(sum(glass_trace["y"])) == glass_gain

    # KPIs per release, never summed: one row each
    def cell(release_id):
        selector = f'#dash-kpi-rows tr[data-release="{release_id}"] [data-metric="views"]'
        found = dash_duo.find_elements(selector + " .kpi-cell-main")
        return int(found[0].text.replace(",", "").replace("+", "")) if found else None

    wait_until(lambda: cell(neon) == sum(expected.values()), message="Neon Tides' own row")
    assert cell(glass) == glass_gain
    assert dash_duo.find_elements('.kpi[data-metric="views"]') == []  # no summed card
    bars = {t["name"] for t in graph_traces(dash_duo, "dash-bars") or []}
    assert any("Neon Tides" in n for n in bars) and any("Glass Horizon" in n for n in bars)
    assert dash_duo.get_logs() == []


def test_shared_url_restores_view_table_sorts_and_exports_csv(demo_app, start_app, dash_duo):
    engine = demo_app.server.extensions["perfdash"]["engine"]
    release = store.get_release_by_key(engine, "demo-003")  # has a YouTube correction
    # a note that a spreadsheet would run as a formula, on the smallest value
    store.add_performance_metric(
        release["id"],
        "YouTube",
        "views",
        0,
        notes='=HYPERLINK("http://x")',
        recorded_at=datetime(2020, 1, 1, tzinfo=UTC),
        engine=engine,
    )
    shared = (
        f"/dashboard?release={release['id']}&period=all&compare=1&platform=youtube"
        "&metric=views&granularity=month&mode=total"
    )
    start_app(demo_app, shared)
    wait_for(dash_duo, '[data-metric="views"] .kpi-gain')

    # the link restored every control
    assert "Midnight Protocol" in dropdown_text(dash_duo, "dash-release")
    assert dropdown_text(dash_duo, "dash-metric") == "views"
    assert "YouTube" in dropdown_text(dash_duo, "dash-platform")
    assert checked(dash_duo, "dash-period") == "All time"
    assert checked(dash_duo, "dash-granularity") == "month"
    assert checked(dash_duo, "dash-mode") == "Running total"
    assert dash_duo.find_element("#dash-compare").is_selected()
    wait_until(lambda: "YouTube: correction" in traces(dash_duo), message="correction marked")
    markers = {NOTES_TRACE, APPROVED_TRACE}  # the insights' annotations, not data lines
    assert set(traces(dash_duo)) - markers == {"YouTube", "YouTube: correction"}
    assert "1 correction" in dash_duo.find_element('[data-metric="views"]').text
    first_view = traces(dash_duo)["YouTube"]["y"]
    youtube = readings(engine, "demo-003", "views")
    youtube = youtube[youtube["platform"] == "youtube"]
    assert first_view[-1] == youtube["metric_value"].iloc[-1]

    # the records table: newest first, the count of every matching reading
    wait_until(lambda: len(table_rows(dash_duo)) == 25, message="a page of records")
    assert f"{len(youtube):,} readings" in dash_duo.find_element("#dash-table-note").text
    assert table_rows(dash_duo)[0]["metric_value"] == f"{youtube['metric_value'].iloc[-1]:,}"

    # sort by value (server side), smallest first; then the second page
    click(dash_duo, 'th[data-column="metric_value"] button')
    smallest = sorted(youtube["metric_value"].tolist())
    wait_until(lambda: table_rows(dash_duo)[0]["metric_value"] == "0", message="sorted ascending")
    click(dash_duo, "#dash-table-next")
    wait_until(
        lambda: table_rows(dash_duo)[0]["metric_value"] == f"{smallest[25]:,}",
        message="second page",
    )
    click(dash_duo, "#dash-table-prev")
    wait_until(lambda: table_rows(dash_duo)[0]["metric_value"] == "0", message="first page")
    shown = table_rows(dash_duo)

    # export exactly what is shown; the formula in the note is neutralised
    download = dash_duo.download_path
    dash_duo.driver.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": download}
    )
    click(dash_duo, "#dash-export")
    wait_until(lambda: glob.glob(os.path.join(download, "*.csv")), message="CSV downloaded")
    (path,) = glob.glob(os.path.join(download, "*.csv"))
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(shown) == 25
    assert [int(r["metric_value"]) for r in rows] == smallest[:25]
    assert [r["recorded_at"] for r in rows] == [r["recorded_at"] for r in shown]
    assert rows[0]["notes"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["platform"] == "YouTube" and rows[0]["release"] == "Midnight Protocol"
    assert {(r["metric_kind"], r["lower_is_better"]) for r in rows} == {("counter", "false")}

    # change the view, then open its URL in a fresh tab: the same view
    choose(dash_duo, "dash-mode", "Gain per period")
    choose(dash_duo, "dash-period", "90 days")
    wait_until(lambda: query(dash_duo).get("period") == ["90d"], message="URL updated")
    wait_until(lambda: "YouTube" in traces(dash_duo), message="chart redrawn")
    url = dash_duo.driver.current_url
    wait_until(lambda: len(traces(dash_duo)["YouTube"]["y"]) in (3, 4), message="90d by month")
    before = traces(dash_duo)["YouTube"]["y"]
    # compare is on: the previous 90 days are drawn too, on the chart and the bars
    assert "YouTube (previous period)" in traces(dash_duo)
    wait_until(
        lambda: (
            [t["name"] for t in graph_traces(dash_duo, "dash-bars")]
            == ["this period", "previous period"]
        ),
        message="previous period next to each bar",
    )
    dash_duo.driver.switch_to.new_window("tab")
    dash_duo.driver.get(url)
    wait_for(dash_duo, '[data-metric="views"] .kpi-gain')
    assert checked(dash_duo, "dash-period") == "90 days"
    assert checked(dash_duo, "dash-mode") == "Gain per period"
    assert checked(dash_duo, "dash-granularity") == "month"
    wait_until(lambda: traces(dash_duo).get("YouTube", {}).get("y") == before, message="same")
    assert "Midnight Protocol" in dropdown_text(dash_duo, "dash-release")


def test_leaderboard_ranks_by_gain_and_clicks_through(demo_app, start_app, dash_duo):
    engine = demo_app.server.extensions["perfdash"]["engine"]
    start_app(demo_app, "/dashboard")
    wait_for(dash_duo, '[data-metric="views"] .kpi-gain')
    choose(dash_duo, "dash-period", "28 days")
    click(dash_duo, ".dash-tab-leaderboard")
    wait_for(dash_duo, "#dash-leaderboard-table")
    wait_until(lambda: query(dash_duo).get("view") == ["leaderboard"], message="view in URL")

    # recompute the top 10 from raw rows: views gained in the last 28 days, all platforms
    start, end = preset_window(28)
    gains = {}
    for i in range(1, 31):
        key = f"demo-{i:03d}"
        gains[key] = sum(gain_between(readings(engine, key, "views"), start, end).values())
    top = sorted(gains.items(), key=lambda kv: -kv[1])[:10]
    rows = dash_duo.find_elements("#dash-leaderboard-table tbody tr")
    assert len(rows) == 10
    ids = [int(r.get_attribute("data-release")) for r in rows]
    keys = {store.get_release(engine, rid)["release_id"]: rid for rid in ids}
    assert list(keys) == [k for k, _ in top]
    first_gain = rows[0].find_element(By.CSS_SELECTOR, ".lb-gain").text
    assert first_gain == f"{top[0][1]:+,}"
    assert rows[0].find_element(By.CSS_SELECTOR, ".lb-trend").text in ("▲", "▼", "▶")

    # click through to the winner's own view
    title = rows[0].find_element(By.CSS_SELECTOR, ".lb-link").text
    link = rows[0].find_element(By.CSS_SELECTOR, ".lb-link")
    dash_duo.driver.execute_script(SCROLL, link)
    link.click()
    wait_until(lambda: query(dash_duo).get("release") == [str(ids[0])], message="release view")
    wait_until(lambda: title in dropdown_text(dash_duo, "dash-release"), message="picked")
    wait_for(dash_duo, '[data-metric="views"] .kpi-gain')
    assert "view" not in query(dash_duo)
    assert query(dash_duo)["period"] == ["28d"]  # the leaderboard's period carries over
    assert checked(dash_duo, "dash-period") == "28 days"
    wait_until(lambda: traces(dash_duo), message="its chart")


def test_empty_states_custom_range_and_dark_theme(demo_app, start_app, dash_duo):
    engine = demo_app.server.extensions["perfdash"]["engine"]
    silent = store.create_release(engine, "silent-1", title="Silent Track", artist_name="Nobody")

    # a release without any metric says so and points to data entry
    base = start_app(demo_app, f"/dashboard?release={silent}")
    alert = wait_for(dash_duo, "#dash-no-metrics")
    assert "Silent Track" in alert.text and "has no metrics yet" in alert.text
    assert alert.find_element(By.TAG_NAME, "a").get_attribute("href").endswith("/entry")
    assert dash_duo.find_elements('[data-metric="views"]') == []

    # a custom range where nothing was recorded: the filter matched nothing, and it says why
    neon = store.get_release_by_key(engine, "demo-001")["id"]
    dash_duo.driver.get(
        f"{base}/dashboard?release={neon}&period=custom&from=2001-01-01&to=2001-01-31"
    )
    alert = wait_for(dash_duo, "#dash-no-match")
    assert "No views readings on any platform from 2001-01-01 to 2001-01-31" in alert.text
    assert checked(dash_duo, "dash-period") == "Custom"
    assert dash_duo.find_element("#dash-range-start").get_attribute("value") == "2001-01-01"
    wait_until(
        lambda: "0 readings" in dash_duo.find_element("#dash-table-note").text,
        message="empty table",
    )

    # a preset fills in its dates and brings the data back
    choose(dash_duo, "dash-period", "7 days")
    start, end = preset_window(7)
    wait_until(
        lambda: (
            dash_duo.find_element("#dash-range-start").get_attribute("value")
            == start.date().isoformat()
        ),
        message="preset dates",
    )
    youtube = readings(engine, "demo-001", "views")
    youtube = youtube[youtube["platform"] == "youtube"]
    at = pd.to_datetime(youtube["recorded_at"], utc=True)
    days = at[(at >= start) & (at < end)].dt.date.nunique()  # 6 before the day's 06:00 reading
    assert days >= 6
    wait_until(
        lambda: len(traces(dash_duo).get("YouTube", {}).get("y", [])) == days, message="7 days"
    )
    assert query(dash_duo)["period"] == ["7d"] and "from" not in query(dash_duo)

    # typing a date makes the period custom, in the URL and on the chart
    first = (start - timedelta(days=3)).date().isoformat()
    box = dash_duo.find_element("#dash-range-start")
    dash_duo.driver.execute_script(SCROLL, box)
    box.click()
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(first, Keys.TAB)
    dash_duo.find_element("body").send_keys(Keys.ESCAPE)
    wait_until(lambda: query(dash_duo).get("from") == [first], message="custom range in URL")
    assert query(dash_duo)["period"] == ["custom"]
    assert checked(dash_duo, "dash-period") == "Custom"
    wait_until(lambda: len(traces(dash_duo)["YouTube"]["y"]) == days + 3, message="10 days")

    # dark theme: every chart follows the switch
    click(dash_duo, "#theme-dark")

    def dark(graph_id):
        return dash_duo.driver.execute_script(
            "const g = document.querySelector(arguments[0] + ' .js-plotly-plot');"
            "return g && g._fullLayout.paper_bgcolor;",
            f"#{graph_id}",
        )

    for graph in ("dash-series", "dash-bars", "dash-share"):
        wait_until(lambda g=graph: dark(g) == "rgb(17,17,17)", message=f"{graph} dark")
