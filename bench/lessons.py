"""Time each lesson's Run All on a fresh kernel (cell time, as nbclient runs it) against a baseline.

The baseline, run the same way in the same run: a notebook that only imports pandas and matplotlib
and draws and encodes one empty figure of the course's size, the least a lesson with a chart does.
`--cells N` also lists each lesson's N slowest cells.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from fourislands.kernels import notebook_client

ROOT = Path(__file__).resolve().parents[1]
GOAL_SECONDS, START_GOAL_SECONDS = 3.0, 1.0
BASELINE = """import io
import pandas as pd
import matplotlib
from matplotlib.figure import Figure
from matplotlib.backends.backend_agg import FigureCanvasAgg
figure = Figure(figsize=(8.0, 4.5), dpi=110, layout="constrained")
FigureCanvasAgg(figure)
figure.add_subplot()
figure.savefig(io.BytesIO(), format="png")"""


def cell_times(notebook: nbformat.NotebookNode, folder: Path) -> list[tuple[float, int, str]]:
    """Run a notebook on a fresh kernel; return (seconds, index, first line) for each code cell."""
    client: NotebookClient = notebook_client(notebook, folder)
    times = []
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code":
                start = time.perf_counter()
                client.execute_cell(cell, index)
                times.append((time.perf_counter() - start, index, cell.source.splitlines()[0][:60]))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cells", type=int, default=0, help="list each lesson's N slowest cells")
    parser.add_argument("--runs", type=int, default=3, help="runs per notebook; the median is kept")
    args = parser.parse_args()
    lessons = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    baseline_notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(BASELINE)])
    baseline = statistics.median(
        sum(t for t, _, _ in cell_times(baseline_notebook, ROOT)) for _ in range(args.runs)
    )
    print(f"cell time of Run All on a fresh kernel, median of {args.runs} runs; baseline {baseline:.2f} s")
    failed = False
    for path in lessons:
        runs = [cell_times(nbformat.read(path, as_version=4), path.parent) for _ in range(args.runs)]
        totals = [sum(t for t, _, _ in run) for run in runs]
        seconds = statistics.median(totals)
        goal = START_GOAL_SECONDS if path.stem.startswith("00") else GOAL_SECONDS
        failed |= seconds > goal
        verdict = "ok" if seconds <= goal else f"over the {goal:g} s goal"
        print(f"  {path.stem:<16} {seconds:5.2f} s  ({seconds / baseline:4.1f}x the baseline)  {verdict}")
        for cell_seconds, index, first in sorted(runs[totals.index(seconds)], reverse=True)[: args.cells]:
            print(f"      {cell_seconds:5.2f} s  cell {index:>3}: {first}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
