"""Read what students submit, whatever saved it, and turn it into steps to run against the source."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..exercise_build import (
    WRITTEN_PLACEHOLDER,
    nbgrader_meta,
    questions,
    solution_path,
    student_version,
)
from .runner import Step

MAX_BYTES = 20 * 1024 * 1024


def student_id(path: Path, taken: set[str]) -> str:
    """Return a file-safe student id from a file name, unique among those already taken."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", path.stem).strip("._") or "student"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    taken.add(candidate)
    return candidate


def _source_text(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def read_notebook(path: Path) -> tuple[nbformat.NotebookNode | None, str | None]:
    """Return the notebook in a file (upgraded to nbformat 4), or None and the reason it is not one."""
    try:
        size = path.stat().st_size
        if size == 0:
            return None, "the file is empty"
        if size > MAX_BYTES:
            return (
                None,
                f"the file is too large ({size // 1024 // 1024} MB) to be an exercise notebook",
            )
        raw = path.read_bytes()
    except OSError as error:
        return None, f"the file cannot be read ({error.strerror or error})"
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return (
            None,
            "not a notebook: the file is not JSON text (a PDF, a .py file or a screenshot renamed?)",
        )
    if not isinstance(document, dict) or not isinstance(
        document.get("cells", document.get("worksheets")), list
    ):
        return None, "not a Jupyter notebook: the JSON has no list of cells"
    try:
        notebook = nbformat.reads(json.dumps(document), as_version=4)
    except Exception as error:  # nbformat raises many kinds on odd documents
        return None, f"not a readable Jupyter notebook ({type(error).__name__}: {str(error)[:120]})"
    for cell in notebook.cells:
        cell["source"] = _source_text(cell)
        cell.setdefault("metadata", {})
    return notebook, None


def identify(notebook: nbformat.NotebookNode, known: dict[str, set[str]], forced: str | None) -> str | None:
    """Return the exercise a notebook answers: forced, from its metadata, or by its cells' ids."""
    if forced:
        return forced
    named = notebook.metadata.get("fourislands", {}).get("exercise")
    if named in known:
        return named
    ids = {nbgrader_meta(c).get("grade_id") for c in notebook.cells} | {c.get("id") for c in notebook.cells}
    best = max(known, key=lambda name: len(known[name] & ids), default=None)
    return best if best is not None and known[best] & ids else None


def cell_keys(name: str) -> set[str]:
    """Return the grade ids and cell ids of an exercise's cells, to recognise its submissions."""
    solution = source(name)[0]
    return {nbgrader_meta(c).get("grade_id") for c in solution.cells if nbgrader_meta(c)} | {
        c.get("id") for c in solution.cells if c.get("id")
    }


def checksum(source: str) -> str:
    """Return a checksum of a cell's source, ignoring trailing white space (as editors change it)."""
    return hashlib.sha256(
        "\n".join(line.rstrip() for line in source.strip().splitlines()).encode()
    ).hexdigest()


@dataclass
class Plan:
    """What to run for a submission, and what the grader noticed while preparing it."""

    steps: list[Step]
    answered: set[str]
    written: dict[str, str]
    notes: list[str]


@functools.cache
def _parsed_source(digest: str, content: bytes) -> tuple:
    """Return (solution, released exercise, graded questions, written questions) of a solution file."""
    solution = nbformat.reads(content.decode("utf-8"), as_version=4)
    return (solution, student_version(solution), *questions(solution))


def source(name: str) -> tuple:
    """Return the parsed solution of an exercise (parsed once per worker, re-read if it changes)."""
    content = solution_path(name).read_bytes()
    return _parsed_source(hashlib.sha256(content).hexdigest(), content)


def plan(name: str, notebook: nbformat.NotebookNode) -> Plan:
    """Return the steps for a submission: the source's locked cells, the student's answers, no tests."""
    _solution, released, graded, written_specs = source(name)
    answer_of = {spec["cell"]: (q, spec["answer"]) for q, spec in graded.items()}
    by_key = {}
    for cell in released.cells:
        by_key[nbgrader_meta(cell).get("grade_id")] = cell
        if cell.get("id"):
            by_key.setdefault(cell["id"], cell)

    def original(cell):
        return by_key.get(nbgrader_meta(cell).get("grade_id")) or by_key.get(cell.get("id"))

    steps, answered, written, notes, seen = [], set(), {}, [], set()
    present = {nbgrader_meta(original(c)).get("grade_id") for c in notebook.cells if original(c) is not None}
    if "setup" not in present:  # the imports every answer needs run first, whatever was deleted
        setup = next(c for c in released.cells if nbgrader_meta(c).get("grade_id") == "setup")
        steps.append(Step("setup", setup.source))
    for cell in notebook.cells:
        source_cell = original(cell)
        meta = nbgrader_meta(source_cell) if source_cell is not None else {}
        key = meta.get("grade_id")
        if key in seen:
            continue  # a duplicated cell runs once
        if source_cell is not None:
            seen.add(key)
        if meta.get("solution") and source_cell.cell_type == "markdown":
            text = _source_text(cell).strip()
            written[key] = "" if text == WRITTEN_PLACEHOLDER else text
        elif meta.get("solution"):
            question, answer = answer_of[key]
            answered.add(question)
            steps.append(Step(key, _source_text(cell), answer=answer, question=question))
        elif meta.get("locked"):
            if checksum(_source_text(cell)) != checksum(source_cell.source):
                notes.append(f"cell '{key}' was edited; the original was used")
            if source_cell.cell_type == "code" and not meta.get("grade"):
                steps.append(Step(key, source_cell.source))
        elif cell.cell_type == "code" and _source_text(cell).strip():
            steps.append(Step(f"extra cell {len(steps) + 1}", _source_text(cell)))
    for cell in released.cells:
        key = nbgrader_meta(cell).get("grade_id")
        if nbgrader_meta(cell).get("locked") and key not in present:
            notes.append(f"cell '{key}' was deleted; the original was used")
    for question in graded:
        if question not in answered:
            notes.append(f"the answer cell of {question} is missing")
    for key in written_specs:
        written.setdefault(key, "")
    return Plan(steps=steps, answered=answered, written=written, notes=notes)
