"""The `fourislands` command: tools for authors and graders, run from a terminal."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import exercise_build
from .errors import DataError
from .quizbank import answer_from_data, bank_files, read_bank


def check_banks(paths: list[Path]) -> int:
    """Check banks (schema, ids, sources, numeric answers against the data); return an exit code."""
    failed = False
    for path in paths or bank_files():
        try:
            bank = read_bank(path)
            mismatches = [
                f"  {q.id}: answer {q.answer:g}, data give {answer_from_data(q.data_check):.4g}"
                for q in bank.questions
                if q.data_check is not None
                and abs(answer_from_data(q.data_check) - q.answer) > q.tolerance + 1e-9
            ]
        except DataError as error:
            failed = True
            print(error)
            continue
        types = ", ".join(sorted({q.type for q in bank.questions}))
        print(f"{path}: {len(bank.questions)} questions ({types})")
        for line in mismatches:
            print(line)
        failed |= bool(mismatches)
    return 1 if failed else 0


def build_exercises(names: list[str]) -> int:
    """Build exercise notebooks and public checks from solutions/; return an exit code."""
    for name in names or exercise_build.exercise_names():
        try:
            exercise_build.write(name)
        except DataError as error:
            print(error)
            return 1
        print(f"exercises/{name}.ipynb and data/exercises/{name}.json written")
    return 0


def grade_command(args: argparse.Namespace) -> int:
    """Grade submissions into a gradebook and feedback files; return an exit code."""
    from .grading.gradebook import merge_written, write_outputs
    from .grading.grader import grade
    from .grading.runner import Limits

    if args.merge_written:
        problems = merge_written(args.out)
    else:
        if not args.submissions:
            print("name the submitted notebooks, or folders of them")
            return 2
        missing = [str(p) for p in args.submissions if not p.exists()]
        if missing:
            print(f"not found: {', '.join(missing)}")
            return 2
        limits = Limits(cell_seconds=args.cell_timeout, total_seconds=args.timeout, memory_mb=args.memory)
        try:
            results = grade(args.submissions, args.exercise, limits, args.jobs)
        except ValueError as error:
            print(error)
            return 2
        problems = write_outputs(results, args.out)
        graded = sum(r.status == "graded" for r in results)
        print(f"{graded} graded, {len(results) - graded} rejected: {args.out / 'gradebook.csv'}")
    for problem in problems:
        print(problem)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return its exit code."""
    parser = argparse.ArgumentParser(prog="fourislands", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    banks = commands.add_parser("check-banks", help="check question banks (all of data/quizzes/ by default)")
    banks.add_argument("paths", nargs="*", type=Path)
    build = commands.add_parser("build-exercises", help="build exercises/ and their checks from solutions/")
    build.add_argument("names", nargs="*", help="exercise names such as 01-history (all by default)")
    grading = commands.add_parser("grade", help="grade submitted exercise notebooks into a gradebook")
    grading.add_argument("submissions", nargs="*", type=Path, help="notebooks, or folders of them")
    grading.add_argument("--out", type=Path, required=True, help="folder for gradebook.csv and feedback/")
    grading.add_argument("--exercise", help="grade every file as this exercise (default: recognise each)")
    grading.add_argument("--jobs", type=int, default=None, help="parallel workers (default: all cores)")
    grading.add_argument("--cell-timeout", type=float, default=10.0, help="seconds per cell (default 10)")
    grading.add_argument("--timeout", type=float, default=60.0, help="seconds per submission (default 60)")
    grading.add_argument(
        "--memory", type=int, default=2048, help="memory per submission in MB (default 2048)"
    )
    grading.add_argument(
        "--merge-written",
        action="store_true",
        help="only fold the scores typed into OUT/written.csv",
    )
    static = commands.add_parser("build-book", help="build the static edition: HTML pages that read offline")
    static.add_argument("lessons", nargs="*", help="lesson ids such as 00 02 (all ready lessons by default)")
    static.add_argument("--out", type=Path, default=Path("build/book"), help="folder (default build/book)")
    args = parser.parse_args(argv)
    if args.command == "build-book":
        from .book import book_command  # nbconvert is imported only for this command

        return book_command(args)
    if args.command == "check-banks":
        return check_banks(args.paths)
    if args.command == "grade":
        return grade_command(args)
    return build_exercises(args.names)


if __name__ == "__main__":
    sys.exit(main())
