"""The class report: one self-contained HTML page of what the class got right, from grades and quizzes."""

from __future__ import annotations

import argparse
import csv
import html
import json
import math
import os
import re
import stat
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from pathlib import Path

import nbformat

from .. import palette
from ..atomic import write_text_atomically
from ..errors import DataError
from ..exercise_build import exercise_names, questions, solution_path
from ..html_page import page_start

# The kernel's own checks, so that a file reads here as it reads for its student; not its Store,
# which moves a damaged file aside and converts an old one, and these files are not ours to change.
from ..progress import Progress, parsed_progress
from ..quizbank import Bank, Question, bank_files, read_bank
from .gradebook import read_manual_scores
from .grader import StudentResult, results_from_json

REPORT_NAME = "class-report.html"
GROUP_SHARE = 0.27  # Kelley's upper and lower groups: 27% of the class each
# Under 10 students a 27% group holds two: one student moves the index by half, so it says nothing.
MIN_FOR_DISCRIMINATION = 10
MAX_PROGRESS_BYTES = 16 * 1024 * 1024  # a year of answers is well under 1 MB; more is no progress file
SHOWN_WRONG = 3  # the commonest wrong answers or messages shown per question
SHOWN_CHARACTERS = 160
# Characters that change how the text around them is shown, not what it says: controls and the
# bidirectional embeddings, overrides and isolates (which can make a student id read backwards).
DISRUPTIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# -- safe HTML -----------------------------------------------------------------------------------


class Html(str):
    """A fragment of HTML built by this module; any other string is escaped when put into the page."""


def _h(value: object) -> str:
    """Return value as HTML: an Html fragment as it is, anything else as escaped text."""
    if isinstance(value, Html):
        return value
    return html.escape(DISRUPTIVE.sub("\ufffd", str(value)), quote=True)


def _tag(name: str, content: object = "", **attributes: object) -> Html:
    """Return <name attributes>content</name>, every attribute value and text content escaped."""
    attrs = "".join(
        f' {key.rstrip("_").replace("_", "-")}="{_h(value)}"' for key, value in attributes.items()
    )
    return Html(f"<{name}{attrs}>{_h(content)}</{name}>")


def _join(parts: list[object], separator: str = "") -> Html:
    """Return the parts as one fragment, each escaped unless it is Html already."""
    return Html(separator.join(_h(p) for p in parts))


def _shortened(text: str, limit: int = SHOWN_CHARACTERS) -> str:
    """Return text on one line, cut with an ellipsis past limit characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _percent(share: float | None) -> str:
    return "\u2013" if share is None else f"{100 * share:.0f}%"


# -- the exercises (the grader's results) ------------------------------------------------------


@dataclass
class ExerciseQuestion:
    """How the class did on one autograded question of an exercise."""

    exercise: str
    question: str
    title: str
    points: float
    students: int
    right: int  # full points
    mean_score: float  # points earned over points possible, 0 to 1
    discrimination: float | None  # None: too few students to tell
    wrong_messages: list[tuple[str, int]]  # the grader's reasons, commonest first, with how many
    other_messages: int  # students whose message is not among those shown

    @property
    def share_right(self) -> float:
        """Return the share of students with full points."""
        return self.right / self.students if self.students else 0.0


@dataclass
class ExerciseInfo:
    """What the solution notebook says about an exercise: its heading, question titles, written points."""

    heading: str = ""
    titles: dict[str, str] = field(default_factory=dict)
    written_points: dict[str, dict] = field(default_factory=dict)
    readable: bool = False


def _plain_markdown(text: str) -> str:
    return " ".join(text.replace("**", "").replace("`", "").split())


def _task_title(source: str) -> str:
    """Return a question's title from its task cell: the bold title, or else its first sentence."""
    bold = re.match(r"\s*\*\*(.+?)\*\*\s*(.*)", source, re.DOTALL)
    head, rest = (bold.group(1), bold.group(2)) if bold else ("", source)
    head = re.sub(r"^[QW]\d+\s*\([^)]*\)\.?\s*", "", head.strip())
    if head:
        return _shortened(_plain_markdown(head), 90)
    first = re.split(r"(?<=[.?!])\s", _plain_markdown(rest), maxsplit=1)[0]
    return _shortened(first, 90)


