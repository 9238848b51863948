"""The solution notebooks are nbgrader source notebooks: nbgrader's own autograde agrees with ours."""

from __future__ import annotations

import nbformat
from nbgrader_compat import nbgrader_scores
from test_grader import LIMITS, RIGHT, answered

from fourislands.grading.grader import grade


def test_nbgrader_and_the_course_grader_give_the_same_scores(built_course, tmp_path):
    submissions = {
        "complete": answered(built_course, RIGHT),
        "partly-wrong": answered(built_course, {**RIGHT, "q1": "q1 = 3", "q3": "q3 = ____"}),
        "wrong-order": answered(built_course, {**RIGHT, "q2": RIGHT["q2"].replace("False", "True")}),
        "untouched": answered(built_course, {}),
    }
    folder = tmp_path / "submitted"
    folder.mkdir()
    paths = {}
    for student, notebook in submissions.items():
        paths[student] = folder / f"{student}.ipynb"
        nbformat.write(notebook, paths[student])
    ours = {
        r.student: {q.question: q.earned for q in r.questions} for r in grade([folder], limits=LIMITS, jobs=2)
    }
    theirs = nbgrader_scores("99-fixture", paths, tmp_path / "nbgrader", timeout=20)
    for student in submissions:
        autograded = {q: s for q, s in theirs[student].items() if q in ours[student]}
        assert autograded == ours[student], student
    assert ours["complete"] == {"q1": 2, "q2": 3, "q3": 2}
    assert ours["partly-wrong"] == {"q1": 0, "q2": 3, "q3": 0}
