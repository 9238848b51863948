"""Find the submitted notebooks and whose each is: nbgrader's layout, a folder per student, or the file name.

A student's id never depends on which other files are there or in what order they are found,
so a typed score stays with its student when a late notebook arrives. Nothing is skipped in
silence: what is not graded (links, checkpoint copies, files that are not notebooks) is listed
with the reason.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

NOT_SUBMISSIONS = {
    ".ipynb_checkpoints": "JupyterLab's automatic checkpoint copies",
    "__MACOSX": "macOS archive metadata",
}
SYSTEM_FILES = {".DS_Store", "Thumbs.db", "desktop.ini"}
# What a browser or a file manager adds to a second copy: "Alice (1)", "Alice - Copy", "alice copy 2".
COPY_SUFFIX = re.compile(r"(\s*\(\d+\)|[\s_-]+copy(\s*\d+)?)+$", re.IGNORECASE)


@dataclass(frozen=True)
class Submission:
    """One file to grade, the student it belongs to, and its path for messages."""

    path: Path
    student: str
    relative: str


@dataclass
class Found:
    """What a search of the submissions found: files to grade, and what was left out and why."""

    submissions: list[Submission] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # roster students with no submission


def readable_id(name: str) -> str:
    """Return a student id from a name: letters of any script kept, characters unsafe in file names not."""
    text = unicodedata.normalize("NFC", name)
    text = re.sub(r"[^\w.-]+", "_", text).strip("._-")
    return re.sub(r"_+", "_", text)[:80]


def _fallback_id(relative: str) -> str:
    return "student-" + hashlib.sha256(relative.encode()).hexdigest()[:8]


def owner_name(relative: Path) -> str:
    """Return the name a file's path gives its owner, below the folder given to the grader."""
    parts = relative.parts
    if "submitted" in parts[:-2]:  # nbgrader: submitted/<student>/<assignment>/<notebook>
        return parts[parts.index("submitted") + 1]
    if len(parts) > 1:  # one folder per student
        return parts[0]
    return relative.name.rsplit(".", 1)[0] if "." in relative.name.lstrip(".") else relative.name


def student_of(relative: Path) -> str:
    """Return the student id of a file from its path below the folder given to the grader."""
    return readable_id(owner_name(relative)) or _fallback_id(str(relative))


def _same_person_key(name: str) -> str:
    """Return a name without case, punctuation or a copy marker: Alice, alice, Alice (1) agree."""
    return re.sub(r"[\W_]+", "", COPY_SUFFIX.sub("", name.strip()).casefold())


def _walk(top: Path, found: Found) -> list[tuple[Path, Path]]:
    """Return (file, path below top) for the notebooks under top; note what is left out."""
    files = []
    for folder, folders, names in os.walk(top, followlinks=False):
        here = Path(folder)
        for name in sorted(folders):
            path = here / name
            if name in NOT_SUBMISSIONS:
                count = sum(len(f) for _, _, f in os.walk(path))
                found.skipped.append(f"{path}: {NOT_SUBMISSIONS[name]} ({count} files), not graded")
                folders.remove(name)
            elif path.is_symlink():
                found.skipped.append(f"{path}: a link to another folder, not followed")
        for name in sorted(names):
            path = here / name
            if name in SYSTEM_FILES:
                continue
            if name.lower().endswith(".ipynb"):
                files.append((path, path.relative_to(top)))
            else:
                found.skipped.append(f"{path}: not a notebook file (.ipynb), not graded")
    return files


def _roster(path: Path) -> dict[str, str]:
    """Return {submission name, lower case: student id} from a roster CSV (columns student, submission)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not {"student", "submission"} <= set(reader.fieldnames or []):
            raise ValueError(f"{path}: a roster needs the columns 'student' and 'submission'")
        return {
            row["submission"].strip().lower(): readable_id(row["student"])
            for row in reader
            if (row.get("submission") or "").strip() and readable_id(row.get("student") or "")
        }


def _from_roster(roster: dict[str, str], relative: Path) -> str | None:
    names = [str(relative), relative.as_posix(), relative.name, relative.stem, *relative.parts[:-1]]
    for name in names:
        if name.lower() in roster:
            return roster[name.lower()]
    return None


def find_submissions(paths: list[Path], roster: Path | None = None) -> Found:
    """Return the notebooks to grade under paths, each with its student id, and what was left out."""
    found = Found()
    listed = _roster(roster) if roster else {}
    candidates: list[tuple[Path, Path]] = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            candidates += _walk(path, found)
        else:
            candidates.append((path, Path(path.name)))
    groups: dict[str, set[str]] = {}
    for path, relative in candidates:
        student = student_of(relative)
        groups.setdefault(_same_person_key(owner_name(relative)), set()).add(student)
        if listed:
            on_roster = _from_roster(listed, relative)
            if on_roster is None:
                found.warnings.append(f"{path}: not on the roster; graded as '{student}'")
            student = on_roster or student
        found.submissions.append(Submission(path, student, str(relative)))
    found.missing = sorted(set(listed.values()) - {s.student for s in found.submissions})
    for names in sorted(groups.values(), key=sorted):
        if len(names) > 1:
            found.warnings.append(
                f"possibly one student under several names: {', '.join(sorted(names))} (check the files)"
            )
    return found
