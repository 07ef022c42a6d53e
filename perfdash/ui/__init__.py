"""The Dash user interface.

``shell`` is the frame and the one list of pages; ``pages`` holds one module or folder per URL
(``layout(query)`` and ``register(app)``), ``panels`` the pieces a page embeds (notes,
freshness, "Collect now"), ``components`` what every page shares (the release picker), and
``figures`` the charts, pure functions of DataFrames.  ``context`` gives a callback its app's
settings and engine; ``errors`` turns a failed callback into a banner.  Callbacks call ingest,
store, metrics and figures; they build no SQL and open no transaction of their own.
"""
