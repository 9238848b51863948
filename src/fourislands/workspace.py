"""A student's own working copies of the lessons and exercises, for a course installed read-only.

On a classroom server the course folder often belongs to the administrator: every lesson runs
from it, but nobody can save a notebook there. A workspace is a folder of the student's with the
same layout (notebooks/, exercises/), so the lessons' pointers to each other still hold; the
notebooks find the course package and its data wherever they are opened.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .paths import project_root

FOLDERS = ("notebooks", "exercises")
DEFAULT = Path("~/fourislands-work")


def make_workspace(folder: Path) -> tuple[list[Path], list[Path]]:
    """Copy every notebook of notebooks/ and exercises/ into folder; return (copied, kept as they were).

    A notebook already in the workspace is the student's work: it is never overwritten.
    """
    copied, kept = [], []
    for name in FOLDERS:
        for source in sorted((project_root() / name).glob("*.ipynb")):
            target = folder / name / source.name
            if target.exists():
                kept.append(target)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)  # the copy is the student's: not read-only like the course
            copied.append(target)
    return copied, kept


# Notebooks the course has renamed since a workspace may have been made: (old name, new name).
# The seminar became lesson 07 when the 2018-2026 lesson took the number 06 (December 2026).
RENAMED = (("notebooks/06-seminar.ipynb", "notebooks/07-seminar.ipynb"),)


def renamed_notebooks(folder: Path) -> list[tuple[Path, Path]]:
    """Return (old copy, new notebook) for each copy in folder that a renamed course notebook left."""
    return [(folder / old, folder / new) for old, new in RENAMED if (folder / old).exists()]


def workspace_command(folder: Path | None) -> int:
    """Make or top up a workspace and say how to open it; return an exit code."""
    target = (folder or DEFAULT).expanduser()
    try:
        copied, kept = make_workspace(target)
    except OSError as error:
        print(
            f"cannot make a workspace in {target}: {error.strerror or error}; choose a folder you can write"
        )
        return 2
    print(f"{target}: {len(copied)} notebooks copied, {len(kept)} of yours kept as they were.")
    for old, new in renamed_notebooks(target):
        print(
            f"{old.name} is now {new.name} in the course: open {new.name}; {old.name} stays as you left it."
        )
    print(f"Open it with: jupyter lab {target / 'notebooks' / '00-start-here.ipynb'}")
    return 0
