"""The course folder the tests check, and small courses made from it (imported here, not from conftest)."""

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def course_with_solutions(home: Path, *names: str) -> Path:
    """Return home made a course folder (an empty data/) holding copies of these solution notebooks."""
    (home / "data").mkdir()
    (home / "solutions").mkdir()
    for name in names:
        shutil.copy(ROOT / "solutions" / f"{name}.ipynb", home / "solutions")
    return home
