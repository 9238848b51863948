"""fourislands workspace: a student's own copies of the notebooks, out of a read-only install."""

from __future__ import annotations

import nbformat
from course_root import ROOT

from fourislands.cli import main
from fourislands.kernels import notebook_client


def test_a_workspace_copies_every_notebook_and_never_overwrites_the_students(tmp_path, capsys):
    folder = tmp_path / "work"
    assert main(["workspace", str(folder)]) == 0
    lessons = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    exercises = sorted(p.name for p in (ROOT / "exercises").glob("*.ipynb"))
    assert "bibliography.ipynb" in lessons  # the page the lessons' citations link to, beside them
    assert sorted(p.name for p in (folder / "notebooks").iterdir()) == lessons
    assert sorted(p.name for p in (folder / "exercises").iterdir()) == exercises
    mine = folder / "exercises" / exercises[0]
    mine.write_text("my work")
    assert main(["workspace", str(folder)]) == 0
    assert mine.read_text() == "my work"
    said = capsys.readouterr().out
    assert f"0 notebooks copied, {len(lessons) + len(exercises)} of yours kept" in said
    assert f"jupyter lab {folder / 'notebooks' / '00-start-here.ipynb'}" in said


def test_an_exercise_runs_from_the_workspace_wherever_it_is(tmp_path):
    folder = tmp_path / "elsewhere"
    assert main(["workspace", str(folder)]) == 0
    notebook = nbformat.read(folder / "exercises" / "01-history-exercises.ipynb", as_version=4)
    notebook_client(notebook, folder / "exercises").execute()
    text = "".join(
        o.get("text", "") + str(o.get("data", "")) for c in notebook.cells for o in c.get("outputs", [])
    )
    assert "q1: Not attempted" in text and "Traceback" not in text


def test_a_folder_that_cannot_be_written_is_said_plainly(tmp_path, capsys):
    (tmp_path / "a-file").write_text("x")
    assert main(["workspace", str(tmp_path / "a-file" / "work")]) == 2
    assert "cannot make a workspace" in capsys.readouterr().out


def test_a_workspace_made_when_the_seminar_was_06_is_told_where_it_went(tmp_path, capsys):
    folder = tmp_path / "work"
    old = folder / "notebooks" / "06-seminar.ipynb"
    old.parent.mkdir(parents=True)
    old.write_text("my seminar notes")
    assert main(["workspace", str(folder)]) == 0
    said = capsys.readouterr().out
    assert "06-seminar.ipynb is now 07-seminar.ipynb in the course: open 07-seminar.ipynb" in said
    assert old.read_text() == "my seminar notes"
    assert (folder / "notebooks" / "07-seminar.ipynb").exists()
