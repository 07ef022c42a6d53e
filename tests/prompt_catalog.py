"""A catalog whose prompts have one word with a known effect on launches and one with none:
'lofi' releases launch three times as big, 'rain' is spread evenly over both kinds."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import numpy as np

from perfdash import store


def build_catalog(engine, n: int = 24) -> None:
    """``n`` releases launched 40 to 63 days ago, read daily for 30 days from launch."""
    rng = np.random.default_rng(11)
    today = datetime.now(UTC).date()
    rows = []
    for i in range(n):
        lofi, rain = i % 2 == 0, (i // 2) % 2 == 0
        prompt = ("lofi beats" if lofi else "hard rock") + (", rain outside" if rain else "")
        launch = today - timedelta(days=40 + i)
        pk = store.create_release(
            engine,
            f"rel-{i:02d}",
            title=f"Song {i}",
            track_prompt=prompt,
            suno_clip_id=f"clip-{i}" if i % 3 else None,
            approved_at=datetime.combine(launch, time(8), tzinfo=UTC),
        )
        per_day = float(np.exp(rng.normal(np.log(3000 if lofi else 1000), 0.25)))
        for d in range(30):
            rows.append(
                dict(
                    release_id=pk,
                    platform="YouTube",
                    metric_type="views",
                    metric_value=int(per_day * (d + 1)),
                    recorded_at=datetime.combine(launch + timedelta(days=d), time(20), tzinfo=UTC),
                )
            )
            rows.append(
                dict(
                    release_id=pk,
                    platform="Deezer",
                    metric_type="rank",
                    metric_value=5,
                    recorded_at=datetime.combine(launch + timedelta(days=d), time(20), tzinfo=UTC),
                )
            )
    store.insert_metrics(engine, rows)
