"""Report how large each figure's smallest text is where it is shown: lessons, explorers, projector apps.

A lesson figure is shown in JupyterLab's output area, an explorer's beside its controls, an app's on
a projector; each is shrunk to fit and never enlarged. This runs the lessons (or those named) on
fresh kernels, builds every explorer as a lesson and as an app shows it, and prints, for every
figure, its size in pixels, its smallest text as drawn and as shown, and whether that is enough.
The browser tests check the same in Chromium; this is the quick look while laying out a chart.

    .venv/bin/python tools/figure_text.py [--lessons 01 05] [--explorers [split ...]] [--failing] [--save DIR]
"""

from __future__ import annotations

import argparse
import base64
import inspect
import re
import struct
import sys
from pathlib import Path

import nbformat

from fourislands import figures
from fourislands.explore.catalog import EXPLORERS
from fourislands.kernels import notebook_client

ROOT = Path(__file__).resolve().parents[1]
SHOWN = re.compile(
    r'<figure class="fi-figure"><img src="data:image/png;base64,([^"]+)" alt="([^"]*)" '
    r'data-text-px="([\d.]+)"'
)


def lesson_rows(stem: str, save: Path | None) -> list[tuple[str, str, int, int, float, float, float]]:
    """Run a lesson; return (where, alt, width, height, text px, shown text px, least) per figure."""
    path = ROOT / "notebooks" / f"{stem}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook_client(notebook, path.parent).execute()
    rows = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            page = output.get("data", {}).get("text/html", "")
            for encoded, alt, text_px in SHOWN.findall(page):
                image = base64.b64decode(encoded)
                width, height = struct.unpack(">II", image[16:24])
                if save:
                    (save / f"{stem[:2]}-figure-{len(rows) + 1}.png").write_bytes(image)
                shown = float(text_px) * min(1.0, figures.LESSON_WIDTH_PX / width)
                rows.append((stem, alt, width, height, float(text_px), shown, figures.LEAST_TEXT_PX))
    return rows


def explorer_rows(name: str, save: Path | None) -> list[tuple[str, str, int, int, float, float, float]]:
    """Build an explorer as a lesson shows it (and as an app does); return a row per figure."""
    make = EXPLORERS[name]
    in_app = "projector" in inspect.signature(make).parameters  # the apps' explorers draw for a projector
    rows = []
    ways = [("lesson", {}, figures.EXPLORER_WIDTH_PX, figures.EXPLORER_HEIGHT_PX, figures.LEAST_TEXT_PX)]
    if in_app:
        ways.append(
            (
                "app",
                {"projector": True},
                figures.PROJECTOR_WIDTH_PX,
                figures.PROJECTOR_HEIGHT_PX,
                figures.PROJECTOR_TEXT_PX,
            )
        )
    for way, options, width, height, least in ways:
        explorer = make(**options)
        for number, shown in enumerate(explorer.last_view.figures, start=1):
            if not isinstance(shown, figures.CourseFigure):
                continue  # a table (the bargaining matrix), not an image
            if save:
                (save / f"explorer-{name}-{way}-{number}.png").write_bytes(shown.png)
            rows.append(
                (
                    f"{name} ({way})",
                    shown.alt,
                    shown.width_px,
                    shown.height_px,
                    shown.text_px,
                    shown.shown_text_px(width, height),
                    least,
                )
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", nargs="*", help="lesson numbers, e.g. 01 05 (default: all)")
    parser.add_argument("--explorers", nargs="*", help="explorers only, no lessons: these (default: all)")
    parser.add_argument("--failing", action="store_true", help="list only figures whose text is too small")
    parser.add_argument("--save", type=Path, help="also write every figure's PNG into this folder")
    args = parser.parse_args(argv)
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
    rows = []
    if args.explorers is None:
        stems = sorted(p.stem for p in (ROOT / "notebooks").glob("0*.ipynb"))
        chosen = [s for s in stems if not args.lessons or s[:2] in args.lessons]
        for stem in chosen:
            rows += lesson_rows(stem, args.save)
    if args.explorers is not None or not args.lessons:
        for name in args.explorers or EXPLORERS:
            rows += explorer_rows(name, args.save)
    failing = 0
    for where, alt, width, height, text_px, shown, least in rows:
        ok = shown >= least - 0.05
        failing += not ok
        if ok and args.failing:
            continue
        print(
            f"{'ok ' if ok else 'TOO SMALL'} {where:22} {width:4}x{height:<4} text {text_px:4.1f} px, "
            f"shown {shown:4.1f} px (least {least}): {alt[:60]}"
        )
    print(f"{len(rows)} figures, {failing} with text too small where shown")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
