"""A class on the course's JupyterHub (tests/hub, bench/hub.py): throwaway students, the hub, a browser."""

from __future__ import annotations

import json
import os
import pwd
import re
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from browser.conftest import (
    ALL_CELLS_RAN,
    KERNEL_READY_OR_DIALOG,
    WINDOW,
    free_port,
    headless_chromium,
    missing_browser_tools,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "etc" / "jupyterhub" / "jupyterhub_config.py"
PROXY = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
BIN = Path(sys.prefix) / "bin"  # jupyterhub of the environment running the tests, as `make hub` runs it
SOLUTIONS = ROOT / "solutions"
LESSON = "01-history"
WORKSPACE = "fourislands-work"  # as etc/jupyterhub/jupyterhub_config.py names it
USER_TOOLS = ("useradd", "userdel", "groupadd", "groupdel", "chpasswd", "setpriv")
# Marks the accounts this module makes, in /etc/passwd: anyone can tell them from real ones.
COMMENT = "fourislands hub test (throwaway)"
HUB_START_SECONDS = 60
# Generous for a busy machine (the rest of the test suite runs beside this), still finite.
SPAWN_MS = 240_000
KERNEL_READY_MS = 120_000
RUN_ALL_MS = 240_000
CHECK_MS = 60_000


def missing_hub_tools() -> str | None:
    """Return why a class cannot be run on a hub here, or None when it can."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "not root: the hub runs each student's server as that student, and the test makes the students"
    missing = [tool for tool in USER_TOOLS if shutil.which(tool) is None]
    if missing:
        return f"{', '.join(missing)} missing (Debian's passwd and util-linux packages)"
    return missing_browser_tools()


@dataclass
class Student:
    """A throwaway Unix account: the student's name, password, ids and home."""

    name: str
    password: str
    uid: int
    gid: int
    home: Path

    @property
    def workspace(self) -> Path:
        """Return the folder of the student's own copies of the lessons."""
        return self.home / WORKSPACE

    @property
    def progress(self) -> Path:
        """Return the student's progress file, where fourislands.progress saves it by default."""
        return self.home / ".fourislands" / "progress.json"

    def run(self, *command: str) -> subprocess.CompletedProcess:
        """Run a command as this student: their user, group and other groups, nothing of root's."""
        as_student = ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--init-groups", *command]
        return subprocess.run(as_student, capture_output=True, text=True, timeout=60, cwd="/")


def processes_of(uid: int) -> list[int]:
    """Return the ids of the processes running as uid (their real user)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            real = re.search(r"^Uid:\s+(\d+)", status, re.MULTILINE)
            if real and int(real.group(1)) == uid:
                found.append(int(entry.name))
    return found


def end_processes_of(uid: int) -> None:
    """Kill every process of a throwaway student, by its id: userdel refuses a user still running."""
    deadline = time.monotonic() + 10
    while (pids := processes_of(uid)) and time.monotonic() < deadline:
        for pid in pids:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.1)


@contextmanager
def throwaway_students(count: int) -> Iterator[tuple[str, list[Student]]]:
    """Make a Unix group and count students in it, each with a home and a password; remove them after.

    The names share a prefix unique to this run. Homes are made readable by all (mode 755, Debian's
    default), as an admin's plain `useradd -m` leaves them: the hub must close them.
    """
    prefix = f"fih{secrets.token_hex(3)}"
    group, students, group_made = prefix, [], False
    try:
        subprocess.run(["groupadd", group], check=True, capture_output=True, text=True)
        group_made = True
        for number in range(count):
            name, password = f"{prefix}s{number}", secrets.token_urlsafe(12)
            subprocess.run(
                ["useradd", "--create-home", "--shell", "/bin/bash", "--groups", group, "--comment", COMMENT,
                 name],
                check=True, capture_output=True, text=True,
            )  # fmt: skip
            account = pwd.getpwnam(name)
            students.append(Student(name, password, account.pw_uid, account.pw_gid, Path(account.pw_dir)))
            Path(account.pw_dir).chmod(0o755)
            subprocess.run(
                ["chpasswd"], input=f"{name}:{password}\n", check=True, capture_output=True, text=True
            )
        yield group, students
    finally:
        problems = []
        for student in students:
            end_processes_of(student.uid)
            removed = subprocess.run(["userdel", "--remove", student.name], capture_output=True, text=True)
            if removed.returncode not in (0, 12) or student.home.exists():  # 12: no mail spool to remove
                problems.append(f"userdel {student.name}: {removed.stderr.strip()}")
        if group_made:
            removed = subprocess.run(["groupdel", group], capture_output=True, text=True)
            if removed.returncode != 0:
                problems.append(f"groupdel {group}: {removed.stderr.strip()}")
        if problems:
            raise RuntimeError("throwaway students were not all removed: " + "; ".join(problems))


def course_paths() -> list[Path]:
    """Return what students' servers must reach: the course, its environment and the Python under it."""
    return [ROOT, Path(sys.prefix), Path(sys.base_prefix), Path(os.path.realpath(sys.executable))]


@contextmanager
def course_open_to_students() -> Iterator[dict[Path, int]]:
    """Do what docs/jupyterhub.md asks of the admin before `make hub`, and undo it after.

    Lets every user through the folders on the way to the course and its Python that only their
    owner may enter (here /root, where pyenv keeps Python), and shuts solutions/ to them (`make hub`
    does that). Yields the modes it changed, {path: mode before}, and puts each back on leaving.
    """
    changed: dict[Path, int] = {}
    try:
        for path in course_paths():
            for folder in [*reversed(path.parents), path]:
                mode = folder.stat().st_mode
                if folder.is_dir() and not mode & stat.S_IXOTH and folder not in changed:
                    changed[folder] = stat.S_IMODE(mode)
                    folder.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)
        mode = stat.S_IMODE(SOLUTIONS.stat().st_mode) if SOLUTIONS.is_dir() else 0
        if mode & 0o007:
            changed[SOLUTIONS] = mode
            SOLUTIONS.chmod(mode & ~0o007)
        yield changed
    finally:
        for folder, mode in changed.items():
            folder.chmod(mode)


