"""Self-check judges the current answer: errors elsewhere, interrupts and restarts change nothing."""

from __future__ import annotations

import ast
import json
import re
import sys
import time

import nbformat
import numpy as np
import pandas as pd
import pytest
from course_root import ROOT

from fourislands import exercise_build, exercises
from fourislands.errors import DataError
from fourislands.exercises import Exercise, assigned_names, decoded
from fourislands.fingerprint import compare, fingerprint
from fourislands.kernels import notebook_client
from fourislands.paths import exercise_path

NAME = "01-history"
CHECKS = json.loads((ROOT / "data" / "exercises" / f"{NAME}.json").read_text(encoding="utf-8"))
THEMES = pd.DataFrame({"theme": ["war", "treaty"], "events": [5, 3]})


def solution(question: str) -> str:
    """Return the code of a question's solution, as the exercise's checks carry it."""
    return decoded(CHECKS["questions"][question]["solution"])


def setup_source() -> str:
    """Return the code of the exercise's set-up cell, as students get it."""
    notebook = nbformat.read(exercise_path(NAME), as_version=4)
    return next(
        c.source for c in notebook.cells if exercise_build.nbgrader_meta(c).get("grade_id") == "setup"
    )


SETUP = setup_source()
# Progress events are kept in the kernel, so the test does not depend on the progress file.
FIRST_SETUP = (
    f'{SETUP}\ntimeline = load("timeline")\nimport fourislands.exercises\nevents = []\n'
    "fourislands.exercises.record_event = lambda *event: events.append(event[1:])\n"
)


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    """Return the progress events the exercise records, kept in a list instead of the progress file."""
    events: list[tuple[str, str, str]] = []
    monkeypatch.setattr(exercises, "record_event", lambda *event: events.append(event))
    return events


# The sequences of the robustness review (cases 3.2-3.5 and 3.16), in one fresh kernel, which is what a
# restart gives: the first cell is a check run before the set-up cell.
SEQUENCE = [
    ("restart: check before the set-up cell", 'ex.check("q1")'),
    ("set-up", FIRST_SETUP),
    ("restart: check before the answer cell", 'ex.check("q1")'),
    ("typo in an exploring cell", "timeline.colums"),
    ("right q1", solution("q1")),
    ("check q1 after an unrelated error", 'ex.check("q1")'),
    ("q2 answer raises", 'q2 = timeline.groupby("evnts").size()'),
    ("q2 answer fixed", solution("q2")),
    ("check q2 after the fix", 'ex.check("q2")'),
    ("an interrupted cell", "raise KeyboardInterrupt"),
    ("right q3", solution("q3")),
    ("check q3 after an interrupt", 'ex.check("q3")'),
    ("ex overwritten", 'ex = timeline["event"].head()'),
    ("check with the overwritten ex", 'ex.check("q1")'),
    ("set-up again", SETUP),
    ("check q1 after the set-up again", 'ex.check("q1")'),
    ("q4 answer interrupted", 'q4 = timeline["date"].str[:4].astype(int).max()\nraise KeyboardInterrupt'),
    ("check q4 after its interrupt", 'ex.check("q4")'),
    ("q5 answer raises", 'q5 = timeline["evnts"].tolist()'),
    ("check q5 after its error", 'ex.check("q5")'),
    ("q5 fixed and checked in one cell", solution("q5") + '\nex.check("q5")'),
    ("q1 answer with a syntax error", 'q1 = int(timeline["date"].str.startswith("1945").sum()'),
    ("check q1 after its syntax error", 'ex.check("q1")'),
    (
        "hooks and events",
        "from fourislands.exercises import AnswerCells\n"
        "hooks = get_ipython().events.callbacks['post_run_cell']\n"
        "print(sum(isinstance(getattr(h, '__self__', None), AnswerCells) for h in hooks), events)",
    ),
]


