"""No import cycle between frontline's sub-packages (docs/architecture.md, "Layers").

The graph is built from the source, not from what happens to be imported at run time: every `import` and
`from ... import` in frontline/ (at the top of a module, inside functions, under TYPE_CHECKING), each edge from the
importing module's sub-package (`frontline.<name>`, or a top-level module such as `wiring`) to the imported one."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import frontline

ROOT = Path(frontline.__file__).resolve().parent

# Edges known to close a cycle, kept until they are moved (each one is a reason to, not a licence). None now.
ALLOWED: set[tuple[str, str]] = set()


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not node.level:
        return [node.module or ""]
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[:len(base) - (node.level - 1)]
    return [".".join([*base, node.module] if node.module else base)]


def _sub_package(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "frontline" and len(parts) > 1 else None


def import_graph() -> dict[tuple[str, str], list[str]]:
    """(importer's sub-package, imported sub-package) -> the `module:line` of each import making that edge."""
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(ROOT.rglob("*.py")):
        module = _module_name(path)
        source = _sub_package(module)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for target in _imported(node, module, path.name == "__init__.py"):
                if target == "frontline" and isinstance(node, ast.ImportFrom):  # from frontline import wiring
                    targets = [f"frontline.{alias.name}" for alias in node.names]
                else:
                    targets = [target]
                for name in targets:
                    imported = _sub_package(name)
                    if source and imported and imported != source:
                        edges[(source, imported)].append(f"{module}:{node.lineno}")
    return dict(edges)


def cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected components of more than one package (Tarjan), each sorted."""
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle_and_nothing_else() -> None:
    assert cycles({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e")}) == [["a", "b", "c"]]
    assert cycles({("a", "b"), ("b", "c")}) == []


def test_the_graph_sees_function_level_and_relative_imports() -> None:
    edges = import_graph()
    assert "frontline.cli.main" in " ".join(edges[("cli", "kit")])  # imported inside the commands only
    assert any(where.startswith("frontline.web.pages.planner:") for where in edges[("web", "workforce")])


def test_no_import_cycle_between_sub_packages() -> None:
    edges = import_graph()
    found = cycles(set(edges) - ALLOWED)
    report = "\n".join(
        f"cycle {' <-> '.join(members)}:\n" + "\n".join(
            f"  {a} -> {b}: {', '.join(edges[(a, b)])}" for a in members for b in members if (a, b) in edges)
        for members in found)
    assert not found, report


def test_every_allowed_edge_still_exists() -> None:
    """An allowed edge that is gone must leave the list, so the list never hides a new one."""
    known = set(import_graph())
    assert not ALLOWED - known, ALLOWED - known
