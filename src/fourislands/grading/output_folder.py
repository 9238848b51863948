"""The grader's output folder: checked before grading, locked while in use, and a journal of each result."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from .grader import QuestionResult, StudentResult

LOCK_NAME = ".grading.lock"
JOURNAL_NAME = ".grading-journal.jsonl"


class OutputProblem(RuntimeError):
    """The output folder cannot be used; the message says why and what to do."""


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_output_folder(out: Path, submissions: list[Path]) -> None:
    """Raise OutputProblem if out lies inside the submissions or cannot be written, before any grading."""
    target = out.resolve()
    for given in submissions:
        folder = given.resolve()
        if folder.is_dir() and _inside(target, folder):
            raise OutputProblem(
                f"the output folder {out} is inside the submissions folder {given}: the grader would grade "
                "its own output. Choose an --out outside it."
            )
    try:
        out.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=out, prefix=".write-test-")
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        raise OutputProblem(f"cannot write to the output folder {out}: {error.strerror or error}") from None


class OutputFolder:
    """Hold out/ for one grader: a lock another grader sees, and a journal of results as they come."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.lock_file = None

    def __enter__(self) -> OutputFolder:
        self.out.mkdir(parents=True, exist_ok=True)
        self.lock_file = (self.out / LOCK_NAME).open("a+", encoding="utf-8")
        try:
            fcntl.flock(self.lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.lock_file.seek(0)
            holder = self.lock_file.read().strip() or "another grader"
            self.lock_file.close()
            raise OutputProblem(
                f"{self.out} is in use by another grader ({holder}): wait for it, or choose another --out"
            ) from None
        self.lock_file.truncate(0)
        self.lock_file.write(f"pid {os.getpid()}, since {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        self.lock_file.flush()
        return self

    def __exit__(self, *_exc) -> None:
        if self.lock_file is not None:
            self.lock_file.truncate(0)
            fcntl.flock(self.lock_file, fcntl.LOCK_UN)
            self.lock_file.close()

    @property
    def journal(self) -> Path:
        return self.out / JOURNAL_NAME

    def record(self, result: StudentResult) -> None:
        """Append one result to the journal and flush it to disk: a killed run keeps what it graded."""
        line = json.dumps(asdict(result), ensure_ascii=False, sort_keys=True) + "\n"
        with self.journal.open("a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())

    def recovered(self) -> list[StudentResult]:
        """Return the results a run that was killed left in the journal (whole lines only)."""
        if not self.journal.exists():
            return []
        results = []
        for line in self.journal.read_text(encoding="utf-8", errors="replace").splitlines():
            with contextlib.suppress(ValueError, TypeError, KeyError):
                item = json.loads(line)
                item["questions"] = [QuestionResult(**q) for q in item["questions"]]
                results.append(StudentResult(**item))
        return results

    def close_journal(self) -> None:
        """Remove the journal once its results are in the gradebook."""
        self.journal.unlink(missing_ok=True)
