"""Exercises: solutions pass their tests, exercises run untouched as 'not attempted', all in step."""

from __future__ import annotations

import json
import os

import nbformat
import pytest
from course_root import ROOT

from fourislands import exercise_build
from fourislands.exercises import Exercise, ____, decoded, friendly_error
from fourislands.grading.grader import grade
from fourislands.kernels import notebook_client
from fourislands.paths import exercise_path

NAMES = exercise_build.exercise_names()


def run(notebook, **env):
    """Execute a notebook in a fresh kernel with extra environment variables; return it."""
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        notebook_client(notebook, ROOT).execute()
    finally:
        for key, value in saved.items():
            os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)
    return notebook


def outputs_text(notebook) -> str:
    return "\n".join(
        o.get("text", "") + json.dumps(o.get("data", {}))
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
    )


@pytest.mark.parametrize("name", NAMES)
def test_the_solution_passes_its_tests_and_the_committed_files_are_built_from_it(name):
    solution = nbformat.read(exercise_build.solution_path(name), as_version=4)
    # One run in grading mode, tests included: a failing check or hidden test raises here.
    executed = run(exercise_build.probed(name, solution, with_tests=True), FOURISLANDS_GRADING="1")
    graded, written = exercise_build.questions(solution)
    essays = [answer for answer in written.values() if "words" in answer]
    if essays:  # the seminar's exercise is its essay alone, with the length the prompt asks
        assert graded == {} and len(written) == 1 and essays[0]["words"][0] < essays[0]["words"][1]
    else:
        assert len(graded) >= 5 and 1 <= len(written) <= 2
    committed = nbformat.read(exercise_path(name), as_version=4)
    released = exercise_build.student_version(solution)
    assert [c.source for c in committed.cells] == [c.source for c in released.cells], "run `make exercises`"
    checks = exercise_build.checks_from(name, solution, executed)
    assert json.loads((ROOT / "data" / "exercises" / f"{name}.json").read_text()) == checks, (
        "run `make exercises`"
    )


@pytest.mark.parametrize("name", NAMES)
def test_the_exercise_runs_untouched_and_every_check_says_not_attempted(name):
    exercise = run(nbformat.read(exercise_path(name), as_version=4))
    text = outputs_text(exercise)
    graded, written = exercise_build.questions(
        nbformat.read(exercise_build.solution_path(name), as_version=4)
    )
    for question in graded:
        assert f"{question}: Not attempted" in text
    for answer in written.values():
        if "words" in answer:  # the word count says what it counts (run from its folder: test_essay.py)
            assert "Word count." in text and "press Ctrl+S" in text
    assert "Passed" not in text and "Traceback" not in text


@pytest.mark.parametrize("name", NAMES)
def test_no_answer_or_hidden_test_is_in_the_exercise(name):
    solution = nbformat.read(exercise_build.solution_path(name), as_version=4)
    exercise_text = (exercise_path(name)).read_text()
    graded, _ = exercise_build.questions(solution)
    assert "BEGIN SOLUTION" not in exercise_text and "BEGIN HIDDEN TESTS" not in exercise_text
    for spec in graded.values():
        assert spec["solution"].strip() not in exercise_text


def test_friendly_errors_explain_common_mistakes():
    assert "spelling against df.columns" in friendly_error(KeyError("precent"))
    assert "division by zero" in friendly_error(ZeroDivisionError("division by zero"))
    assert "last line of the error" in friendly_error(RuntimeError("x"))


def test_friendly_errors_read_well_without_a_message_and_without_the_cell_file_name():
    assert friendly_error(KeyboardInterrupt()).startswith("Your code raised KeyboardInterrupt. This usually")
    assert "interrupted" in friendly_error(KeyboardInterrupt())
    with pytest.raises(SyntaxError) as unreadable:
        compile("q1 = (", "/tmp/ipykernel_1/488164831.py", "exec")
    assert "SyntaxError: '(' was never closed (line 1)." in friendly_error(unreadable.value)


def test_a_solution_round_trips_through_its_encoding(tmp_path):
    spec = json.loads((ROOT / "data" / "exercises" / f"{NAMES[0]}.json").read_text())
    question = next(iter(spec["questions"].values()))
    assert decoded(question["solution"]).strip()
    assert repr(____) == "____" and isinstance(Exercise(NAMES[0]).spec, dict)


def test_the_grader_gives_full_marks_to_every_exercise_answered_with_its_solution(tmp_path):
    # Through the grader, answers reach the tests as snapshots (a chart as its ChartRecord), not as
    # the objects a solution run sees: every hidden test must work on those too.
    folder = tmp_path / "submissions"
    folder.mkdir()
    full = {}
    for name in NAMES:
        graded, _ = exercise_build.questions(nbformat.read(exercise_build.solution_path(name), as_version=4))
        full[name] = {q: float(spec["points"]) for q, spec in graded.items()}
        notebook = nbformat.read(exercise_path(name), as_version=4)
        for cell in notebook.cells:
            grade_id = exercise_build.nbgrader_meta(cell).get("grade_id", "")
            if grade_id.endswith("-answer"):
                cell.source = graded[grade_id.removesuffix("-answer")]["solution"]
        nbformat.write(notebook, folder / f"{name}.ipynb")
    results = {r.exercise: r for r in grade([folder], jobs=2)}
    for name in NAMES:
        earned = {q.question: q.earned for q in results[name].questions}
        reasons = {q.question: q.reason for q in results[name].questions if q.earned < full[name][q.question]}
        assert earned == full[name], f"{name}: {reasons}"


def test_a_written_answer_starts_as_a_box_that_says_how_to_write_in_it_and_only_the_students_words_count():
    import copy

    from fourislands.exercise_build import WRITTEN_PLACEHOLDER
    from fourislands.grading.submissions import load_source, plan

    source = load_source("01-history")
    released = source.released
    boxes = [c for c in released.cells if c.cell_type == "markdown" and c.source == WRITTEN_PLACEHOLDER]
    assert boxes and WRITTEN_PLACEHOLDER.startswith("> **Your answer.**")  # a quoted box, with a rule
    untouched = plan(source, copy.deepcopy(released))
    assert set(untouched.written.values()) == {""}, "a box left alone is no answer"
    submitted = copy.deepcopy(released)
    answer = next(c for c in submitted.cells if c.source == WRITTEN_PLACEHOLDER)
    answer.source = WRITTEN_PLACEHOLDER + "\n\nJapan reads the 1855 border as final."
    assert "Japan reads the 1855 border as final." in plan(source, submitted).written.values()
