"""The grader on hostile and broken submissions: each gets the score and the reason it must."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import nbformat
import pytest

from fourislands import atomic
from fourislands.cli import main
from fourislands.grading import gradebook
from fourislands.grading.grader import grade
from fourislands.grading.limits import Limits

LIMITS = Limits(cell_seconds=2.0, total_seconds=20.0, memory_mb=1536)
RIGHT = {
    "q1": 'q1 = len(load("islands"))',
    "q2": (
        'q2 = load("islands").sort_values("area_km2", ascending=False)[["id", "area_km2"]]'
        ".reset_index(drop=True)"
    ),
    "q3": (
        "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nd = load('islands')\n"
        "ax.bar(d['id'], d['area_km2'])\nax.set_title('Areas')\nax.set_ylabel('km2')\nq3 = ax"
    ),
}


def released(course: Path) -> nbformat.NotebookNode:
    return nbformat.read(course / "exercises" / "99-fixture-exercises.ipynb", as_version=4)


def answered(course: Path, answers: dict[str, str]) -> nbformat.NotebookNode:
    notebook = released(course)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id.endswith("-answer") and grade_id.removesuffix("-answer") in answers:
            cell.source = answers[grade_id.removesuffix("-answer")]
    return notebook


def with_cells(notebook, change) -> nbformat.NotebookNode:
    change(notebook)
    return notebook


def as_vscode(notebook):
    """Return the notebook as VS Code saves it: sources as lists of lines, its own metadata."""
    document = json.loads(nbformat.writes(notebook))
    for cell in document["cells"]:
        source = cell["source"]
        cell["source"] = source.splitlines(keepends=True) if isinstance(source, str) else source
        cell["metadata"]["vscode"] = {"languageId": "python"}
    document["metadata"]["vscode"] = {"interpreter": {"hash": "0" * 8}}
    return json.dumps(document, indent=1)


def as_colab_without_nbgrader(notebook):
    """Return the notebook as Colab might: no nbgrader metadata left, cell ids kept, nbformat 4.5."""
    document = json.loads(nbformat.writes(notebook))
    for cell in document["cells"]:
        cell["metadata"] = {"id": cell.get("id", "")}
    document["metadata"] = {
        "colab": {"provenance": []},
        "kernelspec": {"name": "python3", "display_name": "Python 3"},
    }
    return json.dumps(document)


def as_nbformat_4_2(notebook):
    """Return the notebook as an older JupyterLab saved it: nbformat 4.2, no cell ids."""
    document = json.loads(nbformat.writes(notebook))
    document["nbformat_minor"] = 2
    for cell in document["cells"]:
        cell.pop("id", None)
    return json.dumps(document)


# name: (builder(course) -> notebook or JSON text; points each question must get; words the feedback gives)
CASES = {
    "correct": (lambda c: answered(c, RIGHT), {"q1": 2, "q2": 3, "q3": 2}, ["passed"]),
    "untouched": (released, {"q1": 0, "q2": 0, "q3": 0}, ["not attempted"]),
    "wrong-value": (
        lambda c: answered(c, {**RIGHT, "q1": "q1 = 5"}),
        {"q1": 0, "q2": 3, "q3": 2},
        ["Not the expected number"],
    ),
    "wrong-order": (
        lambda c: answered(c, {**RIGHT, "q2": RIGHT["q2"].replace("False", "True")}),
        {"q1": 2, "q2": 0, "q3": 2},
        ["wrong order"],
    ),
    "endless-loop": (
        lambda c: answered(c, {**RIGHT, "q1": "while True:\n    pass"}),
        {"q1": 0, "q2": 3, "q3": 2},
        ["time limit"],
    ),
    "blocks-the-alarm-and-loops": (  # the cell's own alarm cannot stop it: the grader must kill it
        lambda c: answered(
            c,
            {
                **RIGHT,
                "q2": "import signal\nsignal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})\n"
                "while True:\n    pass",
            },
        ),
        {"q1": 2, "q2": 0, "q3": 0},
        ["time limit", "not reached"],
    ),
    "sys-exit": (
        lambda c: answered(c, {**RIGHT, "q1": "import sys\nsys.exit(0)"}),
        {"q1": 0, "q2": 3, "q3": 2},
        ["sys.exit"],
    ),
    "os-exit": (
        lambda c: answered(c, {**RIGHT, "q2": "import os\nos._exit(1)"}),
        {"q1": 2, "q2": 0, "q3": 0},
        ["exited early"],
    ),
    "kills-itself": (
        lambda c: answered(c, {**RIGHT, "q2": "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"}),
        {"q1": 2, "q2": 0, "q3": 0},
        ["killed"],
    ),
    "memory-bomb": (
        lambda c: answered(c, {**RIGHT, "q1": "q1 = bytearray(10**11)"}),
        {"q1": 0, "q2": 3, "q3": 2},
        ["out of memory"],
    ),
    "huge-output": (
        lambda c: answered(c, {**RIGHT, "q1": 'print("x" * 50_000_000)\n' + RIGHT["q1"]}),
        {"q1": 2, "q2": 3, "q3": 2},
        ["passed"],
    ),
    "deletes-data": (
        lambda c: answered(
            c,
            {
                **RIGHT,
                "q1": "import os\nfrom fourislands.paths import data_dir\n"
                "os.remove(data_dir() / 'islands.csv')\n" + RIGHT["q1"],
            },
        ),
        {"q1": 0, "q2": 0, "q3": 0},
        ["file not found"],
    ),
    "patches-the-checks": (
        lambda c: answered(
            c,
            {
                **RIGHT,
                "q1": "import fourislands.exercises as e, math\ne.Exercise.check = lambda *a, **k: None\n"
                "math.isclose = lambda *a, **k: True\nq1 = 99",
            },
        ),
        {"q1": 0, "q2": 3, "q3": 2},
        ["Not the expected number"],
    ),
    "edits-a-test": (
        lambda c: with_cells(
            answered(c, {**RIGHT, "q1": "q1 = 1"}), lambda nb: setattr(nb.cells[4], "source", "pass")
        ),
        {"q1": 0, "q2": 3, "q3": 2},
        ["cell 'q1' was edited; the original was used"],
    ),
    "deletes-setup-and-tests": (
        lambda c: with_cells(
            answered(c, RIGHT),
            lambda nb: nb.cells.__setitem__(
                slice(None),
                [
                    x
                    for x in nb.cells
                    if x.metadata.get("nbgrader", {}).get("grade_id") not in ("setup", "q2")
                ],
            ),
        ),
        {"q1": 2, "q2": 3, "q3": 2},
        ["cell 'q2' was deleted", "cell 'setup' was deleted"],
    ),
    "answer-is-a-function": (
        lambda c: answered(c, {**RIGHT, "q1": "q1 = len"}),
        {"q1": 0, "q2": 3, "q3": 2},
        ["Expected a number"],
    ),
    "giant-answer": (
        lambda c: answered(
            c,
            {
                **RIGHT,
                "q2": "import pandas as pd\nq2 = pd.DataFrame({'id': range(300_000), 'area_km2': 1.0})",
            },
        ),
        {"q1": 2, "q2": 0, "q3": 2},
        ["too large"],
    ),
    "saved-by-vscode": (lambda c: as_vscode(answered(c, RIGHT)), {"q1": 2, "q2": 3, "q3": 2}, ["passed"]),
    "saved-by-colab": (
        lambda c: as_colab_without_nbgrader(answered(c, RIGHT)),
        {"q1": 2, "q2": 3, "q3": 2},
        ["passed"],
    ),
    "older-nbformat": (
        lambda c: as_nbformat_4_2(answered(c, RIGHT)),
        {"q1": 2, "q2": 3, "q3": 2},
        ["passed"],
    ),
}
REJECTED = {
    "renamed-pdf": (b"%PDF-1.4 binary \x00\x01", "not JSON"),
    "json-not-notebook": (b'{"hello": "world"}', "no list of cells"),
    "empty": (b"", "empty"),
    "other-notebook": (
        nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])).encode(),
        "not one of",
    ),
}


@pytest.fixture(scope="module")
def graded(built_course, tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    for name, (build, _, _) in CASES.items():
        made = build(built_course)
        text = made if isinstance(made, str) else nbformat.writes(made)
        (folder / f"{name}.ipynb").write_text(text, encoding="utf-8")
    for name, (content, _) in REJECTED.items():
        (folder / f"{name}.ipynb").write_bytes(content)
    results = grade([folder], limits=LIMITS, jobs=2)
    return {r.student: r for r in results}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_submission_gets_its_score_and_reason(graded, name):
    _, points, words = CASES[name]
    result = graded[name]
    assert result.status == "graded", result.reason
    assert {q.question: q.earned for q in result.questions} == points
    said = " ".join(q.reason for q in result.questions) + " " + " ".join(result.notes)
    for word in words:
        assert word in said, said


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_what_is_not_an_exercise_notebook_is_rejected_with_a_reason(graded, name):
    result = graded[name]
    assert result.status == "rejected" and REJECTED[name][1] in result.reason


def test_outputs_are_complete_deterministic_and_merge_manual_scores(
    graded, built_course, tmp_path, monkeypatch
):
    monkeypatch.setenv("FOURISLANDS_HOME", str(built_course))
    results = sorted(graded.values(), key=lambda r: r.student)
    out = tmp_path / "out"
    gradebook.write_outputs(results, out)
    first = (out / "gradebook.csv").read_text()
    gradebook.write_outputs(results, out)
    assert (out / "gradebook.csv").read_text() == first
    rows = {r["student"]: r for r in csv.DictReader(first.splitlines())}
    assert set(rows) == set(CASES) | set(REJECTED)
    assert rows["correct"]["autograded"] == "7" and rows["correct"]["possible"] == "10"
    assert rows["renamed-pdf"]["status"].startswith("rejected: not a notebook")
    assert sorted(p.stem for p in (out / "feedback" / "99-fixture").glob("*.md")) == sorted(CASES)
    assert sorted(p.stem for p in (out / "feedback" / "not-graded").glob("*.md")) == sorted(REJECTED)
    assert "time limit" in (out / "feedback" / "99-fixture" / "endless-loop.md").read_text()
    # The grader types a score for a written answer, then merges it.
    written = list(csv.DictReader((out / "written.csv").read_text().splitlines()))
    for row in written:
        row["score"] = "2" if row["student"] == "correct" else ("9" if row["student"] == "untouched" else "")
    with (out / "written.csv").open("w", newline="") as handle:
        # written.csv has a column per rubric criterion too: write back only the fixed ones.
        writer = csv.DictWriter(
            handle, fieldnames=gradebook.WRITTEN_COLUMNS, lineterminator="\n", extrasaction="ignore"
        )
        writer.writeheader()
        writer.writerows(written)
    problems = gradebook.merge_written(out)
    assert any("outside 0-3" in p for p in problems)
    merged = {r["student"]: r for r in csv.DictReader((out / "gradebook.csv").read_text().splitlines())}
    assert merged["correct"]["w1"] == "2" and merged["correct"]["total"] == "9"
    assert merged["untouched"]["w1"] == ""
    assert "2 of 3 points" in (out / "feedback" / "99-fixture" / "correct.md").read_text()


def test_a_crash_while_writing_leaves_the_old_gradebook_whole(graded, built_course, tmp_path, monkeypatch):
    monkeypatch.setenv("FOURISLANDS_HOME", str(built_course))
    out = tmp_path / "out"
    results = sorted(graded.values(), key=lambda r: r.student)
    gradebook.write_outputs(results[:3], out)
    before = (out / "gradebook.csv").read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "fsync", crash)  # every output file is written through atomic
    with pytest.raises(OSError):
        gradebook.write_outputs(results, out)
    assert (out / "gradebook.csv").read_bytes() == before
    assert not [p for p in out.rglob("*.tmp")]


def test_the_command_line_grades_a_folder(built_course, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FOURISLANDS_HOME", str(built_course))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "Alice Smith (1).ipynb").write_text(nbformat.writes(answered(built_course, RIGHT)))
    assert main(["grade", str(folder), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 0
    assert "1 graded, 0 rejected" in capsys.readouterr().out
    rows = list(csv.DictReader((tmp_path / "out" / "gradebook.csv").read_text().splitlines()))
    assert rows[0]["student"] == "Alice_Smith_1" and rows[0]["autograded"] == "7"
    assert main(["grade", str(tmp_path / "missing"), "--out", str(tmp_path / "o2")]) == 2
