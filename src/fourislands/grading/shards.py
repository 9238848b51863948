"""Grading beyond one machine: `grade --shard I/N` grades one part of a class, `merge` joins the parts.

A submission's shard depends on its student id alone (as students.py gives it: from the file's
path, or the roster), never on the order of the files or on the machine: so every file of a student
lands in the same shard, and a student's two files for one exercise get the ids one run would
give them. Shards are numbered from 1. Each shard folder holds what `grade` writes and shard.json
(its number, the number of shards and a checksum of each solution notebook); `merge` checks
every shard folder as it would check a hostile file, then writes OUT as one run would have.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..exercise_build import exercise_names, solution_path
from .grader import QuestionResult, StudentResult
from .students import Found

SHARD_FILE = "shard.json"
SHARD_FORMAT = 1
MAX_SHARDS = 100_000
MAX_RESULTS_BYTES = 512 * 1024 * 1024  # a shard's results.json; one run's is far smaller
MAX_SHARD_FILE_BYTES = 1024 * 1024
MAX_TEXT = 20_000  # a reason, a note, a printed output, a file's path
MAX_ANSWER = 20 * 1024 * 1024  # a written answer: at most the notebook it came from
MAX_ITEMS = 10_000  # questions, notes, written answers, outputs of one result
# What students.py makes an id of (readable_id, the roster's, "alice~alice_1" for a second file):
# letters, digits, '_', '.', '-', '~'; never a path separator, never a leading dot.
STUDENT_ID = re.compile(r"\w[\w.~-]{0,119}")
QUESTION_ID = re.compile(r"[qw]\d{1,4}")
SHARD_TEXT = re.compile(r"(\d{1,6})/(\d{1,6})")
RESULT_KEYS = {"student", "file", "exercise", "status", "reason", "questions", "written", "notes", "outputs"}
QUESTION_KEYS = {"question", "points", "earned", "reason"}


class ShardProblem(ValueError):
    """A shard or a merge cannot be used; the message says why and names the folder."""


@dataclass(frozen=True)
class Shard:
    """Shard `index` (1-based) of `count`."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """Return the shard of "I/N" (1 <= I <= N); raise ValueError saying what is wrong."""
    found = SHARD_TEXT.fullmatch(text.strip())
    if found is None:
        raise ValueError(f"--shard {text!r}: give I/N, such as 1/3 (shard I of N, I from 1 to N)")
    index, count = int(found[1]), int(found[2])
    if not 1 <= count <= MAX_SHARDS:
        raise ValueError(f"--shard {text}: N must be from 1 to {MAX_SHARDS}")
    if index == 0:
        raise ValueError(
            f"--shard {text}: shards are numbered from 1 (1/{count} to {count}/{count}); "
            "for a 0-based index, such as Kubernetes' JOB_COMPLETION_INDEX, add 1"
        )
    if index > count:
        raise ValueError(f"--shard {text}: I must be from 1 to {count}")
    return Shard(index, count)


def shard_key(student: str) -> int:
    """Return the stable number a student's shard is taken from: a hash of the id, the same anywhere."""
    owner = student.split("~", 1)[0]  # "alice~alice_1", a second file of alice, stays with alice
    return int.from_bytes(hashlib.sha256(owner.encode("utf-8")).digest()[:8], "big")


def shard_of(student: str, count: int) -> int:
    """Return the shard (1 to count) that grades a student's files."""
    return shard_key(student) % count + 1


def select(found: Found, shard: Shard) -> Found:
    """Return only the submissions (and roster students with none) of one shard."""
    return Found(
        [s for s in found.submissions if shard_of(s.student, shard.count) == shard.index],
        found.skipped,
        found.warnings,
        [student for student in found.missing if shard_of(student, shard.count) == shard.index],
    )


def solution_checksums() -> dict[str, str]:
    """Return {exercise: sha256 of its solution notebook}: which version of each exercise grades."""
    return {name: hashlib.sha256(solution_path(name).read_bytes()).hexdigest() for name in exercise_names()}


def shard_record(shard: Shard) -> str:
    """Return the text of shard.json for a shard graded here, now."""
    record = {
        "format": SHARD_FORMAT,
        "shard": shard.index,
        "of": shard.count,
        "solutions": solution_checksums(),
    }
    return json.dumps(record, indent=1, sort_keys=True) + "\n"


