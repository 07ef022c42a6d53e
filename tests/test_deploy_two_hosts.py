"""Two "hosts": two gunicorn servers on one PostgreSQL database, each with its own temp
directory.  An import posted to one runs there and is seen, with its result, from the other:
through the API and through the data-entry page's poll (the Dash callback it makes)."""

from __future__ import annotations

import re
import time

import httpx
import pytest
from test_deploy_gunicorn import gunicorn

from perfdash import auth, store

PASSWORD = "correct horse battery"


def sign_in(client: httpx.Client) -> None:
    page = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = client.post(
        "/login", data={"username": "eve", "password": PASSWORD, "csrf_token": csrf}
    )
    assert answer.status_code == 302, answer.text


def poll_callback(client: httpx.Client) -> dict:
    """The page's import poll as the browser sends it, from the server's own dependency list."""
    for dep in client.get("/_dash-dependencies").json():
        if any(i["id"] == "entry-import-poll" for i in dep["inputs"]):
            return dep
    raise AssertionError("no poll callback")


def outputs_of(dep: dict) -> list[dict]:
    parts = dep["output"].strip(".").split("...")
    return [dict(zip(("id", "property"), p.rsplit(".", 1), strict=True)) for p in parts]


@pytest.mark.slow
def test_an_import_on_one_host_is_seen_from_the_other(pg_url, tmp_path):
    engine = store.make_engine(pg_url)
    store.create_release(engine, "two-1")
    token = auth.create_token(engine, "ci", "editor")
    auth.add_user(engine, "eve", PASSWORD, "editor")
    body = "release_key,platform,metric_type,metric_value,recorded_at\n" + "".join(
        f"two-1,YouTube,views,{i},2026-01-01T00:{i:02d}:00Z\n" for i in range(40)
    )
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with (
        gunicorn(pg_url, workers=1, extra_env={"TMPDIR": str(tmp_path / "a")}) as (host_a, _),
        gunicorn(pg_url, workers=1, extra_env={"TMPDIR": str(tmp_path / "b")}) as (host_b, _),
    ):
        headers = {"Authorization": f"Bearer {token}"}
        posted = httpx.post(
            host_a + "/api/v1/imports",
            content=body,
            headers={**headers, "Content-Type": "text/csv"},
            timeout=30,
        )
        assert posted.status_code == 202, posted.text
        job_id = posted.json()["id"]
        location = posted.headers["Location"]

        deadline = time.time() + 60
        while True:  # the other host answers the poll
            job = httpx.get(host_b + location, headers=headers, timeout=10).json()
            if job["state"] in ("done", "failed") or time.time() > deadline:
                break
            time.sleep(0.3)
        assert job["state"] == "done" and job["executor"] == "thread", job
        assert job["result"]["written"] == 40

        with httpx.Client(base_url=host_b, timeout=30) as browser:
            sign_in(browser)
            dep = poll_callback(browser)
            answer = browser.post(
                "/_dash-update-component",
                json={
                    "output": dep["output"],
                    "outputs": outputs_of(dep),
                    "inputs": [{"id": "entry-import-poll", "property": "n_intervals", "value": 3}],
                    "state": [
                        {"id": "entry-import-job", "property": "data", "value": job_id},
                        {"id": "entry-changed", "property": "data", "value": 0},
                    ],
                    "changedPropIds": ["entry-import-poll.n_intervals"],
                },
            )
            assert answer.status_code == 200, answer.text
            shown = answer.json()["response"]
            assert shown["entry-import-poll"]["disabled"] is True  # polling stops
            assert "Added 40 row(s)" in str(shown["entry-import-result"]["children"])
    assert store.count_metrics(engine) == 40
    engine.dispose()
