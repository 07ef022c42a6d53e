"""The store package's shape: callers write ``store.x`` for every public name, and the modules
behind it import only downwards (schema, vocab, config, each other without a loop)."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

from perfdash import store

STORE = Path(store.__file__).parent
ALLOWED_OUTSIDE = {
    "perfdash.config",
    "perfdash.exact",
    "perfdash.migrations",
    "perfdash.schema",
    "perfdash.vocab",
}


def modules() -> dict[str, ast.Module]:
    return {
        path.stem: ast.parse(path.read_text())
        for path in sorted(STORE.glob("*.py"))
        if path.name != "__init__.py"
    }


def public_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {name for name in names if not name.startswith("_")}


def perfdash_imports(tree: ast.Module) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.split(".")[0] in ("perfdash", "dash", "flask")}


def test_every_public_name_is_exported_in_sorted_order():
    defined = set().union(*(public_names(tree) for tree in modules().values()))
    assert defined - set(store.__all__) == set()
    assert store.__all__ == sorted(store.__all__)
    assert [name for name in store.__all__ if not hasattr(store, name)] == []


def test_store_modules_import_only_downwards_and_without_a_loop():
    graph = {}
    for name, tree in modules().items():
        imports = perfdash_imports(tree)
        outside = {i for i in imports if not i.startswith("perfdash.store.")}
        layers = {i if i in ALLOWED_OUTSIDE else i.rsplit(".", 1)[0] for i in outside}
        assert layers <= ALLOWED_OUTSIDE, name  # never a face, never Dash or Flask
        graph[name] = {i.removeprefix("perfdash.store.") for i in imports - outside}
    order = list(graphlib.TopologicalSorter(graph).static_order())  # raises on a loop
    assert order.index("errors") < order.index("engine") < order.index("blocks")
