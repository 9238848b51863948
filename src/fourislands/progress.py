"""Saved progress: each quiz attempt and exercise event appended as one line to a file per student.

The file is JSON Lines: a header line (format, version, the student's shuffle seed), then one
record per line. Saving appends one line under a lock and fsyncs it, so its cost does not grow
with the history; a kernel keeps what it has read and reads only what was added since. A writer
killed mid-line leaves a torn last line, which readers skip and the next writer closes; earlier
lines are never rewritten. Reading takes no lock, so progress in a read-only place still shows.
Why not SQLite: `docs/design-notes.md`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import stat
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PROGRESS_ENV = "FOURISLANDS_PROGRESS"
FORMAT = "fourislands-progress"
VERSION = 2
MAX_LINE = 16_384  # a record is small: a longer line is damage, skipped unread
LOCK_TIMEOUT = 10.0
ATTEMPT_STATUSES = ("correct", "incorrect")
STALE_TEMPORARY_SECONDS = 600
NOT_SAVED = {
    "answer": "Your answer was checked but",
    "hint": "The hint is shown, but that you asked for it",
    "check": "Your check ran, but its result",
    "request": "What you asked for is shown, but that you asked",
}
FIX = (
    "To save them, set FOURISLANDS_PROGRESS to a file in a folder you can write "
    "(for example ~/fourislands-progress.json) and restart the kernel."
)


def progress_path() -> Path:
    """Return the progress file: $FOURISLANDS_PROGRESS if set, else ~/.fourislands/progress.json."""
    override = os.environ.get(PROGRESS_ENV)
    if override:
        return Path(override).expanduser()
    try:
        return Path.home() / ".fourislands" / "progress.json"
    except RuntimeError:  # no HOME and no passwd entry: nowhere to save by default
        return Path(".fourislands") / "progress.json"


def _now() -> str:
    """Return the current UTC time as an ISO 8601 string."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class QuestionProgress:
    """What one student did with one question: attempts, the last one, hints, answers shown."""

    attempts: int = 0
    correct: bool = False
    last: dict | None = None  # the last attempt as saved (answer, status, time)
    events: dict[str, int] = field(default_factory=dict)  # kind -> count

    def count(self, prefix: str) -> int:
        """Return how many events of kinds starting with prefix were saved (hints: 'hint')."""
        return sum(n for kind, n in self.events.items() if kind.startswith(prefix))


class Progress:
    """A student's saved progress as read so far: the seed, every record, a summary per question."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.attempts: list[dict] = []
        self.events: list[dict] = []
        self.questions: dict[tuple[str, str], QuestionProgress] = {}

    def of(self, lesson: str, question: str) -> QuestionProgress:
        """Return what was saved about one question (empty if nothing was)."""
        return self.questions.get((lesson, question)) or QuestionProgress()

    def add(self, record: dict) -> None:
        """Take one checked record into the lists and the summaries."""
        record = renumbered(record)
        summary = self.questions.setdefault((record["lesson"], record["question"]), QuestionProgress())
        if record["t"] == "attempt":
            self.attempts.append(record)
            summary.attempts += 1
            summary.correct = summary.correct or record["status"] == "correct"
            summary.last = record
        else:
            self.events.append(record)
            summary.events[record["kind"]] = summary.events.get(record["kind"], 0) + 1


# The seminar was lesson 06 until the 2018-2026 lesson took its place (December 2026). Progress saved
# before then files the seminar's questions under "06"; these ids are the seminar's alone, so such a
# record is the seminar's and is read as lesson 07's. A test keeps the new lesson 06 from reusing them.
SEMINAR_QUESTIONS_SAVED_AS_06 = frozenset(
    {
        "essay-both-sides-and-limits",
        "essay-evidence-sentence",
        "former-residents-best-solution",
        "hirose-reason-to-hurry",
        "mainichi-flexible-gap",
        "order-russian-statements",
        "patrushev-name",
        "red-lines-who-said-it",
        "russian-opposition-fall",
        "russian-public-reception",
        "russian-red-lines",
        "two-first-condition",
    }
)


def lesson_now(lesson: str, question_ids: Iterable[str]) -> str:
    """Return the lesson that holds these questions now: "07" for the seminar's under its old "06"."""
    ids = set(question_ids)
    return "07" if lesson == "06" and ids and ids <= SEMINAR_QUESTIONS_SAVED_AS_06 else lesson


