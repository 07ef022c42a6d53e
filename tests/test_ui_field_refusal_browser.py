"""A value refused before its callback runs (perfdash/ui/inputs.py) is shown beside its field,
as the form's own messages are, not in the top banner; a refused value that belongs to no
field (a store the page holds) still goes to the banner.  In headless Chromium: the crafted
values are put in the page's components with Dash's own ``set_props``, as a tampering user
would in the console, then the form is saved by a click."""

from __future__ import annotations

from browser import pick, wait_until

from perfdash import store


def _engine(app):
    return app.server.extensions["perfdash"]["engine"]


def craft(dash_duo, component: str, props: dict) -> None:
    dash_duo.driver.execute_script(
        "window.dash_clientside.set_props(arguments[0], arguments[1]);", component, props
    )


def click(dash_duo, selector: str) -> None:
    element = dash_duo.find_element(selector)
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element
    )
    wait_until(lambda: element.is_displayed() and element.is_enabled())
    dash_duo.driver.execute_script("arguments[0].click();", element)


def banner(dash_duo) -> str:
    return dash_duo.driver.execute_script(
        "const b = document.getElementById('page-error');"
        "return b && b.offsetParent !== null ? b.innerText.trim() : '';"
    )


def border(dash_duo, selector: str) -> str:
    return dash_duo.driver.execute_script(
        "return getComputedStyle(document.querySelector(arguments[0])).borderColor", selector
    )


def test_refusals_show_beside_their_fields_and_the_rest_in_the_banner(
    demo_app, start_app, dash_duo, tmp_path
):
    engine = _engine(demo_app)
    before = store.count_metrics(engine)
    start_app(demo_app, "/entry")
    dash_duo.wait_for_element("#entry-submit")
    pick(dash_duo, "entry-release_id", "Glass Horizon")
    dash_duo.find_element("#entry-platform").send_keys("YouTube")
    dash_duo.find_element("#entry-metric_type").send_keys("shares")
    dash_duo.find_element("#entry-metric_value").send_keys("12")
    plain_border = border(dash_duo, "#entry-metric_value")

    # a JSON list for the value: refused by its type, beside the value field
    craft(dash_duo, "entry-metric_value", {"value": [12]})
    click(dash_duo, "#entry-submit")
    dash_duo.wait_for_contains_text(
        "#entry-metric_value-error", "metric_value must be a whole number such as 12345"
    )
    assert "Nothing was changed" in dash_duo.find_element("#entry-metric_value-error").text
    assert banner(dash_duo) == ""
    assert border(dash_duo, "#entry-metric_value") != plain_border  # drawn as invalid
    dash_duo.driver.save_screenshot(str(tmp_path / "field.png"))
    __import__("shutil").copy(tmp_path / "field.png", "/tmp/perfdash-field-refusal.png")

    # a crafted kind passes the type check and is refused by ingest, beside the kind
    craft(dash_duo, "entry-metric_value", {"value": "12"})
    craft(dash_duo, "entry-value_kind", {"value": "lifetime"})
    click(dash_duo, "#entry-submit")
    dash_duo.wait_for_contains_text("#entry-value_kind-error", "Value kind must be")
    wait_until(lambda: dash_duo.find_element("#entry-metric_value-error").text == "")
    assert banner(dash_duo) == ""

    # a store the page holds has no field: the banner
    craft(dash_duo, "entry-value_kind", {"value": "total"})
    craft(dash_duo, "entry-editing", {"data": "abc"})
    click(dash_duo, "#entry-submit")
    wait_until(lambda: 'editing must be a whole number id, not "abc"' in banner(dash_duo))
    assert "request id" in banner(dash_duo)
    assert dash_duo.find_element("#entry-value_kind-error").text != ""  # not yet saved again
    assert store.count_metrics(engine) == before

    # the metric kinds form: a list for the type, beside the type
    craft(dash_duo, "entry-editing", {"data": None})
    craft(dash_duo, "entry-mk-type", {"value": ["views"]})
    click(dash_duo, "#entry-mk-save")
    dash_duo.wait_for_contains_text("#entry-mk-type-error", "metric type must be text")

    # honest values save, and every message beside a field goes
    click(dash_duo, "#entry-submit")
    dash_duo.wait_for_contains_text("#entry-result", "Saved YouTube shares = 12")
    assert dash_duo.find_element("#entry-value_kind-error").text == ""
    assert store.count_metrics(engine) == before + 1
