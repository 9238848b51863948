"""The class report on a constructed class of 200: shares and indices right, hostile input escaped."""

from __future__ import annotations

import csv
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from fourislands.cli import main
from fourislands.grading import gradebook, report
from fourislands.grading.grader import QuestionResult, StudentResult
from fourislands.judging import judge
from fourislands.quizbank import load_bank

HOSTILE = "<script>alert(1)</script>"
HOSTILE_ID = '<i>eve&"co"'
GRADED = 195  # of the 200: then 3 rejected, 2 on the roster with no file
NOT_EXPECTED = "failed: Not the expected number."
CRASHED = f"the tests could not run on this answer (ValueError: {HOSTILE})"


def graded_result(n: int) -> StudentResult:
    """Return student n's result: q1 right for the top half, q2 for all, q3 for the first 53 only."""
    q1, q3 = n < 100, n < 53
    reason = NOT_EXPECTED if n % 2 else CRASHED
    return StudentResult(
        f"s{n:03d}",
        f"/submitted/s{n:03d}.ipynb",
        "99-fixture",
        "graded",
        questions=[
            QuestionResult("q1", 2.0, 2.0 if q1 else 0.0, "passed" if q1 else reason),
            QuestionResult("q2", 3.0, 3.0, "passed"),
            QuestionResult("q3", 2.0, 2.0 if q3 else 0.0, "passed" if q3 else "failed: no title"),
        ],
        written={"w1": HOSTILE if n == 7 else f"Etorofu is larger, says s{n:03d}."},
    )


def the_class() -> list[StudentResult]:
    """Return the results of a class of 200, as the grader would have them."""
    results = [graded_result(n) for n in range(GRADED)]
    results += [
        StudentResult("s195", "/submitted/s195.ipynb", None, "rejected", f"not a notebook: {HOSTILE}"),
        StudentResult(HOSTILE_ID, "/submitted/eve.ipynb", None, "rejected", "the file is empty"),
        StudentResult("s197", "/submitted/s197.pdf.ipynb", None, "rejected", "not a notebook"),
    ]
    results += [StudentResult(s, "", None, "missing", "no submission was found") for s in ("s198", "s199")]
    return results


def type_scores(out: Path) -> None:
    """Type w1 scores for s000-s149 as an instructor would, with one typo and one score out of range."""
    path = out / "written.csv"
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    for row in rows:
        n = int(row["student"][1:])
        if n < 150:
            row["score"] = {10: "abc", 11: "9"}.get(n, "2")
    with path.open("w", encoding="utf-8", newline="") as handle:
        # written.csv has a column per rubric criterion too: write back only the fixed ones.
        writer = csv.DictWriter(
            handle, fieldnames=gradebook.WRITTEN_COLUMNS, lineterminator="\n", extrasaction="ignore"
        )
        writer.writeheader()
        writer.writerows(rows)


