"""What travels over the wire: every text response compressed, and files whose URL names their
version cached by the browser for a year.

* Compression is Flask-Compress (what Dash's ``compress=True`` installs), set up here rather than
  through Dash so the choice is ours: brotli first (plotly.js's 4.8 MB become 1.3 MB; gzip
  leaves 1.47 MB), then zstd, gzip and deflate for clients without it.
* A versioned file is compressed once per worker and algorithm, not on every cold load
  (brotli takes ~150 ms of CPU for plotly.js, a cold page's whole budget on a busy worker).
  Only URLs that carry their version are kept -- Dash's component bundles
  (``/_dash-component-suites/.../name.v4_4_1m1732.min.js``) and the assets folder's files
  (``/assets/x.css?m=<mtime>``), and the favicon (``?v=<dash version>``) -- keyed by the file
  itself (``file_key``), so a kept copy is never stale, made-up versions add none, and every
  worker, on any host, sends the same bytes for the same URL.  Callback answers and pages are
  compressed fresh.
* Cache headers: Dash already gives its fingerprinted bundles ``max-age`` of a year; the
  assets folder's versioned URLs get the same, and both are marked ``immutable`` so a reload
  does not ask again.  A URL without a version keeps Flask's revalidation (ETag).
"""

from __future__ import annotations

import re

from flask import Flask, Request, Response, g, request
from flask_compress import Compress

ALGORITHMS = ["br", "zstd", "gzip", "deflate"]
BROTLI_LEVEL = 5  # ~3x faster than 6 for a 1 % larger plotly.js; kept copies pay it once
YEAR = 31_536_000
SUITES = "/_dash-component-suites/"
# Dash's fingerprint, the second dot-part of a bundle's name: "name.v4_4_1m1732.min.js"
FINGERPRINT = re.compile(r"^v[\w-]+m[0-9a-fA-F]+$")


def versioned(req: Request) -> bool:
    """Whether the URL names the file's version, so its bytes can never change."""
    if req.path.startswith(SUITES):
        parts = req.path.rsplit("/", 1)[-1].split(".")
        return len(parts) > 2 and bool(FINGERPRINT.match(parts[1]))
    if req.path == "/_favicon.ico":  # Dash links it with its own version: ?v=4.4.1
        return "v" in req.args
    return req.path.startswith("/assets/") and "m" in req.args


def file_key(req: Request, response: Response) -> str:
    """Which file's bytes these are, from the server's side, not the URL's version: any number
    of made-up versions of one file (``?m=1``, ``?m=2``...) share one kept copy, so the copies
    are bounded by the files the app serves.  An asset's ETag (its mtime and size) changes
    with its bytes; a bundle in an installed package does not change while the process runs."""
    name = req.path.rsplit("/", 1)
    parts = name[-1].split(".")
    if req.path.startswith(SUITES) and len(parts) > 2:
        return f"{name[0]}/{'.'.join(parts[:1] + parts[2:])}"
    return f"{req.path}@{response.get_etag()[0] or ''}"


def cache_key(req: Request) -> str:
    """The kept copy's key (set by ``long_cache``), or "" for a response compressed afresh."""
    return g.get("perfdash_file_key", "")


class VersionedCache:
    """Flask-Compress's cache backend, holding only versioned URLs' compressed bytes.

    Flask-Compress asks every response's key (``"<algorithm>;<cache_key>"``); an unversioned
    response's key ends in ``;`` and is neither looked up nor kept.  One per app (made in
    ``install``), bounded by the number of files the app serves.
    """

    def __init__(self) -> None:
        self._kept: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return None if key.endswith(";") else self._kept.get(key)

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(";"):
            self._kept[key] = value


def long_cache(response: Response) -> Response:
    """A year, immutable, for a versioned URL answered 200.

    Flask streams a static file from disk; a versioned one is read whole here (the assets are
    small) so the compression hook keeps its compressed copy instead of compressing the
    stream on every request.
    """
    if response.status_code == 200 and versioned(request):
        g.perfdash_file_key = file_key(request, response)
        if response.is_streamed:
            response.direct_passthrough = False
            response.set_data(response.get_data())
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
        response.cache_control.no_cache = None  # Flask's static files ask to revalidate
    return response


def install(server: Flask) -> Compress:
    """Compression and cache headers on ``server``.  Call before ``security.install``: Flask runs
    after-request hooks last-registered first, so the security headers (which hash the page's
    inline scripts) read the body before it is compressed."""
    server.config.update(
        COMPRESS_ALGORITHM=ALGORITHMS,
        COMPRESS_ALGORITHM_STREAMING=[a for a in ALGORITHMS if a != "gzip"],
        COMPRESS_BR_LEVEL=BROTLI_LEVEL,
        COMPRESS_CACHE_BACKEND=VersionedCache,
        COMPRESS_CACHE_KEY=cache_key,
    )
    compress = Compress(server)
    server.after_request(long_cache)  # runs before the compression hook registered above
    return compress