def exercise_info(name: str) -> ExerciseInfo:
    """Return an exercise's heading, question titles and written questions' points from its solution.

    An exercise whose solution cannot be read (renamed, or graded in another course) gets none:
    the report still shows its numbers.
    """
    if name not in exercise_names():  # a name from results.json never makes a path of its own
        return ExerciseInfo()
    try:
        solution = nbformat.read(solution_path(name), as_version=4)
        written = questions(solution)[1]
    except (OSError, ValueError, KeyError, DataError, nbformat.reader.NotJSONError):
        return ExerciseInfo()
    info = ExerciseInfo(written_points=written, readable=True)
    for cell in solution.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id == "intro" and cell.cell_type == "markdown":
            info.heading = _shortened(cell.source.splitlines()[0].lstrip("# ") if cell.source else "", 120)
        elif grade_id.endswith("-task") and cell.cell_type == "markdown":
            info.titles[grade_id.removesuffix("-task")] = _task_title(cell.source)
    return info


def _group_share_right(ordered: list[tuple[float, bool]], size: float) -> float:
    """Return the share right among the first `size` students of ordered (best or worst first).

    Students tied on total at the cut each count in equal part, so the index never depends on the
    order in which tied students happen to be listed.
    """
    taken = right = 0.0
    for _total, tied in groupby(ordered, key=lambda student: student[0]):
        members = list(tied)
        room = size - taken
        if room <= 0:
            break
        weight = min(1.0, room / len(members))
        taken += weight * len(members)
        right += weight * sum(1 for _, is_right in members if is_right)
    return right / size


def discrimination_index(students: list[tuple[float, bool]]) -> float | None:
    """Return the upper-lower 27% discrimination index of a question, or None for under 10 students.

    students: (total score on the exercise, full points on this question) for each student. The
    index is the share right among the top 27% by total minus the share right among the bottom
    27%: from -1 to 1, 0 when the strong and the weak do equally well.
    """
    if len(students) < MIN_FOR_DISCRIMINATION:
        return None
    size = GROUP_SHARE * len(students)
    best_first = sorted(students, key=lambda s: -s[0])
    worst_first = sorted(students, key=lambda s: s[0])
    return _group_share_right(best_first, size) - _group_share_right(worst_first, size)


