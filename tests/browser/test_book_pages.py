"""The static edition in a real browser: every page of the book passes an accessibility audit, its
"On this page" links lead to their sections, and the instructor edition's printouts print as meant."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from shared_book import LESSONS, shared_book

from .conftest import accessibility_violations


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the folder of the student edition of shared_book.LESSONS, built by the course's own command.

    In a process of its own (shared_book.py): nbclient cannot run notebooks in this one while
    Playwright's event loop is open (see the browser fixture).
    """
    return shared_book(tmp_path_factory).outs["student"]


@pytest.fixture(scope="module")
def instructor_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the folder of the instructor edition, written from the same run of the lessons."""
    return shared_book(tmp_path_factory).outs["instructor"]


def audit(browser, pages: list[Path]) -> None:
    """Fail on a serious or critical axe violation on any of pages; warn about the others."""
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


def test_every_book_page_has_no_serious_accessibility_violation(book, browser):
    pages = sorted(book.glob("*.html"))
    assert len(pages) == len(LESSONS) + 1  # the lessons and the contents page
    audit(browser, pages)


def test_every_instructor_page_has_no_serious_accessibility_violation(instructor_book, browser):
    pages = sorted(instructor_book.glob("*.html"))
    # The lessons, their keys, the role cards, the essay rubric and the contents page.
    assert len(pages) == 2 * len(LESSONS) + 3
    audit(browser, pages)


def test_on_this_page_leads_to_each_section(book, instructor_book, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        for path in [book / "02-negotiations.html", instructor_book / "02-negotiations-key.html"]:
            page.goto(path.as_uri())
            contents = page.get_by_role("navigation", name="On this page")  # its accessible name
            links = contents.get_by_role("link")
            headings = page.locator("main h2")
            assert links.count() == headings.count() >= 2, path.name
            assert contents.bounding_box()["y"] < page.viewport_size["height"], path.name  # at the top
            last = links.nth(links.count() - 1)
            last.click()
            target = page.evaluate("() => decodeURIComponent(location.hash.slice(1))")
            assert target == headings.nth(headings.count() - 1).get_attribute("id"), path.name
            box = headings.nth(headings.count() - 1).bounding_box()
            assert -1 <= box["y"] < page.viewport_size["height"], path.name  # scrolled to it
    finally:
        page.close()


def printed_pages(page) -> int:
    """Return how many A4 pages the open page prints on: the page count of its PDF's page tree."""
    return max(int(count) for count in re.findall(rb"/Count\s+(\d+)", page.pdf(format="A4")))


def test_role_cards_print_one_per_page_and_the_rubric_on_one(instructor_book, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto((instructor_book / "07-seminar-role-cards.html").as_uri())
        cards = page.locator(".fi-card")
        assert cards.count() == 24  # 5 roles x 2 sides x 2 settings, and 4 observers
        page.emulate_media(media="print")
        breaks = cards.evaluate_all("cards => cards.map(card => getComputedStyle(card).breakAfter)")
        assert breaks == ["page"] * (len(breaks) - 1) + ["auto"]
        assert not page.locator(".fi-book-nav, .fi-book-toc, .fi-instructor-banner").first.is_visible()
        assert printed_pages(page) == cards.count()  # no card runs over onto a second sheet
        page.goto((instructor_book / "07-seminar-essay-rubric.html").as_uri())
        assert printed_pages(page) == 1
        assert page.locator(".fi-essay-rubric tbody tr").count() == 4
    finally:
        page.close()
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
