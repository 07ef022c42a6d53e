"""The digests page in headless Chromium: a viewer subscribes (a bad address is refused beside
its field, nothing stored), sees the subscription, reads the digest, and unsubscribes; they see
only their own; an admin subscribes another user."""

from __future__ import annotations

import pytest
from browser import pick, wait_until
from conftest import free_port

from perfdash import auth, create_app, demo, store
from perfdash.config import Settings
from perfdash.migrations import upgrade

SECRET = "digests-browser-secret-0123456789-abcdefgh"
PASSWORD = "digest password 123"


@pytest.fixture
def served(tmp_path, dash_duo):
    url = f"sqlite:///{tmp_path / 'digests.sqlite3'}"
    engine = store.make_engine(url)
    upgrade(engine)
    demo.load(engine)
    auth.add_user(engine, "ada", PASSWORD, "admin")
    auth.add_user(engine, "vera", PASSWORD, "viewer")
    auth.add_user(engine, "otto", PASSWORD, "viewer")
    app = create_app(Settings(database_url=url, auth="required", secret_key=SECRET), engine=engine)
    port = free_port()
    dash_duo.start_server(app, navigate=False, port=port)
    yield engine, f"http://localhost:{port}"
    engine.dispose()


def _sign_in(dash_duo, base, name):
    dash_duo.driver.delete_all_cookies()
    dash_duo.driver.get(base + "/login?next=/digests")
    dash_duo.wait_for_element("#login-form")
    dash_duo.find_element("#username").send_keys(name)
    dash_duo.find_element("#password").send_keys(PASSWORD)
    dash_duo.find_element("#login-submit").click()
    dash_duo.wait_for_element("#digest-page", timeout=30)


def _click(dash_duo, selector):
    element = dash_duo.wait_for_element(selector)
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element
    )
    element.click()


def _type(dash_duo, selector, text):
    box = dash_duo.wait_for_element(selector)
    box.clear()
    box.send_keys(text)


def test_a_viewer_subscribes_reads_and_unsubscribes(served, dash_duo):
    engine, base = served
    otto = store.get_user(engine, "otto")
    store.add_digest_subscription(engine, otto["id"], "email", "otto@label.example", "day")
    _sign_in(dash_duo, base, "vera")
    assert dash_duo.find_element("#digest-empty").text.startswith("No digest subscriptions yet")
    assert "otto" not in dash_duo.find_element("#digest-page").text  # not theirs to see

    _type(dash_duo, "#digest-target", "vera at label")
    _click(dash_duo, "#digest-subscribe")
    wait_until(
        lambda: (
            "must look like name@example.com" in dash_duo.find_element("#digest-target-error").text
        ),
        message="the address refused beside its field",
    )
    assert "is-invalid" in dash_duo.find_element("#digest-target").get_attribute("class")
    vera = store.get_user(engine, "vera")
    assert store.list_digest_subscriptions(engine, user_id=vera["id"]) == []

    _type(dash_duo, "#digest-target", "vera@label.example")
    _click(dash_duo, "#digest-subscribe")
    done = dash_duo.wait_for_element("#digest-subscribed", timeout=20)
    assert "Subscribed vera to the weekly digest by email" in done.text
    wait_until(lambda: dash_duo.find_elements(".digest-row"), message="the new row")
    rows = [r.text for r in dash_duo.find_elements(".digest-row")]
    assert len(rows) == 1 and "vera" in rows[0] and "vera@label.example" in rows[0]
    mine = store.list_digest_subscriptions(engine, user_id=vera["id"])
    assert [(s["channel"], s["target"], s["period"]) for s in mine] == [
        ("email", "vera@label.example", "week")
    ]

    _click(dash_duo, "#digest-preview")
    wait_until(
        lambda: dash_duo.find_element("#digest-text").text.startswith(
            "perfdash: the catalog's week"
        ),
        timeout=30,
        message="the digest's text",
    )
    assert "Top releases:" in dash_duo.find_element("#digest-text").text

    pick(dash_duo, "digest-pick", f"#{mine[0]['id']}")
    _click(dash_duo, "#digest-unsubscribe")
    dash_duo.wait_for_element("#digest-ended", timeout=20)
    wait_until(lambda: dash_duo.find_elements("#digest-empty"), message="the list emptied")
    assert store.list_digest_subscriptions(engine, user_id=vera["id"]) == []
    assert len(store.list_digest_subscriptions(engine)) == 1  # otto's is still there


def test_an_admin_subscribes_another_user(served, dash_duo):
    engine, base = served
    _sign_in(dash_duo, base, "ada")
    pick(dash_duo, "digest-user", "otto")
    _click(dash_duo, "#digest-channel input[value='slack']")
    _type(dash_duo, "#digest-target", "https://hooks.slack.com/services/T0/B0/s3cret")
    _click(dash_duo, "#digest-period input[value='day']")
    _click(dash_duo, "#digest-subscribe")
    done = dash_duo.wait_for_element("#digest-subscribed", timeout=20)
    assert "Subscribed otto to the daily digest by slack" in done.text
    wait_until(lambda: dash_duo.find_elements(".digest-row"), message="the new row")
    row = dash_duo.find_element(".digest-row").text
    assert "otto" in row and "https://hooks.slack.com/…" in row and "s3cret" not in row
    otto = store.get_user(engine, "otto")
    assert [s["target"] for s in store.list_digest_subscriptions(engine, user_id=otto["id"])] == [
        "https://hooks.slack.com/services/T0/B0/s3cret"
    ]