def renumbered(record: dict) -> dict:
    """Return a saved record with its lesson as the course numbers it now (the seminar moved to 07)."""
    lesson = lesson_now(record["lesson"], [record["question"]])
    return record if lesson == record["lesson"] else {**record, "lesson": lesson}


def _checked(record: Any) -> dict | None:
    """Return a record if it has the shape of one this module writes, else None (it is skipped)."""
    if not isinstance(record, dict) or not all(
        isinstance(record.get(k), str) and len(record[k]) <= 200 for k in ("lesson", "question", "time")
    ):
        return None
    if record.get("t") == "attempt" and record.get("status") in ATTEMPT_STATUSES:
        score = record.get("score")
        return record if isinstance(score, (int, float)) and not isinstance(score, bool) else None
    if record.get("t") == "event" and isinstance(record.get("kind"), str) and len(record["kind"]) <= 100:
        return record
    return None


def _header(line: bytes) -> int | None:
    """Return the seed of a header line, or None if the line is not one."""
    try:
        header = json.loads(line)
    except (ValueError, RecursionError):
        return None
    if isinstance(header, dict) and header.get("format") == FORMAT and header.get("version") == VERSION:
        seed = header.get("seed")
        return seed if isinstance(seed, int) and not isinstance(seed, bool) else None
    return None


def _header_line(seed: int) -> bytes:
    return (
        json.dumps({"format": FORMAT, "version": VERSION, "seed": seed, "created": _now()}) + "\n"
    ).encode()


def _record(line: bytes) -> dict | None:
    if not line.strip() or len(line) > MAX_LINE:
        return None
    try:
        return _checked(json.loads(line))
    except (ValueError, RecursionError):
        return None


def _version_1(content: bytes) -> Progress | None:
    """Return the progress in a file of the first format (one JSON document), or None if it is not one."""
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return None
    if not (
        isinstance(document, dict)
        and document.get("version") == 1
        and isinstance(document.get("seed"), int)
        and isinstance(document.get("attempts"), list)
        and isinstance(document.get("events"), list)
    ):
        return None
    progress = Progress(document["seed"])
    records = [{**a, "t": "attempt"} for a in document["attempts"] if isinstance(a, dict)]
    records += [{**e, "t": "event"} for e in document["events"] if isinstance(e, dict)]
    for record in sorted(records, key=lambda r: str(r.get("time", ""))):
        checked = _checked(record)
        if checked is not None:
            progress.add(checked)
    return progress


def parsed_progress(content: bytes) -> tuple[Progress | None, int]:
    """Return the progress a file's bytes hold and how many lines were skipped, or None if it is none.

    Read as a student's kernel reads it (the same checks, both formats), but read only: a Store
    would move a damaged file aside, and a class's files collected for a report are the students'.
    """
    first, newline, rest = content.partition(b"\n")
    seed = _header(first) if newline else None
    if seed is not None:
        found = Progress(seed)
        lines = rest.split(b"\n")[:-1]  # the last piece has no newline: empty, or torn by a killed writer
        skipped = 0
        for line in lines:
            record = _record(line)
            if record is not None:
                found.add(record)
            elif line.strip():
                skipped += 1
        return found, skipped
    if not content.strip(b"\x00 \t\r\n"):
        return Progress(0), 0  # an empty file: a student who has answered nothing yet
    return _version_1(content), 0


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on path's lock file while one line is appended (two kernels take turns)."""
    with open(path.with_name(path.name + ".lock"), "a+b") as handle:
        deadline = time.monotonic() + LOCK_TIMEOUT
        while True:
            try:
                _lock(handle)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.005)
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

    # POSIX record locks, which NFS carries to the server (flock is only emulated there).
    def _lock(handle) -> None:
        fcntl.lockf(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle) -> None:
        fcntl.lockf(handle.fileno(), fcntl.LOCK_UN)


