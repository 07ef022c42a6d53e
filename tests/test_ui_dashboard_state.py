"""The dashboard's URL state: parsing, writing back, and the periods it resolves to."""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import parse_qs

from perfdash.ui.pages.dashboard.state import (
    ViewState,
    describe_period,
    parse_query,
    period_dates,
    preset_of,
    resolve_period,
    state_from_controls,
    step_period,
    to_query,
    url_problems,
)


def parse(url_query: str) -> ViewState:
    return parse_query(parse_qs(url_query.lstrip("?")))


def test_round_trip_of_a_full_view():
    state = ViewState(
        releases=(3, 7),
        period="custom",
        start=date(2026, 1, 1),
        end=date(2026, 1, 31),
        compare=True,
        platforms=("youtube", "apple music"),
        metric="views",
        granularity="week",
        mode="gain",
        view="leaderboard",
        leaderboard_metric="streams",
    )
    query = to_query(state)
    assert query.startswith("?release=3&release=7&period=custom&from=2026-01-01&to=2026-01-31")
    assert "platform=apple+music" in query
    assert parse(query) == state


def test_defaults_and_nonsense_are_dropped():
    assert parse("") == ViewState()
    odd = parse(
        "release=abc&release=4,5&release=4&period=fortnight&granularity=hour&mode=x&view=admin"
    )
    assert odd.releases == (4, 5)
    assert (odd.period, odd.granularity, odd.mode, odd.view) == ("90d", "day", "gain", "release")
    # a custom period needs both dates in order; otherwise the default period
    assert parse("period=custom&from=2026-02-01&to=2026-01-01").period == "90d"
    assert parse("period=custom&from=2026-02-01").period == "90d"
    # dates only count for a custom period
    assert parse("period=7d&from=2026-02-01&to=2026-03-01").start is None
    assert parse("platform=YouTube").platforms == ("youtube",)


def test_controls_to_state_matches_the_url():
    state = state_from_controls(
        [3],
        "28d",
        "2026-01-01",
        "2026-01-31",
        True,
        ["youtube"],
        "views",
        "week",
        "gain",
        "release",
        "views",
    )
    assert state.start is None  # a preset's dates are not part of the view
    assert to_query(state) == (
        "?release=3&period=28d&compare=1&platform=youtube&metric=views"
        "&granularity=week&mode=gain&lbmetric=views"
    )


def test_resolve_period_in_the_display_time_zone():
    now = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # already March 11 in Berlin
    period = resolve_period(ViewState(period="7d"), "Europe/Berlin", now=now)
    assert period_dates(period, "Europe/Berlin") == ("2026-03-05", "2026-03-11")
    assert period.start == datetime(2026, 3, 4, 23, 0, tzinfo=UTC)
    prev = period.previous()
    assert period_dates(prev, "Europe/Berlin") == ("2026-02-26", "2026-03-04")
    custom = ViewState(period="custom", start=date(2026, 1, 1), end=date(2026, 1, 1))
    one_day = resolve_period(custom, "UTC", now=now)
    assert (one_day.start, one_day.end) == (
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 1, 2, tzinfo=UTC),
    )
    everything = resolve_period(ViewState(period="all"), "UTC", now=now)
    assert everything.start is None and everything.previous() is None
    assert describe_period(everything, "UTC") == "all time to 2026-03-10 (up to now, 23:30)"


def problems(url_query: str) -> list[str]:
    return url_problems(parse_qs(url_query.lstrip("?")))


def test_url_problems_name_what_was_dropped():
    assert problems("release=3&period=custom&from=2026-01-01&to=2026-01-31") == []
    assert problems("") == []
    assert problems("release=abc,4") == ["release 'abc' is not a release id"]
    assert problems("period=fortnight") == [
        "period 'fortnight' is not one of 7d, 28d, 90d, 12m, all, custom",
        "the period shown is the default, 90 days",
    ]
    assert problems("period=custom&from=2026-02-30&to=2026-03-01")[0] == (
        "from '2026-02-30' is not a date (YYYY-MM-DD)"
    )
    assert problems("period=custom&from=2026-03-01&to=2026-02-01")[0] == (
        "to 2026-02-01 is before from 2026-03-01"
    )
    assert problems("period=custom&from=2026-03-01")[0] == (
        "a custom period needs both from and to dates"
    )
    assert problems("granularity=hour&mode=x&view=admin") == [
        "granularity 'hour' is not one of day, week, month",
        "mode 'x' is not one of total, gain",
        "view 'admin' is not one of release, leaderboard",
    ]


def test_step_period_keeps_the_length_and_never_passes_today():
    today = date(2026, 11, 30)
    last28 = (date(2026, 11, 3), today)
    back = step_period(*last28, -1, today)
    assert back == (date(2026, 10, 6), date(2026, 11, 2))
    assert step_period(*back, 1, today) == last28
    assert step_period(*last28, 1, today) is None  # nothing after today
    # a step forward that would run past today ends today, the same length
    assert step_period(date(2026, 11, 1), date(2026, 11, 20), 1, today) == (
        date(2026, 11, 11),
        today,
    )
    assert preset_of(*last28, today) == "28d"
    assert preset_of(*back, today) == "custom"
    assert preset_of(date(2026, 11, 24), today, today) == "7d"


def test_archived_is_in_the_url_only_when_asked_for():
    assert "archived" not in to_query(ViewState())
    assert parse(to_query(ViewState(archived=True))).archived is True
    assert parse("archived=0").archived is False


def test_country_and_currency_are_in_the_url_in_any_case_and_nonsense_is_named():
    state = parse("?release=3&country=de&currency=eur")
    assert (state.country, state.currency) == ("DE", "EUR")
    assert parse(to_query(state)) == state
    assert "country=DE" in to_query(state) and "currency=EUR" in to_query(state)
    assert parse("?release=3").currency is None and "currency" not in to_query(parse("?release=3"))
    odd = parse_qs("release=3&currency=dollars&country=Germany")
    assert (parse_query(odd).currency, parse_query(odd).country) == (None, None)
    problems = url_problems(odd)
    assert any("currency 'dollars' is not an ISO 4217 code" in p for p in problems)
    assert any("country 'Germany'" in p for p in problems)
    controls = state_from_controls(
        [3],
        "28d",
        None,
        None,
        False,
        [],
        "earnings",
        "day",
        "gain",
        "release",
        None,
        False,
        0,
        "us",
        "usd",
    )
    assert (controls.country, controls.currency) == ("US", "USD")
