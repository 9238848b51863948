"""Committed notebooks are clean, short-celled, and lean on the package (they run under nbval)."""

from __future__ import annotations

import time

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient

NOTEBOOKS = sorted(
    p for folder in ("notebooks", "exercises", "solutions") for p in (ROOT / folder).glob("*.ipynb")
)
MAX_CODE_LINES = 12


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_valid_and_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.parent.name == "notebooks"], ids=lambda p: p.name)
def test_code_cells_are_short_and_use_the_package(path):
    notebook = nbformat.read(path, as_version=4)
    code = [c.source for c in notebook.cells if c.cell_type == "code"]
    assert any("fourislands" in source for source in code)
    for source in code:
        assert len(source.splitlines()) <= MAX_CODE_LINES, source[:80]


def test_the_start_notebook_exists():
    assert (ROOT / "notebooks" / "00-start-here.ipynb") in NOTEBOOKS


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_lesson_runs_on_a_fresh_kernel_in_seconds_without_warnings(path):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    seconds = []
    with client.setup_kernel():  # the kernel's start is the machine's, not the lesson's: not timed
        for index, cell in enumerate(notebook.cells):
            start = time.perf_counter()
            client.execute_cell(cell, index)
            seconds.append(time.perf_counter() - start)
    noise = [
        output.get("text", output.get("evalue", ""))[:200]
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error" or output.get("name") == "stderr"
    ]
    assert not noise, noise
    slowest = sorted(range(len(seconds)), key=seconds.__getitem__)[-3:]
    assert sum(seconds) < 10, (
        f"{path.name} took {sum(seconds):.1f} s; slowest cells {[(i, round(seconds[i], 1)) for i in slowest]}"
    )