def progress_lines(attempts: list[tuple[str, str, object]], extra: list[bytes] = ()) -> bytes:
    """Return a progress file as the course writes it: a header, then one judged attempt per line."""
    banks = {}
    lines = [json.dumps({"format": "fourislands-progress", "version": 2, "seed": 7, "created": "x"})]
    for lesson, question_id, answer in attempts:
        question = banks.setdefault(lesson, load_bank(lesson)).question(question_id)
        result = judge(question, answer)
        assert result.recorded
        record = {
            "t": "attempt",
            "time": "2025-01-01T00:00:00+00:00",
            "lesson": lesson,
            "question": question_id,
            "status": result.status,
            "score": result.score,
            "answer": result.answer,
        }
        lines.append(json.dumps(record, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode() + b"".join(extra)


SINGLE, TEXT = "largest-island", "japanese-name-for-the-islands"  # lesson 00's


def student_attempts(n: int) -> list[tuple[str, str, object]]:
    """Return student n's quiz answers: right first (0-119), after a wrong option (120-179), never (180-)."""
    single = ["follows"] if n < 120 else ["three-larger", "follows"] if n < 180 else ["table-silent"] * 2
    return [("00", SINGLE, a) for a in single] + [("00", TEXT, HOSTILE)]


DAMAGED_LINES = [
    b'{"t":"attempt","lesson":1,"question":"q","time":"t","status":"correct","score":1}\n',  # lesson not text
    b"not json at all\n",
    b'{"t":"attempt","lesson":"00","question":"largest-island","time":"t","status":"correct","score":"1"}\n',
    b'{"t":"attempt","lesson":"00","question":"<b>nope</b>","time":"t","status":"correct","score":1}\n',
]


def hostile_files(folder: Path) -> None:
    """Put beside the students' files what a collected folder may hold: junk, giants, links, pipes."""
    (folder / "junk").mkdir()
    (folder / "junk" / "not-json.json").write_bytes(b"{{{ not json")
    (folder / "huge").mkdir()
    with (folder / "huge" / "progress.json").open("wb") as handle:
        handle.truncate(report.MAX_PROGRESS_BYTES + 1)  # sparse: large, but costs no disk
    (folder / "wrong-types.json").write_text("[1, 2, 3]")
    (folder / "wrong-seed.json").write_text(
        json.dumps({"format": "fourislands-progress", "version": 2, "seed": "abc"}) + "\n"
    )
    (folder / "deep.json").write_text("[" * 100_000)
    (folder / "bad-utf8.json").write_bytes(b"\xff\xfe\x00garbage\n")
    (folder / "link.json").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe.json")  # opened without blocking, or the report would wait for ever
    (folder / "progress.damaged-20250101-000000.json").write_text("set aside by the course")
    (folder / "progress.json.lock").write_text("")
    (folder / "linked-folder").symlink_to(folder / "junk", target_is_directory=True)


@pytest.fixture(scope="module")
def class_of_200(built_course: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Return (graded folder, progress folder) of the constructed class, written by the real writers."""
    out = tmp_path_factory.mktemp("graded")
    gradebook.write_outputs(the_class(), out)
    type_scores(out)
    progress = tmp_path_factory.mktemp("progress")
    for n in range(200):
        # Any layout: a folder per student as collected from their homes, or files side by side.
        path = (
            progress / f"s{n:03d}" / ".fourislands" / "progress.json"
            if n % 2
            else progress / f"s{n:03d}.json"
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(progress_lines(student_attempts(n), DAMAGED_LINES if n == 0 else []))
    hostile_files(progress)
    return out, progress


@pytest.fixture(scope="module")
def page(class_of_200: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return the page `fourislands report` writes for the class."""
    out, progress = class_of_200
    target = tmp_path_factory.mktemp("page") / "report.html"
    assert main(["report", str(out), "--progress", str(progress), "--out", str(target)]) == 0
    return target.read_text(encoding="utf-8")


def test_the_class_is_counted_students_rejected_missing_and_awaiting_marks(class_of_200):
    made = report.class_report(*class_of_200)
    assert (made.students, made.graded, len(made.rejected), made.missing) == (200, 195, 3, ["s198", "s199"])
    # s000-s149 typed, less the typo (s010) and the score out of 0-3 (s011): 45 + 2 still awaiting.
    assert made.awaiting == {("99-fixture", "w1"): 47} and made.awaiting_students == 47


def test_shares_means_and_discrimination_of_a_class_whose_answers_are_known(class_of_200):
    rows = report.class_report(*class_of_200).exercises["99-fixture"]
    assert [q.question for q in rows] == ["q3", "q1", "q2"]  # the least right first
    by_id = {q.question: q for q in rows}
    assert (by_id["q1"].right, by_id["q2"].right, by_id["q3"].right) == (100, 195, 53)
    assert by_id["q1"].mean_score == pytest.approx(100 / 195)
    # The top half right on q1: the top 27% all right, the bottom 27% all wrong. Everyone right on q2.
    assert by_id["q1"].discrimination == pytest.approx(1.0)
    assert by_id["q2"].discrimination == pytest.approx(0.0)
    assert by_id["q3"].discrimination == pytest.approx(1.0)
    assert by_id["q1"].wrong_messages == [(CRASHED, 48), (NOT_EXPECTED, 47)]
    assert by_id["q1"].title == "How many rows does the islands table have?"  # from the solution


def test_the_index_shares_ties_at_the_cut_and_turns_negative_when_the_weak_do_better():
    assert report.discrimination_index([(5.0, True)] * 10 + [(5.0, False)] * 10) == pytest.approx(0.0)
    # Totals 1-20, right only for the ten weakest: the top 27% all wrong, the bottom 27% all right.
    assert report.discrimination_index([(float(t), t <= 10) for t in range(1, 21)]) == pytest.approx(-1.0)
    # 10 students: 2.7 per group; the top 2 right, then the two tied at 7 (one right) share the 0.7 left.
    students = [(9.0, True), (8.0, True), (7.0, True), (7.0, False)] + [(1.0, False)] * 6
    assert report.discrimination_index(students) == pytest.approx((2 + 0.7 * 0.5) / 2.7)
    assert report.discrimination_index([(1.0, True)] * 9) is None  # too few to tell


def test_quiz_shares_first_and_eventually_with_the_wrong_options_in_the_banks_words(class_of_200):
    made = report.class_report(*class_of_200)
    lesson = made.quizzes["00"]
    assert [q.question.id for q in lesson] == [TEXT, SINGLE]  # none right, then 60% right first time
    single = lesson[1]
    assert (single.students, single.right_first, single.right_eventually) == (200, 120, 180)
    options = {o.id: o.text for o in load_bank("00").question(SINGLE).options}
    # Counted once per student: the 20 who chose table-silent twice are 20.
    assert single.wrong_answers == [(options["three-larger"], 60), (options["table-silent"], 20)]
    assert lesson[0].wrong_answers == [(HOSTILE, 200)]


def test_hostile_progress_files_are_skipped_and_counted_never_read_in_full_or_followed(class_of_200):
    folder = report.read_progress_folder(class_of_200[1])
    assert len(folder.students) == 200
    assert folder.skipped == {
        "not a progress file of this course": 5,
        f"larger than {report.MAX_PROGRESS_BYTES // 1024 // 1024} MB": 1,
        "a link, not a file": 1,
        "not a regular file (a pipe or a device)": 1,
        "a link to a folder, not followed": 1,
    }
    assert (folder.set_aside, folder.not_json, folder.records_skipped) == (1, 1, 3)
    assert report.class_report(*class_of_200).unknown_attempts == 1


@pytest.mark.parametrize(
    "answer", [None, True, 1e308, 10**300, [[]], {"a": [1]}, "x" * 20_000, ["follows", 3], HOSTILE]
)
def test_any_saved_answer_to_any_question_type_reads_as_short_text(built_course, answer):
    for question in load_bank("00").questions:
        phrases = report.answer_phrases(question, answer)
        assert all(isinstance(p, str) and len(p) <= report.SHOWN_CHARACTERS for p in phrases)


def test_each_wrong_match_is_a_phrase_of_its_own(built_course):
    question = next(q for q in load_bank("00").questions if q.type == "matching")
    first, second, *rest = question.pairs
    answer = {first.id: second.right, second.id: first.right} | {p.id: p.right for p in rest}
    assert sorted(report.answer_phrases(question, answer)) == sorted(
        [f"{first.left} \u2192 {second.right}", f"{second.left} \u2192 {first.right}"]
    )


class PageStructure(HTMLParser):
    """Collect what a screen reader relies on: headings, tables, header cells, charts and their labels."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_every_value_from_a_submission_or_progress_file_shows_as_text(page):
    assert "<script" not in page.lower() and "<img" not in page.lower() and "<i>" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3  # a grader's message, a reason, an answer
    assert "&lt;i&gt;eve&amp;&quot;co&quot;" in page
    parsed = PageStructure()
    parsed.feed(page)
    shown = "".join(parsed.text)
    assert HOSTILE in shown and HOSTILE_ID in shown  # what the browser shows: the text itself


def test_the_page_fetches_nothing_has_header_cells_alt_text_and_no_tiny_text(page):
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:|//)""", page, re.IGNORECASE)
    assert "url(" not in page and "@import" not in page
    parsed = PageStructure()
    parsed.feed(page)
    tags = [tag for tag, _ in parsed.tags]
    assert tags.count("h1") == 1 and tags.count("table") == tags.count("caption") >= 4
    assert all(attrs.get("scope") in {"col", "row"} for tag, attrs in parsed.tags if tag == "th")
    charts = [attrs for tag, attrs in parsed.tags if tag == "svg"]
    assert charts and all(
        c.get("role") == "img" and "q3 27%; q1 51%; q2 100%" in c["aria-label"] for c in charts
    )
    sizes = [float(s) for s in re.findall(r"font-size(?:\s*:\s*|=\")(\d+(?:\.\d+)?)", page)]
    assert sizes and min(sizes) >= 11
    shown = "".join(parsed.text)
    assert "51% (100 of 195)" in shown and "upper-lower" in shown
    assert shown.index("Right first time") < shown.index(TEXT) < shown.index(SINGLE)


def test_the_page_is_written_whole_or_not_at_all(class_of_200, tmp_path, monkeypatch, capsys):
    out, _ = class_of_200
    target = tmp_path / "report.html"
    written = []
    atomic_writer = report.write_text_atomically
    monkeypatch.setattr(
        report, "write_text_atomically", lambda path, text: written.append(path) or atomic_writer(path, text)
    )
    assert main(["report", str(out), "--out", str(target)]) == 0
    assert written == [target] and (target.stat().st_mode & 0o777) == 0o600  # it names students

    def no_rename(*_args):
        raise OSError(28, "No space left on device")

    target.write_text("the old report")
    monkeypatch.setattr(os, "replace", no_rename)
    assert main(["report", str(out), "--out", str(target)]) == 1
    assert "could not be written" in capsys.readouterr().out
    assert target.read_text() == "the old report" and [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_a_folder_the_grader_never_wrote_is_refused_with_what_to_do(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "grade into the folder first" in capsys.readouterr().out
    (tmp_path / "results.json").write_text('[{"student": 1}]')
    assert main(["report", str(tmp_path)]) == 2
    assert "cannot be read" in capsys.readouterr().out
