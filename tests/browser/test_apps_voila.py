"""Seminar mode in a real browser: Voila starts at the apps' index, each app fits a projector, one is used."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from fourislands import load
from fourislands.figures import PROJECTOR_TEXT_PX
from fourislands.model.negotiations import island_areas, split_by_islands

from .conftest import (
    BIN,
    COURSE_CONTENT,
    FIRST_SCREEN,
    IPC,
    ROOT,
    SCREENSHOTS,
    SMALL_TEXT,
    UPSTREAM_SOCKET_RACE,
    accessibility_violations,
    figure_text_too_small,
    free_port,
    off_screen,
    server_tracebacks,
    serving,
)

APP = "02-split-calculator.ipynb"
# What `make seminar` runs, less its fixed port: nbgrader's and Notebook's JupyterLab extensions
# cannot load inside Voila and would log errors in the console.
VOILA_OPTIONS = [
    "--no-browser",
    "--Voila.ip=127.0.0.1",
    "--template=fourislands",
    "--VoilaConfiguration.classic_tree=True",
    "--VoilaConfiguration.extension_denylist=@jupyter/nbgrader",
    "--VoilaConfiguration.extension_denylist=@jupyter-notebook/lab-extension",
    f"--MultiKernelManager.kernel_manager_class={IPC}",
]
APP_SHOWN_MS = 60_000
REDRAW_MS = 30_000
PROJECTOR = {"width": 1280, "height": 720}
APPS = sorted(p.name for p in (ROOT / "apps").glob("0*.ipynb"))


@pytest.fixture(scope="module")
def voila(browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Yield the address of a Voila serving a copy of apps/ on a free port, and its log."""
    home = tmp_path_factory.mktemp("voila")
    shutil.copytree(ROOT / "apps", home / "apps")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(BIN / "voila"), str(home / "apps"), f"--Voila.port={port}", *VOILA_OPTIONS]
    with serving("Voila", command, home, url + "/") as log:
        yield url, log


def watched_page(browser, url: str, problems: list[str]):
    """Return a projector-sized page that notes console errors, page errors and failed requests,
    and any request to a host other than the Voila serving the apps."""
    page = browser.new_page(viewport=PROJECTOR)
    own = urlparse(url).netloc
    page.on(
        "console",
        lambda m: m.type == "error" and problems.append(f"console: {m.text[:300]} ({m.location.get('url')})"),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    # Leaving an app, Voila asks its server to stop the app's kernel; the browser drops that request
    # as the next page loads, and the kernel is stopped when the page's socket closes anyway.
    page.on(
        "requestfailed",
        lambda request: (
            "/voila/api/shutdown/" not in request.url and problems.append(f"request failed: {request.url}")
        ),
    )
    page.on(
        "request",
        lambda request: (
            urlparse(request.url).scheme in ("http", "https")
            and urlparse(request.url).netloc != own
            and problems.append(f"request to an outside host: {request.url}")
        ),
    )
    return page


def japan_share(*islands: str) -> str:
    """Return Japan's share of the land for these islands as the app prints it, e.g. '6.9%'."""
    return f"{split_by_islands(islands, island_areas(load('islands'))).japan_percent:.1f}%"


def test_the_start_page_is_the_index_of_apps_and_each_app_leads_back(voila, browser):
    url, log = voila
    problems: list[str] = []
    page = watched_page(browser, url, problems)
    try:
        page.goto(f"{url}/")
        page.wait_for_url("**/voila/render/index.ipynb", timeout=APP_SHOWN_MS)
        page.locator("h1", has_text="Seminar apps").wait_for(timeout=APP_SHOWN_MS)
        links = page.locator("#rendered_cells a[href$='.ipynb']")
        assert sorted(links.evaluate_all("nodes => nodes.map((a) => a.getAttribute('href'))")) == APPS
        page.locator("#rendered_cells a", has_text="Range map").click()
        page.locator(".fi-explorer").wait_for(timeout=APP_SHOWN_MS)
        page.get_by_role("link", name="All seminar apps").click()
        page.wait_for_url("**/voila/render/index.ipynb", timeout=APP_SHOWN_MS)
    finally:
        page.close()
    assert problems == []


# Text a room reads from the back (figures.PROJECTOR_TEXT_PX), in the explorer's own words and
# controls and in its figure.
@pytest.mark.parametrize("app", APPS)
def test_each_app_shows_its_first_control_and_whole_figure_on_one_projector_screen(voila, browser, app):
    url, _ = voila
    problems: list[str] = []
    page = watched_page(browser, url, problems)
    try:
        page.goto(f"{url}/voila/render/{app}")
        explorer = page.locator(".fi-explorer").first
        image = explorer.locator(".fi-explorer-output img").first
        image.wait_for(state="visible", timeout=APP_SHOWN_MS)
        image.evaluate("img => img.decode()")
        measured = explorer.evaluate(FIRST_SCREEN)
        small = explorer.evaluate(SMALL_TEXT, PROJECTOR_TEXT_PX)
        drawn, small_in_figures = figure_text_too_small(explorer.locator(".fi-figure img"), PROJECTOR_TEXT_PX)
        ours, theirs = accessibility_violations(page, page.locator("body"), COURSE_CONTENT)
        explorer.evaluate("explorer => explorer.scrollIntoView({block: 'start'})")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"apps-{app.removesuffix('.ipynb')}-first-screen.png")
    finally:
        page.close()
    assert measured["figures"], "the app shows no figure"
    assert off_screen(measured) == []
    assert small == [], f"text under {PROJECTOR_TEXT_PX} px on the projector: {small[:5]}"
    for rule in sorted({(v["rule"], v["impact"], v["help"]) for v in theirs}):
        warnings.warn(f"Voila's own page, not the app's: {rule}", stacklevel=1)
    serious = [v for v in ours if v["impact"] in ("serious", "critical")]
    assert serious == [], f"serious or critical accessibility violations: {serious[:6]}"
    assert drawn >= 1, "the app shows no course figure"
    assert small_in_figures == [], f"figure text under {PROJECTOR_TEXT_PX} px: {small_in_figures}"
    assert problems == []


