"""Honest work is credited: IPython syntax, answers typed anew or in a copied cell, odd metadata, types."""

from __future__ import annotations

import copy
import sys

import nbformat
import pytest
from course_root import ROOT
from test_grader import LIMITS, RIGHT, answered, released

from fourislands import exercise_build
from fourislands.grading import sandbox
from fourislands.grading.grader import grade
from fourislands.grading.submissions import identify, load_source
from fourislands.paths import exercise_path

FULL = {"q1": 2, "q2": 3, "q3": 2}


def magics(course):
    return answered(
        course,
        {
            "q1": "%matplotlib inline\n%time x = 1\n" + RIGHT["q1"],
            "q2": "%%time\n" + RIGHT["q2"],
            "q3": "!ls -l\nfiles = !ls\n" + RIGHT["q3"],
        },
    )


def retyped_in_a_new_cell(course):
    notebook = released(course)
    notebook.cells.append(nbformat.v4.new_code_cell("\n".join(RIGHT.values())))
    return notebook


def duplicated_answer_cells(course):
    notebook = answered(course, RIGHT)
    positions = [i for i, c in enumerate(notebook.cells) if c.metadata.get("nbgrader", {}).get("solution")]
    stub = copy.deepcopy(released(course).cells[positions[0]])
    stub["id"] = "copied-1"  # JupyterLab gives a copied cell a new id and keeps its metadata
    notebook.cells.insert(positions[0], stub)  # a stub copy above the answered q1 cell
    answered_q2 = copy.deepcopy(notebook.cells[positions[1] + 1])
    notebook.cells[positions[1] + 1] = copy.deepcopy(released(course).cells[positions[1]])
    answered_q2["id"] = "copied-2"
    notebook.cells.insert(positions[1] + 2, answered_q2)  # the answer in a copy below a stub
    return notebook


def null_metadata(course):
    notebook = answered(course, RIGHT)
    for cell in notebook.cells:
        cell.metadata["nbgrader"] = None
    notebook.metadata["fourislands"] = None
    return notebook


HONEST = {
    "magics": (magics, ["`ls -l` was not run"]),
    "retyped-in-a-new-cell": (retyped_in_a_new_cell, ["the one set in 'extra cell"]),
    "duplicated-answer-cells": (
        duplicated_answer_cells,
        ["appears 2 times; the last one you changed was graded"],
    ),
    "null-metadata": (null_metadata, []),
}


@pytest.fixture(scope="module")
def honest(built_course, tmp_path_factory):
    folder = tmp_path_factory.mktemp("honest")
    for name, (build, _) in HONEST.items():
        nbformat.write(build(built_course), folder / f"{name}.ipynb")
    return {r.student: r for r in grade([folder], limits=LIMITS, jobs=2)}


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_work_saved_in_any_of_these_ways_gets_full_marks(honest, name):
    result = honest[name]
    said = " ".join(q.reason for q in result.questions) + " " + " ".join(result.notes)
    assert {q.question: q.earned for q in result.questions} == FULL, said
    for words in HONEST[name][1]:
        assert words in said, said


def test_magics_run_as_in_jupyter(honest):
    assert "Wall time" in honest["magics"].outputs.get("q2-answer", ""), honest["magics"].outputs


def test_the_exercise_is_known_by_its_cells_when_the_metadata_names_another(built_course, monkeypatch):
    monkeypatch.setenv("FOURISLANDS_HOME", str(built_course))
    fixture = load_source("99-fixture")
    other = copy.deepcopy(fixture)
    other = type(fixture)(
        **{**fixture.__dict__, "name": "98-other", "keys": frozenset({"other-1", "other-2"})}
    )
    sources = {"99-fixture": fixture, "98-other": other}
    notebook = answered(built_course, RIGHT)
    notebook.metadata["fourislands"] = {"exercise": "98-other"}
    name, note = identify(notebook, sources, None)
    assert name == "99-fixture" and "names exercise '98-other'" in note
    notebook.metadata["fourislands"] = {"exercise": "99-fixture"}
    assert identify(notebook, sources, None) == ("99-fixture", None)
    assert identify(nbformat.v4.new_notebook(), sources, None) == (None, None)


def test_hidden_tests_see_the_type_the_student_made(tmp_path, monkeypatch):
    # Exercise 05, Q3 asks for text column labels: a pivot's integer labels must not pass (they
    # did when answers were carried as JSON with every label turned into text).
    monkeypatch.setenv("FOURISLANDS_HOME", str(ROOT))
    name = "05-survey"
    solution = nbformat.read(exercise_build.solution_path(name), as_version=4)
    graded, _ = exercise_build.questions(solution)
    notebook = nbformat.read(exercise_path(name), as_version=4)
    for cell in notebook.cells:
        grade_id = exercise_build.nbgrader_meta(cell).get("grade_id", "")
        if grade_id.endswith("-answer"):
            question = grade_id.removesuffix("-answer")
            code = graded[question]["solution"]
            if question == "q3":
                code = (
                    code.replace(".rename(columns=str)", "")
                    .replace('"2015"', "2015")
                    .replace('"1991"', "1991")
                )
            cell.source = code.replace('q3["1991"]', "q3[1991]").replace('q3["2015"]', "q3[2015]")
    nbformat.write(notebook, tmp_path / "integer-labels.ipynb")
    result = grade([tmp_path], limits=LIMITS, jobs=1)[0]
    earned = {q.question: q.earned for q in result.questions}
    full = {q: float(spec["points"]) for q, spec in graded.items()}
    assert earned == {**full, "q3": 0.0}, [q.reason for q in result.questions]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="compares with the Linux sandbox")
def test_without_the_sandbox_the_grader_still_grades_and_says_so(built_course, tmp_path):
    nbformat.write(answered(built_course, RIGHT), tmp_path / "right.ipynb")
    nbformat.write(
        answered(built_course, {**RIGHT, "q1": "import sys\nsys.exit(3)"}), tmp_path / "exits.ipynb"
    )
    nbformat.write(answered(built_course, {**RIGHT, "q2": "import os\nos.fork()"}), tmp_path / "forks.ipynb")
    said: list[str] = []
    results = {
        r.student: r for r in grade([tmp_path], limits=LIMITS, jobs=2, sandbox="off", announce=said.append)
    }
    assert said[0].startswith("WARNING: submissions are not sandboxed")
    assert {q.question: q.earned for q in results["right"].questions} == FULL
    assert {q.question: q.earned for q in results["exits"].questions} == {"q1": 0, "q2": 3, "q3": 2}
    assert {q.question: q.earned for q in results["forks"].questions} == {"q1": 2, "q2": 0, "q3": 2}


def test_where_bubblewrap_is_missing_required_refuses_and_auto_warns(built_course, tmp_path, monkeypatch):
    nbformat.write(answered(built_course, RIGHT), tmp_path / "right.ipynb")
    monkeypatch.setattr(sandbox.shutil, "which", lambda _name: None)
    with pytest.raises(sandbox.SandboxUnavailable, match="bubblewrap is not installed"):
        grade([tmp_path], limits=LIMITS, jobs=1, sandbox="required")
    said: list[str] = []
    results = grade([tmp_path], limits=LIMITS, jobs=1, sandbox="auto", announce=said.append)
    # Run as root (CI is), the grader adds a line of its own about root after the sandbox line.
    said = [line for line in said if not line.startswith("WARNING: the grader runs as root")]
    assert said == [said[0]] and "not sandboxed (bubblewrap is not installed" in said[0]
    assert {q.question: q.earned for q in results[0].questions} == FULL
