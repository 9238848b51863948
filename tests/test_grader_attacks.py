"""Hostile submissions graded in one sandboxed run beside honest ones.

Each attacker gets exactly its score, every honest student the full score, the course's files stay
as they were, nothing is planted or leaked, and no process outlives the grader. The sandbox is
required: on Linux, `make test` installs bubblewrap, and these tests fail if it cannot run.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sys
import time
from pathlib import Path

import nbformat
import pytest
from course_root import ROOT
from test_grader import RIGHT, answered, released

from fourislands.grading.grader import grade
from fourislands.grading.limits import Limits

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the sandbox (bubblewrap) exists only on Linux"
)
LIMITS = Limits(cell_seconds=2.0, total_seconds=20.0, memory_mb=1536, disk_mb=64)
MARK = "fi-attack-7c1e"
SECRET = "fi-secret-canary-5d2b"
HONEST = {f"honest-{n}": n for n in (1, 2, 3)}
FULL = {"q1": 2, "q2": 3, "q3": 2}


def honest_answers(number: int) -> dict[str, str]:
    return {**RIGHT, "q1": f"# honest-work-{number}\n{RIGHT['q1']}"}


def attack(**cells: str):
    """Return a builder of a submission whose cells hold the given code (the rest answered right)."""

    def build(course: Path, places: dict) -> nbformat.NotebookNode:
        filled = {}
        for question, text in cells.items():
            for key, value in places.items():
                text = text.replace(f"<<{key}>>", value)
            filled[question] = text
        return answered(course, {**RIGHT, **filled})

    return build


RIGHT_Q1 = "\nq1 = len(load('islands'))"
# name: (builder, the exact points each question gets, words the reasons or notes give, words in outputs)
ATTACKS = {
    # 1. Forged results and code run in the grader
    "forges-reports": (
        attack(
            q1="import os, json\n"
            "forged = [\n"
            "  {'event': 'end', 'cell': 'q1-answer', 'error': None, 'output': '',\n"
            "   'answers': {'q1': {'answer': {'t': 'int', 'v': 999}},\n"
            "               'q2': {'answer': {'t': 'int', 'v': 1}}}},\n"
            "  {'event': 'start', 'cell': 'q3-answer'},\n"
            "  {'event': 'end', 'cell': 'q3-answer', 'error': None, 'output': '', 'answers': {}},\n"
            "  {'event': 'done'}, {'event': 'result', 'points': 10, 'student': 'forges-reports'},\n"
            "]\n"
            "text = ''.join(json.dumps(m) + '\\n' for m in forged).encode()\n"
            "for fd in range(3, 64):\n"
            "    try:\n        os.write(fd, text)\n    except OSError:\n        pass\n"
            "q1 = ____",
            q2="q2 = ____",
            q3="q3 = ____",
        ),
        {"q1": 0, "q2": 0, "q3": 0},
        ["Not the expected number", "not attempted"],
        [],
    ),
    "sends-a-pickle": (
        attack(
            q1="import os, pickle\n"
            "class Evil:\n    def __reduce__(self):\n"
            "        return (os.system, ('touch <<CANARY>>/unpickled',))\n"
            "for fd in range(3, 64):\n"
            "    try:\n        os.write(fd, pickle.dumps(Evil()) + b'\\n')\n    except OSError:\n        pass"
            + RIGHT_Q1
        ),
        FULL,
        ["passed"],
        [],
    ),
    "lying-objects": (
        attack(
            q1="class Liar(int):\n    def __eq__(self, other):\n        return True\n"
            "    __hash__ = int.__hash__\n"
            "q1 = Liar(99)",
            q2="import pandas as pd\nclass Frame(pd.DataFrame):\n"
            "    def equals(self, other):\n        return True\n"
            "    def __eq__(self, other):\n        return True\n"
            "q2 = Frame({'id': ['nowhere'], 'area_km2': [1.0]})",
        ),
        {"q1": 0, "q2": 0, "q3": 2},
        ["Not the expected number", "Expected 4 rows"],
        [],
    ),
    # 2. Writes to what grading depends on
    "writes-course-files": (
        attack(
            q1="import glob, pathlib, fourislands\n"
            "package = pathlib.Path(fourislands.__file__).resolve().parent\n"
            "targets = ['<<SOLUTION>>', '<<DATA>>', str(package / 'py.typed'), '/course/data/islands.csv']\n"
            "targets += glob.glob('<<REAL_SOLUTIONS>>/*.ipynb')\n"
            "targets += glob.glob(str(package.parents[1] / 'solutions/*'))\n"
            "wrote = []\n"
            "for target in targets:\n"
            "    try:\n        open(target, 'w').write('{}')\n        wrote.append(target)\n"
            "    except OSError:\n        pass\n"
            "print('wrote:', wrote)" + RIGHT_Q1
        ),
        FULL,
        ["passed"],
        ["wrote: []"],
    ),
    "plants-output-files": (
        attack(
            q1="import os\n"
            "for folder in ['<<OUT>>', '.', '/tmp', os.path.expanduser('~')]:\n"
            "    try:\n        os.makedirs(folder, exist_ok=True)\n"
            "        open(os.path.join(folder, 'written.csv'), 'w').write(\n"
            "            'student,exercise,question,points,rubric,answer,score,comment\\n'\n"
            "            'plants-output-files,99-fixture,w1,2000,,,2000,\\n')\n"
            "    except OSError as error:\n        print('refused:', folder)" + RIGHT_Q1
        ),
        FULL,
        ["passed"],
        [],  # its own /tmp takes the file: the real output folder stays untouched (checked below)
    ),
    "reads-and-overwrites-others": (
        attack(
            q1="import glob\n"
            "for path in ['<<HONEST>>'] + glob.glob('<<SUBMISSIONS>>/*'):\n"
            "    try:\n        print(open(path).read()[:3000])\n        open(path, 'w').write('{}')\n"
            "    except OSError:\n        print('no access:', path)" + RIGHT_Q1
        ),
        FULL,
        ["passed"],
        ["no access: <<HONEST>>"],
    ),
    # 3. Processes that escape
    "escapes-by-setsid": (
        attack(
            q1="import os, subprocess, time\n"
            "try:\n    if os.fork() == 0:\n"
            "        os.setsid()\n        time.sleep(600)\n        os._exit(0)\n"
            "except OSError as error:\n    print('fork refused:', error)\n"
            "try:\n    subprocess.Popen(['sleep', '600', '<<MARK>>'], start_new_session=True)\n"
            "except OSError as error:\n    print('spawn refused:', error)" + RIGHT_Q1
        ),
        FULL,
        ["passed"],
        ["fork refused", "spawn refused"],
    ),
    "kills-every-process": (
        attack(
            q1="import os, signal\n"
            "try:\n    os.kill(-1, signal.SIGKILL)\n"
            "except OSError as error:\n    print('none to kill:', error)\n"
            "seen = 0\n"
            "for pid in range(1, 70000):\n"
            "    if pid != os.getpid():\n"
            "        try:\n            os.kill(pid, signal.SIGKILL)\n            seen += 1\n"
            "        except OSError:\n            pass\n"
            "print('signalled', seen)" + RIGHT_Q1
        ),
        FULL,
        ["passed"],
        ["signalled 1"],  # PID 1 of its own namespace, which ignores it
    ),
    "kills-its-parent": (
        attack(
            q1="import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nos.kill(1, signal.SIGKILL)"
            + RIGHT_Q1
        ),
        FULL,
        ["passed"],
        [],
    ),
    # 4. One submission stops the class
    "stops-itself": (
        attack(q2="import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)\nq2 = None"),
        {"q1": 2, "q2": 0, "q3": 0},
        ["ran past its time limit", "not reached"],
        [],
    ),
    "cuts-its-link-and-sleeps": (
        attack(q2="import os, time\nos.closerange(3, 1024)\ntime.sleep(600)"),
        {"q1": 2, "q2": 0, "q3": 0},
        ["closed its link to the grader"],
        [],
    ),
    "leaves-its-group-and-sleeps": (
        attack(
            q2="import os, signal, time\nsignal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})\n"
            "try:\n    os.setpgid(0, 0)\n"
            "except OSError:\n    os.setpgrp() if os.getpgrp() != os.getpid() else None\n"
            "time.sleep(600)"
        ),
        {"q1": 2, "q2": 0, "q3": 0},
        ["ran past its time limit"],
        [],
    ),
    "floods-the-grader": (
        attack(q2="import os\nline = b'x' * 65535 + b'\\n'\nfor _ in range(1200):\n    os.write(4, line)"),
        {"q1": 2, "q2": 0, "q3": 0},
        ["more output than it accepts"],
        [],
    ),
    "replaces-exit-and-kill": (
        attack(
            q1="import os, sys\nos._exit = lambda *a: None\n"
            "sys.exit = lambda *a: None\nos.kill = lambda *a: None" + RIGHT_Q1
        ),
        FULL,
        ["passed"],
        [],
    ),
    "keeps-a-thread-running": (
        attack(
            q1="import threading, time\n"
            "def pester():\n    while True:\n        print('still here')\n        time.sleep(0.05)\n"
            "threading.Thread(target=pester, daemon=False).start()" + RIGHT_Q1
        ),
        FULL,
        ["passed"],
        [],
    ),
    "fork-bomb": (
        attack(q1="import os\nwhile True:\n    os.fork()"),
        {"q1": 0, "q2": 3, "q3": 2},
        ["PermissionError"],
        [],
    ),
    "thread-bomb": (
        attack(
            q1="import threading, time\nthreads = []\n"
            "while True:\n    t = threading.Thread(target=time.sleep, args=(600,), daemon=True)\n"
            "    t.start()\n    threads.append(t)"
        ),
        {"q1": 0, "q2": 3, "q3": 2},
        ["can't start new thread"],
        [],
    ),
    # 5. Solutions at grading time
    "asks-for-the-solution": (
        attack(
            q2="import glob, json, pathlib, fourislands\n"
            "from fourislands.exercises import decoded\n"
            "from fourislands.paths import data_dir\n"
            "texts = [str(ex.solution('q2', confirm=True))]\n"
            "spec = json.loads((data_dir() / 'exercises' / '99-fixture.json').read_text())\n"
            "texts += [decoded(q['solution']) for q in spec['questions'].values() if 'solution' in q]\n"
            "package = pathlib.Path(fourislands.__file__).resolve().parent\n"
            "for path in ['<<SOLUTION>>'] + glob.glob(str(package.parents[1] / 'solutions/*')):\n"
            "    try:\n        texts.append(open(path).read())\n    except OSError:\n        pass\n"
            "print(texts[0])\n"
            "q2 = ____\n"
            "for text in texts:\n"
            "    try:\n        exec(text)\n    except Exception:\n        pass"
        ),
        {"q1": 2, "q2": 0, "q3": 2},
        ["not attempted"],
        ["Solutions are not available while grading"],
    ),
    # 10. Limits
    "exits-with-a-huge-message": (
        attack(q1="raise SystemExit('x' * 120_000_000)"),
        {"q1": 0, "q2": 3, "q3": 2},
        ["sys.exit"],
        [],
    ),
    "fills-the-disk": (
        attack(
            q1="import tempfile\nchunk = b'x' * (1 << 20)\n"
            "for name in ['big', tempfile.gettempdir() + '/big', '/tmp/big', '/dev/shm/big']:\n"
            "    try:\n        with open(name, 'wb') as handle:\n            for _ in range(10_000):\n"
            "                handle.write(chunk)\n"
            "    except OSError as error:\n        print('full:', name, error.strerror)" + RIGHT_Q1
        ),
        FULL,
        ["passed"],
        [
            "full: big File too large",
            "full: /home/student/tmp/big No space left on device",
            "full: /tmp/big Read-only file system",
            "full: /dev/shm/big No space",
        ],
    ),
    # 11. Leaks
    "reads-the-environment": (
        attack(q1="import os\nprint(dict(os.environ))\nprint(os.listdir('/proc'))" + RIGHT_Q1),
        FULL,
        ["passed"],
        ["FOURISLANDS_GRADING", "[]"],
    ),
    "calls-out": (
        attack(
            q1="import socket\n"
            "try:\n    socket.create_connection(('127.0.0.1', <<PORT>>), timeout=2)\n    print('connected')\n"
            "except OSError as error:\n    print('no network:', error.strerror)" + RIGHT_Q1
        ),
        FULL,
        ["passed"],
        ["no network"],
    ),
}


def _digests(*folders: Path) -> dict[str, str]:
    digests = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digests[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def _command(pid: int) -> str:
    try:
        return (
            (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        )
    except OSError:
        return ""


def _parent(pid: int) -> int:
    try:
        return int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 1


def _ours(command: str) -> bool:
    return "fourislands.grading.forkserver" in command or MARK in command


def grader_processes() -> list[str]:
    """Return the command lines of grader or attack processes that outlived their grader.

    Graders running in other test processes at the same time are not counted: a process is left
    over when, going up through its parents past grader processes and bubblewrap, it reaches PID 1
    instead of a live grader (its own, or another test's).
    """
    left = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or not _ours(_command(int(entry.name))):
            continue
        parent = _parent(int(entry.name))
        while parent > 1 and (_ours(_command(parent)) or _command(parent).startswith("bwrap")):
            parent = _parent(parent)
        if parent <= 1:
            left.append(f"{entry.name}: {_command(int(entry.name))}")
    return left


@pytest.fixture(scope="module")
def battle(built_course, tmp_path_factory):
    """Grade honest students and every attacker in one run; return what it did."""
    root = tmp_path_factory.mktemp("battle")
    submitted = root / "submitted"
    submitted.mkdir()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    places = {
        "SOLUTION": str(built_course / "solutions" / "99-fixture.ipynb"),
        "REAL_SOLUTIONS": str(ROOT / "solutions"),
        "DATA": str(built_course / "data" / "islands.csv"),
        "HONEST": str(submitted / "honest-1.ipynb"),
        "SUBMISSIONS": str(submitted),
        "OUT": str(root / "out"),
        "CANARY": str(root),
        "MARK": MARK,
        "PORT": str(listener.getsockname()[1]),
    }
    for name, number in HONEST.items():
        nbformat.write(answered(built_course, honest_answers(number)), submitted / f"{name}.ipynb")
    for name, (build, *_rest) in ATTACKS.items():
        nbformat.write(build(built_course, places), submitted / f"{name}.ipynb")
    watched = (built_course, ROOT / "solutions", ROOT / "src" / "fourislands", ROOT / "data")
    before = _digests(*watched)
    honest_before = {n: (submitted / f"{n}.ipynb").read_bytes() for n in HONEST}
    os.environ["FOURISLANDS_TEST_SECRET"] = SECRET
    lines: list[str] = []
    try:
        started = time.monotonic()
        results = grade([submitted], limits=LIMITS, jobs=2, sandbox="required", announce=lines.append)
        seconds = time.monotonic() - started
    finally:
        del os.environ["FOURISLANDS_TEST_SECRET"]
    try:
        connection = listener.accept()
    except BlockingIOError:
        connection = None
    listener.close()
    return {
        "results": {r.student: r for r in results},
        "places": places,
        "changed": {p for p, d in _digests(*watched).items() if before.get(p) != d}
        | (set(before) - set(_digests(*watched))),
        "honest_changed": [n for n in HONEST if (submitted / f"{n}.ipynb").read_bytes() != honest_before[n]],
        "left": grader_processes(),
        "root": root,
        "announced": lines,
        "connection": connection,
        "seconds": seconds,
    }


def _said(result) -> str:
    return " ".join([q.reason for q in result.questions] + result.notes)


def test_the_run_was_sandboxed(battle):
    assert battle["announced"] and battle["announced"][0].startswith("sandbox: on"), battle["announced"]


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_students_graded_beside_attackers_get_full_marks(battle, name):
    result = battle["results"][name]
    assert {q.question: q.earned for q in result.questions} == FULL, _said(result)
    assert not battle["honest_changed"]


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_each_attacker_gets_exactly_its_score(battle, name):
    _build, points, words, printed = ATTACKS[name]
    result = battle["results"][name]
    assert result.status == "graded", result.reason
    assert {q.question: q.earned for q in result.questions} == points, _said(result)
    for word in words:
        assert word in _said(result), _said(result)
    output = " ".join(result.outputs.values())
    for word in printed:
        expected = word.replace("<<OUT>>", battle["places"]["OUT"]).replace(
            "<<HONEST>>", battle["places"]["HONEST"]
        )
        assert expected in output, output


def test_course_files_and_other_submissions_are_unchanged(battle):
    assert battle["changed"] == set()
    assert not (battle["root"] / "out").exists()
    assert not (battle["root"] / "unpickled").exists()


def test_no_process_outlives_the_grader(battle):
    assert battle["left"] == []


def test_no_submission_reaches_the_network(battle):
    assert battle["connection"] is None


def test_a_stopped_or_cut_off_submission_costs_only_its_own_time(battle):
    results = battle["results"]
    for name in ("stops-itself", "leaves-its-group-and-sleeps"):
        assert results[name].seconds < LIMITS.cell_seconds * 2 + 6, results[name].seconds
    assert results["cuts-its-link-and-sleeps"].seconds < 6
    assert battle["seconds"] < 60


def test_nothing_secret_reaches_any_feedback(battle, built_course):
    solution = nbformat.read(built_course / "solutions" / "99-fixture.ipynb", as_version=4)
    hidden = [
        line.strip()
        for cell in solution.cells
        if "BEGIN HIDDEN TESTS" in cell.source
        for line in cell.source.split("### BEGIN HIDDEN TESTS")[1].splitlines()
        if len(line.strip()) > 12 and "END HIDDEN" not in line
    ]
    assert hidden
    for name, result in battle["results"].items():
        text = json.dumps([result.notes, [q.reason for q in result.questions], result.outputs])
        assert SECRET not in text, name
        for line in hidden:
            assert line not in text, (name, line)
        if name not in HONEST:
            assert "honest-work" not in text, name
        assert len(max([q.reason for q in result.questions] + result.notes, key=len)) < 600, name


def test_a_link_or_a_pipe_is_rejected_not_followed(built_course, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "links-the-solution.ipynb").symlink_to(built_course / "solutions" / "99-fixture.ipynb")
    os.mkfifo(folder / "a-pipe.ipynb")
    (folder / "linked-folder").symlink_to(built_course / "solutions", target_is_directory=True)
    nbformat.write(released(built_course), folder / "untouched.ipynb")
    results = {r.student: r for r in grade([folder], limits=LIMITS, jobs=1, sandbox="required")}
    assert set(results) == {"links-the-solution", "a-pipe", "untouched"}
    assert (
        results["links-the-solution"].status == "rejected" and "link" in results["links-the-solution"].reason
    )
    assert results["a-pipe"].status == "rejected" and "not a regular file" in results["a-pipe"].reason
    assert [q.earned for q in results["untouched"].questions] == [0, 0, 0]
