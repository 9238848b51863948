"""Grading in shards (`grade --shard I/N`, `merge`): the merged folder is the folder one run writes."""

from __future__ import annotations

import csv
import json
import os
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_grader import RIGHT, answered

from fourislands.cli import main
from fourislands.grading.output_folder import LOCK_NAME
from fourislands.grading.shards import SHARD_FILE, Shard, parse_shard, select, shard_of
from fourislands.grading.students import Found, Submission, readable_id

FAST = ["--jobs", "2", "--cell-timeout", "5", "--timeout", "30"]
STUDENTS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan"]
NOT_COMPARED = {LOCK_NAME, SHARD_FILE}


def _class(course: Path, folder: Path) -> Path:
    """Write a class: right and wrong answers, written answers, a rejected file, a student's second file."""
    for n, student in enumerate(STUDENTS):
        answers = {**RIGHT, "q1": "q1 = 0"} if n % 3 == 1 else dict(RIGHT)
        notebook = answered(course, answers)
        for cell in notebook.cells:
            if (cell.metadata.get("nbgrader") or {}).get("grade_id") == "w1":
                cell.source = f"{student} writes: the 1956 declaration ({n})"
        (folder / student).mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, folder / student / "99-fixture.ipynb")
    nbformat.write(answered(course, RIGHT), folder / "alice" / "99-fixture copy.ipynb")
    (folder / "mallory").mkdir()
    (folder / "mallory" / "99-fixture.ipynb").write_text("not a notebook")
    roster = folder.parent / "roster.csv"
    lines = ["student,submission"] + [f"{s},{s}" for s in [*STUDENTS, "mallory"]] + ["zoe,zoe"]
    roster.write_text("\n".join(lines) + "\n")
    return roster


def files(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name not in NOT_COMPARED
    }


@pytest.fixture(scope="module")
def graded(built_course, tmp_path_factory):
    """Grade one class once, and in 3 shards; return the folders and the seconds each took."""
    home = tmp_path_factory.mktemp("shards")
    submissions = home / "in"
    roster = _class(built_course, submissions)
    given = [str(submissions), "--roster", str(roster), *FAST]
    started = time.monotonic()
    assert main(["grade", *given, "--out", str(home / "one")]) == 0
    seconds = {"one run": time.monotonic() - started}
    shards = []
    for index in (1, 2, 3):
        started = time.monotonic()
        out = home / f"shard-{index}"
        assert main(["grade", *given, "--out", str(out), "--shard", f"{index}/3"]) == 0
        seconds[f"shard {index}/3"] = time.monotonic() - started
        shards.append(out)
    print(seconds)
    return home, shards


def merge(out: Path, shards: list[Path], *more: str) -> int:
    return main(["merge", str(out), *map(str, shards), *more])


def test_three_shards_merge_to_the_folder_one_run_writes(graded, capsys):
    home, shards = graded
    counts = [len(json.loads((s / "results.json").read_text())) for s in shards]
    assert sum(counts) == len(json.loads((home / "one" / "results.json").read_text()))
    assert all(counts), f"each shard should hold part of this class: {counts}"
    assert merge(home / "merged", shards) == 0
    assert "3 shards of 3 merged" in capsys.readouterr().out
    one, merged = files(home / "one"), files(home / "merged")
    assert sorted(merged) == sorted(one)
    for name in ("gradebook.csv", "gradebook-99-fixture.csv", "written.csv", "results.json"):
        assert merged[name] == one[name], name
    assert [n for n in one if n.startswith("feedback/")] and [n for n in one if n.startswith("marking/")]
    assert merged == one
    book = {
        r["student"]: r for r in csv.DictReader((home / "merged" / "gradebook.csv").read_text().splitlines())
    }
    assert book["zoe"]["status"].startswith("missing") and book["mallory"]["status"].startswith("rejected")
    assert {"alice~alice_99-fixture", "alice~alice_99-fixture_copy"} <= set(book)