def _number(value: object) -> float | None:
    """Return value as a finite float, or None (results.json is the grader's, but may have been edited)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def exercise_questions(results: list[StudentResult], info: dict[str, ExerciseInfo]) -> dict[str, list]:
    """Return {exercise: [ExerciseQuestion, ...]}, each list sorted with the least-right question first."""
    # exercise -> question -> (points, earned, grader's reason, the student's autograded total)
    scored: dict[str, dict[str, list[tuple[float, float, str, float]]]] = {}
    for r in results:
        if r.status != "graded" or not r.exercise:
            continue
        kept = [
            (str(q.question), _number(q.points), _number(q.earned), str(q.reason))
            for q in r.questions
            if _number(q.points) and _number(q.earned) is not None  # no points: nothing to score
        ]
        total = sum(earned for _, _, earned, _ in kept)
        for question, points, earned, reason in kept:
            scored.setdefault(r.exercise, {}).setdefault(question, []).append((points, earned, reason, total))
    found: dict[str, list[ExerciseQuestion]] = {}
    for exercise, per_question in sorted(scored.items()):
        rows = []
        for question, scores in per_question.items():
            messages = Counter(reason for points, earned, reason, _ in scores if earned < points)
            shown = messages.most_common(SHOWN_WRONG)
            rows.append(
                ExerciseQuestion(
                    exercise=exercise,
                    question=question,
                    title=info.get(exercise, ExerciseInfo()).titles.get(question, ""),
                    points=max(points for points, *_ in scores),
                    students=len(scores),
                    right=sum(earned >= points for points, earned, *_ in scores),
                    mean_score=sum(s[1] for s in scores) / sum(s[0] for s in scores),
                    discrimination=discrimination_index(
                        [(total, earned >= points) for points, earned, _, total in scores]
                    ),
                    wrong_messages=shown,
                    other_messages=sum(messages.values()) - sum(n for _, n in shown),
                )
            )
        found[exercise] = sorted(rows, key=lambda q: (q.share_right, q.mean_score, q.question))
    return found


def unmarked_answers(
    results: list[StudentResult], written_csv: Path, info: dict[str, ExerciseInfo]
) -> set[tuple[str, str, str]]:
    """Return (student, exercise, written question) for each written answer with no valid typed score.

    A score counts only as `fourislands grade --merge-written` counts it (a number within the
    points the solution gives the question), so a typo in written.csv shows here as still awaiting.
    """
    graded = [r for r in results if r.status == "graded" and r.exercise]
    specs: dict[str, dict] = {}
    for r in graded:
        exercise = info.get(r.exercise, ExerciseInfo())
        if exercise.readable:
            specs[r.exercise] = exercise.written_points
        else:  # without the solution the points are unknown: any number from 0 up counts as a mark
            specs.setdefault(r.exercise, {}).update({w: {"points": math.inf} for w in r.written})
    try:
        marks, _typed, _problems = read_manual_scores(written_csv, specs)
    except (OSError, UnicodeDecodeError, csv.Error):
        marks = {}
    return {
        (r.student, r.exercise, w)
        for r in graded
        for w in r.written
        if (r.student, r.exercise, w) not in marks
    }


# -- the quizzes (students' progress files) ----------------------------------------------------


@dataclass
class ProgressFolder:
    """The progress files found under a folder: one Progress per file read, and what was not read."""

    students: list[Progress] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # reason -> files
    set_aside: int = 0  # copies the course itself moved aside (damaged, version-1): not a student's
    not_json: int = 0  # files not named *.json (locks, notes): left alone
    records_skipped: int = 0  # lines inside read files that are not records of this course


def _progress_bytes(path: Path) -> tuple[bytes | None, str | None]:
    """Return a regular file's bytes, never following a link nor blocking on a pipe, or None and why not."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        if path.is_symlink():
            return None, "a link, not a file"
        return None, "could not be opened"
    with os.fdopen(handle, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            return None, "not a regular file (a pipe or a device)"
        if info.st_size > MAX_PROGRESS_BYTES:
            return None, f"larger than {MAX_PROGRESS_BYTES // 1024 // 1024} MB"
        try:
            content = file.read(MAX_PROGRESS_BYTES + 1)
        except OSError:
            return None, "could not be read"
    if len(content) > MAX_PROGRESS_BYTES:  # it grew while being read
        return None, f"larger than {MAX_PROGRESS_BYTES // 1024 // 1024} MB"
    return content, None


def read_progress_folder(folder: Path) -> ProgressFolder:
    """Return the progress in each *.json file under folder (any layout); no file makes it raise."""
    found = ProgressFolder()

    def count_unreadable_folder(_error: OSError) -> None:
        found.skipped["a folder that could not be read"] += 1

    for here, folders, names in os.walk(folder, onerror=count_unreadable_folder, followlinks=False):
        for name in [f for f in folders if (Path(here) / f).is_symlink()]:
            found.skipped["a link to a folder, not followed"] += 1
            folders.remove(name)
        folders.sort()
        for name in sorted(names):
            path = Path(here) / name
            if not name.lower().endswith(".json"):
                found.not_json += 1
                continue
            if ".damaged-" in name or ".version-1-" in name:
                found.set_aside += 1
                continue
            content, problem = _progress_bytes(path)
            if content is None:
                found.skipped[problem] += 1
                continue
            progress, skipped = parsed_progress(content)
            if progress is None:
                found.skipped["not a progress file of this course"] += 1
                continue
            found.students.append(progress)
            found.records_skipped += skipped
    return found


@dataclass
class QuizQuestion:
    """How the students who answered one quiz question did."""

    lesson: str
    question: Question
    students: int  # who answered it at least once
    right_first: int
    right_eventually: int
    wrong_answers: list[tuple[str, int]]  # in the bank's words, commonest first, with how many students

    @property
    def share_first(self) -> float:
        """Return the share right at the first attempt."""
        return self.right_first / self.students if self.students else 0.0

    @property
    def share_eventually(self) -> float:
        """Return the share right at some attempt."""
        return self.right_eventually / self.students if self.students else 0.0


def _words(texts: dict[str, str], key: object) -> str:
    if isinstance(key, str) and key in texts:
        return texts[key]
    return f"(not in the bank: {_shortened(json.dumps(key, ensure_ascii=False), 40)})"


def answer_phrases(question: Question, answer: object) -> list[str]:
    """Return an answer in the bank's words (options, items and matches by their text), shortened.

    A matching question gives one phrase per wrong match, since each is a misconception of its
    own: counted whole, the many ways to mix up four pairs would hide the one most students make.
    """
    options = {o.id: o.text for o in question.options}
    if question.type == "single" and isinstance(answer, str):
        text = _words(options, answer)
    elif question.type == "multiple" and isinstance(answer, list):
        text = " + ".join(_words(options, a) for a in answer)
    elif question.type == "ordering" and isinstance(answer, list):
        items = {i.id: _shortened(i.text, 40) for i in question.items}
        text = " \u2192 ".join(_words(items, a) for a in answer)
    elif question.type == "matching" and isinstance(answer, dict):
        pairs = {p.id: p for p in question.pairs}
        return [
            _shortened(f"{pairs[key].left} \u2192 {value}")
            for key, value in sorted(answer.items())
            if key in pairs and value != pairs[key].right
        ]
    elif question.type == "numeric" and isinstance(answer, (int, float)) and not isinstance(answer, bool):
        number = f"{answer:g}" if isinstance(answer, float) else str(answer)  # a huge int has no float
        text = number + (f" {question.unit}" if question.unit else "")
    elif question.type == "text" and isinstance(answer, str):
        text = answer
    else:  # saved by another version, or edited: shown as saved
        text = json.dumps(answer, ensure_ascii=False)[: SHOWN_CHARACTERS + 1]
    return [_shortened(text)]


def read_banks() -> tuple[dict[tuple[str, str], Question], dict[str, Bank], list[str]]:
    """Return {(lesson, question id): Question}, {lesson: Bank}, and the banks that cannot be read."""
    known, banks, problems = {}, {}, []
    for path in bank_files():
        try:
            bank = read_bank(path)
        except DataError as error:
            problems.append(str(error))
            continue
        banks[bank.lesson] = bank
        known.update({(bank.lesson, q.id): q for q in bank.questions})
    return known, banks, problems


def quiz_questions(folder: ProgressFolder, known: dict[tuple[str, str], Question]) -> tuple[dict, int]:
    """Return ({lesson: [QuizQuestion, ...]}, attempts at questions not in the banks), least right first."""
    answered: Counter = Counter()
    first: Counter = Counter()
    eventually: Counter = Counter()
    wrong: dict[tuple[str, str], Counter] = {}
    unknown = 0
    for student in folder.students:
        attempts: dict[tuple[str, str], list[dict]] = {}
        for record in student.attempts:
            attempts.setdefault((record["lesson"], record["question"]), []).append(record)
        for key, tries in attempts.items():
            question = known.get(key)
            if question is None:
                unknown += len(tries)
                continue
            answered[key] += 1
            first[key] += tries[0]["status"] == "correct"
            eventually[key] += any(t["status"] == "correct" for t in tries)
            # Once per student: one student retrying the same wrong answer is one misconception.
            chosen = {
                phrase
                for t in tries
                if t["status"] != "correct"
                for phrase in answer_phrases(question, t.get("answer"))
            }
            wrong.setdefault(key, Counter()).update(chosen)
    by_lesson: dict[str, list[QuizQuestion]] = {}
    for key in answered:
        by_lesson.setdefault(key[0], []).append(
            QuizQuestion(
                lesson=key[0],
                question=known[key],
                students=answered[key],
                right_first=first[key],
                right_eventually=eventually[key],
                wrong_answers=wrong.get(key, Counter()).most_common(SHOWN_WRONG),
            )
        )
    for rows in by_lesson.values():
        rows.sort(key=lambda q: (q.share_first, q.share_eventually, q.question.id))
    return dict(sorted(by_lesson.items())), unknown


# -- the report ---------------------------------------------------------------------------------


@dataclass
class ClassReport:
    """Everything the page shows, computed before any HTML is written."""

    graded_dir: Path
    students: int
    graded: int
    rejected: list[StudentResult]
    missing: list[str]
    exercises: dict[str, list[ExerciseQuestion]]
    exercise_students: dict[str, int]
    info: dict[str, ExerciseInfo]
    awaiting: Counter
    awaiting_students: int
    progress_dir: Path | None = None
    progress: ProgressFolder | None = None
    quizzes: dict[str, list[QuizQuestion]] = field(default_factory=dict)
    banks: dict[str, Bank] = field(default_factory=dict)
    unknown_attempts: int = 0
    bank_problems: list[str] = field(default_factory=list)


class ReportProblem(Exception):
    """The graded folder cannot be reported on; the message says why and what to do."""


def class_report(graded_dir: Path, progress_dir: Path | None = None) -> ClassReport:
    """Return the class report of a grader's output folder and, if given, a folder of progress files."""
    saved = graded_dir / "results.json"
    try:
        results = results_from_json(saved.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportProblem(
            f"{saved} not found: grade into the folder first "
            f"(fourislands grade SUBMISSIONS --out {graded_dir})"
        ) from None
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError) as error:
        raise ReportProblem(f"{saved} cannot be read ({type(error).__name__}: {error})") from None
    info = {name: exercise_info(name) for name in sorted({r.exercise for r in results if r.exercise})}
    unmarked = unmarked_answers(results, graded_dir / "written.csv", info)
    report = ClassReport(
        graded_dir=graded_dir,
        students=len({r.student for r in results}),
        graded=sum(r.status == "graded" for r in results),
        rejected=[r for r in results if r.status == "rejected"],
        missing=sorted({r.student for r in results if r.status == "missing"}),
        exercises=exercise_questions(results, info),
        exercise_students=Counter(r.exercise for r in results if r.status == "graded" and r.exercise),
        info=info,
        awaiting=Counter((exercise, question) for _, exercise, question in unmarked),
        awaiting_students=len({student for student, _, _ in unmarked}),
    )
    if progress_dir is not None:
        if not progress_dir.is_dir():
            raise ReportProblem(f"{progress_dir} is not a folder of progress files")
        report.progress_dir = progress_dir
        report.progress = read_progress_folder(progress_dir)
        known, report.banks, report.bank_problems = read_banks()
        report.quizzes, report.unknown_attempts = quiz_questions(report.progress, known)
    return report


# -- drawing: an inline SVG bar chart (no image files, no network, text at the size it is set) ----


CHART_WIDTH = 720
CHART_ROW = 26
CHART_TEXT_PX = 14
CHART_VALUE_ROOM = 150  # right of the longest bar: "100% (200 of 200)" at 14 px


def shares_chart_svg(bars: list[tuple[str, float, str]], description: str) -> Html:
    """Return an inline SVG of horizontal bars (label, share 0-1, value shown), description its alt text."""
    labels = [_shortened(label, 22) for label, _, _ in bars]
    left = 16 + 9 * max((len(label) for label in labels), default=2)  # about 9 px a character at 14 px
    plot = CHART_WIDTH - left - CHART_VALUE_ROOM
    top, axis = 8, 44
    height = top + CHART_ROW * len(bars) + axis
    parts = [_tag("title", description)]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        x = left + tick * plot
        parts.append(
            Html(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{height - axis + 4}" '
                'stroke="#c8c8c8" stroke-width="1"/>'
            )
        )
        parts.append(
            _tag("text", f"{100 * tick:.0f}%", x=f"{x:.1f}", y=height - axis + 22, text_anchor="middle")
        )
    parts.append(
        _tag(
            "text",
            "students with full points",
            x=left + plot / 2,
            y=height - 6,
            text_anchor="middle",
        )
    )
    for row, (label, (_, share, shown)) in enumerate(zip(labels, bars, strict=True)):
        y = top + row * CHART_ROW
        width = max(0.0, min(1.0, share)) * plot
        middle = y + CHART_ROW / 2 + CHART_TEXT_PX * 0.35  # a baseline that centres the text on the bar
        parts.append(_tag("text", label, x=left - 8, y=f"{middle:.1f}", text_anchor="end"))
        parts.append(
            Html(
                f'<rect x="{left}" y="{y + 5}" width="{width:.1f}" height="{CHART_ROW - 10}" '
                f'fill="{palette.BLUE}"/>'
            )
        )
        parts.append(_tag("text", shown, x=f"{left + width + 6:.1f}", y=f"{middle:.1f}"))
    return _tag(
        "svg",
        _join(parts),
        class_="chart",
        role="img",
        aria_label=description,
        width=CHART_WIDTH,
        height=height,
        viewBox=f"0 0 {CHART_WIDTH} {height}",
        font_size=CHART_TEXT_PX,
        fill="#1a1a1a",
    )


# -- the page -------------------------------------------------------------------------------------


STYLE = """
body { margin: 0; background: #fff; color: #1a1a1a;
  font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK JP", sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 20px 32px 48px; }
h1 { font-size: 28px; margin: 8px 0 4px; }
h2 { font-size: 22px; margin: 36px 0 8px; border-bottom: 2px solid #1a1a1a; padding-bottom: 4px; }
h3 { font-size: 18px; margin: 28px 0 6px; }
p, li { max-width: 80ch; }
.note { color: #444; font-size: 14px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 20px; font-size: 15px; }
caption { text-align: left; font-weight: 600; padding: 4px 0 6px; }
th, td { border-bottom: 1px solid #d0d0d0; padding: 6px 10px; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }
thead th { background: #f0f0f0; border-bottom: 2px solid #777; }
tbody th { font-weight: normal; }
.prompt { display: block; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.facts { width: auto; min-width: 420px; }
table.facts th, table.facts td { padding: 4px 10px; }
ul.wrong { margin: 0; padding-left: 18px; }
ul.wrong li { margin: 0 0 2px; }
.count { color: #444; white-space: nowrap; }
.flag { font-weight: 700; }
figure { margin: 8px 0 16px; }
figcaption { font-size: 14px; color: #444; }
svg.chart text { font-family: inherit; }
nav ul { margin: 8px 0 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 4px 24px; }
"""


def _anchor(prefix: str, name: str) -> str:
    return f"{prefix}-" + (re.sub(r"[^a-z0-9-]+", "-", unicodedata.normalize("NFKD", name).lower()) or "x")


def _table(
    caption: str, headers: list[str], rows: list[list[object]], numeric: set[int], narrow: bool = False
) -> Html:
    """Return a table with a caption, column headers and each row's first cell as its row header."""
    head = _tag(
        "thead",
        _tag(
            "tr",
            _join(
                [
                    _tag("th", h, scope="col", class_="num")
                    if column in numeric
                    else _tag("th", h, scope="col")
                    for column, h in enumerate(headers)
                ]
            ),
        ),
    )
    body = []
    for row in rows:
        cells = [_tag("th", row[0], scope="row")]
        cells += [
            _tag("td", cell, class_="num") if column in numeric else _tag("td", cell)
            for column, cell in enumerate(row[1:], start=1)
        ]
        body.append(_tag("tr", _join(cells)))
    parts = _join([_tag("caption", caption), head, _tag("tbody", _join(body))])
    return _tag("table", parts, class_="facts") if narrow else _tag("table", parts)


def _counted_list(items: list[tuple[str, int]], unit: str, others: int = 0) -> Html:
    if not items:
        return Html("\u2013")
    entries = [
        _tag("li", _join([text, " ", _tag("span", f"({n} {unit}{'' if n == 1 else 's'})", class_="count")]))
        for text, n in items
    ]
    if others:
        entries.append(_tag("li", f"and {others} other{'' if others == 1 else 's'}", class_="count"))
    return _tag("ul", _join(entries), class_="wrong")


def _discrimination_words(value: float | None, share_right: float) -> Html:
    """Return the index with Ebel's reading of it; a negative one flagged, as it points at the question."""
    if value is None:
        return Html(f"\u2013 (under {MIN_FOR_DISCRIMINATION} students)")
    if share_right in (0.0, 1.0):  # nothing to tell apart: "low" would blame the question
        return Html(f"{value:.2f} (everyone {'right' if share_right else 'wrong'})")
    if value < 0:
        return _join([f"{value:.2f} ", _tag("span", "negative: check the question", class_="flag")])
    word = "high" if value >= 0.4 else "fair" if value >= 0.2 else "low"
    return Html(f"{value:.2f} {word}")


def _summary_html(report: ClassReport) -> Html:
    waiting = sum(report.awaiting.values())
    facts = [
        ["Students", report.students],
        ["Submissions graded", report.graded],
        ["Submissions rejected (not graded)", len(report.rejected)],
        ["On the roster, no submission", len(report.missing)],
        [
            "Awaiting manual marks",
            f"{report.awaiting_students} student{'' if report.awaiting_students == 1 else 's'} "
            f"({waiting} written answer{'' if waiting == 1 else 's'})",
        ],
    ]
    if report.progress is not None:
        skipped = sum(report.progress.skipped.values())
        facts.append(["Quiz progress files read", f"{len(report.progress.students)} ({skipped} skipped)"])
    body = [_tag("th", label, scope="row") for label, _ in facts]
    rows = [
        _tag("tr", _join([header, _tag("td", value, class_="num")]))
        for header, (_, value) in zip(body, facts, strict=True)
    ]
    return _tag(
        "table", _join([_tag("caption", "Submissions and marks"), _tag("tbody", _join(rows))]), class_="facts"
    )


def _exercise_html(report: ClassReport, exercise: str, rows: list[ExerciseQuestion]) -> Html:
    info = report.info.get(exercise, ExerciseInfo())
    students = report.exercise_students.get(exercise, 0)
    heading = f"Exercise {exercise}" + (f": {info.heading}" if info.heading else "")
    bars = [
        (q.question, q.share_right, f"{_percent(q.share_right)} ({q.right} of {q.students})") for q in rows
    ]
    description = (
        f"Bar chart: share of students with full points on each question of {exercise}, least first: "
        + "; ".join(f"{q.question} {_percent(q.share_right)}" for q in rows)
        + "."
    )
    table_rows = [
        [
            _join([_tag("strong", q.question), _tag("span", q.title, class_="prompt")]),
            f"{_percent(q.share_right)} ({q.right} of {q.students})",
            f"{_percent(q.mean_score)} of {q.points:g} pt",
            _discrimination_words(q.discrimination, q.share_right),
            _counted_list(q.wrong_messages, "student", q.other_messages),
        ]
        for q in rows
    ]
    return _join(
        [
            _tag("h2", heading, id=_anchor("exercise", exercise)),
            _tag(
                "p",
                f"{students} graded submission{'' if students == 1 else 's'}. Questions are listed "
                "with the one the fewest students got fully right first.",
            ),
            _tag(
                "figure",
                _join(
                    [
                        shares_chart_svg(bars, description),
                        _tag(
                            "figcaption",
                            f"Share of the {students} graded students with full points, per question.",
                        ),
                    ]
                ),
            ),
            _table(
                f"Autograded questions of {exercise}, least right first",
                [
                    "Question",
                    "Full points",
                    "Mean score",
                    "Discrimination (upper-lower 27%)",
                    "Commonest feedback when not right",
                ],
                table_rows,
                numeric={1, 2},
            ),
        ]
    )


def _quiz_html(report: ClassReport) -> Html:
    folder = report.progress
    assert folder is not None
    parts = [_tag("h2", "Quizzes", id="quizzes")]
    said = [
        f"From {len(folder.students)} progress file{'' if len(folder.students) == 1 else 's'} under "
        f"{report.progress_dir}, one per student. Each question counts the students who answered it at "
        "least once; a wrong answer is counted once per student who gave it. Within each lesson the "
        "question the fewest got right at the first attempt comes first."
    ]
    skipped = sum(folder.skipped.values())
    if skipped:
        reasons = "; ".join(f"{n} {why}" for why, n in sorted(folder.skipped.items()))
        said.append(f"{skipped} file{'' if skipped == 1 else 's'} skipped: {reasons}.")
    if folder.set_aside:
        said.append(
            f"{folder.set_aside} cop{'y' if folder.set_aside == 1 else 'ies'} the course set aside "
            "(damaged or version-1) not read."
        )
    if folder.not_json:
        said.append(
            f"{folder.not_json} file{'' if folder.not_json == 1 else 's'} not named .json left alone."
        )
    if folder.records_skipped or report.unknown_attempts:
        said.append(
            f"{folder.records_skipped} damaged line{'' if folder.records_skipped == 1 else 's'} and "
            f"{report.unknown_attempts} answer{'' if report.unknown_attempts == 1 else 's'} to questions "
            "no bank holds were left out."
        )
    for problem in report.bank_problems:
        said.append(f"A question bank could not be read: {problem}")
    parts.append(_tag("p", said[0]))
    if said[1:]:
        parts.append(_tag("p", " ".join(said[1:]), class_="note"))
    if not report.quizzes:
        parts.append(_tag("p", "No answers to the course's quiz questions were found."))
    for lesson, rows in report.quizzes.items():
        bank = report.banks.get(lesson)
        parts.append(
            _tag("h3", f"Lesson {lesson}" + (f": {bank.title}" if bank else ""), id=_anchor("lesson", lesson))
        )
        table_rows = [
            [
                _join(
                    [
                        _tag("strong", q.question.id),
                        _tag("span", _shortened(q.question.prompt, 140), class_="prompt"),
                    ]
                ),
                q.students,
                f"{_percent(q.share_first)} ({q.right_first})",
                f"{_percent(q.share_eventually)} ({q.right_eventually})",
                _counted_list(q.wrong_answers, "student"),
            ]
            for q in rows
        ]
        parts.append(
            _table(
                f"Quiz questions of lesson {lesson}, least right at the first attempt first",
                [
                    "Question",
                    "Students who answered",
                    "Right first time",
                    "Right in the end",
                    "Commonest wrong answers",
                ],
                table_rows,
                numeric={1, 2, 3},
            )
        )
    return _join(parts)


def _not_graded_html(report: ClassReport) -> Html:
    parts = []
    if report.rejected:
        parts.append(_tag("h2", "Rejected submissions", id="rejected"))
        parts.append(
            _table(
                "Files the grader could not grade, with its reason",
                ["Student", "File", "Reason"],
                [[r.student, Path(r.file).name, r.reason] for r in report.rejected],
                numeric=set(),
            )
        )
    if report.missing:
        parts.append(_tag("h2", "On the roster, no submission", id="missing"))
        parts.append(_tag("p", ", ".join(report.missing)))
    if report.awaiting:
        parts.append(_tag("h2", "Awaiting manual marks", id="awaiting"))
        parts.append(
            _tag(
                "p",
                f"Type the scores into {report.graded_dir / 'written.csv'}, then run "
                f"fourislands grade --merge-written --out {report.graded_dir}. A score that is not a "
                "number, or is outside the question's points, still counts as awaiting.",
            )
        )
        parts.append(
            _table(
                "Written answers with no valid score yet",
                ["Exercise and question", "Answers awaiting a mark"],
                [
                    [f"{exercise} {question}", n]
                    for (exercise, question), n in sorted(report.awaiting.items())
                ],
                numeric={1},
                narrow=True,
            )
        )
    return _join(parts)


METHOD = (
    "Full points: the share of graded submissions that earned all of a question's points. Mean score: "
    "the points earned over the points possible. Discrimination: the upper-lower index (Kelley's 27% "
    "groups). Students are ranked by their autograded total on the exercise; the index is the share "
    "with full points among the top 27% minus that among the bottom 27%, students tied at the cut "
    "counting in equal part. It runs from -1 to 1: 0.40 and over is high, 0.20 to 0.39 fair, under "
    "0.20 low (Ebel's guide). A question nearly everyone got right, or nearly no one, cannot separate "
    "students, so its index is near 0 whatever its quality. A negative index means the weaker students "
    f"did better than the stronger ones: check the question and its tests. Under {MIN_FOR_DISCRIMINATION} "
    "graded submissions no index is given. Written answers are not part of the totals."
)


def report_html(report: ClassReport) -> str:
    """Return the whole page: inline style and charts, no script, nothing fetched from anywhere."""
    nav = [_tag("li", _tag("a", "The class", href="#class"))]
    nav += [
        _tag("li", _tag("a", f"Exercise {name}", href="#" + _anchor("exercise", name)))
        for name in report.exercises
    ]
    if report.progress is not None:
        nav.append(_tag("li", _tag("a", "Quizzes", href="#quizzes")))
    nav.append(_tag("li", _tag("a", "How these numbers are made", href="#method")))
    made = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    body = [
        _tag("h1", "Class report"),
        _tag(
            "p",
            f"From the grader's results in {report.graded_dir} (results.json, written.csv); made {made}.",
            class_="note",
        ),
        _tag("nav", _tag("ul", _join(nav)), aria_label="Sections"),
        _tag("h2", "The class", id="class"),
        _summary_html(report),
    ]
    if not report.exercises:
        body.append(_tag("p", "No graded submission holds an autograded question yet."))
    body += [_exercise_html(report, name, rows) for name, rows in report.exercises.items()]
    if report.progress is not None:
        body.append(_quiz_html(report))
    body.append(_not_graded_html(report))
    body += [_tag("h2", "How these numbers are made", id="method"), _tag("p", METHOD)]
    start = page_start(f"Class report: {report.graded_dir.name}", STYLE)
    return f"{start}<body><main>{_join(body)}</main></body>\n</html>\n"


def write_report(graded_dir: Path, progress_dir: Path | None = None, out: Path | None = None) -> Path:
    """Write the class report atomically (private: it names students); return where it was written."""
    target = out or graded_dir / REPORT_NAME
    write_text_atomically(target, report_html(class_report(graded_dir, progress_dir)))
    return target


def report_command(args: argparse.Namespace) -> int:
    """Write the class report for `fourislands report`; return an exit code."""
    try:
        target = write_report(args.graded, args.progress, args.out)
    except ReportProblem as problem:
        print(problem)
        return 2
    except OSError as error:
        print(f"the report could not be written: {error}")
        return 1
    print(f"class report written: {target}")
    return 0
