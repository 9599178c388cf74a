"""The integration's modules import one way: no circle, no import hidden in a function.

An import inside a function is how a circle is usually "broken"; it hides
the circle instead. Imports under ``if TYPE_CHECKING:`` are for annotations
only and are left out (they do not run).
"""

from __future__ import annotations

import ast
from pathlib import Path

from .source import COMPONENT

PACKAGE = "custom_components.alarmhub"


def _module_name(path: Path) -> str:
    parts = path.relative_to(COMPONENT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((PACKAGE, *parts))


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    """Return the integration's modules an import statement names."""
    if node.level == 0:
        base = node.module or ""
    else:
        parts = module.split(".")
        if not is_package:
            parts = parts[:-1]
        parts = parts[: len(parts) - (node.level - 1)]
        base = ".".join([*parts, *([node.module] if node.module else [])])
    if not base.startswith(PACKAGE):
        return []
    return [base] if node.module else [f"{base}.{alias.name}" for alias in node.names]


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _graph() -> tuple[dict[str, set[str]], set[str]]:
    modules = {_module_name(path): path for path in sorted(COMPONENT.rglob("*.py"))}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    hidden: set[str] = set()
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text())
        body = list(tree.body)
        while body:
            node = body.pop(0)
            if isinstance(node, ast.If) and not _is_type_checking(node):
                body.extend(node.body + node.orelse)
            elif isinstance(node, ast.Try):
                body.extend(node.body + node.orelse + node.finalbody)
            elif isinstance(node, ast.ImportFrom):
                for target in _resolve(name, is_package, node):
                    # ``from . import x`` may name a module or a package attribute
                    graph[name].add(
                        target if target in modules else target.rsplit(".", 1)[0]
                    )
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.ImportFrom) and _resolve(
                        name, is_package, inner
                    ):
                        hidden.add(f"{name}.{node.name}")
    for name, targets in graph.items():
        targets &= set(modules)
        targets.discard(name)
    return graph, hidden


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_hidden_in_a_function() -> None:
    """Every import of our own modules is at module level."""
    _, hidden = _graph()
    assert hidden == set()


def test_no_import_circle() -> None:
    """Package __init__ modules aside (they re-export), imports form no circle."""
    graph, _ = _graph()
    assert _cycle(graph) is None


def test_the_graph_sees_imports() -> None:
    """The check reads imports (a broken reader would pass vacuously)."""
    graph, _ = _graph()
    assert f"{PACKAGE}.coordinator" in graph[f"{PACKAGE}.services"]
    assert f"{PACKAGE}.panels.hub" in graph[f"{PACKAGE}.coordinator"]
