"""The seminar apps in apps/: four clean notebooks that each show one explorer and run without noise."""

from __future__ import annotations

import ast
import asyncio
import importlib
import inspect
import re
from pathlib import Path

import nbformat
import pytest

from fourislands.kernels import notebook_client

ROOT = Path(__file__).resolve().parents[1]
APPS = ROOT / "apps"
# app notebook -> the explorer it shows (its module and public function)
EXPLORERS = {
    "02-split-calculator.ipynb": ("fourislands.explore.split", "split_explorer"),
    "03-range-map.ipynb": ("fourislands.explore.ranges", "range_explorer"),
    "05-survey-explorer.ipynb": ("fourislands.explore.survey", "survey_explorer"),
    "07-roleplay-scorer.ipynb": ("fourislands.explore.roleplay", "roleplay_explorer"),
}
INDEX = "index.ipynb"  # the start page of `make seminar`: each app's title and what it is for
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def code_of(notebook: nbformat.NotebookNode) -> list[str]:
    """Return the source of every code cell."""
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def import_problems(source: str) -> list[str]:
    """Return what is wrong with the imports of a cell: anything but public functions of the package."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            problems.append(
                f"'import {', '.join(a.name for a in node.names)}': import package functions only"
            )
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level or module.split(".")[0] != "fourislands" or "._" in f".{module}":
                problems.append(f"'from {module}': only the public modules of fourislands")
                continue
            for alias in node.names:
                found = getattr(importlib.import_module(module), alias.name, None)
                if alias.name.startswith("_") or not inspect.isfunction(found):
                    problems.append(f"{module}.{alias.name} is not a public function")
    return problems


def explorer_states(notebook: nbformat.NotebookNode) -> dict[str, dict]:
    """Return {model id: state} for every widget model carrying the class fi-explorer, after a run."""
    models = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    return {
        key: m["state"] for key, m in models.items() if "fi-explorer" in m["state"].get("_dom_classes", [])
    }


@pytest.fixture(scope="module")
def run_apps() -> dict[str, nbformat.NotebookNode]:
    """Run each app on a fresh kernel of its own, as Voila does; return the executed notebooks by name.

    The four run at once: most of each run is a kernel starting and importing, which overlaps well.
    """
    notebooks = {name: nbformat.read(APPS / name, as_version=4) for name in EXPLORERS}
    clients = [
        notebook_client(notebook, APPS, timeout=60, store_widget_state=True)
        for notebook in notebooks.values()
    ]

    async def run_all() -> None:
        await asyncio.gather(*(client.async_execute() for client in clients))

    asyncio.run(run_all())
    return notebooks


def test_the_apps_folder_holds_the_four_apps_their_index_and_its_readme():
    assert sorted(p.name for p in APPS.glob("*.ipynb")) == sorted([*EXPLORERS, INDEX])
    readme = (APPS / "README.md").read_text(encoding="utf-8")
    for name in [*EXPLORERS, INDEX]:
        assert name in readme


def test_the_index_links_every_app_by_its_title_with_a_line_on_what_it_is_for():
    index = nbformat.read(APPS / INDEX, as_version=4)
    assert [cell.cell_type for cell in index.cells] == ["markdown"]
    listed = re.findall(r"^- \[([^\]]+)\]\(([^)]+)\): (\S.{20,})$", index.cells[0].source, re.MULTILINE)
    assert sorted(name for _, name, _ in listed) == sorted(EXPLORERS)
    for title, name, _what_for in listed:
        app_title = re.search(r"^# (.+)$", nbformat.read(APPS / name, as_version=4).cells[0].source, re.M)
        assert app_title.group(1) == title, name


@pytest.mark.parametrize("name", EXPLORERS)
def test_each_app_leads_back_to_the_index_before_its_title(name):
    intro = nbformat.read(APPS / name, as_version=4).cells[0].source
    back = intro.find(f"]({INDEX})")
    assert 0 <= back < intro.find("\n# "), "no link back to the index above the title"


@pytest.mark.parametrize("name", EXPLORERS)
def test_app_is_valid_and_committed_without_outputs(name):
    notebook = nbformat.read(APPS / name, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


@pytest.mark.parametrize("name", EXPLORERS)
def test_app_has_a_title_two_sentences_for_the_room_the_explorer_and_a_source(name):
    notebook = nbformat.read(APPS / name, as_version=4)
    kinds = [cell.cell_type for cell in notebook.cells]
    assert kinds == ["markdown", "code", "markdown"], kinds
    intro, _, source = notebook.cells
    assert re.search(r"^# \S", intro.source, re.MULTILINE), "no title"
    room = re.search(r"^\*\*For the room\.\*\* (.+)$", intro.source, re.MULTILINE)
    assert room, "no instructions for the room"
    # A sentence ends at ., ! or ? followed by a space or the end; decimals like 6.9 do not count.
    assert len(re.findall(r"[.!?](?:\s|$)", room.group(1))) == 2, room.group(1)
    assert source.source.startswith("**Source:**")


@pytest.mark.parametrize("name", EXPLORERS)
def test_app_imports_only_public_functions_of_the_package(name):
    module, function = EXPLORERS[name]
    (code,) = code_of(nbformat.read(APPS / name, as_version=4))
    assert import_problems(code) == []
    statements = ast.parse(code).body
    assert ast.unparse(statements[0]) == f"from {module} import {function}"
    assert ast.unparse(statements[-1]) == f"{function}(projector=True)", (
        "the cell must end by showing the explorer, drawn for a projector"
    )


def test_the_import_check_catches_private_and_outside_imports():
    assert import_problems("from fourislands.explore.split import split_explorer") == []
    assert import_problems("import ipywidgets")
    assert import_problems("from ipywidgets import HTML")
    assert import_problems("from fourislands.explore.split import _build")
    assert import_problems("from fourislands.explore.split import Split")  # a class, not a function
    assert import_problems("from fourislands.model.seminar import Package")  # a class, not a function
    assert import_problems("from .split import split_explorer")


@pytest.mark.parametrize("name", EXPLORERS)
def test_app_runs_top_to_bottom_without_errors_or_stderr(run_apps, name):
    noise = [
        output.get("text", output.get("evalue", ""))[:200]
        for source_cell in run_apps[name].cells
        if source_cell.cell_type == "code"
        for output in source_cell.outputs
        if output.output_type == "error" or output.get("name") == "stderr"
    ]
    assert noise == []


@pytest.mark.parametrize("name", EXPLORERS)
def test_app_shows_exactly_one_explorer(run_apps, name):
    notebook = run_apps[name]
    (code_cell,) = [cell for cell in notebook.cells if cell.cell_type == "code"]
    shown = [o for o in code_cell.outputs if WIDGET_VIEW in o.get("data", {})]
    assert len(shown) == 1, f"{len(shown)} widgets shown"
    explorers = explorer_states(notebook)
    assert list(explorers) == [shown[0]["data"][WIDGET_VIEW]["model_id"]]


def test_the_one_explorer_check_notices_a_second_explorer(run_apps):
    notebook = nbformat.from_dict(run_apps["02-split-calculator.ipynb"])
    state = notebook.metadata.widgets[WIDGET_STATE]["state"]
    (model_id,) = explorer_states(notebook)
    state["copy"] = state[model_id]
    assert len(explorer_states(notebook)) == 2
