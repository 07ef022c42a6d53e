"""`perfdash collect` end to end through click, against a fake server."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from fake_platforms import FakeApis, ok, yt_answer, yt_item

from perfdash import store
from perfdash.cli import main
from perfdash.config import COLLECTOR_ENV_NAMES


@pytest.fixture
def fake():
    apis = FakeApis()
    yield apis
    apis.close()


def cli_env(db_url: str, fake: FakeApis, **extra: str) -> dict[str, str | None]:
    urls = fake.base_urls
    return {
        "DATABASE_URL": db_url,
        "PERFDASH_YOUTUBE_BASE_URL": urls["youtube"],
        "PERFDASH_LASTFM_BASE_URL": urls["lastfm"],
        "PERFDASH_DEEZER_BASE_URL": urls["deezer"],
        "PERFDASH_SPOTIFY_API_URL": urls["spotify"],
        "PERFDASH_SPOTIFY_ACCOUNTS_URL": urls["spotify_accounts"],
        "YOUTUBE_API_KEY": None,
        "LASTFM_API_KEY": None,
        "SPOTIFY_CLIENT_ID": None,
        "SPOTIFY_CLIENT_SECRET": None,
        **extra,
    }


def test_collect_writes_once_and_prints_summary(db_url, fake):
    engine = store.make_engine(db_url)
    store.create_release(engine, "r1", youtube_video_id="abcdefghijk", deezer_track_id="7")
    store.create_release(engine, "r2", deezer_track_id="8")
    fake.on("/youtube/v3/videos", yt_answer({"abcdefghijk": yt_item("abcdefghijk")}))
    fake.on("/deezer/track/7", ok({"id": 7, "rank": 100}))
    fake.on("/deezer/track/8", ok({"id": 8, "rank": 200}))
    env = cli_env(db_url, fake, YOUTUBE_API_KEY="yt-SECRET")
    runner = CliRunner()

    dry = runner.invoke(main, ["collect", "--dry-run"], env=env)
    assert dry.exit_code == 0, dry.output
    assert "Dry run (nothing written): 2 releases, 5 rows would be written" in dry.output
    assert store.count_metrics(engine) == 0

    first = runner.invoke(main, ["collect"], env=env)
    assert first.exit_code == 0, first.output
    assert "2 releases, 5 rows written, 0 already present, 2 skipped, 0 failed." in first.output
    assert "Quota used: youtube 1 units" in first.output
    assert "spotify: SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET not set" in first.output
    assert "yt-SECRET" not in first.output
    assert store.count_metrics(engine) == 5

    only = runner.invoke(main, ["collect", "--source", "deezer", "--release", "r2"], env=env)
    assert only.exit_code == 0, only.output
    assert "1 releases" in only.output and "already present" in only.output
    assert store.count_metrics(engine) == 5
    engine.dispose()


def test_collect_exits_1_when_something_failed(sqlite_url, fake):
    engine = store.make_engine(sqlite_url)
    store.create_release(engine, "r1", deezer_track_id="7")
    fake.on("/deezer/track/7", ok({"error": {"type": "OAuthException", "code": 300}}))
    result = CliRunner().invoke(
        main, ["collect", "--source", "deezer"], env=cli_env(sqlite_url, fake)
    )
    assert result.exit_code == 1
    assert "FAILED: deezer: Deezer error 300" in result.output
    bad = CliRunner().invoke(
        main, ["collect", "--source", "myspace"], env=cli_env(sqlite_url, fake)
    )
    assert bad.exit_code == 2
    engine.dispose()


def test_collect_hands_the_collectors_only_their_settings(db_url, monkeypatch):
    """The run gets ``settings.collector_env``: the collectors' variables, nothing else."""
    from perfdash import collect

    seen = {}

    def fake_run(engine, **kwargs):
        seen.update(kwargs)
        return collect.RunSummary()

    monkeypatch.setattr(collect, "run", fake_run)
    env = {
        **dict.fromkeys(COLLECTOR_ENV_NAMES),
        "DATABASE_URL": db_url,
        "YOUTUBE_API_KEY": "yt-key",
        "PERFDASH_DEEZER_BASE_URL": "http://127.0.0.1:9",
        "PERFDASH_SECRET_KEY": None,
    }
    result = CliRunner().invoke(main, ["collect", "--source", "deezer"], env=env)
    assert result.exit_code == 0, result.output
    assert seen["sources"] == ["deezer"]
    assert dict(seen["env"]) == {
        "YOUTUBE_API_KEY": "yt-key",
        "PERFDASH_DEEZER_BASE_URL": "http://127.0.0.1:9",
    }