@dataclass
class Hub:
    """A running JupyterHub: its public address, its process and its log."""

    url: str
    process: subprocess.Popen
    log: Path

    def log_tail(self, characters: int = 4000) -> str:
        """Return the end of the hub's log (its own lines and its students' servers'), for a failure."""
        return self.log.read_text(errors="replace")[-characters:]


def distinct_free_ports(count: int) -> list[int]:
    """Return count different TCP ports on 127.0.0.1 that nothing listens on now."""
    ports: set[int] = set()
    while len(ports) < count:
        ports.add(free_port())
    return sorted(ports)


@contextmanager
def running_hub(folder: Path, group: str) -> Iterator[Hub]:
    """Run the course's JupyterHub (etc/jupyterhub/jupyterhub_config.py) on free ports until the block ends.

    Its state goes in folder/state and its log in folder/hub.log; only members of group may log in.
    """
    port, hub_port, api_port = distinct_free_ports(3)
    command = [
        str(BIN / "jupyterhub"), "-f", str(CONFIG),
        f"--JupyterHub.bind_url=http://127.0.0.1:{port}",
        f"--JupyterHub.hub_port={hub_port}",
        f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{api_port}",
    ]  # fmt: skip
    env = dict(os.environ, FOURISLANDS_HUB_STATE=str(folder / "state"), FOURISLANDS_HUB_GROUP=group)
    log = folder / "hub.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            command, env=env, cwd=folder, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    hub = Hub(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_until_healthy(hub)
        yield hub
    finally:
        stop_hub(hub)


