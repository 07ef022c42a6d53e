"""The dark theme in headless Chromium: every control a person reads (the chosen release,
metric and platforms, the date range and its calendar, a dropdown's open menu, radio groups,
the records table, the entry form's inputs and selects) is read off the page as the browser
paints it, and its text must stand out from what is behind it (WCAG contrast at least 4.5 : 1).
"""

from __future__ import annotations

from browser import wait_until
from selenium.webdriver.common.by import By

TIMEOUT = 30
SCROLL = "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});"

# The text colour of the element, composited over every background layer behind it (a
# semi-transparent fill shows what is under it), then WCAG's contrast ratio of the two.
CONTRAST = """
function rgba(text) {
  const m = text.match(/rgba?\\(([^)]+)\\)/);
  if (!m) return null;
  const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
}
function over(top, under) {
  const a = top[3];
  return [0, 1, 2].map(i => top[i] * a + under[i] * (1 - a)).concat([1]);
}
function background(el) {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const c = rgba(getComputedStyle(e).backgroundColor);
    if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
  }
  let colour = [255, 255, 255, 1];
  for (const layer of layers.reverse()) colour = over(layer, colour);
  return colour;
}
function luminance(c) {
  const [r, g, b] = c.slice(0, 3).map(v => {
    v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const el = arguments[0];
const pseudo = arguments[1] || null;
const bg = background(el);
const fg = over(rgba(getComputedStyle(el, pseudo).color), bg);
const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
return {ratio: (hi + 0.05) / (lo + 0.05), background: luminance(bg),
        text: (el.innerText || el.value || el.placeholder || '').trim().slice(0, 40)};
"""


def read(dash_duo, selector: str, pseudo: str | None = None) -> dict:
    element = dash_duo.wait_for_element(selector, timeout=TIMEOUT)
    return dash_duo.driver.execute_script(CONTRAST, element, pseudo)


def check(dash_duo, selectors: dict[str, str], *, dark: bool) -> None:
    """Every named control reads at 4.5 : 1 or better, on a dark field in dark mode."""
    for name, selector in selectors.items():
        pseudo = None
        if selector.endswith("::placeholder"):
            selector, pseudo = selector.removesuffix("::placeholder"), "::placeholder"
        seen = read(dash_duo, selector, pseudo)
        assert seen["ratio"] >= 4.5, f"{name} ({selector}): contrast {seen['ratio']:.2f} : 1"
        if dark:
            assert seen["background"] < 0.1, f"{name} ({selector}) sits on a light field"
        else:
            assert seen["background"] > 0.5, f"{name} ({selector}) sits on a dark field"


def switch_theme(dash_duo, dark: bool) -> None:
    box = dash_duo.find_element("#theme-dark")
    if box.is_selected() != dark:
        dash_duo.driver.execute_script(SCROLL, box)
        box.click()
    want = "dark" if dark else "light"
    wait_until(
        lambda: (
            dash_duo.driver.execute_script(
                "return document.documentElement.getAttribute('data-bs-theme')"
            )
            == want
        ),
        timeout=TIMEOUT,
        message=f"{want} theme",
    )


DASHBOARD = {
    "chosen release": "#dash-release .dash-dropdown-value-item",
    "chosen metric": "#dash-metric .dash-dropdown-value",
    "platform placeholder": "#dash-platform .dash-dropdown-placeholder",
    "start date": "#dash-range-start",
    "end date": "#dash-range-end",
    "period radio": "#dash-period label",
    "records table cell": "#dash-table td[data-column='platform']",
    "records table header": "#dash-table th[data-column='platform']",
}


def open_menu(dash_duo, selector: str) -> None:
    element = dash_duo.find_element(selector)
    dash_duo.driver.execute_script(SCROLL, element)
    element.click()


def close_menu(dash_duo) -> None:
    dash_duo.find_element("body").send_keys("\ue00c")  # Escape


def test_dark_theme_controls_are_readable(demo_app, start_app, dash_duo):
    start_app(demo_app, "/dashboard")
    dash_duo.wait_for_element('[data-metric="views"] .kpi-gain', timeout=TIMEOUT)
    wait_until(
        lambda: dash_duo.find_elements("#dash-table td[data-column='platform']"),
        timeout=TIMEOUT,
        message="records",
    )
    check(dash_duo, DASHBOARD, dark=False)

    switch_theme(dash_duo, True)
    check(dash_duo, DASHBOARD, dark=True)

    # an open dropdown menu: its search box, its options, its select-all buttons
    open_menu(dash_duo, "#dash-platform")
    check(
        dash_duo,
        {
            "menu option": ".dash-dropdown-content .dash-dropdown-option",
            "menu search": ".dash-dropdown-content input.dash-dropdown-search",
            "menu search placeholder": (
                ".dash-dropdown-content input.dash-dropdown-search::placeholder"
            ),
            "select all": ".dash-dropdown-content .dash-dropdown-action-button",
        },
        dark=True,
    )
    close_menu(dash_duo)

    # the date range's calendar: a plain day, a day in the range, the chosen first day
    open_menu(dash_duo, "#dash-range-start")
    calendar = ".dash-datepicker-content .dash-datepicker-calendar"
    check(
        dash_duo,
        {
            "calendar month": ".dash-datepicker-content .dash-datepicker-controls .dash-dropdown",
            "calendar weekday": f"{calendar} th",
            "calendar day in range": (
                f"{calendar} td.dash-datepicker-calendar-date-highlighted"
                ":not(.dash-datepicker-calendar-date-outside)"
                ":not(.dash-datepicker-calendar-date-selected)"
            ),
        },
        dark=True,
    )
    selected = read(
        dash_duo,
        f"{calendar} td.dash-datepicker-calendar-date-selected"
        ":not(.dash-datepicker-calendar-date-outside)",
    )
    assert selected["ratio"] >= 4.5, f"chosen day: contrast {selected['ratio']:.2f} : 1"
    close_menu(dash_duo)

    # the theme carries over to the entry page: inputs, selects, the release picker
    dash_duo.find_element("#nav-entry").click()
    dash_duo.wait_for_element("#entry-submit", timeout=TIMEOUT)
    switch_theme(dash_duo, True)
    dash_duo.find_element("#entry-platform").send_keys("YouTube")
    check(
        dash_duo,
        {
            "typed input": "#entry-platform",
            "input placeholder": "#entry-metric_value::placeholder",
            "release picker placeholder": "#entry-release_id .dash-dropdown-placeholder",
            "status select": "#entry-rel-status",
            "notes": "#entry-notes",
        },
        dark=True,
    )
    labels = dash_duo.driver.find_elements(By.CSS_SELECTOR, "label")
    assert labels, "the entry form has labels"
    assert dash_duo.get_logs() == []