def prepare_shard_folder(out: Path, shard: Shard) -> None:
    """Check a shard's --out before grading and record the shard in it; raise ShardProblem.

    A folder of the same shard (a retried job) is graded into again; a folder of another shard,
    or one graded without --shard, is refused.
    """
    from ..atomic import write_text_atomically

    record = out / SHARD_FILE
    if record.exists() or record.is_symlink():
        info = _read_shard_file(out)
        if (info["shard"], info["of"]) != (shard.index, shard.count):
            raise ShardProblem(
                f"{out} holds shard {info['shard']}/{info['of']}, not {shard}: give each shard its own --out"
            )
    elif (out / "results.json").exists():
        raise ShardProblem(f"{out} holds results graded without --shard: give each shard a new --out")
    write_text_atomically(record, shard_record(shard), mode=0o644)


# Reading a shard folder: anything may be there.


def _read_file(path: Path, limit: int, folder: Path) -> str:
    """Return a regular file's text, read without following a link, at most limit bytes."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        raise ShardProblem(f"{folder}: no {path.name}; grade into it with --shard I/N first") from None
    except OSError as error:
        raise ShardProblem(f"{folder}: {path.name} cannot be read ({error.strerror or error})") from None
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode):
        os.close(descriptor)
        raise ShardProblem(f"{folder}: {path.name} is not a regular file")
    with os.fdopen(descriptor, "rb") as handle:
        if info.st_size > limit:
            raise ShardProblem(f"{folder}: {path.name} is larger than {limit} bytes")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ShardProblem(f"{folder}: {path.name} is larger than {limit} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ShardProblem(f"{folder}: {path.name} is not UTF-8 text") from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"a key given twice in one object: {sorted({k for k in keys if keys.count(k) > 1})}")
    return dict(pairs)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _json(text: str, what: str, folder: Path) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:
        raise ShardProblem(f"{folder}: {what} is not valid JSON ({_brief(error)})") from None


def _brief(error: BaseException) -> str:
    text = str(error)
    return text if len(text) <= 200 else text[:199] + "\u2026"


def _read_shard_file(folder: Path) -> dict:
    info = _json(_read_file(folder / SHARD_FILE, MAX_SHARD_FILE_BYTES, folder), SHARD_FILE, folder)
    problem = None
    if not isinstance(info, dict) or set(info) != {"format", "shard", "of", "solutions"}:
        problem = "it needs exactly the keys format, shard, of, solutions"
    elif info["format"] != SHARD_FORMAT or isinstance(info["format"], bool):
        problem = f"format {str(info['format'])[:20]!r} is not {SHARD_FORMAT}"
    elif (
        not all(_is_int(info[k]) for k in ("shard", "of"))
        or not 1 <= info["shard"] <= info["of"] <= MAX_SHARDS
    ):
        problem = "shard and of must be whole numbers, 1 <= shard <= of"
    elif not isinstance(info["solutions"], dict) or not all(
        isinstance(k, str) and isinstance(v, str) and re.fullmatch(r"[0-9a-f]{64}", v)
        for k, v in info["solutions"].items()
    ):
        problem = "solutions must map each exercise to a sha256 checksum"
    if problem:
        raise ShardProblem(f"{folder}: {SHARD_FILE} is not a shard record: {problem}")
    return info


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _text(value: Any, limit: int = MAX_TEXT) -> bool:
    return isinstance(value, str) and len(value) <= limit and "\0" not in value


def _check_result(item: Any, specs: dict, names: set[str]) -> str | None:
    """Return what is wrong with one saved result, or None: every key, type, size and id checked."""
    if not isinstance(item, dict) or set(item) != RESULT_KEYS:
        return f"a result needs exactly the keys {', '.join(sorted(RESULT_KEYS))}"
    student, exercise, status = item["student"], item["exercise"], item["status"]
    if not isinstance(student, str) or not STUDENT_ID.fullmatch(student):
        return f"student {str(student)[:60]!r} is not a student id (letters, digits, _ . - ~; no path)"
    where = f"student {student}"
    if status not in ("graded", "rejected", "missing"):
        return f"{where}: status {str(status)[:40]!r} is not graded, rejected or missing"
    if status == "graded":
        if exercise not in names:
            return f"{where}: exercise {str(exercise)[:60]!r} is not one of the course's"
    elif exercise is not None:
        return f"{where}: a {status} result names no exercise"
    if not _text(item["file"]) or not _text(item["reason"]):
        return f"{where}: file and reason must be text of at most {MAX_TEXT} characters"
    questions, written, notes, outputs = (item[k] for k in ("questions", "written", "notes", "outputs"))
    if not isinstance(notes, list) or len(notes) > MAX_ITEMS or not all(_text(n) for n in notes):
        return f"{where}: notes must be a list of texts of at most {MAX_TEXT} characters"
    if (
        not isinstance(outputs, dict)
        or len(outputs) > MAX_ITEMS
        or not all(_text(k, 1000) and _text(v) for k, v in outputs.items())
    ):
        return f"{where}: outputs must map cell names to texts of at most {MAX_TEXT} characters"
    if not isinstance(written, dict) or not isinstance(questions, list) or len(questions) > MAX_ITEMS:
        return f"{where}: questions must be a list and written a mapping"
    if status != "graded":
        return None if not questions and not written else f"{where}: a {status} result has no scores"
    spec = specs[exercise]
    auto = {q.id: q.points for q in spec.questions if not q.written}
    hand = {q.id for q in spec.questions if q.written}
    if not all(k in hand and _text(v, MAX_ANSWER) for k, v in written.items()):
        return f"{where}: written answers must be texts for {exercise}'s written questions"
    seen = set()
    for q in questions:
        if not isinstance(q, dict) or set(q) != QUESTION_KEYS:
            return f"{where}: a question needs exactly the keys {', '.join(sorted(QUESTION_KEYS))}"
        name = q["question"]
        if not isinstance(name, str) or name not in auto or name in seen:
            return (
                f"{where}: question {str(name)[:20]!r} is not an autograded question of {exercise} (or twice)"
            )
        seen.add(name)
        if not (_is_number(q["points"]) and _is_number(q["earned"]) and _text(q["reason"])):
            return f"{where} {name}: points and earned must be numbers, reason text"
        if float(q["points"]) != float(auto[name]) or not 0 <= q["earned"] <= q["points"]:
            given = f"{q['earned']!r} of {q['points']!r} points"
            return f"{where} {name}: {given}, not within {exercise}'s {auto[name]:g}"
    return None


@dataclass
class ShardFolder:
    """A shard folder as read and checked: its record and its results."""

    folder: Path
    shard: Shard
    solutions: dict[str, str]
    results: list[StudentResult]


def read_shard(folder: Path, specs: dict) -> ShardFolder:
    """Read and check one shard folder as hostile input; raise ShardProblem naming it."""
    if folder.is_symlink() or not folder.is_dir():
        raise ShardProblem(f"{folder}: not a folder")
    from .output_folder import JOURNAL_NAME

    if (folder / JOURNAL_NAME).exists():
        raise ShardProblem(
            f"{folder}: a grader is at work on it, or was stopped (it holds {JOURNAL_NAME}); "
            "wait for it, or grade the shard again into the same folder"
        )
    info = _read_shard_file(folder)
    shard = Shard(info["shard"], info["of"])
    saved = _json(_read_file(folder / "results.json", MAX_RESULTS_BYTES, folder), "results.json", folder)
    if not isinstance(saved, list):
        raise ShardProblem(f"{folder}: results.json is not a list of results")
    names = set(specs)
    results, keys = [], set()
    for position, item in enumerate(saved, start=1):
        problem = _check_result(item, specs, names)
        if problem:
            raise ShardProblem(f"{folder}: results.json result {position}: {problem}")
        result = StudentResult(
            **{k: v for k, v in item.items() if k != "questions"},
            questions=[QuestionResult(**q) for q in item["questions"]],
        )
        if result.key in keys:
            raise ShardProblem(f"{folder}: results.json holds {result.student} {result.exercise or ''} twice")
        keys.add(result.key)
        if shard_of(result.student, shard.count) != shard.index:
            raise ShardProblem(
                f"{folder}: results.json holds {result.student}, who is not of shard {shard} "
                "(graded into it without --shard?)"
            )
        results.append(result)
    return ShardFolder(folder, shard, info["solutions"], results)


def merge(out: Path, folders: list[Path], partial: bool = False) -> tuple[list[str], list[str]]:
    """Merge shard folders into out as one grade run would have written it; return (said, problems).

    Raises ShardProblem (nothing written) when a shard cannot be read, when shards were graded
    against other solution notebooks or split otherwise, overlap, or (unless partial) are missing.
    The caller holds out's lock.
    """
    from .gradebook import exercise_specs, write_outputs
    from .marking import write_marking_sheets

    if not folders:
        raise ShardProblem("name the shard folders to merge")
    target = out.resolve()
    for folder in folders:
        if folder.resolve() == target:
            raise ShardProblem(f"{folder}: a shard folder cannot be merged into itself; choose another OUT")
    specs = exercise_specs()
    here = solution_checksums()
    shards = [read_shard(folder, specs) for folder in folders]
    for shard in shards:
        if shard.solutions != here:
            changed = sorted(
                name
                for name in set(here) | set(shard.solutions)
                if here.get(name) != shard.solutions.get(name)
            )
            raise ShardProblem(
                f"{shard.folder}: graded against other solution notebooks than this course's "
                f"({', '.join(changed)[:300]} differ); grade every shard with the same solutions/"
            )
    counts = sorted({s.shard.count for s in shards})
    if len(counts) > 1:
        raise ShardProblem(
            "the shards split the class in different numbers of parts ("
            + ", ".join(f"{s.folder}: {s.shard}" for s in shards)
            + "); merge shards of one --shard I/N run"
        )
    owner: dict[tuple[str, str], Path] = {}
    for shard in shards:
        for result in shard.results:
            if result.key in owner:
                raise ShardProblem(
                    f"{result.student} {result.exercise or '(not graded)'} is in two shards, "
                    f"{owner[result.key]} and {shard.folder}: the shards overlap; nothing merged"
                )
            owner[result.key] = shard.folder
    numbers: dict[int, Path] = {}
    for shard in shards:
        if shard.shard.index in numbers:
            raise ShardProblem(
                f"shard {shard.shard} is given twice, {numbers[shard.shard.index]} and {shard.folder}; "
                "nothing merged"
            )
        numbers[shard.shard.index] = shard.folder
    count = counts[0]
    absent = [n for n in range(1, count + 1) if n not in numbers]
    said = []
    if absent:
        listed = ", ".join(str(n) for n in absent[:50]) + (" ..." if len(absent) > 50 else "")
        if not partial:
            raise ShardProblem(
                f"shards missing: {listed} of {count}; grade them, or merge what there is with --partial"
            )
        said.append(f"shards missing: {listed} of {count} (merged without them: --partial)")
    results = [result for shard in shards for result in shard.results]
    problems = write_outputs(results, out)
    try:
        sheets = write_marking_sheets(out)
    except (OSError, ValueError) as error:
        problems.append(f"the marking sheets could not be written: {error}")
    else:
        if sheets:
            said.append(f"marking sheets ({len(sheets)}, one per written question): {out / 'marking'}")
    graded = sum(r.status == "graded" for r in results)
    rejected = sum(r.status == "rejected" for r in results)
    merged = f"{len(shards)} shards of {count} merged: {graded} graded, {rejected} rejected"
    said.insert(0, f"{merged}: {out / 'gradebook.csv'}")
    return said, problems


def merge_command(args: argparse.Namespace) -> int:
    """Run `fourislands merge OUT SHARD_DIR...`; return an exit code."""
    from .gradebook import write_outputs
    from .output_folder import OutputFolder, OutputProblem, check_output_folder

    try:
        check_output_folder(args.out, [])
        with OutputFolder(args.out) as folder:
            recovered = folder.recovered()
            if recovered:
                print(f"{len(recovered)} results of an interrupted run recovered into {args.out}")
                write_outputs(recovered, args.out)
                folder.close_journal()
            said, problems = merge(args.out, args.shards, args.partial)
    except (OutputProblem, ShardProblem) as problem:
        print(problem)
        return 2
    for line in said + problems:
        print(line)
    return 0
