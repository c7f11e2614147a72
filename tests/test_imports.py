"""The import graph of `simulation/` has no loop, counting every import: at module level,
inside functions, and under `if TYPE_CHECKING:`.

A package's own `__init__` is not counted as imported by its submodules (Python runs it, but
it is the package's front door, not a dependency), so `simulation/__init__.py` may re-export
anything; an explicit `from .policing import X` does count as importing `simulation.policing`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent / "simulation"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> nx.DiGraph:
    """Module -> modules of `simulation` it imports, anywhere in its source."""
    files = {module_name(p): p for p in ROOT.rglob("*.py")}
    graph = nx.DiGraph()
    graph.add_nodes_from(files)
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - (node.level - 1)]
                    module = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    module = node.module or ""
                # `from . import fonts` imports the submodule `fonts`
                subs = [f"{module}.{a.name}" for a in node.names]
                targets = [s for s in subs if s in files] or [module]
            for target in targets:
                while target and target not in files:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph.add_edge(name, target)
    return graph


def test_the_graph_sees_every_kind_of_import() -> None:
    """The scan is not vacuous: it sees imports inside functions and under TYPE_CHECKING."""
    graph = import_graph()
    assert len(graph) > 30
    assert graph.has_edge("simulation.cli", "simulation.plan.run")  # inside a function
    assert graph.has_edge("simulation.agents", "simulation.region")  # under TYPE_CHECKING


def test_no_import_loop() -> None:
    loops = [sorted(c) for c in nx.strongly_connected_components(import_graph()) if len(c) > 1]
    assert not loops, "import loops:\n" + "\n".join(" <-> ".join(c) for c in loops)