def _aside(path: Path, label: str) -> Path:
    """Return a free name beside path for a copy labelled (damaged, version-1...)."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.{label}-{stamp}{path.suffix}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.stem}.{label}-{stamp}-{counter}{path.suffix}")
    return target


class _Changed(Exception):
    """The file changed between reading it and taking the lock to rewrite it."""


def _write_all(fd: int, data: bytes) -> None:
    while data:
        data = data[os.write(fd, data) :]


class Store:
    """One progress file as this kernel knows it: what it has read, and where it stopped reading."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.progress = Progress(self._fallback_seed())
        self.identity: tuple[int, int] | None = None
        self.offset = 0
        self.tail = b""
        self.header_read = False
        self.not_a_file = False
        self.seed_saved = False  # a header was read: a file made again keeps this seed
        self.unsaved_notice_shown = False
        self.tidied = False

    def _fallback_seed(self) -> int:
        """Return a seed for a place where none can be saved: stable for this path and user."""
        text = f"{self.path}:{os.getuid() if hasattr(os, 'getuid') else 0}"
        return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)

    def _restart(self, seed: int) -> None:
        self.progress, self.offset, self.tail, self.header_read = Progress(seed), 0, b"", False

    # -- reading -------------------------------------------------------------------------------

    def refresh(self) -> str | None:
        """Read what was appended since the last read (all of it if the file is new); return a notice."""
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            self.not_a_file = False
            if self.identity is not None:  # deleted while open: start again, as the file will
                self.identity = None
                self._restart(self.progress.seed)
            return None
        except OSError as error:
            return self._unreadable(error)
        self.not_a_file = not stat.S_ISREG(info.st_mode)
        if self.not_a_file:
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a file"
            return (
                f"Your progress is set to be saved in {self.path}, which is {kind}, so your answers "
                f"are checked but not saved (nothing there was changed). {FIX}"
            )
        identity = (info.st_dev, info.st_ino)
        if identity != self.identity or info.st_size < self.offset:
            self.identity = identity
            self._restart(self.progress.seed)
        if info.st_size == self.offset:
            return None
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self.offset)
                chunk = handle.read()
        except OSError as error:
            return self._unreadable(error)
        if not self.header_read:
            return self._first_read(chunk)
        self._take(chunk)
        return None

    def _take(self, chunk: bytes) -> None:
        """Add the whole lines of chunk (after what was left over); keep a torn last line for later."""
        self.offset += len(chunk)
        lines = (self.tail + chunk).split(b"\n")
        self.tail = lines.pop()
        for line in lines:
            record = _record(line)
            if record is not None:
                self.progress.add(record)

    def _first_read(self, content: bytes) -> str | None:
        """Read a whole file: the current format, the first format (converted), or damage (moved aside)."""
        first, _, _ = content.partition(b"\n")
        seed = _header(first) if b"\n" in content else None
        if seed is not None:
            self.header_read = self.seed_saved = True
            self.progress = Progress(seed)
            self.offset = len(first) + 1
            self._take(content[len(first) + 1 :])
            self._tidy()
            return None
        if not content.strip(b"\x00 \t\r\n"):
            return None  # an empty file: the first save writes the header
        old = _version_1(content)
        if old is not None:
            return self._converted(old, content)
        return self._damaged("it is not a progress file of this course")

    def _converted(self, old: Progress, content: bytes) -> str | None:
        """Rewrite a first-format file in this format, keeping a copy of the old one beside it."""
        lines = [_header_line(old.seed)]
        records = sorted(old.attempts + old.events, key=lambda r: r["time"])
        lines += [(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n").encode() for r in records]
        temporary = self.path.with_name(f".{self.path.name}.converting-{os.getpid()}.tmp")
        try:
            with self._locked_if_possible():
                if self.path.read_bytes() != content:
                    raise _Changed  # another kernel converted it first, and may have saved since
                fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                try:
                    _write_all(fd, b"".join(lines))
                    os.fsync(fd)
                finally:
                    os.close(fd)
                _aside(self.path, "version-1").write_bytes(content)
                os.replace(temporary, self.path)
        except _Changed:
            pass
        except OSError:  # a read-only place: show the old progress, save nothing
            with contextlib.suppress(OSError):
                temporary.unlink()
            self.progress = old
            self.header_read = self.seed_saved = True
            return None
        self.identity = None
        self._restart(old.seed)
        return self.refresh()

    def _damaged(self, why: str) -> str:
        """Move a damaged regular file aside, start afresh, and say where both are."""
        try:
            with self._locked_if_possible():
                target = _aside(self.path, "damaged")
                os.replace(self.path, target)
        except OSError as error:
            self.header_read = True  # read nothing more from it; saving will say why it cannot
            return (
                f"Your progress file {self.path} could not be read ({why}) nor moved aside "
                f"({error.strerror or error}); nothing was deleted. {FIX}"
            )
        self.identity = None
        self._restart(random.SystemRandom().randrange(2**32))
        return (
            f"Your progress file {self.path} could not be read ({why}), so it was moved to {target} "
            "and a new one was started. Answers from now on are saved as usual."
        )

    def _unreadable(self, error: OSError) -> str:
        return (
            f"Your progress in {self.path} could not be read ({error.strerror or error}); nothing was "
            f"deleted, and new answers may not be saved. {FIX}"
        )

    def _tidy(self) -> None:
        """Remove temporary files an earlier writer, killed mid-write, left beside the file."""
        if self.tidied:
            return
        self.tidied = True
        cutoff = time.time() - STALE_TEMPORARY_SECONDS
        with contextlib.suppress(OSError):
            for leftover in self.path.parent.iterdir():
                names = (
                    leftover.name.startswith(self.path.name),
                    leftover.name.startswith(f".{self.path.name}."),
                )
                if any(names) and leftover.name.endswith(".tmp") and leftover.stat().st_mtime < cutoff:
                    leftover.unlink()

    # -- writing -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked_if_possible(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(self.path):
            yield

    def append(self, record: dict, kind: str) -> str | None:
        """Append one record under the lock, fsynced; return a notice for the student, or None."""
        notice = self.refresh()
        if self.not_a_file:  # a folder, a device, a pipe: never written, moved or renamed
            return notice
        line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        try:
            with self._locked_if_possible():
                fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    size = os.fstat(fd).st_size
                    if size == 0:
                        seed = (
                            self.progress.seed if self.seed_saved else random.SystemRandom().randrange(2**32)
                        )
                        line = _header_line(seed) + line
                    else:
                        os.lseek(fd, size - 1, os.SEEK_SET)  # O_APPEND writes at the end regardless
                        if os.read(fd, 1) != b"\n":
                            line = b"\n" + line  # close a line torn by a killed writer
                    _write_all(fd, line)
                    os.fsync(fd)
                finally:
                    os.close(fd)
        except OSError as error:
            return self._not_saved(error, kind)
        return self.refresh() or notice

    def _not_saved(self, error: OSError, kind: str) -> str | None:
        """Say once per kernel that nothing can be saved here, and how to change that."""
        if self.unsaved_notice_shown:
            return f"(Not saved either: {self.path} cannot be written.)"
        self.unsaved_notice_shown = True
        what = NOT_SAVED.get(kind, NOT_SAVED["request"])
        return f"{what} could not be saved in {self.path} ({error.strerror or error}). {FIX}"

    def ensure_seed(self) -> str | None:
        """Create the file with its header if there is none, so the seed outlives this kernel."""
        notice = self.refresh()
        if notice is not None or self.header_read or self.identity is not None:
            return notice
        try:
            with self._locked_if_possible():
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                try:
                    _write_all(fd, _header_line(random.SystemRandom().randrange(2**32)))
                    os.fsync(fd)
                finally:
                    os.close(fd)
        except FileExistsError:
            pass  # another kernel made it first: read its seed
        except OSError as error:
            self.unsaved_notice_shown = True
            return (
                f"Your answers will be checked but cannot be saved in {self.path} "
                f"({error.strerror or error}). {FIX}"
            )
        return self.refresh()


_stores: dict[Path, Store] = {}


def _store() -> Store:
    path = progress_path()
    if path not in _stores:
        _stores[path] = Store(path)
    return _stores[path]


def record_attempt(lesson: str, question: str, result: Any) -> str | None:
    """Save one judged, well-formed answer; return a notice for the student, or None."""
    record = {
        "t": "attempt",
        "time": _now(),
        "lesson": lesson,
        "question": question,
        "status": result.status,
        "score": result.score,
        "answer": result.answer,
    }
    return _store().append(record, "answer")


def record_event(lesson: str, question: str, kind: str) -> str | None:
    """Save that a student asked for a hint, the answer or a check; return a notice, or None."""
    what = "hint" if kind.startswith("hint") else ("check" if kind.startswith("check") else "request")
    record = {"t": "event", "time": _now(), "lesson": lesson, "question": question, "kind": kind}
    return _store().append(record, what)


def read_progress() -> tuple[Progress, str | None]:
    """Return the saved progress (seed, attempts, events, a summary per question) and a notice."""
    store = _store()
    notice = store.ensure_seed()
    return store.progress, notice


def student_seed() -> int:
    """Return this student's shuffle seed (random per progress file, stable across restarts)."""
    return read_progress()[0].seed
