"""Collectors: read lifetime totals from the platforms' public APIs into perfdash.

One module per source (youtube, lastfm, deezer, spotify), each a ``collect`` function over an
``httpx.Client`` that turns the releases having the identifier it needs into ``Reading``s.
``runner.run`` picks sources and releases, isolates failures, validates the readings with
``ingest.check_record`` and writes them in one transaction per source with
``store.insert_metrics`` (idempotent, so a second run in the same minute writes nothing).
Nothing here uses an SDK; credentials come from the environment only.
"""
