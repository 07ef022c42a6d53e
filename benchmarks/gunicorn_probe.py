"""Serve the app with gunicorn against a database, send dashboard callbacks, read worker RSS.

The requests are the ones a browser sends: the page callback renders /dashboard for a release,
then every callback whose inputs are on that page is called with the page's own values (so the
probe keeps working as the dashboard gains controls).  Worker RSS is read from /proc.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            out.append(int(entry.name))
    return out


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _collect_props(node: Any, found: dict[str, dict[str, Any]]) -> None:
    """Map component id -> props for every component in a layout tree."""
    if isinstance(node, list):
        for item in node:
            _collect_props(item, found)
        return
    if not isinstance(node, dict):
        return
    props = node.get("props")
    if isinstance(props, dict):
        cid = props.get("id")
        if isinstance(cid, str):
            found[cid] = props
        for value in props.values():
            _collect_props(value, found)


def _outputs(spec: str) -> list[dict[str, str]]:
    parts = spec.strip(".").split("...") if spec.startswith("..") else [spec]
    out = []
    for part in parts:
        cid, prop = part.rsplit(".", 1)
        out.append({"id": cid, "property": prop})
    return out


def _call(client: httpx.Client, cb: dict, values: dict[str, dict[str, Any]]) -> httpx.Response:
    outputs = _outputs(cb["output"])
    inputs = [
        {
            "id": i["id"],
            "property": i["property"],
            "value": values.get(i["id"], {}).get(i["property"]),
        }
        for i in cb["inputs"]
    ]
    state = [
        {
            "id": s["id"],
            "property": s["property"],
            "value": values.get(s["id"], {}).get(s["property"]),
        }
        for s in cb.get("state", [])
    ]
    body = {
        "output": cb["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": inputs,
        "state": state,
        "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs[:1]],
    }
    return client.post("/_dash-update-component", json=body)


def probe(
    database_url: str, release_ids: list[int], *, requests: int = 200, workers: int = 2
) -> dict[str, Any]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PERFDASH_AUTH": "off",
        "PERFDASH_SECRET_KEY": secrets.token_hex(16),
        "PERFDASH_TZ": "Europe/Berlin",
        "PORT": str(port),
    }
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    proc = subprocess.Popen(
        [gunicorn, "app:server", "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
        + ["--timeout", "120", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    statuses: dict[str, int] = {}
    sent = 0
    try:
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
        deadline = time.time() + 60
        while True:
            try:
                if client.get("/healthz").status_code < 500:
                    break
            except httpx.TransportError:
                pass
            if time.time() > deadline or proc.poll() is not None:
                err = proc.stderr.read().decode() if proc.poll() is not None else ""
                raise RuntimeError(f"gunicorn did not start: {err[-2000:]}")
            time.sleep(0.3)
        deps = client.get("/_dash-dependencies").json()
        layout = client.get("/_dash-layout").json()
        base: dict[str, dict[str, Any]] = {}
        _collect_props(layout, base)
        page_cb = next(
            cb
            for cb in deps
            if any(i["id"] == "url" for i in cb["inputs"]) and "page" in cb["output"]
        )
        pattern = [cb for cb in deps if "{" in cb["output"] or cb.get("clientside_function")]
        i = 0
        while sent < requests:
            rid = release_ids[i % len(release_ids)]
            i += 1
            values = {k: dict(v) for k, v in base.items()}
            values.setdefault("url", {}).update(
                {"pathname": "/dashboard", "search": f"?release={rid}"}
            )
            resp = _call(client, page_cb, values)
            sent += 1
            statuses[str(resp.status_code)] = statuses.get(str(resp.status_code), 0) + 1
            if resp.status_code != 200:
                continue
            page = resp.json().get("response", {})
            _collect_props(page, values)
            if "dash-release" in values:
                values["dash-release"]["value"] = rid
            for cb in deps:
                if cb is page_cb or cb in pattern or sent >= requests:
                    continue
                ids = [x["id"] for x in cb["inputs"]]
                if not any(x.startswith("dash-") for x in ids) or not all(x in values for x in ids):
                    continue
                r = _call(client, cb, values)
                sent += 1
                statuses[str(r.status_code)] = statuses.get(str(r.status_code), 0) + 1
                if r.status_code == 200:
                    for cid, props in r.json().get("response", {}).items():
                        if isinstance(props, dict) and cid in values:
                            values[cid].update(props)
        workers_rss = [rss_mb(pid) for pid in _children(proc.pid)]
        return {
            "worker_rss_mb": round(max(workers_rss), 1) if workers_rss else None,
            "worker_rss_all_mb": [round(x, 1) for x in workers_rss],
            "requests_sent": sent,
            "request_statuses": statuses,
            "workers": workers,
        }
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


if __name__ == "__main__":  # manual use: python benchmarks/gunicorn_probe.py URL ID...
    print(json.dumps(probe(sys.argv[1], [int(x) for x in sys.argv[2:]])))
