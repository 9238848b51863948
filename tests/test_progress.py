"""Saved progress: round trip, atomic writes, two processes at once, a damaged file, no disk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fourislands import progress
from fourislands.judging import Result


@pytest.fixture
def store(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "student" / "progress.json"
    monkeypatch.setenv("FOURISLANDS_PROGRESS", str(path))
    return path


def attempt(status="correct"):
    return Result(status, "m", score=1.0 if status == "correct" else 0.0, answer="x")


def test_attempts_and_events_are_saved_where_the_variable_says(store):
    assert progress.record_attempt("01", "q1", attempt()) is None
    assert progress.record_event("01", "q1", "hint") is None
    saved = json.loads(store.read_text())
    assert [a["question"] for a in saved["attempts"]] == ["q1"]
    assert saved["attempts"][0]["status"] == "correct" and saved["attempts"][0]["answer"] == "x"
    assert saved["events"][0]["kind"] == "hint"
    assert progress.read_progress()[0] == saved


def test_the_seed_is_kept_and_differs_between_students(store, tmp_path, monkeypatch):
    first = progress.student_seed()
    assert progress.student_seed() == first
    monkeypatch.setenv("FOURISLANDS_PROGRESS", str(tmp_path / "other" / "progress.json"))
    assert progress.student_seed() != first


def test_a_failed_write_leaves_the_old_file_whole_and_no_litter(store, monkeypatch):
    progress.record_attempt("01", "q1", attempt())
    before = store.read_bytes()

    def broken_dump(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(progress.json, "dump", broken_dump)
    notice = progress.record_attempt("01", "q2", attempt())
    assert "could not be saved" in notice and "No space left" in notice
    assert store.read_bytes() == before
    assert sorted(p.name for p in store.parent.iterdir()) == ["progress.json", "progress.json.lock"]


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2, 3]", b'{"version": 1}', b"\xff\xfe", b""])
def test_a_damaged_file_is_moved_aside_with_a_notice_and_a_fresh_one_started(store, content):
    store.parent.mkdir(parents=True)
    store.write_bytes(content)
    notice = progress.record_attempt("01", "q1", attempt())
    assert "damaged" in notice and "moved" in notice
    damaged = [p for p in store.parent.iterdir() if ".damaged-" in p.name]
    assert len(damaged) == 1 and damaged[0].read_bytes() == content
    saved = json.loads(store.read_text())
    assert [a["question"] for a in saved["attempts"]] == ["q1"]
    assert progress.record_attempt("01", "q2", attempt()) is None


def test_no_usable_folder_gives_a_notice_not_an_exception(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("FOURISLANDS_PROGRESS", str(blocker / "progress.json"))
    assert "could not be saved" in progress.record_attempt("01", "q1", attempt())
    document, notice = progress.read_progress()
    assert document["attempts"] == [] and "could not be read" in notice


WRITER = textwrap.dedent(
    """
    import sys
    from fourislands import progress
    from fourislands.judging import Result
    for n in range(int(sys.argv[2])):
        result = Result("incorrect", "m", answer=n)
        assert progress.record_attempt("01", f"{sys.argv[1]}-{n}", result) is None
    """
)


def test_two_processes_writing_at_once_lose_nothing(store):
    count = 150
    env = {**os.environ, "FOURISLANDS_PROGRESS": str(store)}
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, name, str(count)], env=env)
        for name in ("kernel-a", "kernel-b")
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    saved = json.loads(store.read_text())
    names = {a["question"] for a in saved["attempts"]}
    assert len(saved["attempts"]) == 2 * count
    assert names == {f"{k}-{n}" for k in ("kernel-a", "kernel-b") for n in range(count)}
