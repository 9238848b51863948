"""The package's layers import one way: model (logic) <- charts (drawing) <- explore (widgets); no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

from course_root import ROOT

PACKAGE = ROOT / "src" / "fourislands"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    """Return, for each module of the package, every module it imports anywhere (TYPE_CHECKING too)."""
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        name = module_name(path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = found.setdefault(name, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    module = f"{base}.{node.module}" if node.module else base
                else:
                    module = node.module or ""
                targets.add(module)
                # `from . import maps` imports the module maps itself.
                targets.update(f"{module}.{alias.name}" for alias in node.names)
    modules = set(found)
    return {
        name: {t for t in targets if t in modules or not t.startswith("fourislands")}
        for name, targets in found.items()
    }


def test_model_imports_no_drawing_no_widgets_and_charts_no_widgets():
    graph = imports()
    wrong = []
    for name, targets in graph.items():
        for target in targets:
            top = target.split(".")[0]
            upper = target.startswith(("fourislands.charts", "fourislands.explore"))
            if name.startswith("fourislands.model") and (top in {"ipywidgets", "matplotlib"} or upper):
                wrong.append(f"{name} -> {target}")
            if name.startswith("fourislands.charts") and (
                top == "ipywidgets" or target.startswith("fourislands.explore")
            ):
                wrong.append(f"{name} -> {target}")
    assert wrong == []


def test_no_module_of_the_package_imports_itself_through_others():
    graph = {name: {t for t in ts if t.startswith("fourislands.")} for name, ts in imports().items()}
    cycles = []
    state: dict[str, int] = {}  # 1: being visited, 2: done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph.get(name, ())):
            if target == name or target == name.rpartition(".")[0]:
                continue  # a module and the package holding it
            if state.get(target) == 1:
                cycles.append(" -> ".join(path[path.index(target) :] + [target]))
            elif target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []
