"""The seminar essay in JupyterLab: typed into its box, saved, and counted as the student sees it."""

from __future__ import annotations

import re
import shutil

import pytest

from .conftest import (
    ALL_CELLS_RAN,
    COURSE_CONTENT,
    KERNEL_READY_MS,
    KERNEL_READY_OR_DIALOG,
    ROOT,
    RUN_ALL_MS,
    SERIOUS,
    STDERR,
    WINDOW,
    accessibility_violations,
    code_cell_count,
    keep_screenshot,
)

STEM = "07-seminar-exercises"
WORDS = 640
COUNT_MS = 30_000
ESSAY_BOX = "Double-click this box, replace these lines with your essay"  # not the task above it


@pytest.fixture(scope="module")
def essay_page(lab, browser):
    """Yield the essay exercise open in JupyterLab with every cell run, in a tab of its own."""
    shutil.copy(ROOT / "exercises" / f"{STEM}.ipynb", lab.root / f"{STEM}.ipynb")
    context = browser.new_context(viewport=WINDOW)
    page = context.new_page()
    page.goto(lab.notebook_url(STEM))
    panel = page.locator(".jp-NotebookPanel").first
    panel.wait_for()
    page.wait_for_function(
        KERNEL_READY_OR_DIALOG, arg=panel.element_handle(), polling=250, timeout=KERNEL_READY_MS
    )
    if page.locator(".jp-Dialog").count():
        page.locator(".jp-Dialog .jp-mod-accept").click()
    page.locator(".lm-MenuBar-item", has_text="Run").click()
    page.locator("[data-command='runmenu:run-all']").click()
    count = code_cell_count(lab, STEM)
    page.wait_for_function(
        ALL_CELLS_RAN, arg=[panel.element_handle(), count], polling=250, timeout=RUN_ALL_MS
    )
    try:
        yield page, panel
    finally:
        context.close()


def test_the_untouched_essay_is_counted_as_not_started_with_the_prompt_and_rubric_shown(essay_page):
    page, panel = essay_page
    count = panel.locator(".fi-word-count")
    assert "Your essay is not started" in count.inner_text()
    assert "600 to 900" in count.inner_text()
    assert panel.locator(".fi-essay .fi-rubric").count() == 1  # the lesson's prompt and rubric
    assert panel.locator(STDERR).count() == 0
    ours, _ = accessibility_violations(page, panel, COURSE_CONTENT)
    serious = [v for v in ours if v["impact"] in SERIOUS]
    assert serious == [], serious


def test_an_essay_typed_and_saved_is_counted_when_the_cell_runs_again(essay_page):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page, panel = essay_page
    essay = (
        " ".join(f"point{i}" for i in range(WORDS // 2))
        + "\n\n"
        + " ".join(f"reason{i}" for i in range(WORDS - WORDS // 2))
    )
    box = panel.locator(".jp-MarkdownCell", has_text=ESSAY_BOX)
    box.scroll_into_view_if_needed()
    box.dblclick()  # as a student opens a Markdown cell to edit it
    editor = box.locator(".cm-content")
    editor.wait_for()
    editor.fill(essay)  # the placeholder's lines replaced, as a student selects them and types
    page.keyboard.press("Shift+Enter")  # shows the essay and moves to the word-count cell below
    page.keyboard.press("Control+s")
    tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current")
    page.wait_for_function(
        "(tab) => !tab.classList.contains('jp-mod-dirty')", arg=tab.element_handle(), timeout=COUNT_MS
    )
    counter = panel.locator(".jp-CodeCell", has_text='ex.word_count("w1")')
    counter.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    count = panel.locator(".fi-word-count")
    try:
        count.filter(has_text=re.compile(rf"\b{WORDS} words in your essay")).wait_for(timeout=COUNT_MS)
    except PlaywrightTimeout:
        keep_screenshot(page, STEM, "not-counted")
        pytest.fail(f"the count did not change to {WORDS} words: {count.inner_text()!r}")
    assert "within the length" in count.inner_text()
    keep_screenshot(page, STEM, "counted")
