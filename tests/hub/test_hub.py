"""Five students on the course's JupyterHub at once, in Chromium: each saves an answer, reads only theirs."""

from __future__ import annotations

import json
import stat
import urllib.parse
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from test_hub_image import quantity  # Kubernetes quantities, as the image's test reads them

from .classroom import LESSON, PROXY, ROOT, SOLUTIONS, WorkedClass, class_at_work, missing_hub_tools

STUDENTS = 5
START_PAGE = "/lab/tree/notebooks/00-start-here.ipynb"
Z2JH_CONFIG = ROOT / "etc" / "jupyterhub" / "z2jh-config.yaml"
FIGURES = ROOT / "build" / "hub" / "figures.txt"


@pytest.fixture(scope="module")
def worked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkedClass]:
    """Yield a class of five that logged in together, ran lesson 01 and answered a question each.

    Everything it made goes when the module ends, failed or not (classroom.class_at_work).
    """
    reason = missing_hub_tools()
    if reason:
        pytest.skip(f"HUB TEST SKIPPED: {reason}")
    if not PROXY.exists():
        pytest.fail(
            f"configurable-http-proxy is not installed ({PROXY}): `make test` installs it with npm ci"
        )
    with class_at_work(STUDENTS, tmp_path_factory.mktemp("hub")) as done:
        report = done.figures()
        print(report)
        FIGURES.parent.mkdir(parents=True, exist_ok=True)
        FIGURES.write_text(report + "\n")
        yield done


def attempts_in(progress: Path) -> list[dict]:
    """Return the attempt records of a progress file (JSON Lines after a header line)."""
    lines = progress.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines[1:] if line.strip()]
    return [record for record in records if record.get("t") == "attempt"]


def test_each_students_progress_holds_their_answer_and_no_one_elses(worked):
    answers = {desk.student.name: (desk.question["id"], desk.option["id"]) for desk in worked.desks}
    assert len(set(answers.values())) == STUDENTS, "each student gives an answer no one else gives"
    for desk in worked.desks:
        attempts = attempts_in(desk.student.progress)
        saved = [(a["lesson"], a["question"], a["answer"], a["status"]) for a in attempts]
        status = "correct" if desk.answer_is_right else "incorrect"
        assert saved == [("01", desk.question["id"], desk.option["id"], status)], desk.student.name
        assert desk.student.progress.stat().st_uid == desk.student.uid, "saved by the student's own kernel"


def test_each_student_works_as_themselves_in_a_private_home(worked):
    for desk in worked.desks:
        student = desk.student
        home = student.home.stat()
        assert stat.S_IMODE(home.st_mode) == 0o700, f"{student.home} is {stat.S_IMODE(home.st_mode):o}"
        assert home.st_uid == student.uid
        lesson = student.workspace / "notebooks" / f"{LESSON}.ipynb"
        assert lesson.stat().st_uid == student.uid, "the workspace copy is the student's own"
        assert json.loads(lesson.read_text(encoding="utf-8"))["cells"], "a copy of the lesson, whole"
    # The lesson's kernel runs as the student, in the student's copy of the lessons, not the course's.
    for desk in worked.desks:
        assert worked.kernel_folders[desk.student.name] == [desk.student.workspace / "notebooks"], (
            desk.student
        )


def test_a_student_cannot_read_another_students_home_or_progress(worked):
    desks = worked.desks
    for desk, other in zip(desks, desks[1:] + desks[:1], strict=True):
        own = desk.student.run("cat", str(desk.student.progress))
        assert own.returncode == 0 and desk.question["id"] in own.stdout, "a student reads their own progress"
        for target in (other.student.progress, other.student.home, other.student.workspace / "notebooks"):
            tried = desk.student.run("ls", "-l", str(target))
            assert tried.returncode != 0 and "Permission denied" in tried.stderr, (desk.student.name, target)
        tried = desk.student.run("cat", str(other.student.progress))
        assert tried.returncode != 0 and "Permission denied" in tried.stderr, tried


def test_the_course_is_read_only_to_students_and_its_solutions_closed(worked):
    student = worked.desks[0].student
    # Asked, not tried, of the course's own lesson: a broken set-up must not cost the course a file.
    assert student.run("test", "-w", str(ROOT / "notebooks" / f"{LESSON}.ipynb")).returncode == 1
    new_files = [ROOT / "notebooks" / "scribble.ipynb", ROOT / "data" / "scribble.csv"]
    try:
        for target in new_files:
            tried = student.run("touch", str(target))
            assert tried.returncode != 0 and "Permission denied" in tried.stderr, target
    finally:
        for target in new_files:
            target.unlink(missing_ok=True)
    # What the course's Python reads, the student reads: the data, the package.
    assert student.run("cat", str(ROOT / "course.yml")).returncode == 0
    tried = student.run("ls", str(SOLUTIONS))
    assert tried.returncode != 0 and "Permission denied" in tried.stderr, "hidden tests open to students"
    # A student may write in their own workspace: the refusals above are about the course.
    assert student.run("touch", str(student.workspace / "notebooks" / "scribble.txt")).returncode == 0


def test_students_land_on_the_start_notebook_in_the_courses_jupyterlab(worked):
    for desk in worked.desks:
        answer = desk.context.request.get(f"{worked.hub.url}/user/{desk.student.name}/", max_redirects=0)
        location = answer.headers.get("location", "")
        path = urllib.parse.urlsplit(location).path
        assert answer.status in (301, 302) and path.endswith(START_PAGE), (answer.status, location)
        # The course's JupyterLab settings hold: no nbgrader menus (etc/labconfig/page_config.json).
        assert "Run" in desk.menus and "Nbgrader" not in desk.menus, desk.menus


def test_each_students_memory_fits_under_the_kubernetes_guarantee_and_limit(worked):
    # The image's settings (etc/jupyterhub/z2jh-config.yaml) must hold a student who ran the lesson:
    # over the limit Kubernetes kills the kernel mid-lesson, over the guarantee nodes are overfilled.
    # RSS counts shared libraries whole in each process: the generous count the guarantee uses.
    singleuser = yaml.safe_load(Z2JH_CONFIG.read_text())["singleuser"]
    limit, guarantee = quantity(singleuser["memory"]["limit"]), quantity(singleuser["memory"]["guarantee"])
    for desk, usage in zip(worked.desks, worked.usage, strict=True):
        assert 0 < usage.kernel_pss < usage.pss <= usage.rss <= guarantee < limit, (desk.student.name, usage)
        assert 0 < usage.kernel_cpu < usage.cpu
    assert worked.hub_usage.processes >= 2, "the hub and its proxy were measured"
    # The figures, in the test run's summary (the whole report is in build/hub/figures.txt).
    warnings.warn(f"hub test figures, not a problem: {FIGURES.read_text().splitlines()[-2]}", stacklevel=1)
