"""Seminar mode in a real browser: Voila serves apps/, Chromium opens the split calculator and uses it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from fourislands import load
from fourislands.model.negotiations import island_areas, split_by_islands

from .conftest import BIN, IPC, ROOT, SCREENSHOTS, free_port, serving

APP = "02-split-calculator.ipynb"
# What `make seminar` runs, less its fixed port: nbgrader's and Notebook's JupyterLab extensions
# cannot load inside Voila and would log errors in the console.
VOILA_OPTIONS = [
    "--no-browser",
    "--Voila.ip=127.0.0.1",
    "--VoilaConfiguration.extension_denylist=@jupyter/nbgrader",
    "--VoilaConfiguration.extension_denylist=@jupyter-notebook/lab-extension",
    f"--MultiKernelManager.kernel_manager_class={IPC}",
]
# Voila's page asks this CDN for Font Awesome; offline that fails and the app does not need it.
CDN = "cdn.jsdelivr.net"
APP_SHOWN_MS = 60_000
REDRAW_MS = 30_000


@pytest.fixture
def voila(browser, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Yield the address of a Voila serving a copy of apps/ on a free port, and its log."""
    shutil.copytree(ROOT / "apps", tmp_path / "apps")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(BIN / "voila"), str(tmp_path / "apps"), f"--Voila.port={port}", *VOILA_OPTIONS]
    with serving("Voila", command, tmp_path, url + "/") as log:
        yield url, log


def outside_cdn(url: str) -> bool:
    return urlparse(url).hostname != CDN


def japan_share(*islands: str) -> str:
    """Return Japan's share of the land for these islands as the app prints it, e.g. '6.9%'."""
    return f"{split_by_islands(islands, island_areas(load('islands'))).japan_percent:.1f}%"


def test_split_calculator_app_shows_in_voila_and_answers_a_click(voila, browser):
    url, log = voila
    promise = japan_share("habomai", "shikotan")
    with_kunashiri = japan_share("habomai", "shikotan", "kunashiri")
    problems: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and outside_cdn(message.location.get("url", ""))
            and problems.append(f"console: {message.text[:300]}")
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "requestfailed",
        lambda request: outside_cdn(request.url) and problems.append(f"request failed: {request.url}"),
    )
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
    assert "Traceback" not in log.read_text(errors="replace")
