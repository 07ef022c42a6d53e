"""Which kind a metric type is, and what that means for how its numbers read.

A ``counter`` (views) grows: its period reads as a gain, summed over releases and platforms.
An ``audience`` (followers) moves both ways: its period reads as a net change, and a fall is
an audience leaving, not a platform's correction.  A ``score`` (rank, popularity) is a level: it
reads as its value at the end of the period and how far it moved, never as a sum or a gain, and
for some scores (rank, chart position) a lower number is the better one.

The kind comes from an editor's choice (``store.metric_kind_overrides``), else from what
perfdash knows (``vocab.KNOWN_METRIC_KINDS``), else a counter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from perfdash.vocab import DEFAULT_METRIC_KIND, KNOWN_METRIC_KINDS, LOWER_IS_BETTER

Overrides = Mapping[str, tuple[str, bool]]


@dataclass(frozen=True)
class MetricKind:
    metric_type: str
    kind: str = DEFAULT_METRIC_KIND
    lower_is_better: bool = False

    @property
    def is_score(self) -> bool:
        return self.kind == "score"

    @property
    def gain_word(self) -> str:
        """What a period's movement is called on a card or a column: counters gain, audiences
        change (net), scores have no gain at all."""
        return {"counter": "gained", "audience": "net change"}.get(self.kind, "level")

    def better(self, change: float | None) -> bool | None:
        """Whether a change is good news: up for counters, audiences and most scores, down for
        a score where lower is better; None when there is no change to judge."""
        if change is None or change == 0:
            return None
        return (change < 0) if self.lower_is_better else (change > 0)

    def label(self) -> str:
        """The metric's name with how to read it, for an axis or a column."""
        if self.is_score and self.lower_is_better:
            return f"{self.metric_type} (lower is better)"
        return self.metric_type


def metric_kind(metric_type: str, overrides: Overrides | None = None) -> MetricKind:
    """One type's kind: the editor's choice, the known kind, or a counter."""
    if overrides and metric_type in overrides:
        kind, lower = overrides[metric_type]
        return MetricKind(metric_type, kind, bool(lower) and kind == "score")
    kind = KNOWN_METRIC_KINDS.get(metric_type, DEFAULT_METRIC_KIND)
    return MetricKind(metric_type, kind, kind == "score" and metric_type in LOWER_IS_BETTER)


def metric_kinds(types: Iterable[str], overrides: Overrides | None = None) -> dict[str, MetricKind]:
    """The kind of each of ``types`` (see ``metric_kind``)."""
    return {t: metric_kind(t, overrides) for t in types}