def type_w1(out: Path, marks: dict[str, str]) -> None:
    reader = csv.DictReader((out / "written.csv").read_text(encoding="utf-8").splitlines())
    table = list(reader)
    for row in table:
        if row["student"] in marks:
            row["score"] = marks[row["student"]]
    with (out / "written.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=reader.fieldnames, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(table)


def test_typed_marks_in_out_survive_a_merge(graded, tmp_path):
    home, shards = graded
    out, one = tmp_path / "merged", tmp_path / "one"
    shutil.copytree(home / "one", one)
    assert merge(out, shards) == 0
    for folder in (out, one):
        type_w1(folder, {"bob": "2", "ivan": "1.5"})
    assert main(["grade", "--merge-written", "--out", str(one)]) == 0
    assert merge(out, shards) == 0  # a shard graded again, say: merged once more into the same OUT
    book = {r["student"]: r for r in csv.DictReader((out / "gradebook.csv").read_text().splitlines())}
    assert (book["bob"]["w1"], book["ivan"]["w1"]) == ("2", "1.5")
    assert files(out) == files(one)


def test_overlapping_shards_are_refused(graded, tmp_path, capsys):
    _home, shards = graded
    again = tmp_path / "shard-1-again"
    shutil.copytree(shards[0], again)
    assert merge(tmp_path / "out", [*shards, again]) == 2
    said = capsys.readouterr().out
    assert "in two shards" in said and str(again) in said and "nothing merged" in said
    assert not (tmp_path / "out" / "gradebook.csv").exists()


def test_shards_of_other_solution_versions_are_refused(graded, tmp_path, capsys):
    _home, shards = graded
    other = tmp_path / "shard-2-old"
    shutil.copytree(shards[1], other)
    record = json.loads((other / SHARD_FILE).read_text())
    record["solutions"]["99-fixture"] = "0" * 64
    (other / SHARD_FILE).write_text(json.dumps(record))
    assert merge(tmp_path / "out", [shards[0], other, shards[2]]) == 2
    said = capsys.readouterr().out
    assert str(other) in said and "other solution notebooks" in said and "99-fixture" in said
    assert not (tmp_path / "out" / "gradebook.csv").exists()


def test_missing_shards_are_named_and_merged_only_when_asked(graded, tmp_path, capsys):
    _home, shards = graded
    assert merge(tmp_path / "out", [shards[0], shards[2]]) == 2
    assert "shards missing: 2 of 3" in capsys.readouterr().out
    assert merge(tmp_path / "out", [shards[0], shards[2]], "--partial") == 0
    assert "shards missing: 2 of 3" in capsys.readouterr().out


def _crafted(results: list) -> str:
    return json.dumps(results)


def _tampered(change) -> callable:
    def craft(results: list) -> str:
        change(results[0])
        return json.dumps(results)

    return craft


CRAFTED = {
    "a path for a student": _tampered(lambda r: r.update(student="../../etc/passwd")),
    "a huge student id": _tampered(lambda r: r.update(student="a" * 10_000_000)),
    "a huge reason": _tampered(lambda r: r.update(reason="x" * 100_000)),
    "a list for notes": _tampered(lambda r: r.update(notes="not a list")),
    "points as text": _tampered(lambda r: r["questions"] and r["questions"][0].update(points="3")),
    "more points than the solution": _tampered(
        lambda r: r["questions"] and r["questions"][0].update(points=1000.0, earned=1000.0)
    ),
    "an unknown exercise": _tampered(lambda r: r.update(exercise="../../x", status="graded")),
    "an extra key": _tampered(lambda r: r.update(admin=True)),
    "a duplicate key": lambda results: json.dumps(results)[:-2] + ', "student": "x"}]',
    "a row given twice": lambda results: json.dumps(results + results[:1]),
    "not a list": lambda results: json.dumps({"results": results}),
    "NaN": lambda results: json.dumps(results).replace('"earned": 2.0', '"earned": NaN', 1),
    "deep nesting": lambda results: "[" * 100_000 + "]" * 100_000,
    "not UTF-8": lambda results: "\udcff",
}


@pytest.mark.parametrize("craft", CRAFTED)
def test_a_crafted_shard_is_refused_naming_its_folder(graded, tmp_path, capsys, craft):
    _home, shards = graded
    evil = tmp_path / "evil-shard"
    shutil.copytree(shards[0], evil)
    results = [r for r in json.loads((evil / "results.json").read_text()) if r["status"] == "graded"]
    results += [r for r in json.loads((evil / "results.json").read_text()) if r["status"] != "graded"]
    text = CRAFTED[craft](results)
    (evil / "results.json").write_bytes(text.encode("utf-8", "surrogateescape"))
    assert merge(tmp_path / "out", [evil, *shards[1:]]) == 2
    said = capsys.readouterr().out
    assert said.startswith(str(evil)) and len(said) < 2000, said
    assert not (tmp_path / "out" / "gradebook.csv").exists()


@pytest.mark.parametrize("what", ["a link to /dev/zero", "a folder", "no shard record", "a bad shard record"])
def test_shard_folders_that_are_not_shards_are_refused(graded, tmp_path, capsys, what):
    _home, shards = graded
    evil = tmp_path / "evil-shard"
    shutil.copytree(shards[0], evil)
    if what == "a link to /dev/zero":
        (evil / "results.json").unlink()
        os.symlink("/dev/zero", evil / "results.json")
    elif what == "a folder":
        (evil / "results.json").unlink()
        (evil / "results.json").mkdir()
    elif what == "no shard record":
        (evil / SHARD_FILE).unlink()
    else:
        (evil / SHARD_FILE).write_text('{"format": 1, "shard": 4, "of": 3, "solutions": {}}')
    assert merge(tmp_path / "out", [evil, *shards[1:]]) == 2
    assert capsys.readouterr().out.startswith(str(evil))


def test_a_shard_folder_takes_only_its_own_shard(graded, capsys):
    home, shards = graded
    given = [str(home / "in"), "--out", str(shards[0]), "--shard", "2/3", *FAST]
    assert main(["grade", *given]) == 2
    assert "holds shard 1/3, not 2/3" in capsys.readouterr().out
    assert main(["grade", str(home / "in"), "--out", str(home / "one"), "--shard", "1/3", *FAST]) == 2
    assert "graded without --shard" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "says"),
    [("0/3", "numbered from 1"), ("4/3", "from 1 to 3"), ("1/0", "N must be"), ("two", "give I/N")],
)
def test_a_shard_out_of_range_is_refused_with_a_reason(text, says, tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["grade", str(tmp_path), "--out", str(tmp_path / "out"), "--shard", text])
    assert says in capsys.readouterr().err
    with pytest.raises(ValueError, match=says):
        parse_shard(text)


