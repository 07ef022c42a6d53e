"""A local HTTP server (127.0.0.1) that answers like the platforms' APIs, and the answers.

Shared by the collector tests, ``perfdash collect`` and the "Collect now" panel.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class FakeApis:
    """A tiny HTTP server; ``routes[path]`` is a list of answers used in turn (last repeats).

    An answer is (status, json body, headers) or a callable(query) returning one.
    """

    def __init__(self) -> None:
        self.routes: dict[str, list] = {}
        self.requests: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                fake.requests.append(
                    {
                        "method": self.command,
                        "path": parts.path,
                        "query": query,
                        "headers": dict(self.headers),
                        "body": body,
                    }
                )
                answers = fake.routes.get(parts.path)
                if not answers:
                    status, payload, headers = 404, {"error": "no route"}, {}
                else:
                    answer = answers.pop(0) if len(answers) > 1 else answers[0]
                    if callable(answer):
                        answer = answer(query)
                    status, payload, headers = answer
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def on(self, path: str, *answers) -> None:
        self.routes[path] = list(answers)

    def calls(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["path"] == path]

    @property
    def base_urls(self) -> dict[str, str]:
        return {
            "youtube": self.base + "/youtube/v3",
            "lastfm": self.base + "/2.0",
            "deezer": self.base + "/deezer",
            "spotify": self.base + "/spotify",
            "spotify_accounts": self.base + "/accounts",
        }

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def ok(body, headers=None):
    return (200, body, headers or {})


def yt_item(video, views="1000", likes="50", comments="7"):
    stats = {"viewCount": views, "favoriteCount": "0"}
    if likes is not None:
        stats["likeCount"] = likes
    if comments is not None:
        stats["commentCount"] = comments
    return {"kind": "youtube#video", "etag": "x", "id": video, "statistics": stats}


def yt_answer(items_by_id: dict[str, dict]) -> Callable:
    def answer(query):
        ids = query["id"].split(",")
        items = [items_by_id[i] for i in ids if i in items_by_id]
        return ok(
            {
                "kind": "youtube#videoListResponse",
                "etag": "e",
                "items": items,
                "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
            }
        )

    return answer