def test_split_calculator_app_shows_in_voila_and_answers_a_click(voila, browser):
    url, log = voila
    promise = japan_share("habomai", "shikotan")
    with_kunashiri = japan_share("habomai", "shikotan", "kunashiri")
    problems: list[str] = []
    page = watched_page(browser, url, problems)
    try:
        page.goto(f"{url}/voila/render/{APP}")
        output = page.locator(".fi-explorer-output")
        output.locator("img").first.wait_for(state="visible", timeout=APP_SHOWN_MS)
        summary = page.locator(".fi-explorer .fi-split-summary")
        assert page.locator(".fi-explorer").count() == 1
        assert page.locator("h1").first.inner_text().startswith("Split calculator")
        # Markdown rendered, not shown as source; no code cell is shown to the room.
        assert "**Source:**" not in page.content() and page.get_by_text("Source:").count() >= 1
        assert page.locator(".jp-InputArea-editor, .cm-editor").count() == 0
        assert promise in summary.inner_text()  # the app opens on the 1956 promise

        before = output.inner_html()
        page.locator(".fi-explorer label", has_text="Kunashiri").click()
        page.wait_for_function(
            "([node, before]) => node.innerHTML !== before",
            arg=[output.element_handle(), before],
            timeout=REDRAW_MS,
        )
        page.wait_for_function(
            "([node, share]) => node.innerText.includes(share)",
            arg=[summary.element_handle(), with_kunashiri],
            timeout=REDRAW_MS,
        )
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "apps-02-split-calculator.png")
    finally:
        page.close()
    assert problems == []
    assert server_tracebacks(log) == []


def test_a_server_log_check_forgives_only_the_upstream_socket_race(tmp_path):
    log = tmp_path / "voila.log"
    race = f"Traceback (most recent call last):\n  File x\nAttributeError: {UPSTREAM_SOCKET_RACE}"
    ours = "Traceback (most recent call last):\n  File fourislands/explore/split.py\nKeyError: 'kunashiri'"
    log.write_text(f"[Voila] Kernel started: 1\n[Voila] Uncaught exception GET\n{race}\n[Voila] Connecting\n")
    assert server_tracebacks(log) == []
    log.write_text(f"[Voila] Kernel started: 1\n[Voila] Uncaught exception\n{ours}\n[Voila] Connecting\n")
    assert len(server_tracebacks(log)) == 1 and "KeyError" in server_tracebacks(log)[0]
