"""Where the course's files live: the project folder, its data and its lessons."""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "FOURISLANDS_HOME"


def project_root() -> Path:
    """Return the course folder: $FOURISLANDS_HOME if set, else the checkout of this package."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser().resolve()
    # src/fourislands/paths.py -> the checkout is two folders above the package.
    return Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """Return the folder of the data package (CSV tables and datapackage.json)."""
    return project_root() / "data"
