"""Committed notebooks are clean, short-celled and lean on the package.

They run under nbval (pytest collects notebooks/), where the project's conftest.py also fails a lesson
that prints to stderr or uses over 8 seconds of processor time.
"""

from __future__ import annotations

import json

import nbformat
import pytest
from course_root import ROOT

NOTEBOOKS = sorted(
    p for folder in ("notebooks", "exercises", "solutions", "apps") for p in (ROOT / folder).glob("*.ipynb")
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
    # Every notebook but the bibliography, which is text only, works through the package.
    assert any("fourislands" in source for source in code) or path.name == "bibliography.ipynb"
    for source in code:
        assert len(source.splitlines()) <= MAX_CODE_LINES, source[:80]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_markdown_writes_no_dollar_sign(path):
    # JupyterLab's MathJax typesets the text between two dollar signs as LaTeX, and the escape it
    # needs (two backslashes) shows in every other viewer: amounts are written "USD 30 billion".
    notebook = nbformat.read(path, as_version=4)
    dollars = [c.source[:60] for c in notebook.cells if c.cell_type == "markdown" and "$" in c.source]
    assert dollars == [], f"write amounts as 'USD 30 billion', not with '$': {dollars}"


def test_the_start_notebook_exists():
    assert (ROOT / "notebooks" / "00-start-here.ipynb") in NOTEBOOKS


def test_every_notebook_stores_the_kernel_and_language_info_its_kernel_reports():
    # JupyterLab copies the kernel's name and language_info into a notebook it opens: a notebook
    # storing other values is marked modified (unsaved) the moment a student opens it.
    from ipykernel.ipkernel import IPythonKernel
    from jupyter_client.kernelspec import KernelSpecManager

    reported = IPythonKernel.language_info  # what the kernel answers a kernel_info request with
    spec = KernelSpecManager().get_kernel_spec("python3")
    paths = [
        p
        for folder in ("notebooks", "exercises", "solutions", "apps")
        for p in (ROOT / folder).glob("*.ipynb")
    ]
    assert len(paths) >= 20
    for path in paths:
        metadata = json.loads(path.read_text(encoding="utf-8"))["metadata"]
        assert metadata["kernelspec"] == {
            "display_name": spec.display_name,
            "language": "python",
            "name": "python3",
        }
        stored = metadata["language_info"]
        assert set(stored) == set(reported), path.name
        assert {k: v for k, v in stored.items() if k != "version"} == {
            k: v for k, v in reported.items() if k != "version"
        }, path.name