ids = st.text(min_size=1, max_size=40).map(readable_id).filter(bool)


@settings(max_examples=200, deadline=None)
@given(st.lists(ids, min_size=1, max_size=30), st.integers(1, 5), st.randoms())
def test_each_submission_is_in_exactly_one_shard_whatever_the_order(students, count, random):
    submissions = [Submission(Path(f"in/{s}/{n}.ipynb"), s, f"{s}/{n}.ipynb") for n, s in enumerate(students)]
    shuffled = list(submissions)
    random.shuffle(shuffled)
    chosen = [select(Found(shuffled), Shard(i, count)).submissions for i in range(1, count + 1)]
    assert sum(len(part) for part in chosen) == len(submissions)
    for s in submissions:
        assert sum(s in part for part in chosen) == 1
        assert 1 <= shard_of(s.student, count) <= count
        assert shard_of(f"{s.student}~{s.student}_2", count) == shard_of(s.student, count)


def test_the_shard_key_is_the_same_on_every_machine():
    # sha256 of the id: no seed, no file order, no host. These numbers are fixed for good.
    assert [shard_of(s, 3) for s in ("alice", "bob", "dave", "erin", "田中_太郎")][:4] == [3, 3, 2, 1]
    assert shard_of("alice~alice_99-fixture_copy", 7) == shard_of("alice", 7)
