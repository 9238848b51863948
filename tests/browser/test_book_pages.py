"""The static edition in a real browser: every page of the book passes an accessibility audit."""

from __future__ import annotations

import subprocess
import warnings
from pathlib import Path

import pytest

from .conftest import BIN, ROOT, accessibility_violations

BUILT = ["00", "02"]  # the start page, and a lesson with charts, explorers and quizzes of every kind


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a folder holding the book of two lessons, built by the course's own command.

    In a process of its own: nbclient cannot run notebooks in this one while Playwright's event loop
    is open (see the browser fixture).
    """
    out = tmp_path_factory.mktemp("book")
    done = subprocess.run(
        [str(BIN / "fourislands"), "build-book", "--out", str(out), *BUILT],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def test_every_book_page_has_no_serious_accessibility_violation(book, browser):
    pages = sorted(book.glob("*.html"))
    assert len(pages) == len(BUILT) + 1  # the lessons and the contents page
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        for path in pages:
            page.goto(path.as_uri())
            # Every part of a book page is the course's own: nothing is left to JupyterLab.
            found, _ = accessibility_violations(page, page.locator("body"))
            for rule in sorted(
                {
                    (v["rule"], v["impact"], v["help"])
                    for v in found
                    if v["impact"] not in ("serious", "critical")
                }
            ):
                warnings.warn(f"{path.name}: {rule}", stacklevel=1)
            serious = [v for v in found if v["impact"] in ("serious", "critical")]
            assert serious == [], f"{path.name}: {serious[:6]}"
    finally:
        page.close()
