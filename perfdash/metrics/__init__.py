"""The calculations: pure functions from the store's DataFrames to what a person reads.

Nothing here touches a database or Dash, so every rule is unit-tested with hand-computed
numbers.  Callers use ``metrics.x``; the modules split the rules by concern:

- ``platforms``: one key, label and colour per platform; the known metric types
- ``kinds``: counter, audience or score: how a metric type's numbers read
- ``gains``: running totals versus gains, corrections, summing platforms
- ``periods``: presets and custom ranges in whole local days
- ``kpi``: KPI cards, the per-platform breakdown, the leaderboard's trend, number texts
- ``spikes``: the spike rule behind alerts
- ``launches``: releases aligned by days since launch, the median launch
- ``artists``: an artist's releases side by side, their shares, artists ranked
- ``wording``: prompt terms and attributes against launches (what works), with intervals
- ``targets``: a goal's progress and when the forecast reaches it
- ``staleness``: the newest number's time and source, stale against its own schedule
- ``projection``: ``forecast``, the next days of a lifetime total, with an 80 % band and its own backtest

Module names differ from the functions they hold (``kpi`` holds ``kpis``, ``staleness``
holds ``freshness``) so that ``metrics.kpis`` is always the function, never the module.
"""

from perfdash.metrics.artists import BOARD_COLUMNS, RELEASE_COLUMNS, artist_board, release_shares
from perfdash.metrics.gains import GAIN_COLUMNS, combine_platforms, totals_and_gains
from perfdash.metrics.kinds import MetricKind, metric_kind, metric_kinds
from perfdash.metrics.kpi import (
    BREAKDOWN_COLUMNS,
    Kpi,
    change_text,
    format_gain,
    format_level,
    format_number,
    gain_text,
    kpi_label,
    kpis,
    order_kpis,
    period_kpis,
    platform_breakdown,
    trend_arrow,
)
from perfdash.metrics.launches import (
    LAUNCH_COLUMNS,
    LAUNCH_HORIZONS,
    LaunchComparison,
    align_launches,
    compare_to_median,
    launch_days,
    median_launch_curve,
)
from perfdash.metrics.money import StreamRate, format_money, per_stream_rate
from perfdash.metrics.periods import (
    PERIOD_PRESETS,
    Period,
    bucket_bounds,
    bucket_complete,
    local_midnight,
    period_between,
    period_for,
)
from perfdash.metrics.platforms import (
    CHART_BACKGROUNDS,
    FALLBACK_COLOURS,
    KNOWN_METRIC_TYPES,
    KNOWN_PLATFORMS,
    PLATFORM_COLOURS,
    PLATFORM_LABELS,
    PREVIOUS_COLOUR,
    contrast_ratio,
    platform_colour,
    platform_key,
    platform_label,
)
from perfdash.metrics.projection import METHOD as FORECAST_METHOD
from perfdash.metrics.projection import MIN_DAYS as FORECAST_MIN_DAYS
from perfdash.metrics.projection import Backtest, Forecast, daily_totals, forecast
from perfdash.metrics.spikes import SPIKE_COLUMNS, SpikeRule, detect_spikes
from perfdash.metrics.staleness import (
    SOURCE_LABELS,
    Freshness,
    StaleRule,
    collection_interval_hours,
    combined_freshness,
    freshness,
    freshness_by_metric,
    stale_hours_by_release,
)
from perfdash.metrics.targets import Progress, goal_end
from perfdash.metrics.targets import progress as goal_progress
from perfdash.metrics.wording import CAVEAT as PROMPT_CAVEAT
from perfdash.metrics.wording import MIN_RELEASES as PROMPT_MIN_RELEASES
from perfdash.metrics.wording import REPS as PROMPT_REPS
from perfdash.metrics.wording import (
    TERM_COLUMNS,
    launch_outcomes,
    prompt_terms,
    term_effects,
)

__all__ = [
    "BOARD_COLUMNS",
    "BREAKDOWN_COLUMNS",
    "CHART_BACKGROUNDS",
    "FALLBACK_COLOURS",
    "FORECAST_METHOD",
    "FORECAST_MIN_DAYS",
    "GAIN_COLUMNS",
    "KNOWN_METRIC_TYPES",
    "KNOWN_PLATFORMS",
    "LAUNCH_COLUMNS",
    "LAUNCH_HORIZONS",
    "PERIOD_PRESETS",
    "PLATFORM_COLOURS",
    "PLATFORM_LABELS",
    "PREVIOUS_COLOUR",
    "PROMPT_CAVEAT",
    "PROMPT_MIN_RELEASES",
    "PROMPT_REPS",
    "RELEASE_COLUMNS",
    "SOURCE_LABELS",
    "SPIKE_COLUMNS",
    "TERM_COLUMNS",
    "Backtest",
    "Forecast",
    "Freshness",
    "Kpi",
    "LaunchComparison",
    "MetricKind",
    "Period",
    "Progress",
    "SpikeRule",
    "StaleRule",
    "StreamRate",
    "align_launches",
    "artist_board",
    "bucket_bounds",
    "bucket_complete",
    "change_text",
    "collection_interval_hours",
    "combine_platforms",
    "combined_freshness",
    "compare_to_median",
    "contrast_ratio",
    "daily_totals",
    "detect_spikes",
    "forecast",
    "format_gain",
    "format_level",
    "format_money",
    "format_number",
    "freshness",
    "freshness_by_metric",
    "gain_text",
    "goal_end",
    "goal_progress",
    "kpi_label",
    "kpis",
    "launch_days",
    "launch_outcomes",
    "local_midnight",
    "median_launch_curve",
    "metric_kind",
    "metric_kinds",
    "order_kpis",
    "per_stream_rate",
    "period_between",
    "period_for",
    "period_kpis",
    "platform_breakdown",
    "platform_colour",
    "platform_key",
    "platform_label",
    "prompt_terms",
    "release_shares",
    "stale_hours_by_release",
    "term_effects",
    "totals_and_gains",
    "trend_arrow",
]
