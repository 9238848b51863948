"""The bibliography beside the lessons (notebooks/bibliography.ipynb), written from data/sources.csv.

Lessons, quizzes and boxes cite a reading by author and year ("Hirose 2018") and link here, where
each source is given in full: the five readings and how to get them, then every outside source
with its address. `fourislands bibliography` writes it after sources.csv changes; `--check` (and a
test) says whether it has drifted.
"""

from __future__ import annotations

import nbformat

from .data import load
from .lesson import BIBLIOGRAPHY
from .paths import project_root

START = "00-start-here.ipynb"


def bibliography_cells() -> list[nbformat.NotebookNode]:
    """Return the bibliography's Markdown cells: a note on citing, the readings, the outside sources."""
    sources = load("sources")
    readings = sources[sources["kind"] == "reading"].sort_values("file")
    outside = sources[sources["kind"] != "reading"].sort_values("id")
    intro = (
        f"[\u2190 Start page and all lessons]({START})\n\n# Bibliography\n\n"
        f"The course is built on {len(readings)} readings. The lessons cite them by author and year, "
        "or, for the two published without an author, by title and year, and link here. Other facts "
        "come from outside sources, cited by the address of the page quoted. Every number in the "
        "course's tables names its source in a `source_id` column: the ids below."
    )
    entries = "\n\n".join(
        f'<a id="{row.id}"></a>**{row.short}.** {row.citation} *Not included with the course: your '
        f"instructor has the reading pack.* (id `{row.id}`)"
        for row in readings.itertuples()
    )
    listed = "\n".join(
        f'- <a id="{row.id}"></a>{row.citation} <{row.url}>'
        + (f" ({row.published})" if isinstance(row.published, str) else "")
        + f" (id `{row.id}`)"
        for row in outside.itertuples()
    )
    return [
        nbformat.v4.new_markdown_cell(intro, id="bibliography-intro"),
        nbformat.v4.new_markdown_cell(f"## The readings\n\n{entries}", id="bibliography-readings"),
        nbformat.v4.new_markdown_cell(f"## Outside sources\n\n{listed}", id="bibliography-outside"),
    ]


def _path():
    return project_root() / "notebooks" / BIBLIOGRAPHY


def drifted() -> bool:
    """Return whether the bibliography notebook is missing or differs from data/sources.csv."""
    path = _path()
    if not path.exists():
        return True
    cells = nbformat.read(path, as_version=4).cells
    return [(c.id, c.source) for c in cells] != [(c.id, c.source) for c in bibliography_cells()]


def write_bibliography() -> bool:
    """Write the bibliography notebook from data/sources.csv; return whether it changed."""
    if not drifted():
        return False
    start = nbformat.read(project_root() / "notebooks" / START, as_version=4)
    notebook = nbformat.v4.new_notebook(cells=bibliography_cells(), metadata=start.metadata)
    nbformat.write(notebook, _path())
    return True


def bibliography_command(check: bool) -> int:
    """Write the bibliography (or with check, say whether it drifted); return the exit code."""
    if check:
        if drifted():
            print(f"notebooks/{BIBLIOGRAPHY} differs from data/sources.csv (run: fourislands bibliography)")
            return 1
        return 0
    if write_bibliography():
        print(f"wrote notebooks/{BIBLIOGRAPHY}")
    return 0
