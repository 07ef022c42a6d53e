"""Collectors against a local fake HTTP server (127.0.0.1) answering like the real APIs.

Response bodies follow the platforms' documented shapes: YouTube ``videoListResponse`` with
string counts and ``quotaExceeded`` errors, Last.fm ``{"track": {...}}`` / ``{"error": 6}``,
Deezer objects and ``{"error": {"code": 4}}``, Spotify token, track and artist objects.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from fake_platforms import FakeApis, ok, yt_answer, yt_item

from perfdash import collect, store
from perfdash.collectors.base import RetryPolicy
from perfdash.schema import content_performance

NOW = datetime(2026, 11, 20, 9, 30, 42, 123456, tzinfo=UTC)
STAMP = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
FAST = RetryPolicy(attempts=3, backoff=0.5, max_wait=2.0)
SECRETS = {
    "YOUTUBE_API_KEY": "yt-SECRET-key",
    "LASTFM_API_KEY": "lfm-SECRET-key",
    "SPOTIFY_CLIENT_ID": "sp-client",
    "SPOTIFY_CLIENT_SECRET": "sp-SECRET",
}
SP_TRACK = "4uLU6hMCjMI75M1A2tKUQC"
SP_ARTIST = "0gxyHStUsqpMadRV0Di1Qt"


@pytest.fixture
def fake():
    apis = FakeApis()
    yield apis
    apis.close()


YT_QUOTA = (
    403,
    {
        "error": {
            "code": 403,
            "message": "The request cannot be completed because you have exceeded your quota.",
            "errors": [
                {
                    "message": "The request cannot be completed because you have exceeded your "
                    "quota.",
                    "domain": "youtube.quota",
                    "reason": "quotaExceeded",
                }
            ],
        }
    },
    {},
)


def rows(engine) -> list[dict]:
    with engine.connect() as conn:
        result = conn.execute(
            sa.select(content_performance).order_by(
                content_performance.c.release_id,
                content_performance.c.platform,
                content_performance.c.metric_type,
            )
        )
        return [dict(r._mapping) for r in result]


def values(engine) -> dict[tuple[int, str, str], int]:
    return {
        (r["release_id"], r["platform"], r["metric_type"]): r["metric_value"] for r in rows(engine)
    }


def run(engine, fake, sleeps=None, **kwargs):
    sleeps = [] if sleeps is None else sleeps
    kwargs.setdefault("env", dict(SECRETS))
    return collect.run(
        engine,
        base_urls=fake.base_urls,
        retry=FAST,
        now=NOW,
        sleep=sleeps.append,
        **kwargs,
    )


# --------------------------------------------------------------------------- YouTube


def test_youtube_statistics_batches_of_50_missing_fields_and_unknown_ids(engine, fake):
    ids = [f"vid{n:08d}" for n in range(55)]
    items = {v: yt_item(v, views=str(1000 + n)) for n, v in enumerate(ids)}
    items[ids[1]] = yt_item(ids[1], views="1001", likes=None)  # likes hidden by the owner
    del items[ids[2]]  # unknown / deleted video
    fake.on("/youtube/v3/videos", yt_answer(items))
    pks = [store.create_release(engine, f"r{n}", youtube_video_id=v) for n, v in enumerate(ids)]
    store.create_release(engine, "no-video")

    summary = run(engine, fake, sources=["youtube"])

    calls = fake.calls("/youtube/v3/videos")
    assert [len(c["query"]["id"].split(",")) for c in calls] == [50, 5]
    assert all(c["query"]["part"] == "statistics" for c in calls)
    assert calls[0]["query"]["key"] == SECRETS["YOUTUBE_API_KEY"]
    got = values(engine)
    assert got[(pks[0], "YouTube", "views")] == 1000
    assert got[(pks[0], "YouTube", "likes")] == 50
    assert got[(pks[54], "YouTube", "comments")] == 7
    assert (pks[1], "YouTube", "likes") not in got and got[(pks[1], "YouTube", "views")] == 1001
    assert not any(k[0] == pks[2] for k in got)
    assert summary.written == 54 * 3 - 1 == len(got)
    assert summary.failed == []
    assert any("r2" in s and "unknown" in s for s in summary.skipped)
    assert any("r1" in s and "likeCount" in s for s in summary.skipped)
    assert summary.quota["youtube"] == "2 units"
    assert summary.releases == 54

    row = rows(engine)[0]
    assert row["source"] == "collector" and row["value_kind"] == "total"
    assert store.to_utc(row["recorded_at"]) == STAMP
    assert row["source_url"] == f"{fake.base}/youtube/v3/videos?part=statistics&id={ids[0]}"
    assert all("SECRET" not in (r["source_url"] or "") for r in rows(engine))


def test_second_run_in_the_same_minute_writes_nothing(engine, fake):
    fake.on("/youtube/v3/videos", yt_answer({"abcdefghijk": yt_item("abcdefghijk")}))
    store.create_release(engine, "r1", youtube_video_id="abcdefghijk")
    first = run(engine, fake, sources=["youtube"])
    second = run(engine, fake, sources=["youtube"])
    assert (first.written, first.already_present) == (3, 0)
    assert (second.written, second.already_present) == (0, 3)
    assert store.count_metrics(engine) == 3


def test_youtube_5xx_then_success_and_retry_after(engine, fake):
    pk = store.create_release(engine, "r1", youtube_video_id="abcdefghijk")
    good = yt_answer({"abcdefghijk": yt_item("abcdefghijk", views="42")})
    fake.on(
        "/youtube/v3/videos",
        (503, {"error": {"code": 503, "message": "backend error"}}, {}),
        (429, {"error": {"code": 429}}, {"Retry-After": "1"}),
        good,
    )
    sleeps: list[float] = []
    summary = run(engine, fake, sleeps, sources=["youtube"])
    assert len(fake.calls("/youtube/v3/videos")) == 3
    assert sleeps == [0.5, 1.0]  # backoff, then the server's Retry-After
    assert summary.failed == [] and summary.written == 3
    assert summary.quota["youtube"] == "3 units"
    assert values(engine)[(pk, "YouTube", "views")] == 42


def test_retry_after_is_capped(engine, fake):
    store.create_release(engine, "r1", youtube_video_id="abcdefghijk")
    fake.on(
        "/youtube/v3/videos",
        (429, {}, {"Retry-After": "86400"}),
        yt_answer({"abcdefghijk": yt_item("abcdefghijk")}),
    )
    sleeps: list[float] = []
    run(engine, fake, sleeps, sources=["youtube"])
    assert sleeps == [FAST.max_wait]


def test_youtube_quota_exceeded_fails_source_but_not_others(engine, fake):
    fake.on("/youtube/v3/videos", YT_QUOTA)
    fake.on("/deezer/track/3135556", ok({"id": 3135556, "title": "Harder", "rank": 812345}))
    store.create_release(engine, "r1", youtube_video_id="abcdefghijk")
    pk2 = store.create_release(engine, "r2", deezer_track_id="3135556")
    summary = run(engine, fake, sources=["youtube", "deezer"])
    assert len(fake.calls("/youtube/v3/videos")) == 1  # a 403 quota error is not retried
    assert any("youtube r1" in f and "quota" in f for f in summary.failed)
    assert values(engine) == {(pk2, "Deezer", "rank"): 812345}
    assert summary.written == 1


def test_youtube_bad_key_is_a_source_failure(engine, fake):
    fake.on(
        "/youtube/v3/videos",
        (
            400,
            {
                "error": {
                    "code": 400,
                    "message": "API key not valid. Please pass a valid API key.",
                    "errors": [{"reason": "badRequest"}],
                }
            },
            {},
        ),
    )
    store.create_release(engine, "r1", youtube_video_id="abcdefghijk")
    summary = run(engine, fake, sources=["youtube"])
    assert len(summary.failed) == 1 and "API key not valid" in summary.failed[0]
    assert "SECRET" not in "\n".join(summary.lines())
    assert store.count_metrics(engine) == 0


def test_unreachable_server_fails_without_crashing(engine, fake):
    store.create_release(engine, "r1", youtube_video_id="abcdefghijk")
    dead = {**fake.base_urls, "youtube": "http://127.0.0.1:9/youtube/v3"}
    summary = collect.run(
        engine,
        sources=["youtube"],
        env=dict(SECRETS),
        base_urls=dead,
        retry=RetryPolicy(attempts=2, backoff=0, max_wait=0),
        sleep=lambda s: None,
        now=NOW,
    )
    assert len(summary.failed) == 1 and "could not reach" in summary.failed[0]


# --------------------------------------------------------------------------- Last.fm


def lastfm_track(playcount="123456", listeners="7890"):
    return {
        "track": {
            "name": "Believe",
            "mbid": "",
            "url": "https://www.last.fm/music/Cher/_/Believe",
            "duration": "240000",
            "listeners": listeners,
            "playcount": playcount,
            "artist": {"name": "Cher", "url": "https://www.last.fm/music/Cher"},
        }
    }


def test_lastfm_playcount_listeners_not_found_and_rate_limit(engine, fake):
    def answer(query):
        if query["track"] == "Missing":
            return ok({"error": 6, "message": "Track not found", "links": []})
        return ok(lastfm_track())

    fake.on(
        "/2.0/",
        ok({"error": 29, "message": "Rate Limit Exceeded"}),
        answer,
    )
    pk1 = store.create_release(engine, "r1", lastfm_artist="Cher", lastfm_track="Believe")
    store.create_release(engine, "r2", lastfm_artist="Cher", lastfm_track="Missing")
    store.create_release(engine, "r3", lastfm_artist="Cher")  # no track name
    summary = run(engine, fake, sources=["lastfm"])
    assert values(engine) == {
        (pk1, "Last.fm", "playcount"): 123456,
        (pk1, "Last.fm", "listeners"): 7890,
    }
    first = fake.calls("/2.0/")[0]["query"]
    assert first["method"] == "track.getInfo" and first["api_key"] == SECRETS["LASTFM_API_KEY"]
    assert len(fake.calls("/2.0/")) == 3  # rate limited once, then r1 and r2
    assert summary.failed == []
    assert any("r2" in s and "Track not found" in s for s in summary.skipped)
    assert any("r3" in s for s in summary.skipped)
    url = rows(engine)[0]["source_url"]
    assert "api_key" not in url and "method=track.getInfo" in url and "artist=Cher" in url


def test_lastfm_invalid_key_fails_the_source(engine, fake):
    fake.on("/2.0/", (403, {"error": 10, "message": "Invalid API key"}, {}))
    store.create_release(engine, "r1", lastfm_artist="Cher", lastfm_track="Believe")
    summary = run(engine, fake, sources=["lastfm"])
    assert summary.failed == ["lastfm: Last.fm error 10: Invalid API key (check LASTFM_API_KEY)"]


# --------------------------------------------------------------------------- Deezer


def test_deezer_rank_fans_quota_code_4_and_not_found(engine, fake):
    quota = ok({"error": {"type": "Exception", "message": "Quota limit exceeded", "code": 4}})
    fake.on("/deezer/track/3135556", quota, ok({"id": 3135556, "rank": 812345}))
    fake.on("/deezer/artist/27", ok({"id": 27, "name": "Daft Punk", "nb_fan": 4567890}))
    fake.on(
        "/deezer/track/999",
        ok({"error": {"type": "DataException", "message": "no data", "code": 800}}),
    )
    pk1 = store.create_release(engine, "r1", deezer_track_id="3135556", deezer_artist_id="27")
    pk2 = store.create_release(engine, "r2", deezer_track_id="999", deezer_artist_id="27")
    sleeps: list[float] = []
    summary = run(engine, fake, sleeps, sources=["deezer"])
    assert values(engine) == {
        (pk1, "Deezer", "rank"): 812345,
        (pk1, "Deezer", "fans"): 4567890,
        (pk2, "Deezer", "fans"): 4567890,
    }
    assert len(fake.calls("/deezer/artist/27")) == 1  # shared artist asked once per run
    assert len(fake.calls("/deezer/track/3135556")) == 2 and sleeps == [0.5]
    assert summary.failed == []
    assert any("r2" in s and "999 not found" in s for s in summary.skipped)
    assert summary.quota["deezer"] == "4 requests"


def test_deezer_quota_that_persists_stops_the_source(engine, fake):
    quota = ok({"error": {"type": "Exception", "message": "Quota limit exceeded", "code": 4}})
    fake.on("/deezer/track/1", quota)
    store.create_release(engine, "r1", deezer_track_id="1")
    store.create_release(engine, "r2", deezer_track_id="2")
    summary = run(engine, fake, sources=["deezer"])
    assert len(fake.calls("/deezer/track/1")) == FAST.attempts
    assert fake.calls("/deezer/track/2") == []
    assert len(summary.failed) == 2 and all("quota" in f for f in summary.failed)
    assert store.count_metrics(engine) == 0


# --------------------------------------------------------------------------- Spotify


def spotify_token():
    return ok({"access_token": "sp-ACCESS", "token_type": "Bearer", "expires_in": 3600})


def test_spotify_missing_fields_are_skipped_not_failed(engine, fake):
    fake.on("/accounts/api/token", spotify_token())
    # A Development Mode app: the track object comes without popularity.
    fake.on(f"/spotify/v1/tracks/{SP_TRACK}", ok({"id": SP_TRACK, "name": "Song", "type": "track"}))
    fake.on(
        f"/spotify/v1/artists/{SP_ARTIST}",
        ok({"id": SP_ARTIST, "name": "Artist", "followers": {"href": None, "total": 31337}}),
    )
    pk = store.create_release(engine, "r1", spotify_track_id=SP_TRACK, spotify_artist_id=SP_ARTIST)
    summary = run(engine, fake, sources=["spotify"])
    assert values(engine) == {(pk, "Spotify", "followers"): 31337}
    assert summary.failed == []
    assert any("popularity" in s and "Development Mode" in s for s in summary.skipped)
    token_call = fake.calls("/accounts/api/token")[0]
    assert token_call["method"] == "POST" and "grant_type=client_credentials" in token_call["body"]
    expected = base64.b64encode(b"sp-client:sp-SECRET").decode()
    assert token_call["headers"]["Authorization"] == f"Basic {expected}"
    track_call = fake.calls(f"/spotify/v1/tracks/{SP_TRACK}")[0]
    assert track_call["headers"]["Authorization"] == "Bearer sp-ACCESS"


def test_spotify_popularity_and_unknown_track(engine, fake):
    fake.on("/accounts/api/token", spotify_token())
    fake.on(f"/spotify/v1/tracks/{SP_TRACK}", ok({"id": SP_TRACK, "popularity": 64}))
    fake.on(
        "/spotify/v1/tracks/0000000000000000000000",
        (404, {"error": {"status": 404, "message": "Resource not found"}}, {}),
    )
    pk = store.create_release(engine, "r1", spotify_track_id=SP_TRACK)
    store.create_release(engine, "r2", spotify_track_id="0000000000000000000000")
    store.create_release(engine, "r3", spotify_track_id="not-an-id")
    summary = run(engine, fake, sources=["spotify"])
    assert values(engine) == {(pk, "Spotify", "popularity"): 64}
    assert summary.failed == []
    assert len(summary.skipped) == 2


def test_spotify_bad_credentials_fail_only_spotify(engine, fake):
    fake.on(
        "/accounts/api/token",
        (400, {"error": "invalid_client", "error_description": "Invalid client"}, {}),
    )
    fake.on("/deezer/track/1", ok({"id": 1, "rank": 5}))
    store.create_release(engine, "r1", spotify_track_id=SP_TRACK, deezer_track_id="1")
    summary = run(engine, fake)
    assert len(summary.failed) == 1 and summary.failed[0].startswith("spotify: no access token")
    assert "Invalid client" in summary.failed[0]
    assert summary.written == 1
    assert "sp-SECRET" not in "\n".join(summary.lines())


# --------------------------------------------------------------------------- the collection run


def test_missing_credentials_skip_source_and_release_filter(engine, fake):
    fake.on("/deezer/track/1", ok({"id": 1, "rank": 5}))
    fake.on("/deezer/track/2", ok({"id": 2, "rank": 6}))
    store.create_release(engine, "r1", deezer_track_id="1", youtube_video_id="abcdefghijk")
    pk2 = store.create_release(engine, "r2", deezer_track_id="2")
    summary = run(engine, fake, env={}, release_keys=["r2", "ghost"])
    assert values(engine) == {(pk2, "Deezer", "rank"): 6}
    assert fake.calls("/deezer/track/1") == []
    assert "youtube: YOUTUBE_API_KEY not set" in summary.skipped
    assert "spotify: SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET not set" in summary.skipped
    assert summary.failed == ["release ghost: no release with this key"]


def test_dry_run_writes_nothing(engine, fake):
    fake.on("/deezer/track/1", ok({"id": 1, "rank": 5}))
    store.create_release(engine, "r1", deezer_track_id="1")
    summary = run(engine, fake, sources=["deezer"], dry_run=True)
    assert summary.would_write == 1 and summary.written == 0
    assert store.count_metrics(engine) == 0
    assert summary.lines()[0].startswith("Dry run (nothing written): 1 releases, 1 rows would")


def test_bad_value_from_a_platform_is_skipped(engine, fake):
    fake.on("/deezer/track/1", ok({"id": 1, "rank": -5}))
    fake.on("/deezer/track/2", ok({"id": 2, "rank": 9}))
    store.create_release(engine, "r1", deezer_track_id="1")
    store.create_release(engine, "r2", deezer_track_id="2")
    summary = run(engine, fake, sources=["deezer"])
    assert summary.written == 1
    assert any("r1" in s and "rejected" in s for s in summary.skipped)


def test_unknown_source_is_refused(engine):
    with pytest.raises(ValueError, match="Unknown source"):
        collect.run(engine, sources=["myspace"], env={})
