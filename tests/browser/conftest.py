"""Browser fixtures: headless Chromium, Jupyter servers started and stopped by the tests, lessons run."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
BIN = Path(sys.executable).parent  # jupyter and voila of the same environment
SCREENSHOTS = ROOT / "build" / "screenshots"
# Whole-lesson pictures for a read-through (make screenshots): they cost about 4 s a lesson.
WHOLE_LESSONS = os.environ.get("FOURISLANDS_WHOLE_SCREENSHOTS") == "1"
WINDOW = {"width": 1280, "height": 900}  # a laptop screen, the file browser open beside the notebook
LESSONS = sorted(path.stem for path in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
# Offline and quiet: no sandbox (root in containers), no GPU, and no name resolves except this
# machine's, so a request to the internet fails at once instead of waiting on DNS.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
# A news or update toast can cover the cell a test clicks.
NOTIFICATION_SETTINGS = {"fetchNews": "false", "checkForUpdates": False}
SERVER_START_SECONDS = 60
# Kernels over Unix sockets: lessons started side by side never race for a port.
IPC = "fourislands.server_kernels.ServerIPCKernelManager"
KERNEL_READY_MS = 60_000
OPEN_TRIES, OPEN_MS = 3, 10_000
RUN_ALL_MS = 120_000  # generous for a loaded machine, still finite
# Lessons run ahead of the one under test: their kernels work while the browser clicks and draws.
RUN_AHEAD = 2
# The lesson tests are the longest module: conftest.py's scheduler gives each half of the lessons a
# worker of its own, with its own JupyterLab, and each half runs only its own lessons.
LESSON_SHARES = 2


def lesson_share(stem: str) -> int:
    """Return which share of the lessons (0 the first half, 1 the second) a lesson's tests run in."""
    return LESSONS.index(stem) * LESSON_SHARES // len(LESSONS)


def missing_browser_tools() -> str | None:
    """Return why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: run `bash tools/install_test_packages.sh` (Debian chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Python Playwright is missing: run `make install` (playwright==1.65.2)"
    return None


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def log_tail(log: Path) -> str:
    """Return the end of a server's log, for a failure message."""
    return log.read_text(errors="replace")[-3000:]


# jupyter_server logs this traceback when a page closes its kernel socket during the handshake
# (jupyter-server/jupyter_server#1265, open upstream): the page has gone, nobody sees it, and no
# course code runs in it, so it is the one traceback a server's log may hold.
UPSTREAM_SOCKET_RACE = "'NoneType' object has no attribute 'kernel_ws_protocol'"


def server_tracebacks(log: Path) -> list[str]:
    """Return each log record of a server that holds a traceback, but for the upstream socket race."""
    records = re.split(r"\n(?=\[)", log.read_text(errors="replace"))
    return [record for record in records if "Traceback" in record and UPSTREAM_SOCKET_RACE not in record]


def wait_until_answering(name: str, url: str, server: subprocess.Popen, log: Path) -> None:
    """Return once url answers 200; fail with the server's log if it dies or stays silent."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"{name} exited with code {server.returncode}:\n{log_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{name} did not answer within {SERVER_START_SECONDS} s:\n{log_tail(log)}")


def stop_process_group(server: subprocess.Popen) -> None:
    """Stop a server and its kernels (one process group, by its id): politely first, then for good."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


