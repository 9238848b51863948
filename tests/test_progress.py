"""Saved progress: every promise of the store, whatever happens to the file, the folder or the writer."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from fourislands import progress, progress_table, quiz
from fourislands.judging import Result


def saved(path: Path) -> dict:
    """Return the records of a progress file as {header, attempts, events}, torn lines left out."""
    lines = path.read_bytes().split(b"\n")
    header = json.loads(lines[0])
    records = []
    for line in lines[1:]:
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
    return {
        "header": header,
        "attempts": [r for r in records if r.get("t") == "attempt"],
        "events": [r for r in records if r.get("t") == "event"],
    }


@pytest.fixture
def store(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "student" / "progress.json"
    monkeypatch.setenv("FOURISLANDS_PROGRESS", str(path))
    progress._stores.clear()  # each test is a fresh kernel
    yield path
    progress._stores.clear()


def attempt(status="correct", answer="x"):
    return Result(status, "m", score=1.0 if status == "correct" else 0.0, answer=answer)


def test_attempts_and_events_are_saved_where_the_variable_says(store):
    assert progress.record_attempt("01", "q1", attempt()) is None
    assert progress.record_event("01", "q1", "hint") is None
    file = saved(store)
    assert file["header"]["format"] == "fourislands-progress" and isinstance(file["header"]["seed"], int)
    assert [(a["question"], a["status"], a["answer"]) for a in file["attempts"]] == [("q1", "correct", "x")]
    assert [e["kind"] for e in file["events"]] == ["hint"]
    progress._stores.clear()  # a new kernel reads the same
    read, notice = progress.read_progress()
    assert notice is None and read.seed == file["header"]["seed"]
    assert read.of("01", "q1").correct and read.of("01", "q1").events == {"hint": 1}


def test_the_seed_is_kept_and_differs_between_students(store, tmp_path, monkeypatch):
    first = progress.student_seed()
    progress._stores.clear()
    assert progress.student_seed() == first
    monkeypatch.setenv("FOURISLANDS_PROGRESS", str(tmp_path / "other" / "progress.json"))
    assert progress.student_seed() != first


def test_saving_reads_only_what_was_added_since(store, monkeypatch):
    for n in range(50):
        progress.record_attempt("01", f"q{n}", attempt())
    size = store.stat().st_size
    read = []
    take = progress.Store._take
    monkeypatch.setattr(
        progress.Store, "_take", lambda self, chunk: (read.append(len(chunk)), take(self, chunk))[1]
    )
    progress.record_attempt("01", "last", attempt())
    assert read == [store.stat().st_size - size]  # the new line only, not the 50 before it
    assert len(progress.read_progress()[0].attempts) == 51


def test_a_failed_write_leaves_the_file_whole_says_where_and_leaves_no_litter(store, monkeypatch):
    progress.record_attempt("01", "q1", attempt())
    before = store.read_bytes()

    def full_disk(fd, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(progress, "_write_all", full_disk)
    notice = progress.record_attempt("01", "q2", attempt())
    assert "could not be saved" in notice and "No space left" in notice
    assert str(store) in notice and "FOURISLANDS_PROGRESS" in notice
    assert "Not saved either" in progress.record_event("01", "q2", "hint")  # said in full once
    assert store.read_bytes() == before
    assert sorted(p.name for p in store.parent.iterdir()) == ["progress.json", "progress.json.lock"]


DEEP = b"[" * 100_000 + b"]" * 100_000
DAMAGED = {
    "not-json": b"{not json",
    "a-list": b"[1, 2, 3]",
    "wrong-version": b'{"version": 1}',
    "binary": b"\xff\xfe\x00\x01",
    "nested-100000-deep": DEEP,
    "valid-json-null": b"null",
    "a-torn-header": b'{"format": "fourislands-progress", "vers',
}


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_a_damaged_file_of_any_shape_is_moved_aside_naming_both_paths(store, name):
    store.parent.mkdir(parents=True)
    store.write_bytes(DAMAGED[name])
    notice = progress.record_attempt("01", "q1", attempt())
    damaged = [p for p in store.parent.iterdir() if ".damaged-" in p.name]
    assert len(damaged) == 1 and damaged[0].read_bytes() == DAMAGED[name]
    assert str(store) in notice and str(damaged[0]) in notice and "moved" in notice
    assert [a["question"] for a in saved(store)["attempts"]] == ["q1"]
    assert progress.record_attempt("01", "q2", attempt()) is None


def test_damaged_records_are_skipped_and_every_quiz_still_works(store):
    progress.record_attempt("00", "total-area", attempt())
    with store.open("ab") as handle:
        handle.write(
            b'{"t":"attempt","time":"t","lesson":"00","question":["total-area"],"status":"correct"}\n'
        )
        handle.write(
            b'{"t":"attempt","time":"t","lesson":"00","question":{"a":1},"status":"correct","score":1}\n'
        )
        handle.write(b'{"t":"event","time":"t","lesson":"00","question":"x","kind":' + DEEP + b"}\n")
        handle.write(b"x" * 100_000 + b"\n")
    progress._stores.clear()
    shown = quiz("00")
    assert "damaged" not in shown.notice.value
    assert "1 of 5 questions correct, 1 attempt" in shown.score.value
    assert progress_table().set_index("lesson").loc["00", "correct"] == 1
    assert not [p for p in store.parent.iterdir() if ".damaged-" in p.name]


def test_a_first_format_file_is_converted_without_loss_and_kept_beside(store):
    store.parent.mkdir(parents=True)
    old = {
        "version": 1,
        "seed": 12345,
        "attempts": [
            {
                "time": "2026-11-01T10:00:00+00:00",
                "lesson": "00",
                "question": "total-area",
                "status": "incorrect",
                "score": 0.0,
                "answer": 5000.0,
            },
            {
                "time": "2026-11-01T10:01:00+00:00",
                "lesson": "00",
                "question": "total-area",
                "status": "correct",
                "score": 1.0,
                "answer": 5004.0,
            },
            {
                "time": "2026-11-01T10:02:00+00:00",
                "lesson": "00",
                "question": ["broken"],
                "status": "correct",
            },
        ],
        "events": [
            {"time": "2026-11-01T10:00:30+00:00", "lesson": "00", "question": "total-area", "kind": "hint"}
        ],
    }
    content = json.dumps(old, separators=(",", ":")).encode()
    store.write_bytes(content)
    read, notice = progress.read_progress()
    assert notice is None and read.seed == 12345
    assert [a["answer"] for a in read.attempts] == [5000.0, 5004.0] and read.of("00", "total-area").correct
    file = saved(store)
    assert file["header"]["seed"] == 12345 and len(file["attempts"]) == 2 and len(file["events"]) == 1
    kept = [p for p in store.parent.iterdir() if ".version-1-" in p.name]
    assert len(kept) == 1 and kept[0].read_bytes() == content
    assert quiz("00").seed == 12345  # the student's question orders stay as they were


def test_a_folder_a_device_or_a_pipe_is_never_moved_or_written(tmp_path, monkeypatch):
    folder = tmp_path / "usb" / "my-notes"
    folder.mkdir(parents=True)
    (folder / "essay.txt").write_text("draft")
    pipe = tmp_path / "a-pipe"
    os.mkfifo(pipe)
    for target in (folder, pipe, Path(os.devnull)):
        monkeypatch.setenv("FOURISLANDS_PROGRESS", str(target))
        progress._stores.clear()
        shown = quiz("00")
        assert "not saved" in shown.notice.value and "FOURISLANDS_PROGRESS" in shown.notice.value
        notice = progress.record_attempt("00", "total-area", attempt())
        assert "nothing there was changed" in notice
    assert sorted(p.name for p in (tmp_path / "usb").iterdir()) == ["my-notes"]
    assert [p.name for p in folder.iterdir()] == ["essay.txt"] and (
        folder / "essay.txt"
    ).read_text() == "draft"
    assert pipe.is_fifo()


READ_ONLY_CHECK = textwrap.dedent(
    """
    import json, sys
    from fourislands import progress, progress_table, quiz
    from fourislands.judging import Result
    first, second = quiz("00"), quiz("00")
    notices = [progress.record_attempt("00", "total-area", Result("correct", "m", score=1.0, answer=5004.0))
               for _ in range(3)]
    table = progress_table().set_index("lesson")
    print(json.dumps({
        "score": first.score.value, "notice": first.notice.value, "seeds": [first.seed, second.seed],
        "saves": notices, "table_correct": int(table.loc["00", "correct"]),
    }))
    """
)


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap to mount a folder read-only")
def test_progress_in_a_read_only_place_is_shown_and_new_answers_say_once_they_are_not_saved(store):
    progress.record_attempt("00", "total-area", attempt(answer=5004.0))
    seed = saved(store)["header"]["seed"]
    folder = str(store.parent)
    done = subprocess.run(
        ["bwrap", "--dev-bind", "/", "/", "--ro-bind", folder, folder, sys.executable, "-c", READ_ONLY_CHECK],
        env={**os.environ, "FOURISLANDS_PROGRESS": str(store)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert "1 of 5 questions correct" in seen["score"] and seen["table_correct"] == 1
    assert seen["seeds"] == [seed, seed]  # the same question orders every time
    assert seen["notice"] == ""
    assert "could not be saved" in seen["saves"][0] and "Read-only file system" in seen["saves"][0]
    assert "FOURISLANDS_PROGRESS" in seen["saves"][0]
    assert all("FOURISLANDS_PROGRESS" not in s for s in seen["saves"][1:])  # said once


def test_no_home_and_no_passwd_entry_still_imports_and_says_where(tmp_path, monkeypatch):
    monkeypatch.delenv("FOURISLANDS_PROGRESS")
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: (_ for _ in ()).throw(RuntimeError("no home"))))
    monkeypatch.chdir(tmp_path)
    progress._stores.clear()
    assert progress.progress_path() == Path(".fourislands") / "progress.json"
    assert progress.record_attempt("00", "q", attempt()) is None
    assert (tmp_path / ".fourislands" / "progress.json").exists()


def test_an_unusable_folder_gives_the_path_and_the_fix_not_an_exception(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("FOURISLANDS_PROGRESS", str(blocker / "progress.json"))
    progress._stores.clear()
    read, notice = progress.read_progress()
    assert (
        read.attempts == [] and str(blocker / "progress.json") in notice and "FOURISLANDS_PROGRESS" in notice
    )
    assert "could not be saved" in progress.record_attempt("01", "q1", attempt())
    assert read.seed == progress.read_progress()[0].seed  # stable orders even where nothing is saved


# A writer that loads only the progress module (standard library alone): it starts in milliseconds,
# so the tests spend their time writing, not importing pandas.
WRITER = textwrap.dedent(
    f"""
    import importlib.util, sys
    spec = importlib.util.spec_from_file_location("progress", {str(Path(progress.__file__))!r})
    progress = sys.modules["progress"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(progress)
    class Result:
        status, score = "incorrect", 0.0
    for n in range(int(sys.argv[2])):
        result = Result()
        result.answer = n
        assert progress.record_attempt("01", f"{{sys.argv[1]}}-{{n}}", result) is None
        print(n, flush=True)
    """
)


def test_four_processes_writing_at_once_lose_nothing(store):
    count = 500
    env = {**os.environ, "FOURISLANDS_PROGRESS": str(store)}
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, name, str(count)], env=env, stdout=subprocess.DEVNULL)
        for name in ("a", "b", "c", "d")
    ]
    assert [w.wait(timeout=300) for w in writers] == [0, 0, 0, 0]
    names = [a["question"] for a in saved(store)["attempts"]]
    assert sorted(names) == sorted(f"{k}-{n}" for k in "abcd" for n in range(count))


def test_a_writer_killed_again_and_again_loses_only_the_line_it_was_writing(store):
    env = {**os.environ, "FOURISLANDS_PROGRESS": str(store)}
    confirmed: set[str] = set()
    rounds = random.Random(11)
    for round_number in range(8):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, f"w{round_number}", "100000"],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        # Killed at a random moment once it writes: on a loaded machine Python alone may take
        # longer to start than the pause, and a writer killed before its first line tests nothing.
        first = writer.stdout.readline()
        time.sleep(0.1 + 0.3 * rounds.random())
        writer.send_signal(signal.SIGKILL)
        out, _ = writer.communicate()
        confirmed |= {f"w{round_number}-{n}" for n in (first + out).split()}
        kept = {a["question"] for a in saved(store)["attempts"]}
        assert confirmed <= kept, f"round {round_number}: {len(confirmed - kept)} confirmed attempts lost"
    assert len(confirmed) > 100
    assert sorted(p.name for p in store.parent.iterdir()) == ["progress.json", "progress.json.lock"]
    progress._stores.clear()
    assert progress.read_progress()[1] is None  # still a progress file, torn lines and all


def test_seminar_progress_saved_as_lesson_06_is_read_as_lesson_07(store):
    # Saved before the seminar moved from 06 to 07: its answers must follow it, not land in the new 06.
    from fourislands.quizbank import load_bank

    seminar = sorted(q.id for q in load_bank("07").questions)
    assert frozenset(seminar) == progress.SEMINAR_QUESTIONS_SAVED_AS_06
    assert progress.record_attempt("06", seminar[0], attempt()) is None
    assert progress.record_event("06", seminar[1], "hint") is None
    progress._stores.clear()
    read, notice = progress.read_progress()
    assert notice is None
    assert read.of("07", seminar[0]).correct and read.of("07", seminar[1]).events == {"hint": 1}
    assert not read.of("06", seminar[0]).attempts
    assert {a["lesson"] for a in read.attempts} == {"07"}


def test_the_new_lesson_06_reuses_no_id_the_seminar_saved_under_06():
    from fourislands.quizbank import bank_files, read_bank

    banks = {path.name[:2]: read_bank(path) for path in bank_files()}
    if "06" in banks:  # the 2018-2026 lesson's bank
        assert not {q.id for q in banks["06"].questions} & progress.SEMINAR_QUESTIONS_SAVED_AS_06
    assert progress.lesson_now("06", ["red-lines-who-said-it", "patrushev-name"]) == "07"
    assert progress.lesson_now("06", []) == "06"
    assert progress.lesson_now("06", ["red-lines-who-said-it", "not-a-seminar-question"]) == "06"
    assert progress.lesson_now("01", ["red-lines-who-said-it"]) == "01"


def test_an_old_copy_of_the_seminar_still_gets_its_questions():
    asked = quiz("06", "red-lines-who-said-it", "two-first-condition")
    assert [q.id for q in asked.questions] == ["red-lines-who-said-it", "two-first-condition"]
    assert {q.lesson for q in asked.questions} == {"07"}
