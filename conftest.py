"""Test settings for the whole project: lessons under nbval (fast, quiet, over IPC) and tests side by side."""

from __future__ import annotations

import os
from pathlib import Path

import nbval.kernel
import pytest
from hypothesis import settings

from fourislands.kernels import IPCKernelManager

# Tests run side by side on machines that may be busy: a wall-clock deadline per generated example
# (hypothesis's default, 200 ms) fails correct tests at random. Every property test runs without one.
settings.register_profile("side-by-side", deadline=None)
settings.load_profile("side-by-side")

# nbval starts its kernels with jupyter_client's KernelManager: over IPC, lessons tested side by
# side (pytest -n) never race for a port.
nbval.kernel.KernelManager = IPCKernelManager

# The lesson's kernel may spend this much processor time, from its start to the last cell. Processor
# time, not the clock: tests run side by side, and a busy machine must not fail a lesson.
LESSON_CPU_SECONDS = 8.0
_spent: dict[str, float] = {}
_last_cells: dict[str, object] = {}  # notebook path -> its last cell's test item


def kernel_cpu_seconds(item) -> float | None:
    """Return the processor time the notebook's kernel has used so far, where the system says (Linux)."""
    manager = getattr(getattr(item.parent, "kernel", None), "km", None)
    pid = getattr(getattr(manager, "provisioner", None), "pid", None)
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Fail a lesson cell that writes to stderr, and the last cell when the lesson is too slow."""
    outcome = yield
    report = outcome.get_result()
    outputs = getattr(item, "test_outputs", None)
    if call.when != "call" or outputs is None or report.failed:
        return
    noisy = [
        o.get("text", "")[:200]
        for o in outputs
        if o.get("output_type") == "stream" and o.get("name") == "stderr"
    ]
    if noisy:
        report.outcome, report.longrepr = "failed", f"the cell printed to stderr: {noisy}"
        return
    notebook = str(item.parent.path)
    _spent[notebook] = _spent.get(notebook, 0.0) + call.duration
    if notebook not in _last_cells:  # found once per notebook, not at every cell
        _last_cells[notebook] = [i for i in item.session.items if i.parent is item.parent][-1]
    if item is not _last_cells[notebook]:
        return
    # Where the kernel's processor time cannot be read (not Linux), the clock stands in for it.
    used = kernel_cpu_seconds(item) or _spent[notebook]
    if used > LESSON_CPU_SECONDS:
        report.outcome = "failed"
        report.longrepr = (
            f"{item.parent.path.name} took {used:.1f} s of processor time to run "
            f"(the limit is {LESSON_CPU_SECONDS:g} s)"
        )


# Modules whose tests share nothing costly to make: spread test by test over the workers of
# `pytest -n`. Every other module (and each lesson under nbval) runs whole on one worker, so its
# fixtures are made once and a lesson's cells run in order in one kernel.
SPREAD = {
    *(f"test_lesson_0{n}.py" for n in range(1, 8)),
    "test_exercises.py",
    "test_judging.py",
    "test_judging_hostile.py",
    "test_snapshot.py",
    "test_data_errors.py",
    "test_quiz_banks.py",
}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """Give `-n auto` one worker per core and one more: the browser tests spend most of their time
    waiting for JupyterLab and Chromium, and a third worker on two cores finished the suite in 173 s
    where two took 202 s."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) + 1


@pytest.hookimpl(optionalhook=True)  # pytest -p no:xdist runs the tests one by one, as before
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """Hand `pytest -n` whole modules, single tests of the modules in SPREAD, and the browser tests of
    the lessons in two shares (browser/conftest.py, lesson_share), each with its own JupyterLab."""
    # pytest-xdist's own `--dist loadgroup` cannot be used: it renames tests in a way pytest 9.2 ignores.
    from browser.conftest import LESSONS, lesson_share
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            if module.endswith("browser/test_lessons.py"):  # one share of the lessons a worker
                stem = next((s for s in LESSONS if f"[{s}" in nodeid or f"-{s}]" in nodeid), LESSONS[0])
                return f"{module}::share-{lesson_share(stem)}"
            return nodeid if Path(module).name in SPREAD else module

    return ModuleScheduling(config, log)
