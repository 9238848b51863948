"""Read what students submit, whatever saved it, and turn it into the cells to run against the source."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..exercise_build import WRITTEN_PLACEHOLDER, nbgrader_meta, questions, solution_path, student_version
from ..exercises import assigned_names
from .supervisor import Step

MAX_BYTES = 20 * 1024 * 1024
CELL_TYPES = ("code", "markdown", "raw")
SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS")


@dataclass(frozen=True)
class Source:
    """An exercise as the grader reads it, once, before any submission runs."""

    name: str
    solution: nbformat.NotebookNode
    released: nbformat.NotebookNode
    graded: dict  # question -> {answer, cell, points, ...}
    written: dict  # written question -> {points, rubric}
    tests: dict  # question -> test cell source (public checks and hidden tests)
    keys: frozenset  # grade ids and cell ids, to recognise a submission of this exercise


def _source_text(cell) -> str:
    source = cell.get("source", "")
    return "".join(str(s) for s in source) if isinstance(source, list) else str(source)


def _read_bytes(path: Path) -> tuple[bytes | None, str | None]:
    """Return a regular file's bytes without following a link, or None and the reason."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        if path.is_symlink():
            return None, "a link to another file, not a file: submit the notebook itself"
        return None, f"the file cannot be read ({error.strerror or error})"
    with os.fdopen(handle, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            return None, "not a regular file (a folder, a device or a pipe)"
        if info.st_size == 0:
            return None, "the file is empty"
        if info.st_size > MAX_BYTES:
            return (
                None,
                f"the file is too large ({info.st_size // 1024 // 1024} MB) to be an exercise notebook",
            )
        return file.read(MAX_BYTES + 1), None


def read_notebook(path: Path) -> tuple[nbformat.NotebookNode | None, str | None]:
    """Return the notebook in a file (upgraded to nbformat 4), or None and the reason it is not one."""
    raw, problem = _read_bytes(path)
    if raw is None:
        return None, problem
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None, "not a notebook: the file is not JSON text (a PDF, a .py file or a screenshot renamed?)"
    if not isinstance(document, dict) or not isinstance(
        document.get("cells", document.get("worksheets")), list
    ):
        return None, "not a Jupyter notebook: the JSON has no list of cells"
    try:
        notebook = nbformat.reads(json.dumps(document), as_version=4)
    except Exception as error:  # nbformat raises many kinds on odd documents
        return None, f"not a readable Jupyter notebook ({type(error).__name__}: {str(error)[:120]})"
    if not isinstance(notebook.get("metadata"), dict):
        notebook.metadata = nbformat.NotebookNode()
    cells = []
    for cell in notebook.get("cells", []):
        if isinstance(cell, dict) and cell.get("cell_type") in CELL_TYPES:
            cell["source"] = _source_text(cell)
            if not isinstance(cell.get("metadata"), dict):
                cell["metadata"] = nbformat.NotebookNode()
            cells.append(cell)
    notebook.cells = cells
    return notebook, None


def _string_ids(cells) -> set[str]:
    ids = {nbgrader_meta(c).get("grade_id") for c in cells} | {c.get("id") for c in cells}
    return {i for i in ids if isinstance(i, str) and i}


def identify(
    notebook: nbformat.NotebookNode, sources: dict[str, Source], forced: str | None
) -> tuple[str | None, str | None]:
    """Return the exercise a notebook answers (forced, else by its cells, else its metadata) and a note."""
    if forced:
        return forced, None
    meta = notebook.metadata.get("fourislands")
    named = meta.get("exercise") if isinstance(meta, dict) else None
    ids = _string_ids(notebook.cells)
    overlap = {name: len(source.keys & ids) for name, source in sources.items()}
    best = max(overlap, key=lambda name: (overlap[name], name == named), default=None)
    if named in sources and overlap[named] >= overlap.get(best, 0):
        return named, None
    if best is None or overlap[best] == 0:
        return None, None
    if isinstance(named, str) and named != best:
        return (
            best,
            f"the notebook's metadata names exercise '{named[:40]}', but its cells are those of '{best}'",
        )
    return best, None


def load_source(name: str) -> Source:
    """Return an exercise's solution, released notebook, questions, tests and cell keys."""
    content = solution_path(name).read_bytes()
    solution = nbformat.reads(content.decode("utf-8"), as_version=4)
    graded, written = questions(solution)
    tests = {
        nbgrader_meta(c)["grade_id"]: c.source
        for c in solution.cells
        if c.cell_type == "code" and nbgrader_meta(c).get("grade")
    }
    return Source(
        name=name,
        solution=solution,
        released=student_version(solution),
        graded=graded,
        written=written,
        tests={q: tests[q] for q in graded},
        keys=frozenset(_string_ids(solution.cells)),
    )


def checksum(source: str) -> str:
    """Return a checksum of a cell's source, ignoring trailing white space (as editors change it)."""
    return hashlib.sha256(
        "\n".join(line.rstrip() for line in source.strip().splitlines()).encode()
    ).hexdigest()


@functools.cache
def _transformer():
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager()


def as_python(code: str) -> str:
    """Return a cell as IPython runs it: `%magic` and `!shell` lines become calls to get_ipython()."""
    try:
        return _transformer().transform_cell(code)
    except Exception:  # IPython cannot read it either: run it as it is, and Python will say why
        return code


@dataclass
class Plan:
    """What to run for a submission, and what the grader noticed while preparing it."""

    steps: list[Step]
    answered: set[str]  # questions whose answer is read after some cell
    written: dict[str, str]
    notes: list[str]


def _chosen_copies(cells: list, keys: list, stubs: dict[str, str]) -> tuple[dict[str, int], list[str]]:
    """Return, for each answer cell key, the position of the copy to use: the last one changed."""
    positions: dict[str, list[int]] = {}
    for position, key in enumerate(keys):
        if key in stubs:
            positions.setdefault(key, []).append(position)
    chosen, notes = {}, []
    for key, found in positions.items():
        changed = [
            p
            for p in found
            if _source_text(cells[p]).strip() and checksum(_source_text(cells[p])) != stubs[key]
        ]
        chosen[key] = changed[-1] if changed else found[0]
        if len(found) > 1:
            notes.append(f"the cell '{key}' appears {len(found)} times; the last one you changed was graded")
    return chosen, notes


def plan(source: Source, notebook: nbformat.NotebookNode) -> Plan:
    """Return the steps for a submission: the source's locked cells, the student's answers, no tests."""
    answer_of = {spec["cell"]: (q, spec["answer"]) for q, spec in source.graded.items()}
    question_of_variable = {spec["answer"]: q for q, spec in source.graded.items()}
    by_key = {}
    for cell in source.released.cells:
        by_key[nbgrader_meta(cell).get("grade_id")] = cell
        if cell.get("id"):
            by_key.setdefault(cell["id"], cell)

    def original(cell):
        grade_id = nbgrader_meta(cell).get("grade_id")
        cell_id = cell.get("id")
        return by_key.get(grade_id if isinstance(grade_id, str) else None) or by_key.get(
            cell_id if isinstance(cell_id, str) else None
        )

    cells = notebook.cells
    originals = [original(c) for c in cells]
    keys = [nbgrader_meta(o).get("grade_id") if o is not None else None for o in originals]
    stubs = {
        nbgrader_meta(c)["grade_id"]: checksum(c.source)
        for c in source.released.cells
        if nbgrader_meta(c).get("solution")
    }
    chosen, notes = _chosen_copies(cells, keys, stubs)
    if any(marker in _source_text(c) for c in cells for marker in SOLUTION_MARKERS):
        notes.append(
            "the notebook holds the solution notebook's markers (### BEGIN SOLUTION): is it the student's?"
        )
    steps, answered, written, seen = [], set(), {}, set()
    if "setup" not in keys:  # the imports every answer needs run first, whatever was deleted
        setup = next(c for c in source.released.cells if nbgrader_meta(c).get("grade_id") == "setup")
        steps.append(Step("setup", as_python(setup.source)))
    for position, (cell, source_cell, key) in enumerate(zip(cells, originals, keys, strict=True)):
        meta = nbgrader_meta(source_cell) if source_cell is not None else {}
        text = _source_text(cell)
        if meta.get("solution"):
            if chosen.get(key) != position:
                continue  # another copy of this answer cell is the one graded
            if source_cell.cell_type == "markdown":
                # The box's own words are not the student's, whether left alone or written under.
                written[key] = text.replace(WRITTEN_PLACEHOLDER, "").strip()
            else:
                question, variable = answer_of[key]
                answered.add(question)
                steps.append(Step(key, as_python(text), reads=((question, variable),)))
        elif meta.get("locked"):
            if key in seen:
                continue  # a duplicated cell runs once
            seen.add(key)
            if checksum(text) != checksum(source_cell.source):
                notes.append(f"cell '{key}' was edited; the original was used")
            if source_cell.cell_type == "code" and not meta.get("grade"):
                steps.append(Step(key, as_python(source_cell.source)))
        elif cell.cell_type == "code" and text.strip():
            variables = sorted(assigned_names(text) & set(question_of_variable))
            reads = tuple((question_of_variable[v], v) for v in variables)
            answered.update(q for q, _ in reads)
            steps.append(Step(f"extra cell {position + 1}", as_python(text), reads=reads))
    for cell in source.released.cells:
        key = nbgrader_meta(cell).get("grade_id")
        if nbgrader_meta(cell).get("locked") and key not in keys:
            notes.append(f"cell '{key}' was deleted; the original was used")
    for question, spec in source.graded.items():
        if spec["cell"] not in keys:
            notes.append(f"the answer cell of {question} is missing")
    for key in source.written:
        written.setdefault(key, "")
    return Plan(steps=steps, answered=answered, written=written, notes=notes)