def wait_until_healthy(hub: Hub) -> None:
    """Return once the hub answers through its proxy; raise with its log if it exits or stays silent."""
    deadline = time.monotonic() + HUB_START_SECONDS
    while time.monotonic() < deadline:
        if hub.process.poll() is not None:
            raise RuntimeError(f"JupyterHub exited with code {hub.process.returncode}:\n{hub.log_tail()}")
        try:
            with urllib.request.urlopen(f"{hub.url}/hub/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"JupyterHub did not answer within {HUB_START_SECONDS} s:\n{hub.log_tail()}")


def stop_hub(hub: Hub) -> None:
    """Stop the hub, which stops its students' servers and its proxy; then its process group, by id."""
    try:
        hub.process.send_signal(signal.SIGTERM)
        hub.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pass
    with suppress(ProcessLookupError):
        os.killpg(hub.process.pid, signal.SIGKILL)  # the proxy, should it outlive the hub
    hub.process.wait()


@dataclass
class Usage:
    """What a set of processes holds and has spent: memory (bytes) and processor time (seconds)."""

    rss: int = 0
    pss: int = 0
    cpu: float = 0.0
    processes: int = 0
    kernels: int = 0
    kernel_pss: int = 0
    kernel_cpu: float = 0.0


def add_process(usage: Usage, pid: int) -> None:
    """Add one process's memory now and its processor time so far (with its waited-for children's)."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # it ended meanwhile
        return
    for name in ("Rss", "Pss"):
        kilobytes = re.search(rf"^{name}:\s+(\d+) kB", rollup, re.MULTILINE)
        if kilobytes:
            setattr(usage, name.lower(), getattr(usage, name.lower()) + int(kilobytes.group(1)) * 1024)
    # utime, stime, cutime, cstime: the children a process waited for (the workspace copy) count too.
    cpu = sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    usage.cpu += cpu
    usage.processes += 1
    if b"ipykernel_launcher" in command:
        usage.kernels += 1
        usage.kernel_cpu += cpu
        pss = re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE)
        usage.kernel_pss += int(pss.group(1)) * 1024 if pss else 0


def usage_of_user(uid: int) -> Usage:
    """Return what a student's processes (their server and kernels) hold and have spent."""
    usage = Usage()
    for pid in processes_of(uid):
        add_process(usage, pid)
    return usage


def kernel_folders(uid: int) -> list[Path]:
    """Return the working folder of each kernel running as uid: a notebook's kernel starts in its folder."""
    folders = []
    for pid in processes_of(uid):
        try:
            if b"ipykernel_launcher" in Path(f"/proc/{pid}/cmdline").read_bytes():
                folders.append(Path(os.readlink(f"/proc/{pid}/cwd")))
        except OSError:
            continue
    return folders


def usage_of_hub(hub: Hub) -> Usage:
    """Return what the hub and its proxy hold and have spent: the class's cost that does not grow with it.

    The proxy is the hub's child that runs as root; the students' servers are its children too, but
    run as the students.
    """
    usage = Usage()
    add_process(usage, hub.process.pid)
    for pid in processes_of(0):
        try:
            parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == hub.process.pid:
            add_process(usage, pid)
    return usage


def single_choice_questions_in_order(stem: str) -> list[dict]:
    """Return the single-choice questions a lesson shows, in the order its quiz() calls show them."""
    notebook = json.loads((ROOT / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))
    shown = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            for call in re.findall(r"quiz\(([^)]*)\)", "".join(cell["source"])):
                shown += re.findall(r'"([^"]+)"', call)[1:]  # the first is the lesson's number
    (bank,) = (ROOT / "data" / "quizzes").glob(f"{stem[:2]}-*.yaml")
    questions = {q["id"]: q for q in yaml.safe_load(bank.read_text(encoding="utf-8"))["questions"]}
    return [questions[qid] for qid in shown if questions[qid]["type"] == "single"]


def code_cells_with_prompts(stem: str) -> int:
    """Return how many code cells of a lesson show their input, each of which must show a count once run."""
    notebook = json.loads((ROOT / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))
    return sum(
        cell["cell_type"] == "code" and not cell["metadata"].get("jupyter", {}).get("source_hidden")
        for cell in notebook["cells"]
    )


@dataclass
class Desk:
    """One student at the class's browser: their window (a context of its own), and what they answer."""

    student: Student
    context: BrowserContext
    page: Page
    question: dict
    option: dict
    timings: dict[str, float] = field(default_factory=dict)
    menus: list[str] = field(default_factory=list)

    @property
    def answer_is_right(self) -> bool:
        """Return whether the option this student picks is the correct one."""
        return bool(self.option.get("correct"))


def seat_students(browser: Browser, students: list[Student]) -> list[Desk]:
    """Give each student a browser window of their own and a different question and option to answer."""
    questions = single_choice_questions_in_order(LESSON)
    desks = []
    for number, student in enumerate(students):
        question = questions[number % len(questions)]
        option = question["options"][number % len(question["options"])]
        context = browser.new_context(viewport=WINDOW)
        desks.append(Desk(student, context, context.new_page(), question, option))
    return desks


def lesson_path(student: Student) -> str:
    """Return the address, on the hub, of lesson 01 in the student's workspace."""
    return f"/user/{student.name}/lab/tree/notebooks/{LESSON}.ipynb"


def log_in(hub: Hub, desk: Desk) -> None:
    """Log in with the student's password; the hub starts their server and then opens lesson 01."""
    spawn_then_lesson = "/hub/spawn?next=" + urllib.parse.quote(lesson_path(desk.student))
    desk.timings["start"] = time.monotonic()
    desk.page.goto(f"{hub.url}/hub/login?next=" + urllib.parse.quote(spawn_then_lesson, safe=""))
    desk.page.fill("#username_input", desk.student.name)
    desk.page.fill("#password_input", desk.student.password)
    desk.page.click("#login_submit", no_wait_after=True)


def notebook_tab(page: Page):
    """Return the lesson's tab in JupyterLab's main area."""
    return page.locator(f"#jp-main-dock-panel .lm-TabBar-tab[title^='Name: {LESSON}.ipynb']")


def start_run_all(desk: Desk) -> None:
    """Wait for the student's JupyterLab and the lesson's kernel, then click Run > Run All Cells."""
    page = desk.page
    page.wait_for_url(re.compile(re.escape(lesson_path(desk.student))), timeout=SPAWN_MS)
    tab = notebook_tab(page)
    tab.wait_for(timeout=SPAWN_MS)
    desk.timings["lab"] = time.monotonic()
    panel = page.locator(f"[id='{tab.get_attribute('data-id')}']")
    page.wait_for_function(
        KERNEL_READY_OR_DIALOG, arg=panel.element_handle(), polling=250, timeout=KERNEL_READY_MS
    )
    dialog = page.locator(".jp-Dialog")
    if dialog.count():  # a kernel to choose: the default one
        dialog.locator(".jp-mod-accept").click()
        page.wait_for_function(
            KERNEL_READY_OR_DIALOG, arg=panel.element_handle(), polling=250, timeout=KERNEL_READY_MS
        )
    desk.menus = [menu.strip() for menu in page.locator(".lm-MenuBar-item").all_inner_texts()]
    page.locator(".lm-MenuBar-item", has_text="Run").click()
    page.locator("[data-command='runmenu:run-all']").click()
    desk.timings["run"] = time.monotonic()


def answer_when_run(desk: Desk) -> None:
    """Wait until every cell of the lesson ran, then answer the student's question and Check it."""
    from playwright.sync_api import expect

    page = desk.page
    panel = page.locator(f"[id='{notebook_tab(page).get_attribute('data-id')}']")
    cells = code_cells_with_prompts(LESSON)
    page.wait_for_function(
        ALL_CELLS_RAN, arg=[panel.element_handle(), cells], polling=250, timeout=RUN_ALL_MS
    )
    desk.timings["ran"] = time.monotonic()
    prompt = page.locator("p > strong").get_by_text(desk.question["prompt"], exact=True)
    box = panel.locator(".fi-question", has=prompt).first
    label = box.locator(".widget-radio-box label").filter(
        has_text=re.compile(rf"^\s*{re.escape(desk.option['text'])}\s*$")
    )
    label.click()
    box.locator(".fi-check").click()
    verdict = "Correct." if desk.answer_is_right else "Not quite"
    expect(box.locator(".fi-feedback")).to_contain_text(verdict, timeout=CHECK_MS)
    desk.timings["answered"] = time.monotonic()


def work_lesson_together(hub: Hub, desks: list[Desk]) -> None:
    """Log every student in at once, run lesson 01 for each and answer a question each.

    Playwright's sync API serves one thread, so the students take turns at the browser; their
    servers and kernels work at the same time meanwhile, as a class's do.
    """
    for desk in desks:
        log_in(hub, desk)
    for desk in desks:
        start_run_all(desk)
    for desk in desks:
        answer_when_run(desk)


MIB = 1024 * 1024


@dataclass
class WorkedClass:
    """A class that has worked on a hub still running: each student's desk, what each student's
    processes and the hub's own hold and have spent, how long the work took, and where each
    student's kernels run."""

    hub: Hub
    desks: list[Desk]
    usage: list[Usage]
    hub_usage: Usage
    seconds: float
    kernel_folders: dict[str, list[Path]]  # student's name -> the working folder of each kernel

    def figures(self) -> str:
        """Return the measured figures as lines: each student's, their mean and largest, the hub's."""
        lines = [f"{len(self.usage)} students, lesson 01 run and one answer each, in {self.seconds:.0f} s"]
        for number, (desk, usage) in enumerate(zip(self.desks, self.usage, strict=True)):
            step = desk.timings
            lines.append(
                f"  student {number}: {usage.pss / MIB:.0f} MiB PSS (kernel {usage.kernel_pss / MIB:.0f}), "
                f"{usage.rss / MIB:.0f} MiB RSS, {usage.processes} processes; {usage.cpu:.1f} s of CPU "
                f"(kernel {usage.kernel_cpu:.1f}); login to JupyterLab {step['lab'] - step['start']:.0f} s, "
                f"Run All {step['ran'] - step['run']:.0f} s, answer {step['answered'] - step['ran']:.1f} s"
            )
        pss = [u.pss / MIB for u in self.usage]
        rss = [u.rss / MIB for u in self.usage]
        cpu = [u.cpu for u in self.usage]
        lines.append(
            f"per student: {sum(pss) / len(pss):.0f} MiB PSS (largest {max(pss):.0f}), "
            f"{sum(rss) / len(rss):.0f} MiB RSS (largest {max(rss):.0f}); "
            f"{sum(cpu) / len(cpu):.1f} s of CPU (largest {max(cpu):.1f})"
        )
        hub = self.hub_usage
        lines.append(
            f"hub and proxy: {hub.pss / MIB:.0f} MiB PSS ({hub.rss / MIB:.0f} MiB RSS), "
            f"{hub.cpu:.1f} s of CPU"
        )
        return "\n".join(lines)


@contextmanager
def class_at_work(count: int, folder: Path) -> Iterator[WorkedClass]:
    """Make count throwaway students, open the course to them and start the hub (its state and log in
    folder); log them all in at once in Chromium to run lesson 01 and answer a question each; yield
    what that cost while the hub and their servers still run. Everything it made goes when the block
    ends, failed or not: the browser, the hub, the servers, the students and their homes, the modes.
    """
    with ExitStack() as undo:
        group, students = undo.enter_context(throwaway_students(count))
        undo.enter_context(course_open_to_students())
        hub = undo.enter_context(running_hub(folder, group))
        desks = seat_students(undo.enter_context(headless_chromium()), students)
        started = time.monotonic()
        try:
            work_lesson_together(hub, desks)
        except Exception as error:
            raise RuntimeError(
                f"the class did not get through lesson {LESSON}: {error}\nhub log:\n{hub.log_tail()}"
            ) from error
        seconds = time.monotonic() - started
        usage = [usage_of_user(desk.student.uid) for desk in desks]
        folders = {desk.student.name: kernel_folders(desk.student.uid) for desk in desks}
        yield WorkedClass(hub, desks, usage, usage_of_hub(hub), seconds, folders)
