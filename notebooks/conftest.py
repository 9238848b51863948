"""Test settings for the lessons: under nbval, each lesson runs in seconds and prints no warnings."""

from __future__ import annotations

import pytest

LESSON_SECONDS = 10.0
_spent: dict[str, float] = {}


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
    cells = [i for i in item.parent.session.items if i.parent is item.parent]
    if item is cells[-1] and _spent[notebook] > LESSON_SECONDS:
        report.outcome = "failed"
        took = f"{_spent[notebook]:.1f} s"
        report.longrepr = f"{item.parent.path.name} took {took} to run (the limit is {LESSON_SECONDS:g} s)"
