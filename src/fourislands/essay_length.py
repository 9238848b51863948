"""An essay's length as the notebook file holds it: the words of its cell against what the prompt asks.

A kernel cannot see what the browser has not saved, so the count reads the notebook file: the one
this kernel was started for (Jupyter Server names it in JPY_SESSION_NAME), or else the exercise's
own file in the kernel's folder. The file is the student's and may be anything: a file that cannot
be read, is not a notebook or lost the essay's cell gets a sentence saying so, never a traceback.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .paths import EXERCISE_FILE_SUFFIX
from .words import markdown_words

# The box an essay's cell starts as (exercise_build.ESSAY_PLACEHOLDER): untouched, it is no essay.
UNTOUCHED = "> **Your essay.**"
MAX_NOTEBOOK_BYTES = 50_000_000  # an exercise notebook is far smaller; a larger file is not read


@dataclass(frozen=True)
class EssayLength:
    """What the saved notebook says of an essay: its words (None if unknown), when saved, what is wrong."""

    words: int | None
    saved: datetime | None = None
    problem: str = ""


def saved_notebook(exercise: str, session: str | None = None, folder: Path | None = None) -> Path:
    """Return the notebook file to count from: the kernel's own notebook, else the exercise's file."""
    folder = folder or Path.cwd()
    session = os.environ.get("JPY_SESSION_NAME") if session is None else session
    if session and session.endswith(".ipynb"):
        path = Path(session)
        if path.is_absolute() and path.is_file():
            return path
        if (folder / path.name).is_file():
            return folder / path.name
    return folder / f"{exercise}{EXERCISE_FILE_SUFFIX}.ipynb"


def _source(cell: dict) -> str | None:
    """Return a cell's source as text, or None if it is neither text nor a list of text."""
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    return source if isinstance(source, str) else None


def essay_length(path: Path, cell_id: str) -> EssayLength:
    """Return the words of the essay cell (nbgrader grade_id cell_id) of the notebook file at path."""
    try:
        status = path.stat()
        if status.st_size > MAX_NOTEBOOK_BYTES:
            return EssayLength(
                None, problem=f"{path.name} is over 50 MB, too large to be an exercise notebook."
            )
        saved = datetime.fromtimestamp(status.st_mtime)
        notebook = json.loads(path.read_bytes())
    except FileNotFoundError:
        return EssayLength(None, problem=f"{path.name} is not saved in this folder yet: press Ctrl+S first.")
    except (OSError, ValueError, RecursionError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else "it is not a notebook"
        return EssayLength(None, problem=f"{path.name} cannot be read ({reason}).")
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    for cell in cells if isinstance(cells, list) else []:
        meta = cell.get("metadata") if isinstance(cell, dict) else None
        nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
        if isinstance(nbgrader, dict) and nbgrader.get("grade_id") == cell_id:
            text = _source(cell)
            if text is None:
                return EssayLength(None, saved, f"the essay's box in {path.name} holds no text.")
            return EssayLength(0 if text.lstrip().startswith(UNTOUCHED) else markdown_words(text), saved)
    return EssayLength(
        None,
        saved,
        f"{path.name} has no essay box ({cell_id}): was it deleted? Copy your essay, then ask for a "
        "fresh copy of the exercise.",
    )


def length_verdict(length: EssayLength, fewest: int, most: int) -> tuple[bool, str]:
    """Return (within the asked length, a sentence for the student) for an essay's saved length."""
    if length.words is None:
        return False, f"Cannot count your essay: {length.problem}"
    when = f" as saved at {length.saved:%H:%M}" if length.saved else ""
    asked = f"the essay asks for {fewest} to {most}"
    if length.words == 0:
        return False, f"Your essay is not started{when} ({asked} words)."
    counted = f"{length.words} words in your essay{when} ({asked})"
    if length.words < fewest:
        return False, f"{counted}: {fewest - length.words} more to reach {fewest}."
    if length.words > most:
        return False, f"{counted}: {length.words - most} over; cut to {most}."
    return True, f"{counted}: within the length."
