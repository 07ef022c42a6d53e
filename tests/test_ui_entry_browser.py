"""The data-entry tab in headless Chromium, used the way a person uses it, checked in the DB."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from browser import graph_traces, pick, wait_until
from selenium.webdriver.common.by import By

from perfdash import store


def _engine(app):
    return app.server.extensions["perfdash"]["engine"]


def click(dash_duo, selector: str) -> None:
    element = dash_duo.find_element(selector)
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element
    )
    element.click()


def click_xpath(dash_duo, xpath: str) -> None:
    wait_until(lambda: dash_duo.driver.find_elements(By.XPATH, xpath), message=xpath)
    element = dash_duo.driver.find_element(By.XPATH, xpath)
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element
    )
    element.click()


def shares(engine, release_id):
    return [
        r
        for r in store.get_performance_metrics_for_release(release_id, engine=engine)
        if r["metric_type"] == "shares"
    ]


def test_form_error_fix_submit_undo_and_delete(demo_app, start_app, dash_duo):
    engine = _engine(demo_app)
    release = store.get_release_by_key(engine, "demo-002")
    before = store.count_metrics(engine)
    start_app(demo_app, "/entry")
    dash_duo.wait_for_element("#entry-submit")
    pick(dash_duo, "entry-release_id", "Glass Horizon")
    dash_duo.find_element("#entry-platform").send_keys("YouTube")
    dash_duo.find_element("#entry-metric_type").send_keys("shares")
    value = dash_duo.find_element("#entry-metric_value")
    value.send_keys("4,32x")
    click(dash_duo, "#entry-submit")
    dash_duo.wait_for_contains_text("#entry-metric_value-error", "whole number such as 12345")
    assert "Nothing was saved" in dash_duo.find_element("#entry-result").text
    assert store.count_metrics(engine) == before

    value.clear()
    value.send_keys("4,321")
    click(dash_duo, "#entry-submit")
    dash_duo.wait_for_contains_text("#entry-saved", "Saved YouTube shares = 4,321")
    assert dash_duo.find_element("#entry-metric_value-error").text == ""
    (row,) = shares(engine, release["id"])
    assert row["metric_value"] == 4321
    # the latest-entries table shows it
    dash_duo.wait_for_contains_text(f"#entry-row-{row['id']}", "4,321")

    click(dash_duo, "#entry-undo")
    dash_duo.wait_for_contains_text("#entry-undone", f"row {row['id']} was removed")
    assert shares(engine, release["id"]) == []
    assert store.count_metrics(engine) == before
    wait_until(lambda: not dash_duo.driver.find_elements(By.ID, f"entry-row-{row['id']}"))

    # save again, then delete it from the table through the confirmation dialog
    click(dash_duo, "#entry-submit")
    dash_duo.wait_for_contains_text("#entry-saved", "Saved YouTube shares = 4,321")
    (row,) = shares(engine, release["id"])
    click_xpath(dash_duo, f"//tr[@id='entry-row-{row['id']}']//button[text()='Delete']")
    dash_duo.wait_for_contains_text("#entry-delete-body", "YouTube shares = 4,321")
    assert shares(engine, release["id"]) != []  # nothing happens before confirming
    click(dash_duo, "#entry-delete-confirm")
    dash_duo.wait_for_contains_text("#entry-deleted", f"Deleted row {row['id']}")
    assert shares(engine, release["id"]) == []


def test_edit_an_entry_from_the_table(demo_app, start_app, dash_duo):
    engine = _engine(demo_app)
    release = store.get_release_by_key(engine, "demo-002")
    when = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    row_id = store.add_performance_metric(
        release["id"], "YouTube", "shares", 100, recorded_at=when, engine=engine
    )
    start_app(demo_app, "/entry")
    pick(dash_duo, "entry-release_id", "Glass Horizon")
    click_xpath(dash_duo, f"//tr[@id='entry-row-{row_id}']//button[text()='Edit']")
    dash_duo.wait_for_contains_text("#entry-form-title", f"row {row_id}")
    wait_until(lambda: dash_duo.find_element("#entry-metric_value").get_attribute("value") == "100")
    value = dash_duo.find_element("#entry-metric_value")
    value.clear()
    value.send_keys("150")
    click(dash_duo, "#entry-submit")
    dash_duo.wait_for_contains_text("#entry-saved", f"Updated YouTube shares = 150 (row {row_id})")
    assert store.get_metric(engine, row_id)["metric_value"] == 150
    assert len(shares(engine, release["id"])) == 1
    dash_duo.wait_for_contains_text("#entry-form-title", "Record a metric")


def test_upload_preview_errors_confirm_and_see_it_on_the_dashboard(
    demo_app, start_app, dash_duo, tmp_path
):
    engine = _engine(demo_app)
    before = store.count_metrics(engine)
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    days = [(now - timedelta(days=d)).strftime("%Y-%m-%dT%H:%M:%SZ") for d in (3, 2, 1)]
    header = "release_key;release_title;platform;metric_type;metric_value;recorded_at;value_kind"
    good = [
        f"upload-001;Upload Song;Deezer;fans;{v};{t};total"
        for v, t in zip(("1.000", "1.500", "1.750"), days, strict=True)
    ]
    bad_file = tmp_path / "bad.csv"
    bad_file.write_text(
        "\n".join([header, good[0], "upload-001;;Deezer;fans;-4;" + days[1] + ";total", good[2]])
        + "\n",
        encoding="utf-8-sig",
    )
    good_file = tmp_path / "good.csv"
    good_file.write_text("\n".join([header, *good]) + "\n", encoding="utf-8")

    base = start_app(demo_app, "/entry")
    dash_duo.wait_for_element("#entry-upload")
    dash_duo.find_element("#entry-upload input[type=file]").send_keys(str(bad_file))
    dash_duo.wait_for_contains_text(
        "#entry-import-problems", "line 3, metric_value: Value must not be negative"
    )
    assert "3 rows" in dash_duo.find_element("#entry-import-summary").text
    assert "upload-001" in dash_duo.find_element("#entry-import-unknown").text
    assert dash_duo.find_element("#entry-import-confirm").get_attribute("disabled") is not None
    assert store.count_metrics(engine) == before

    dash_duo.find_element("#entry-upload input[type=file]").send_keys(str(good_file))
    wait_until(lambda: not dash_duo.driver.find_elements(By.ID, "entry-import-problems"))
    dash_duo.wait_for_contains_text("#entry-import-table", "1750")
    dash_duo.wait_for_contains_text("#entry-import-unknown", "upload-001")
    click_xpath(dash_duo, "//label[@for='entry-import-create']")
    wait_until(
        lambda: dash_duo.find_element("#entry-import-confirm").get_attribute("disabled") is None
    )
    click(dash_duo, "#entry-import-confirm")
    dash_duo.wait_for_contains_text(
        "#entry-import-done", "Added 3 row(s); 0 were already there.", timeout=30
    )
    release = store.get_release_by_key(engine, "upload-001")
    assert release["title"] == "Upload Song"
    assert store.count_metrics(engine) == before + 3

    # the same content again: nothing added, and the page says how many were already there
    again = tmp_path / "again.csv"
    again.write_bytes(good_file.read_bytes())
    dash_duo.find_element("#entry-upload input[type=file]").send_keys(str(again))
    wait_until(lambda: not dash_duo.driver.find_elements(By.ID, "entry-import-unknown"))
    wait_until(
        lambda: dash_duo.find_element("#entry-import-confirm").get_attribute("disabled") is None
    )
    click(dash_duo, "#entry-import-confirm")
    dash_duo.wait_for_contains_text(
        "#entry-import-done", "Added 0 row(s); 3 were already there.", timeout=30
    )
    assert store.count_metrics(engine) == before + 3

    # running totals: the line ends at the imported total
    dash_duo.driver.get(f"{base}/dashboard?release={release['id']}&mode=total")
    dash_duo.wait_for_contains_text("#dash-series", "Upload Song", timeout=20)

    def deezer():
        return next(
            (t for t in graph_traces(dash_duo, "dash-series") or [] if t["name"] == "Deezer"), None
        )

    wait_until(lambda: deezer() and deezer()["y"][-1] == 1750, message="Deezer line ends at 1,750")


def test_create_release_and_find_it_in_the_dashboard_picker(demo_app, start_app, dash_duo):
    engine = _engine(demo_app)
    base = start_app(demo_app, "/entry")
    dash_duo.wait_for_element("#entry-rel-save")
    dash_duo.find_element("#entry-rel-key").send_keys("demo-001")
    dash_duo.find_element("#entry-rel-title").send_keys("Brand New Song")
    click(dash_duo, "#entry-rel-save")
    dash_duo.wait_for_contains_text(
        "#entry-rel-key-error", "A release with key 'demo-001' already exists"
    )
    key = dash_duo.find_element("#entry-rel-key")
    key.clear()
    key.send_keys("brand-new-001")
    dash_duo.find_element("#entry-rel-artist").send_keys("Nova")
    dash_duo.find_element("#entry-rel-youtube_video_id").send_keys("abcDEF12345")
    click(dash_duo, "#entry-rel-save")
    dash_duo.wait_for_contains_text("#entry-rel-saved", "Created release 'brand-new-001'.")
    release = store.get_release_by_key(engine, "brand-new-001")
    assert (release["title"], release["artist_name"], release["youtube_video_id"]) == (
        "Brand New Song",
        "Nova",
        "abcDEF12345",
    )
    # it is offered in the metric form's picker straight away
    dash_duo.driver.execute_script("window.scrollTo({top: 0, behavior: 'instant'});")
    pick(dash_duo, "entry-release_id", "Brand New Song")
    assert "Brand New Song" in dash_duo.find_element("#entry-release_id").text
    dash_duo.driver.get(f"{base}/dashboard")
    dash_duo.wait_for_element("#dash-release")
    pick(dash_duo, "dash-release", "Brand New Song")


def test_form_shows_field_errors_and_writes_nothing(demo_app, start_app, dash_duo):
    engine = demo_app.server.extensions["perfdash"]["engine"]
    before = store.count_metrics(engine)
    start_app(demo_app, "/entry")
    dash_duo.wait_for_element("#entry-submit")
    dash_duo.find_element("#entry-metric_value").send_keys("1e3")
    dash_duo.find_element("#entry-submit").click()
    dash_duo.wait_for_contains_text("#entry-metric_value-error", "whole number")
    dash_duo.wait_for_contains_text("#entry-release_id-error", "Choose a release")
    assert "Nothing was saved" in dash_duo.find_element("#entry-result").text
    assert store.count_metrics(engine) == before


def test_broken_files_get_their_line_in_the_page_and_other_digits_are_read(
    demo_app, start_app, dash_duo, tmp_path
):
    """The four files that once crashed the import: each says what is wrong, by line."""
    engine = _engine(demo_app)
    before = store.count_metrics(engine)
    when = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    head = "release_key,platform,metric_type,metric_value,recorded_at,notes"
    row = f"demo-001,Deezer,fans,{{}},{when},{{}}"
    files = {
        "unclosed.csv": "\n".join([head, row.format(1, "ok"), row.format(2, '"never closed')]),
        "cr.csv": "\n".join([head, row.format(1, '"one\rtwo"'), row.format(2, "ok")]),
        "mac.csv": "\r".join([head, row.format("\u0663\u0664\u0665", "arabic"), ""]),
    }
    for name, text in files.items():
        (tmp_path / name).write_bytes(text.encode("utf-8"))

    start_app(demo_app, "/entry")
    dash_duo.wait_for_element("#entry-upload")
    upload = dash_duo.find_element("#entry-upload input[type=file]")
    upload.send_keys(str(tmp_path / "unclosed.csv"))
    dash_duo.wait_for_contains_text(
        "#entry-import-fatal", 'Line 3 opens a quoted value (") that is never closed'
    )
    assert "Traceback" not in dash_duo.find_element("#entry-import-fatal").text

    dash_duo.find_element("#entry-upload input[type=file]").send_keys(str(tmp_path / "cr.csv"))
    dash_duo.wait_for_contains_text(
        "#entry-import-problems", "line 2, notes: Notes contains control characters"
    )
    assert dash_duo.find_element("#entry-import-confirm").get_attribute("disabled") is not None

    dash_duo.find_element("#entry-upload input[type=file]").send_keys(str(tmp_path / "mac.csv"))
    dash_duo.wait_for_contains_text("#entry-import-table", "345")
    wait_until(lambda: not dash_duo.driver.find_elements(By.ID, "entry-import-problems"))
    dash_duo.driver.execute_script(
        "document.getElementById('entry-import-table').scrollIntoView({block: 'center'});"
    )
    dash_duo.driver.save_screenshot(str(tmp_path / "entry-import-digits.png"))
    assert store.count_metrics(engine) == before


def test_earnings_with_a_country_and_a_currency_through_the_form(demo_app, start_app, dash_duo):
    """A person picks a country and a currency by typing in the pickers and types an amount:
    the row holds micro-units with both codes; without a currency the field says so."""
    engine = _engine(demo_app)
    release = store.get_release_by_key(engine, "demo-002")
    start_app(demo_app, "/entry")
    dash_duo.wait_for_element("#entry-submit")
    pick(dash_duo, "entry-release_id", "Glass Horizon")
    dash_duo.find_element("#entry-platform").send_keys("Spotify")
    dash_duo.find_element("#entry-metric_type").send_keys("earnings")
    dash_duo.find_element("#entry-metric_value").send_keys("12.345678")
    pick(dash_duo, "entry-country", "Brazil")
    click(dash_duo, "#entry-submit")
    dash_duo.wait_for_contains_text("#entry-currency-error", "Earnings need a currency")
    pick(dash_duo, "entry-currency", "BRL")
    click(dash_duo, "#entry-submit")
    dash_duo.wait_for_contains_text("#entry-saved", "12.345678 BRL in BR")
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "select metric_value, country, currency from content_performance"
                " where release_id = :r and metric_type = 'earnings'"
            ),
            {"r": release["id"]},
        ).all()
    assert [tuple(r) for r in rows] == [(12_345_678, "BR", "BRL")]