@contextmanager
def serving(name: str, command: list[str], home: Path, ready_url: str) -> Iterator[Path]:
    """Run a Jupyter server until the block ends, its state and log in home; yield the log's path.

    The server starts a process group of its own, so stopping the group stops its kernels too,
    and it sees its own config, runtime and progress files, never the developer's.
    """
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        IPYTHONDIR=str(home / "ipython"),
        FOURISLANDS_PROGRESS=str(home / "progress.json"),
    )
    log = home / f"{name.lower()}.log"
    with log.open("w") as sink:
        server = subprocess.Popen(
            command, env=env, cwd=home, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_until_answering(name, ready_url, server, log)
        yield log
    finally:
        stop_process_group(server)


# Each kernel of the test JupyterLab writes the stacks of its threads to a file when sent SIGUSR1:
# when a lesson does not finish, the failure says what its kernel was doing.
STACKS_ON_SIGNAL = """
import faulthandler, os, signal
_stacks = open(os.path.join({folder!r}, f"kernel-{{os.getpid()}}.txt"), "w")
faulthandler.register(signal.SIGUSR1, file=_stacks, all_threads=True)
"""


@dataclass
class Lab:
    """A running JupyterLab: its address, token, the folder it serves and the folder of its state."""

    url: str
    token: str
    root: Path
    home: Path

    def kernel_report(self) -> str:
        """Return each kernel's state as the server sees it, and the Python stacks of its kernels."""
        with urllib.request.urlopen(f"{self.url}/api/kernels?token={self.token}", timeout=10) as answer:
            states = [f"{k['id'][:8]}: {k['execution_state']}" for k in json.load(answer)]
        runtime = str(self.home / "runtime")
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    command = (entry / "cmdline").read_bytes()
                except OSError:
                    continue
                if b"ipykernel_launcher" in command and runtime.encode() in command:
                    os.kill(int(entry.name), signal.SIGUSR1)
        time.sleep(1.0)
        dumps = sorted((self.home / "stacks").glob("*.txt"))
        stacks = [f"{path.name} (innermost call first):\n{path.read_text()[:2500]}" for path in dumps]
        return "kernels: " + ", ".join(states) + "\n" + "\n".join(stacks)

    def notebook_url(self, stem: str) -> str:
        """Return the address that opens a lesson in a workspace of its own, with no saved layout."""
        return f"{self.url}/lab/workspaces/{stem}/tree/{stem}.ipynb?reset&token={self.token}"


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Yield one headless Debian Chromium driven by Playwright; skip loudly where there is none.

    Package-scoped: Playwright's sync API keeps an event loop running in the main thread, and the
    notebook runs of later test files (nbclient, asyncio) fail while it is open.
    """
    reason = missing_browser_tools()
    if reason:
        pytest.skip(f"BROWSER TESTS SKIPPED: {reason}")
    with headless_chromium() as chromium:
        yield chromium


@contextmanager
def headless_chromium() -> Iterator[Browser]:
    """Yield one headless Debian Chromium driven by Playwright, offline and quiet; close it after."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="package")
def lab(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """Yield one JupyterLab serving a throwaway copy of notebooks/, its state kept in a temp folder."""
    home = tmp_path_factory.mktemp("lab")
    root = home / "notebooks"
    shutil.copytree(ROOT / "notebooks", root)  # the lessons save as they run: never the sources
    for machinery in ("solutions", "src", "tests"):  # as in the course folder: hidden from students
        (root / machinery).mkdir()
    (root / "conftest.py").write_text("")
    settings = home / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps(NOTIFICATION_SETTINGS))
    startup = home / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (home / "stacks").mkdir()
    (startup / "00-stacks-on-signal.py").write_text(STACKS_ON_SIGNAL.format(folder=str(home / "stacks")))
    port, token = free_port(), secrets.token_hex(16)
    lab = Lab(f"http://127.0.0.1:{port}", token, root, home)
    command = [
        str(BIN / "jupyter"), "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={home / 'settings'}", f"--MultiKernelManager.kernel_manager_class={IPC}",
        f"--config={ROOT / 'etc' / 'jupyter_server_config.json'}",  # what `make lab` hides
    ]  # fmt: skip
    with serving("JupyterLab", command, home, f"{lab.url}/api/status?token={token}"):
        yield lab


def code_cell_count(lab: Lab, stem: str) -> int:
    """Return how many code cells of a lesson show their input: the prompts that must show a count.

    A folded input (the imports) shows a placeholder without a prompt.
    """
    notebook = json.loads((lab.root / f"{stem}.ipynb").read_text(encoding="utf-8"))
    return sum(
        cell["cell_type"] == "code" and not cell["metadata"].get("jupyter", {}).get("source_hidden")
        for cell in notebook["cells"]
    )


# The indicator also reads idle before the kernel exists ("No Kernel | Initializing"), and a Run
# All then does nothing: ready means idle with a kernel named in the toolbar. Or a kernel dialog.
KERNEL_READY_OR_DIALOG = """(panel) => {
    const idle = panel.querySelector(".jp-Notebook-ExecutionIndicator[data-status='idle']");
    const kernel = panel.querySelector('.jp-Toolbar-kernelName');
    const named = kernel !== null && !/No Kernel/.test(kernel.textContent);
    return (idle !== null && named) || document.querySelector('.jp-Dialog') !== null;
}"""
# True when every code cell of the notebook shows an execution count, as in "[12]:".
ALL_CELLS_RAN = """([panel, count]) => {
    const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
    return prompts.length === count && prompts.every((p) => /^\\[\\d+\\]:$/.test(p.textContent.trim()));
}"""
# What the course's cells put on a page (outputs and rendered Markdown), which axe audits as ours,
# and the impacts of a violation that fail a test there.
COURSE_CONTENT = ".jp-OutputArea-output, .jp-RenderedMarkdown"
SERIOUS = ("serious", "critical")
# Tracebacks and warnings: JupyterLab shows both with this MIME type, on a red background.
STDERR = "[data-mime-type='application/vnd.jupyter.stderr']"
# The notebook's height down to its last cell; the panel's own scroll height adds a blank
# scroll-past-the-end margin as tall as the panel, so it cannot be used.
NOTEBOOK_HEIGHT = """(outer) => {
    outer.scrollTop = 0;
    const cells = outer.querySelectorAll('.jp-Cell');
    const last = cells[cells.length - 1].getBoundingClientRect().bottom;
    return [last - outer.getBoundingClientRect().top, outer.clientHeight];
}"""
# Resolves once the browser has laid out and painted twice: the cells drawn for a new window size.
NEXT_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


@dataclass
class Lesson:
    """A lesson as a test sees it: the browser tab, the notebook's panel in it, the notebook's name,
    and what it showed once opened, before anything ran: its first heading, whether it was marked
    modified (unsaved)."""

    page: Page
    panel: Locator
    stem: str
    opened: dict


class Course:
    """The lessons open in one JupyterLab tab, each run with its own kernel, a few ahead of the tests.

    One JupyterLab page, not one per lesson: loading the page costs more than running a lesson.
    While the tests click through one lesson, the next ones of its share run in their kernels.
    """

    def __init__(self, lab: Lab, browser: Browser) -> None:
        self.lab = lab
        self.context = browser.new_context(viewport=WINDOW)
        self.page = self.context.new_page()
        self.panel_ids: dict[str, str] = {}
        self.opened: dict[str, dict] = {}
        self.ran: set[str] = set()

    def start(self, stem: str) -> None:
        """Open a lesson (the first with the page, the others from the file browser) and run all its cells."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        tab = self.tab(stem)
        if not self.panel_ids:  # the first lesson opens with the page
            self.page.goto(self.lab.notebook_url(stem))
        else:
            item = self.page.locator(".jp-DirListing-item", has_text=f"{stem}.ipynb")
            # The listing redraws whenever a running lesson saves: a double-click can land on an
            # item being replaced and open nothing, so try again.
            for _ in range(OPEN_TRIES):
                item.dblclick()
                try:
                    tab.wait_for(timeout=OPEN_MS)
                    break
                except PlaywrightTimeout:
                    continue
        tab.wait_for()
        self.panel_ids[stem] = tab.get_attribute("data-id")
        self.start_run_all(stem)

    def tab(self, stem: str) -> Locator:
        """Return the notebook's tab in the main area."""
        return self.page.locator(f"#jp-main-dock-panel .lm-TabBar-tab[title^='Name: {stem}.ipynb']")

    def panel(self, stem: str) -> Locator:
        """Return the notebook's panel: toolbar, cells and outputs."""
        return self.page.locator(f"[id='{self.panel_ids[stem]}']")

    def start_run_all(self, stem: str) -> None:
        """Wait for the kernel (choosing the default one if asked), then click Run > Run All Cells."""
        from playwright.sync_api import expect

        panel = self.panel(stem)
        self.page.wait_for_function(
            KERNEL_READY_OR_DIALOG, arg=panel.element_handle(), polling=250, timeout=KERNEL_READY_MS
        )
        dialog = self.page.locator(".jp-Dialog")
        if dialog.count():
            dialog.locator(".jp-mod-accept").click()
            self.page.wait_for_function(
                KERNEL_READY_OR_DIALOG, arg=panel.element_handle(), polling=250, timeout=KERNEL_READY_MS
            )
        # Run All acts on the notebook in front, which a late-opening tab may have taken over.
        self.tab(stem).click()
        expect(self.tab(stem)).to_have_class(re.compile(r"\blm-mod-current\b"))
        heading = panel.locator(".jp-MarkdownCell h1").first
        self.opened[stem] = {
            "heading": heading.text_content() if heading.count() else "",
            "modified": "jp-mod-dirty" in (self.tab(stem).get_attribute("class") or ""),
        }
        self.page.locator(".lm-MenuBar-item", has_text="Run").click()
        self.page.locator("[data-command='runmenu:run-all']").click()

    def show(self, stem: str) -> Lesson:
        """Bring a lesson's tab to the front once every code cell has run; fail with the errors if not."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        for ahead in LESSONS[LESSONS.index(stem) : LESSONS.index(stem) + RUN_AHEAD + 1]:
            if ahead not in self.panel_ids and lesson_share(ahead) == lesson_share(stem):
                self.start(ahead)
        self.tab(stem).click()
        panel = self.panel(stem)
        if stem not in self.ran:
            count = code_cell_count(self.lab, stem)
            try:
                self.page.wait_for_function(
                    ALL_CELLS_RAN, arg=[panel.element_handle(), count], polling=250, timeout=RUN_ALL_MS
                )
            except PlaywrightTimeout:
                keep_screenshot(self.page, stem, "failed")
                errors = panel.locator(STDERR).all_inner_texts()
                pytest.fail(
                    f"{stem}: not every cell ran within {RUN_ALL_MS / 1000:.0f} s; stderr: {errors}\n"
                    + self.lab.kernel_report()
                )
            self.ran.add(stem)
        return Lesson(self.page, panel, stem, self.opened[stem])

    def save_whole_lesson(self, stem: str, path: Path) -> None:
        """Save the lesson's whole notebook panel, every cell: the window grows until it all fits."""
        lesson = self.show(stem)
        outer = lesson.panel.locator(".jp-WindowedPanel-outer")
        # Cells off screen are drawn at an estimated height: growing the window draws them and
        # the notebook grows with them, so measure again until it fits.
        for _ in range(5):
            height, visible = outer.evaluate(NOTEBOOK_HEIGHT)
            if height <= visible:
                break
            size = self.page.viewport_size
            grown = int(size["height"] - visible + height + 20)
            self.page.set_viewport_size({"width": size["width"], "height": grown})
            self.page.evaluate(NEXT_FRAMES)
        outer.evaluate("outer => { outer.scrollTop = 0; }")
        lesson.panel.screenshot(path=path)
        self.page.set_viewport_size(WINDOW)  # a student's window again, for the next lesson

    def close(self) -> None:
        """Close the tab; the server's teardown stops the kernels."""
        self.context.close()


@pytest.fixture(scope="package")
def course(lab: Lab, browser: Browser) -> Iterator[Course]:
    """Yield every lesson open and running in the one browser."""
    opened = Course(lab, browser)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="module", params=LESSONS)
