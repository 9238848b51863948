"""Where the course's files live: the project folder, its data, its lessons and exercises."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import DataError

HOME_ENV = "FOURISLANDS_HOME"
# src/fourislands/paths.py -> the checkout is two folders above the package.
CHECKOUT = Path(__file__).resolve().parents[2]
HOW_TO_SET_HOME = (
    f"Set {HOME_ENV} to the full path of the course folder (the one that holds course.yml and data/), "
    "or unset it to use the course this package was installed from."
)

# A lesson and its exercise open as tabs side by side in JupyterLab, which names a tab by its file:
# "01-history.ipynb" and "01-history-exercises.ipynb" tell them apart. The exercise's name (its
# solution's, checks', metadata's and gradebook's) stays "01-history".
EXERCISE_FILE_SUFFIX = "-exercises"


def project_root() -> Path:
    """Return the course folder: $FOURISLANDS_HOME if set, else the checkout of this package.

    Raises DataError, naming the variable and what it points at, when that is no course folder.
    """
    setting = os.environ.get(HOME_ENV)
    if not setting:
        if not (CHECKOUT / "data").is_dir():
            raise DataError(
                CHECKOUT,
                "the package is installed here, outside any course folder (there is no data/ here). "
                f"Set {HOME_ENV} to the full path of the course folder (the one that holds course.yml "
                "and data/).",
            )
        return CHECKOUT
    folder = Path(setting).expanduser()
    if not folder.is_absolute():
        # A relative path names another folder in each place Python starts: a notebook's kernel
        # starts in the notebook's own folder, a terminal wherever the student is.
        raise DataError(
            setting,
            f"{HOME_ENV} is set to this relative path, which means a different folder depending on "
            f"where Python runs (here it would be {Path.cwd() / folder}). {HOW_TO_SET_HOME}",
        )
    try:
        is_folder = folder.is_dir()
    except OSError as error:
        raise DataError(
            folder, f"{HOME_ENV} points here, but it cannot be read ({error.strerror}). {HOW_TO_SET_HOME}"
        ) from None
    if not is_folder:
        found = "this is a file, not a folder" if folder.exists() else "there is no such folder"
        raise DataError(folder, f"{HOME_ENV} points here, but {found}. {HOW_TO_SET_HOME}")
    if not (folder / "data").is_dir():
        guess = (
            f" (the folder above it, {folder.parent}, does hold data/: perhaps you meant that one)"
            if (folder.parent / "data").is_dir()
            else ""
        )
        raise DataError(
            folder,
            f"{HOME_ENV} points at this folder, which is not the course folder: it has no data/ folder"
            f"{guess}. {HOW_TO_SET_HOME}",
        )
    return folder.resolve()


def data_dir() -> Path:
    """Return the folder of the data package (CSV tables and datapackage.json)."""
    return project_root() / "data"


def home_setting_note() -> str:
    """Return a note saying where $FOURISLANDS_HOME points, for a file missing there; '' if it is unset."""
    if not os.environ.get(HOME_ENV):
        return ""
    return f" ({HOME_ENV} points at {project_root()}: is that the course folder?)"


def exercise_path(name: str) -> Path:
    """Return the notebook students work in for an exercise name ("01-history")."""
    return project_root() / "exercises" / f"{name}{EXERCISE_FILE_SUFFIX}.ipynb"


def exercise_name(path: str | Path) -> str:
    """Return the exercise name of an exercise notebook's path ("exercises/01-history-exercises.ipynb")."""
    return Path(path).stem.removesuffix(EXERCISE_FILE_SUFFIX)
