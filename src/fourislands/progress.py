"""Saved progress: every quiz attempt in one small JSON file per user, safe across kernels."""

from __future__ import annotations

import contextlib
import json
import os
import random
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PROGRESS_ENV = "FOURISLANDS_PROGRESS"
DEFAULT_PATH = Path.home() / ".fourislands" / "progress.json"
VERSION = 1
LOCK_TIMEOUT = 10.0


def progress_path() -> Path:
    """Return the progress file: $FOURISLANDS_PROGRESS if set, else ~/.fourislands/progress.json."""
    override = os.environ.get(PROGRESS_ENV)
    return Path(override).expanduser() if override else DEFAULT_PATH


def _fresh() -> dict:
    """Return an empty progress document with a new random shuffle seed for this student."""
    return {
        "version": VERSION,
        "seed": random.SystemRandom().randrange(2**32),
        "attempts": [],
        "events": [],
    }


def _is_progress(document: object) -> bool:
    """Return True when document has the shape of a progress file."""
    return (
        isinstance(document, dict)
        and document.get("version") == VERSION
        and isinstance(document.get("seed"), int)
        and isinstance(document.get("attempts"), list)
        and isinstance(document.get("events"), list)
        and all(isinstance(a, dict) for a in document["attempts"] + document["events"])
    )


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on path's lock file, so two kernels take turns."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+b") as handle:
        deadline = time.monotonic() + LOCK_TIMEOUT
        while True:
            try:
                _lock(handle)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)
        try:
            yield
        finally:
            _unlock(handle)


if os.name == "nt":  # pragma: no cover - exercised on Windows machines only
    import msvcrt

    def _lock(handle) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _moved_aside(path: Path) -> Path:
    """Rename a damaged progress file to a unique name beside it and return that name."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.damaged-{stamp}{path.suffix}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.stem}.damaged-{stamp}-{counter}{path.suffix}")
    os.replace(path, target)
    return target


def _read(path: Path) -> tuple[dict, str | None]:
    """Return the progress document and a notice if the file was damaged and set aside."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return _fresh(), None
    except (OSError, UnicodeDecodeError, ValueError):
        document = None
    if _is_progress(document):
        return document, None
    aside = _moved_aside(path)
    notice = (
        f"Your progress file was damaged, so it was moved to {aside} and a new one was started. "
        "Answers from now on are saved as usual."
    )
    return _fresh(), notice


def _write(path: Path, document: dict) -> None:
    """Write the document atomically: a crash leaves the old file or the new one, never half."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(document, out, ensure_ascii=False, separators=(",", ":"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _now() -> str:
    """Return the current UTC time as an ISO 8601 string."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _appended(key: str, entry: dict) -> str | None:
    """Append entry to the document's list key under the lock; return a notice or None."""
    path = progress_path()
    try:
        with _locked(path):
            document, notice = _read(path)
            document[key].append(entry)
            _write(path, document)
        return notice
    except OSError as error:
        return f"Your answer was checked but could not be saved ({error.strerror or error})."


def record_attempt(lesson: str, question: str, result: Any) -> str | None:
    """Save one judged, well-formed answer; return a notice for the student, or None."""
    entry = {
        "time": _now(),
        "lesson": lesson,
        "question": question,
        "status": result.status,
        "score": result.score,
        "answer": result.answer,
    }
    return _appended("attempts", entry)


def record_event(lesson: str, question: str, kind: str) -> str | None:
    """Save that a student asked for a hint or the answer; return a notice, or None."""
    return _appended("events", {"time": _now(), "lesson": lesson, "question": question, "kind": kind})


def read_progress() -> tuple[dict, str | None]:
    """Return the saved progress (attempts, events, seed) and a notice if it had to be reset."""
    path = progress_path()
    try:
        with _locked(path):
            document, notice = _read(path)
            if not path.exists():
                _write(path, document)  # keep the seed, so orders stay the same next time
        return document, notice
    except OSError as error:
        return (
            _fresh(),
            f"Your progress could not be read ({error.strerror or error}); nothing was deleted.",
        )


def student_seed() -> int:
    """Return this student's shuffle seed (random per progress file, stable across restarts)."""
    return read_progress()[0]["seed"]
