"""POST /api/v1/imports takes the exports perfdash recognises from their header — a DistroKid
statement (TSV) and a Spotify for Artists timeline (named by its file) — and writes exactly
the rows ``perfdash import`` writes from the same file, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from perfdash import auth, create_app, store
from perfdash.cli import main
from perfdash.config import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
KEPT = ("night-drive", "glass-horizon")


@pytest.fixture
def api(engine, db_url):
    store.create_release(
        engine,
        "night-drive",
        title="Night Drive",
        artist_name="Nova",
        isrc="USRC17607839",
        youtube_video_id="dQw4w9WgXcQ",
    )
    store.create_release(
        engine, "glass-horizon", title="Glass Horizon", artist_name="Nova", isrc="QZES62400001"
    )
    app = create_app(Settings(database_url=db_url, tz="UTC"), engine=engine)
    editor = {"Authorization": f"Bearer {auth.create_token(engine, 'ed', 'editor')}"}
    return app.server.test_client(), editor


def rows(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                sa.text(
                    "select r.release_id, r.title, r.artist_name, r.isrc, r.upc, c.platform,"
                    " c.metric_type, c.metric_value, c.recorded_at, c.value_kind, c.country,"
                    " c.currency from content_performance c join approved_releases r"
                    " on r.id = c.release_id order by 1, 6, 7, 9, 11, 12, 8"
                )
            )
        ]


def forget(engine) -> None:
    """Back to the two releases the test began with, without a reading."""
    with engine.begin() as conn:
        conn.execute(sa.text("delete from content_performance"))
        conn.execute(
            sa.text("delete from approved_releases where release_id not in :kept").bindparams(
                sa.bindparam("kept", expanding=True)
            ),
            {"kept": list(KEPT)},
        )


def through_the_api(client, editor, path: Path, content_type: str) -> dict:
    answer = client.post(
        f"/api/v1/imports?create_missing=1&filename={quote(path.name)}",
        data=path.read_bytes(),
        headers={**editor, "Content-Type": content_type},
    )
    assert answer.status_code == 202, answer.get_json()
    deadline = time.time() + 60
    while time.time() < deadline:
        job = client.get(answer.headers["Location"], headers=editor).get_json()
        if "busy" in str(job.get("error")):  # SQLite: the import's thread holds the file
            time.sleep(0.1)
            continue
        assert "state" in job, job
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError("the import job did not finish")


def through_the_cli(db_url: str, path: Path) -> str:
    result = CliRunner().invoke(
        main,
        ["import", str(path), "-q", "--create-missing", "--database-url", db_url],
        env={"PERFDASH_TZ": "UTC"},
    )
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize(
    ("name", "content_type", "written", "expected"),
    [
        (
            "distrokid.tsv",
            "text/tab-separated-values",
            14,
            [
                ("night-drive", "Spotify", "streams", 1560, "period", "US", ""),
                ("night-drive", "Spotify", "earnings", 4_990_311, "period", "US", "USD"),
                ("isrc-GBAYE2600017", "YouTube (Ads)", "streams", 2204, "period", "BR", ""),
            ],
        ),
        (
            "Night Drive-timeline.csv",
            "text/csv",
            None,
            [("night-drive", "Spotify", "streams", 601, "period", "", "")],
        ),
    ],
)
def test_an_export_posted_writes_what_the_cli_writes(
    api, engine, db_url, tmp_path, name, content_type, written, expected
):
    client, editor = api
    path = tmp_path / name
    path.write_bytes((FIXTURES / name).read_bytes())
    job = through_the_api(client, editor, path, content_type)
    assert job["state"] == "done", job["result"]
    posted = rows(engine)
    assert posted and job["result"]["written"] == len(posted)
    if written is not None:
        assert len(posted) == written
    picked = {(r[0], r[5], r[6], r[7], r[9], r[10], r[11]) for r in posted}
    assert set(expected) <= picked
    again = through_the_api(client, editor, path, content_type)
    assert again["result"]["written"] == 0 and again["result"]["already_present"] == len(posted)

    forget(engine)
    assert store.count_metrics(engine) == 0
    through_the_cli(db_url, path)
    assert rows(engine) == posted  # the same releases, readings, times, countries, money


def test_an_export_with_a_header_nobody_reads_is_refused_before_queueing(api):
    client, editor = api
    answer = client.post(
        "/api/v1/imports",
        data=b"Song\tPlays\nNight Drive\t5\n",
        headers={**editor, "Content-Type": "text/tab-separated-values"},
    )
    assert answer.status_code == 400
    message = answer.get_json()["error"]["message"]
    assert "lacks column" in message and "DistroKid" in message and "nothing was queued" in message