@pytest.fixture(scope="module")
def outputs() -> dict[str, str]:
    """Return, for each step of SEQUENCE, its output as text (a traceback as its error's name)."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code) for _label, code in SEQUENCE])
    notebook_client(notebook, ROOT, allow_errors=True).execute()
    texts = {}
    for (label, _code), cell in zip(SEQUENCE, notebook.cells, strict=True):
        texts[label] = "\n".join(
            o["ename"]
            if o["output_type"] == "error"
            else o.get("text", "") + o.get("data", {}).get("text/plain", "")
            for o in cell.outputs
        )
    return texts


def test_a_check_after_an_error_in_another_cell_judges_the_answer(outputs):
    assert outputs["typo in an exploring cell"] == "AttributeError"
    assert outputs["check q1 after an unrelated error"].startswith("q1: \u2714 Passed.")


def test_a_check_after_the_answer_cell_is_fixed_judges_the_fixed_answer(outputs):
    assert outputs["q2 answer raises"] == "KeyError"
    assert outputs["check q2 after the fix"].startswith("q2: \u2714 Passed.")
    assert outputs["q5 fixed and checked in one cell"].startswith("q5: \u2714 Passed.")


def test_a_check_after_an_interrupt_elsewhere_judges_the_answer(outputs):
    assert outputs["an interrupted cell"] == "KeyboardInterrupt"
    assert outputs["check q3 after an interrupt"].startswith("q3: \u2714 Passed.")


def test_after_a_restart_a_check_says_the_answer_is_not_defined_yet(outputs):
    assert outputs["restart: check before the set-up cell"] == "NameError"
    assert outputs["restart: check before the answer cell"].startswith(
        "q1: Not attempted. q1 is not defined yet"
    )


def test_after_ex_is_overwritten_and_set_up_again_a_check_judges_the_answer(outputs):
    assert outputs["check with the overwritten ex"] == "AttributeError"
    assert outputs["check q1 after the set-up again"].startswith("q1: \u2714 Passed.")


def test_an_error_counts_when_the_answer_cell_raised_it_in_its_latest_run(outputs):
    interrupted = outputs["check q4 after its interrupt"]
    assert (
        interrupted.startswith("q4: Error. The cell that sets q4 did not run to the end")
        and "interrupted" in interrupted
    )
    assert "KeyError: 'evnts'" in outputs["check q5 after its error"]
    assert "SyntaxError: incomplete input (line 1)" in outputs["check q1 after its syntax error"]


def test_the_cell_events_are_watched_once_per_kernel_and_every_check_is_recorded_as_shown(outputs):
    count, events = outputs["hooks and events"].split(" ", 1)
    assert count == "1"
    assert ast.literal_eval(events.strip()) == [
        (f"{NAME}:q1", "check not attempted"),
        (f"{NAME}:q1", "check passed"),
        (f"{NAME}:q2", "check passed"),
        (f"{NAME}:q3", "check passed"),
        (f"{NAME}:q1", "check passed"),
        (f"{NAME}:q4", "check error"),
        (f"{NAME}:q5", "check error"),
        (f"{NAME}:q5", "check passed"),
        (f"{NAME}:q1", "check error"),
    ]


def test_without_ipython_a_check_judges_the_value_whatever_error_python_remembers(monkeypatch, recorded):
    monkeypatch.setattr(sys, "last_value", KeyError("evnts"), raising=False)
    namespace = {"ex": Exercise(NAME), "q1": 999}
    exec("outcome = ex.check('q1')", namespace)
    assert namespace["outcome"].status == "failed"
    assert recorded == [("01", f"{NAME}:q1", "check failed")]


def test_the_cells_that_assign_a_name_are_told_apart_from_those_that_read_it():
    assert assigned_names("q1 = timeline.shape[0]") == {"q1"}
    every_form = "q1, q2 = 1, 2\nfor q3 in []: pass\n(q4 := 1)\nq5 += 1\ndef f():\n    global q6\n    q6 = 1"
    assert assigned_names(every_form) == {f"q{n}" for n in range(1, 7)}
    assert assigned_names("%time q1 = 3") == {"q1"}
    assert assigned_names("%%time\nq1 = 3\n") == {"q1"}
    assert assigned_names("!ls\nq1 = 3") == {"q1"}
    assert assigned_names("q1 = (3") == {"q1"}  # not Python: guessed
    assert assigned_names("q1 = !ls") == {"q1"}
    assert assigned_names("print(q1)\nq1 == 3\nex.check('q1')") == frozenset()


def test_a_number_a_float_cannot_hold_is_not_yet_an_ordinary_real_number():
    ex = Exercise(NAME)
    for value in (10**400, 1j, np.complex128(24), -(10**5000)):
        outcome = ex.result("q1", value)
        assert outcome.status == "failed"
        assert "ordinary real number" in outcome.message and "raised" not in outcome.message
    assert ex.result("q5", [10**400, 1j, "x"]).message == "Some items are not the expected ones."


def test_two_level_column_headers_are_asked_to_be_flattened():
    expected = fingerprint(THEMES, salt="s")
    two_levels = THEMES.set_axis(pd.MultiIndex.from_tuples([("theme", ""), ("events", "")]), axis=1)
    passed, message = compare(expected, two_levels, salt="s")
    assert not passed and "Flatten" in message and "('theme', '')" not in message
    assert compare(expected, two_levels.droplevel(1, axis=1), salt="s") == (True, "The table is right.")


def test_a_huge_wrong_answer_is_rejected_on_its_size_before_any_per_row_work(monkeypatch):
    from fourislands import fingerprint as module

    table, items = fingerprint(THEMES, salt="s"), fingerprint([1, 2, 3], salt="s")
    huge_table = pd.DataFrame({"theme": np.zeros(5_000_000), "events": np.zeros(5_000_000)})
    huge_list = list(range(5_000_000))
    monkeypatch.setattr(module, "_rounded", lambda *_: pytest.fail("a value was read"))
    start = time.perf_counter()
    assert compare(table, huge_table, salt="s") == (
        False,
        "Expected 2 rows, you have 5000000: check your filter.",
    )
    assert compare(items, huge_list, salt="s") == (False, "Expected 3 items, you have 5000000.")
    assert time.perf_counter() - start < 0.5


def test_a_misspelt_question_is_a_check_result_that_lists_the_questions(recorded):
    ex = Exercise(NAME)
    for shown in (ex.check("Q1"), ex.hint("q7"), ex.solution("q7"), ex.check(24)):
        assert shown.status == "error"
        assert "The questions are q1, q2, q3, q4, q5, q6." in shown.text
    assert "Did you mean 'q1'?" in ex.check("Q1").text
    assert "in quotes" in ex.check(24).text
    assert recorded == []


def test_a_misspelt_question_fails_a_grader_check_in_words():
    with pytest.raises(AssertionError, match=r"^Q1: error: There is no question 'Q1'"):
        Exercise(NAME, grading=True).check("Q1")


def test_a_misspelt_exercise_names_the_exercises(tmp_path, monkeypatch):
    with pytest.raises(
        DataError, match=r"no exercise named '01-histroy'; the exercises are 01-history, "
    ) as error:
        Exercise("01-histroy").check("q1")
    assert "make exercises" not in str(error.value)
    (tmp_path / "data").mkdir()  # a folder that looks like a course, without its exercises
    monkeypatch.setenv("FOURISLANDS_HOME", str(tmp_path))
    with pytest.raises(
        DataError, match="no exercise named '01-history'; this folder holds none .*FOURISLANDS_HOME"
    ):
        Exercise(NAME).hint("q1")


@pytest.mark.parametrize(
    ("answer", "wrong", "said"),
    [
        (18, 19, "Not the expected number."),  # a count: nothing about decimal places
        (18.0, 17, "Not the expected number."),
        (42.7, 41.2, "Not the expected value (compared after rounding to 1 decimal place)."),
    ],
)
def test_a_wrong_number_is_answered_in_the_words_that_fit_it(answer, wrong, said):
    from fourislands.fingerprint import compare, fingerprint

    expected = fingerprint(answer, salt="q")
    assert compare(expected, answer, salt="q") == (True, "The value is right.")
    assert compare(expected, wrong, salt="q") == (False, said)
    assert compare(expected, -answer, salt="q")[1].startswith("The size is right but the sign is wrong")


def test_a_hint_is_boxed_with_its_heading_in_bold_and_its_words_plain(recorded):
    hint = Exercise(NAME).hint("q1")
    page = hint._repr_html_()
    assert 'role="note"' in page and "border-left: 4px solid" in page
    heading, words = re.search(r"<strong>(.*?)</strong> ([^<]+)</div>", page).groups()
    assert heading == "Hint 1 of 3 for q1:" and "first four characters" in words
    assert hint.text.startswith("Hint 1 of 3 for q1: ")
