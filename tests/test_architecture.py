"""The shape of the house, read from the code: the package import graph of institute/
has no cycle, and the access markers know no domain."""

import ast
from pathlib import Path

import institute

ROOT = Path(institute.__file__).parent


def node_of(module: str) -> str | None:
    """The graph's node for ``institute.x.y``: the domain package ``x``, or a top module."""
    parts = module.split(".")
    if parts[0] != "institute" or len(parts) < 2:
        return None
    return parts[1]


def imports_of(path: Path) -> set[str]:
    """Every institute module a file imports, at any depth (functions included)."""
    package = list(path.relative_to(ROOT.parent).parts[:-1])  # a package's __init__ included
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[:len(package) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        source = node_of(".".join(path.relative_to(ROOT.parent).with_suffix("").parts))
        if source is None or source == "__init__":
            continue  # create_app wires everything together; nothing imports it
        edges = graph.setdefault(source, set())
        for module in imports_of(path):
            target = node_of(module)
            if target and target != source and target != "__init__" and \
                    ((ROOT / target).is_dir() or (ROOT / f"{target}.py").exists()):
                edges.add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
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
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_is_read_from_the_code():
    graph = import_graph()
    assert "courses" in graph["training"] and "accounts" in graph["training"]
    assert {"api", "access", "errors"} <= graph["accounts"]


def test_no_package_imports_another_in_a_circle():
    assert cycles(import_graph()) == []


def test_a_cycle_would_be_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_neutral_modules_know_no_domain():
    graph = import_graph()
    domains = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()} - {"api"}
    for neutral in ("access", "errors", "markdown", "door", "spreadsheets", "fields"):
        assert not graph.get(neutral, set()) & domains, neutral
    assert not graph["api"] & domains  # the API machinery: domains register with it