def lesson(request: pytest.FixtureRequest, course: Course) -> Iterator[Lesson]:
    """Yield one lesson, run, in front; with FOURISLANDS_WHOLE_SCREENSHOTS=1 keep a picture of all of it."""
    yield course.show(request.param)
    if WHOLE_LESSONS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        course.save_whole_lesson(request.param, SCREENSHOTS / f"{request.param[:2]}-whole.png")


def keep_screenshot(shown: Page | Locator, stem: str, what: str) -> None:
    """Save a picture of a page or of one element as build/screenshots/NN-what.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shown.screenshot(path=SCREENSHOTS / f"{stem[:2]}-{what}.png")


# Where the explorer's first control and its figures are, and the area the reader sees (the
# window, or the notebook's scrolling panel within it), once the explorer's top is scrolled to the
# top of that area: what a student or a room sees on arriving at the explorer.
FIRST_SCREEN = """(explorer) => {
    explorer.scrollIntoView({block: "start"});
    const box = (node) => { const r = node.getBoundingClientRect();
        return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
    let seen = {top: 0, left: 0, bottom: window.innerHeight, right: window.innerWidth};
    for (let node = explorer.parentElement; node; node = node.parentElement) {
        const overflow = getComputedStyle(node).overflowY;
        if ((overflow === "auto" || overflow === "scroll") && node.scrollHeight > node.clientHeight) {
            const r = box(node);
            seen = {top: Math.max(seen.top, r.top), left: Math.max(seen.left, r.left),
                    bottom: Math.min(seen.bottom, r.bottom), right: Math.min(seen.right, r.right)};
            break;
        }
    }
    const control = explorer.querySelector(
        ".fi-explorer-controls input, .fi-explorer-controls button, .fi-explorer-controls select");
    // The figure: its images, or the whole output where it shows no image (a table, words).
    const output = explorer.querySelector(".fi-explorer-output");
    const images = [...explorer.querySelectorAll(".fi-explorer-output img")];
    const figures = (images.length ? images : output && output.textContent.trim() ? [output] : []).map(box);
    return {control: control && box(control), figures: figures, seen: seen};
}"""


def off_screen(measured: dict) -> list[str]:
    """Return what of the first control and the figures lies outside the area seen ([] when none)."""
    seen, outside = measured["seen"], []
    for what, b in [("first control", measured["control"])] + [("figure", b) for b in measured["figures"]]:
        if b is None:
            outside.append(f"no {what}")
        elif (
            b["top"] < seen["top"] - 1
            or b["left"] < seen["left"] - 1
            or b["bottom"] > seen["bottom"] + 1
            or b["right"] > seen["right"] + 1
        ):
            outside.append(f"{what} at {b}, outside the area seen, {seen}")
    return outside


# The text in an explorer set smaller than `least` CSS pixels: each element with words of its own.
SMALL_TEXT = """(explorer, least) => [...explorer.querySelectorAll("*")]
    .filter((node) => node.offsetParent !== null && [...node.childNodes].some(
        (child) => child.nodeType === Node.TEXT_NODE && child.textContent.trim()))
    .filter((node) => parseFloat(getComputedStyle(node).fontSize) < least)
    .map((node) => `${getComputedStyle(node).fontSize}: ${node.textContent.trim().slice(0, 60)}`)"""


# The smallest text of each course figure as shown: the size it was drawn at (data-text-px, which
# figures.CourseFigure writes on the <img>) times how much the page shrinks the image to fit.
FIGURE_TEXT = """(img) => img.decode().then(() => {
    const shown = img.getBoundingClientRect().width;
    return {alt: img.alt.slice(0, 60), natural: img.naturalWidth, shown: shown,
            px: parseFloat(img.dataset.textPx) * shown / img.naturalWidth};
})"""


def figure_text_too_small(images: Locator, least: float) -> tuple[int, list[str]]:
    """Return how many course figures there are and those whose smallest text shows under least px."""
    small = []
    for number in range(images.count()):
        image = images.nth(number)
        image.scroll_into_view_if_needed()
        measured = image.evaluate(FIGURE_TEXT)
        if not measured["px"] >= least - 0.05:  # NaN (no data-text-px) fails too
            small.append(
                f"{measured['px']:.1f} px ({measured['natural']} px wide shown at {measured['shown']:.0f}): "
                f"{measured['alt']}"
            )
    return images.count(), small


# axe-core, installed by `make test` from package.json: the accessibility rules browsers' own audit
# tools run. A violation on the course's own content (what a lesson or an app puts on the page)
# fails a test; JupyterLab's and Voila's own are reported as warnings, for they are not ours to fix.
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_AUDIT = """async (root, ours) => {
    const result = await axe.run(root, {resultTypes: ["violations"]});
    return result.violations.flatMap((rule) => rule.nodes.map((node) => {
        const element = document.querySelector(node.target[node.target.length - 1]);
        return {rule: rule.id, impact: node.impact || rule.impact, help: rule.help,
                ours: Boolean(element && element.closest(ours)),
                html: node.html.slice(0, 160), text: element ? element.textContent.trim().slice(0, 200) : ""};
    }));
}"""


def accessibility_violations(page: Page, root: Locator, ours: str = "*") -> tuple[list[dict], list[dict]]:
    """Audit what root shows with axe-core; return the violations in our content (what matches or
    lies inside `ours`; all of it by default) and the others."""
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed ({AXE}): `make test` installs it with npm ci")
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = root.evaluate(AXE_AUDIT, ours)
    return [v for v in found if v["ours"]], [v for v in found if not v["ours"]]
