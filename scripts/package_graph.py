#!/usr/bin/env python3
"""Print the import graph between the packages of `service/` and the top-level packages, and fail on a cycle.

Nodes: each package `service/<pkg>/` and each loose module `service/<mod>.py` (`service.<name>`), and the
top-level packages `web`, `transcoding`, `search`, `storage`. Every import counts, wherever it stands: at module
level, under `if TYPE_CHECKING:` or inside a function — an import inside a function still ties the two packages
together, it only hides the tie from the import system.

Exit status 1 when the service nodes form a cycle (each strongly connected component is printed with one
concrete cycle through it and the modules that make each step), 0 otherwise.
`--dot` prints the graph in Graphviz format instead.

There is no list of tolerated cycles: the packages form one dependency order (the layers contract in
pyproject.toml spells it out for import-linter), and any cycle, however it is reached, fails.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOP = ("service", "web", "transcoding", "search", "storage")

Edges = dict[str, dict[str, set[str]]]  # source node -> target node -> "module -> module" witnesses


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def node_of(module: str) -> str | None:
    """The graph node a dotted module name belongs to, or None outside the project."""
    parts = module.split(".")
    if parts[0] not in TOP:
        return None
    if parts[0] != "service" or len(parts) == 1:
        return parts[0]
    return f"service.{parts[1]}"


def imported_modules(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Dotted names every import statement of the module refers to (relative imports resolved)."""
    found: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for stmt in ast.walk(tree):
        if isinstance(stmt, ast.Import):
            found.update(alias.name for alias in stmt.names)
        elif isinstance(stmt, ast.ImportFrom):
            base = stmt.module or ""
            if stmt.level:
                anchor = package.split(".")[: len(package.split(".")) - (stmt.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from service import outbox` names a module: the submodule is the dependency
            found.update(f"{base}.{alias.name}" if base in TOP else base for alias in stmt.names)
    return found


def build_graph() -> Edges:
    edges: Edges = defaultdict(lambda: defaultdict(set))
    for top in TOP:
        for path in sorted((ROOT / top).rglob("*.py")):
            module = module_name(path)
            source = node_of(module)
            assert source is not None
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for target_module in imported_modules(tree, module, path.name == "__init__.py"):
                target = node_of(target_module)
                if target is not None and target != source and target != "service":
                    edges[source][target].add(f"{module} -> {target_module}")
    return edges


def strongly_connected(nodes: list[str], edges: Edges) -> list[list[str]]:
    """Tarjan's algorithm; components of more than one node, each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, {})):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in nodes:
        if node not in index:
            visit(node)
    return components


def one_cycle(component: list[str], edges: Edges) -> list[str]:
    """A shortest cycle through the component's first node, found breadth-first inside the component."""
    members = set(component)
    start = component[0]
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(edges.get(node, {})):
                if target not in members:
                    continue
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*reversed(path), start]
                if target not in previous:
                    previous[target] = node
                    following.append(target)
        frontier = following
    return [start]


def print_graph(nodes: list[str], edges: Edges) -> None:
    for node in nodes:
        targets = sorted(edges.get(node, {}))
        print(f"{node} -> {', '.join(targets) if targets else '(nothing)'}")


def print_dot(nodes: list[str], edges: Edges) -> None:
    print("digraph packages {")
    for node in nodes:
        for target in sorted(edges.get(node, {})):
            print(f'  "{node}" -> "{target}";')
    print("}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dot", action="store_true", help="print Graphviz instead of the text listing")
    args = parser.parse_args()
    edges = build_graph()
    nodes = sorted(set(edges) | {t for targets in edges.values() for t in targets})
    if args.dot:
        print_dot(nodes, edges)
    else:
        print_graph(nodes, edges)
    service_nodes = [n for n in nodes if n.startswith("service.")]
    service_edges: Edges = {n: {t: w for t, w in edges.get(n, {}).items() if t.startswith("service.")}
                            for n in service_nodes}
    components = strongly_connected(service_nodes, service_edges)
    if not components:
        print("\nno import cycle between service packages", file=sys.stderr)
    else:
        print(f"\n{len(components)} import cycle(s) between service packages:", file=sys.stderr)
    for component in components:
        cycle = one_cycle(component, service_edges)
        print(f"- {len(component)} packages: {', '.join(component)}", file=sys.stderr)
        print(f"  for example {' -> '.join(cycle)}:", file=sys.stderr)
        for source, target in zip(cycle, cycle[1:], strict=False):
            print(f"    {sorted(service_edges[source][target])[0]}", file=sys.stderr)
    return 1 if components else 0

if __name__ == "__main__":
    sys.exit(main())
