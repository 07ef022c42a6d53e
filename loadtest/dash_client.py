"""A Dash client without a browser: the callback requests a browser sends to show a page.

Dash's renderer, reduced to what decides which requests go out: it holds every component's
props (the app's layout, then each layout a callback returns), fires a callback when the
layout that holds its inputs arrives (unless ``prevent_initial_call``) and again whenever a
callback's answer changes one of its inputs; a callback whose inputs another pending
callback will set waits for it, and the callbacks that are ready go out together, as the
browser sends them.  Clientside callbacks run in the browser and send nothing.  Of the
pattern-matching ids, ``ALL`` in a State is sent as the browser sends it (every matching
component's value); a callback with a pattern in an Input or Output is left out (the views'
first requests fire none).  The requests are checked
against a real browser's in ``tests/test_loadtest_run_browser.py``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

UPDATE = "/_dash-update-component"
MAX_WAVES = 50  # a view that keeps firing past this is a loop, reported as a failure
Props = dict[str, dict[str, Any]]


@dataclass
class View:
    """What showing one page took: each callback's output spec in the order sent, per wave."""

    waves: list[list[str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    callback_ms: list[float] = field(default_factory=list)  # each request, sent to answered

    @property
    def requests(self) -> list[str]:
        return [output for wave in self.waves for output in wave]


def collect_props(node: Any, found: Props) -> set[str]:
    """Add id -> props of every component in a layout tree to ``found``; return the ids."""
    ids: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            props = item.get("props")
            if isinstance(props, dict):
                cid = props.get("id")
                if isinstance(cid, dict):  # a pattern-matching component, as Dash names it
                    cid = json.dumps(cid, sort_keys=True, separators=(",", ":"))
                if isinstance(cid, str):
                    found[cid] = dict(props)
                    ids.add(cid)
                stack.extend(v for v in props.values() if isinstance(v, list | dict))
    return ids


def _targets(output: str) -> list[tuple[str, str]]:
    parts = output.strip(".").split("...") if output.startswith("..") else [output]
    return [(p.rsplit(".", 1)[0], p.rsplit(".", 1)[1].split("@")[0]) for p in parts]


def _pairs(items: list[dict]) -> list[tuple[str, str]]:
    return [(i["id"], i["property"]) for i in items]


def server_callbacks(deps: list[dict]) -> list[dict]:
    """The callbacks that reach the server, with string ids only."""

    def plain(dep: dict) -> bool:
        ids = [i for i, _ in _pairs(dep["inputs"])] + [i for i, _ in _targets(dep["output"])]
        states = [i for i, _ in _pairs(dep.get("state", []))]
        return not any(i.startswith("{") for i in ids) and all(
            not i.startswith("{") or _wildcards(i) <= {"ALL"} for i in states
        )

    return [d for d in deps if not d.get("clientside_function") and plain(d)]


def _wildcards(pattern: str) -> set[str]:
    return {v[0] for v in json.loads(pattern).values() if isinstance(v, list)}


def _matches(pattern: dict, cid: dict) -> bool:
    return cid.keys() == pattern.keys() and all(
        isinstance(want, list) or cid[key] == want for key, want in pattern.items()
    )


def payload(dep: dict, props: Props, changed: list[str]) -> dict:
    def spec(cid: str, prop: str) -> dict | list[dict]:
        if not cid.startswith("{"):
            return {"id": cid, "property": prop, "value": props.get(cid, {}).get(prop)}
        pattern = json.loads(cid)  # ALL: every matching component, in the layout's order
        found = [(json.loads(k), v) for k, v in props.items() if k.startswith("{")]
        return [
            {"id": key, "property": prop, "value": value.get(prop)}
            for key, value in found
            if _matches(pattern, key)
        ]

    outputs = [{"id": cid, "property": prop} for cid, prop in _targets(dep["output"])]
    return {
        "output": dep["output"],
        "outputs": outputs if dep["output"].startswith("..") else outputs[0],
        "inputs": [spec(*p) for p in _pairs(dep["inputs"])],
        "state": [spec(*p) for p in _pairs(dep.get("state", []))],
        "changedPropIds": changed,
    }


async def _post(client: httpx.AsyncClient, body: dict) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    answer = await client.post(UPDATE, json=body)
    return answer, (time.perf_counter() - started) * 1000


class _Run:
    def __init__(self, deps: list[dict], props: Props) -> None:
        self.deps = server_callbacks(deps)
        self.props = props
        self.pending: dict[int, list[str]] = {}  # callback index -> changedPropIds

    def arrived(self, ids: set[str]) -> None:
        """A layout arrived: its callbacks fire once (initial call), unless told not to."""
        for n, dep in enumerate(self.deps):
            inputs = {i for i, _ in _pairs(dep["inputs"])}
            outputs = {i for i, _ in _targets(dep["output"])}
            if dep.get("prevent_initial_call") or not (inputs | outputs) & ids:
                continue
            if inputs <= set(self.props):
                self.pending.setdefault(n, [])

    def changed(self, source: int, cid: str, prop: str) -> None:
        for n, dep in enumerate(self.deps):
            if n != source and (cid, prop) in _pairs(dep["inputs"]):
                if {i for i, _ in _pairs(dep["inputs"])} <= set(self.props):
                    self.pending.setdefault(n, []).append(f"{cid}.{prop}")

    def ready(self) -> list[int]:
        """Pending callbacks none of whose inputs another pending callback will set."""
        waiting_on = {n: {t for t in _targets(self.deps[n]["output"])} for n in self.pending}
        out = []
        for n in self.pending:
            inputs = set(_pairs(self.deps[n]["inputs"]))
            if not any(inputs & targets for m, targets in waiting_on.items() if m != n):
                out.append(n)
        return out or list(self.pending)[:1]  # a cycle: one at a time, as Dash does

    def apply(self, source: int, response: dict) -> None:
        for cid, values in (response.get("response") or {}).items():
            for prop, value in values.items():
                self.props.setdefault(cid, {})[prop] = value
                new_ids = collect_props(value, self.props) if prop == "children" else set()
                self.changed(source, cid, prop)
                if new_ids:
                    self.arrived(new_ids)


async def show(
    client: httpx.AsyncClient,
    path: str,
    *,
    deps: list[dict] | None = None,
    check: Callable[[httpx.Response], str | None] | None = None,
) -> View:
    """GET ``path`` and every request the browser then makes for its view (layout,
    dependencies unless given, the callbacks); ``check`` names a failed answer."""
    view = View()
    page = await client.get(path)
    if page.status_code != 200:
        view.failures.append(f"GET {path} {page.status_code}")
        return view
    layout = await client.get("/_dash-layout")
    if deps is None:
        deps = (await client.get("/_dash-dependencies")).json()
    props: Props = {}
    ids = collect_props(layout.json(), props)
    url = httpx.URL(str(client.base_url).rstrip("/") + path)
    query = url.query.decode()
    props.setdefault("url", {}).update(
        pathname=url.path, search=f"?{query}" if query else "", href=str(url), hash=""
    )
    run = _Run(deps, props)
    run.arrived(ids)
    while run.pending:
        if len(view.waves) >= MAX_WAVES:
            view.failures.append(f"still firing after {MAX_WAVES} waves: {run.pending}")
            break
        wave = run.ready()
        sent = [(n, payload(run.deps[n], props, run.pending.pop(n))) for n in wave]
        timed = await asyncio.gather(*(_post(client, body) for _, body in sent))
        view.waves.append([body["output"] for _, body in sent])
        view.callback_ms += [ms for _, ms in timed]
        for (n, body), (answer, _) in zip(sent, timed, strict=True):
            problem = (check(answer) if check else None) or (
                None if answer.status_code in (200, 204) else f"{answer.status_code}"
            )
            if problem:
                view.failures.append(f"{body['output'][:60]}: {problem}")
            elif answer.status_code == 200:
                run.apply(n, answer.json())
    return view
