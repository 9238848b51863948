"""The `fourislands` command: tools for authors and graders, run from a terminal."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import DataError
from .paths import exercise_path, project_root

# Each command imports what it needs when it runs: `fourislands workspace` starts every student's
# server on a hub, and must not load the authoring tools (nbformat, jsonschema) to copy notebooks.


def check_banks(paths: list[Path]) -> int:
    """Check banks (schema, ids, sources, numeric answers against the data); return an exit code."""
    from .quizbank import answer_from_data, bank_files, read_bank

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
    from . import exercise_build

    for name in names or exercise_build.exercise_names():
        try:
            exercise_build.write(name)
        except DataError as error:
            print(error)
            return 1
        written = exercise_path(name).relative_to(project_root())
        print(f"{written} and data/exercises/{name}.json written")
    return 0


def grade_command(args: argparse.Namespace) -> int:
    """Grade submissions into a gradebook and feedback files; return an exit code."""
    from .grading.gradebook import merge_written
    from .grading.output_folder import OutputFolder, OutputProblem, check_output_folder

    try:
        if args.merge_written and args.shard is not None:
            print("--shard grades; --merge-written does not: give one of them")
            return 2
        if args.merge_written:
            with OutputFolder(args.out):
                problems = merge_written(args.out)
        else:
            if not args.submissions:
                print("name the submitted notebooks, or folders of them")
                return 2
            missing = [str(p) for p in args.submissions if not p.exists() and not p.is_symlink()]
            if missing:
                print(f"not found: {', '.join(missing)}")
                return 2
            check_output_folder(args.out, args.submissions)
            with OutputFolder(args.out) as folder:
                if args.shard is not None:
                    from .grading.shards import ShardProblem, prepare_shard_folder

                    try:
                        prepare_shard_folder(args.out, args.shard)
                    except ShardProblem as problem:
                        print(problem)
                        return 2
                code, problems = _grade_into(folder, args)
                if code:
                    return code
    except OutputProblem as problem:
        print(problem)
        return 2
    for problem in problems:
        print(problem)
    return 0


def _grade_into(folder, args: argparse.Namespace) -> tuple[int, list[str]]:
    """Grade into a locked output folder, keeping each result as it comes; return (code, problems)."""
    import signal

    from .grading.gradebook import write_outputs
    from .grading.grader import StudentResult, grade
    from .grading.limits import Limits
    from .grading.sandbox import SandboxUnavailable
    from .grading.students import find_submissions

    try:
        found = find_submissions(args.submissions, args.roster)
    except (OSError, ValueError) as error:
        print(f"the roster cannot be read: {error}")
        return 2, []
    for line in found.skipped + found.warnings:
        print(line)
    if args.shard is not None:
        from .grading.shards import select

        everyone = len(found.submissions)
        found = select(found, args.shard)
        print(f"shard {args.shard}: {len(found.submissions)} of {everyone} submissions")
    recovered = folder.recovered()
    if recovered:
        print(f"{len(recovered)} results of an interrupted run recovered into {args.out}")
        write_outputs(recovered, args.out)
        folder.close_journal()
    results = [
        StudentResult(student, "", None, "missing", "no submission was found for this student of the roster")
        for student in found.missing
    ]

    def keep(result) -> None:
        results.append(result)
        folder.record(result)

    limits = Limits(
        cell_seconds=args.cell_timeout, total_seconds=args.timeout, memory_mb=args.memory, disk_mb=args.disk
    )
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)  # a stopped run still writes
    interrupted = False
    try:
        grade(found, args.exercise, limits, args.jobs, args.sandbox, on_result=keep, announce=print)
    except SandboxUnavailable as error:
        print(f"{error}; nothing was graded (--sandbox required)")
        return 2, []
    except ValueError as error:
        print(error)
        return 2, []
    except KeyboardInterrupt:
        interrupted = True
    finally:
        signal.signal(signal.SIGTERM, previous)
        problems = write_outputs(results, args.out)
        folder.close_journal()
    graded = sum(r.status == "graded" for r in results)
    rejected = sum(r.status == "rejected" for r in results)
    print(f"{graded} graded, {rejected} rejected: {args.out / 'gradebook.csv'}")
    from .grading.marking import write_marking_sheets

    try:
        sheets = write_marking_sheets(args.out)
    except (OSError, ValueError) as error:
        problems.append(f"the marking sheets could not be written: {error}")
    else:
        if sheets:
            print(f"marking sheets ({len(sheets)}, one per written question): {args.out / 'marking'}")
    if interrupted:
        print("interrupted: the files graded so far are in the gradebook; grade the rest into the same --out")
        return 130, problems
    return 0, problems


def _shard(text: str):
    """Return --shard I/N as a Shard; argparse shows the reason it is refused."""
    from .grading.shards import parse_shard

    try:
        return parse_shard(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error).removeprefix(f"--shard {text}: ")) from None


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
    grading.add_argument("--disk", type=int, default=256, help="disk per submission in MB (default 256)")
    grading.add_argument(
        "--sandbox",
        choices=["auto", "required", "off"],
        default="auto",
        help="auto: sandbox where bubblewrap runs, else warn; required: refuse without it; off",
    )
    grading.add_argument(
        "--roster",
        type=Path,
        help="CSV with columns student and submission (a file or folder name) to name ids",
    )
    grading.add_argument(
        "--shard",
        type=_shard,
        metavar="I/N",
        help="grade only shard I of N (I from 1), into its own --out; join them with `fourislands merge`",
    )
    grading.add_argument(
        "--merge-written",
        action="store_true",
        help="only fold the scores typed into OUT/written.csv",
    )
    joining = commands.add_parser(
        "merge", help="merge the folders of `grade --shard I/N` into one graded folder, as one run writes it"
    )
    joining.add_argument("out", type=Path, help="the graded folder to write (its typed marks are kept)")
    joining.add_argument("shards", nargs="+", type=Path, help="the shard folders (each one's --out)")
    joining.add_argument("--partial", action="store_true", help="merge even if some shards are missing")
    mark = commands.add_parser(
        "mark", help="write the marking sheets (notebooks) of a graded folder's written questions"
    )
    mark.add_argument("graded", type=Path, help="the folder the grader wrote (its --out)")
    mark.add_argument("--exercise", help="only this exercise's written questions, such as 01-history")
    mark.add_argument("--question", help="only this written question, such as W1")
    lms = commands.add_parser(
        "export", help="write a graded folder's grades as the CSV file Canvas or Moodle imports"
    )
    lms.add_argument("graded", type=Path, help="the folder the grader wrote (its --out)")
    lms.add_argument("--format", choices=["canvas", "moodle"], required=True, help="the LMS that imports it")
    lms.add_argument("--out", type=Path, help="the file to write (default GRADED/<format>-grades.csv)")
    lms.add_argument(
        "--assignment",
        action="append",
        metavar="EXERCISE=COLUMN",
        help='the column of an exercise as the LMS names it: 01-history="Exercise 1 (4711)"; repeatable',
    )
    work = commands.add_parser(
        "workspace", help="copy the lessons and exercises into a folder of yours (a read-only install)"
    )
    work.add_argument("folder", nargs="?", type=Path, help="where (default ~/fourislands-work)")
    headers = commands.add_parser(
        "lesson-headers", help="write each lesson's opening Markdown cell from course.yml"
    )
    headers.add_argument("--check", action="store_true", help="only list the lessons whose header drifted")
    bibliography = commands.add_parser(
        "bibliography", help="write notebooks/bibliography.ipynb from data/sources.csv"
    )
    bibliography.add_argument("--check", action="store_true", help="only say whether it has drifted")
    static = commands.add_parser("build-book", help="build the static edition: HTML pages that read offline")
    static.add_argument("lessons", nargs="*", help="lesson ids such as 00 02 (all ready lessons by default)")
    static.add_argument(
        "--out", type=Path, help="folder (default build/book, or build/book-instructor with --instructor)"
    )
    static.add_argument(
        "--instructor",
        action="store_true",
        help="the instructor edition: adds answer keys, exercise solutions, role cards and the essay rubric",
    )
    static.add_argument(
        "--instructor-out",
        type=Path,
        help="also write the instructor edition, into this folder, from the same run of the lessons",
    )
    report = commands.add_parser("report", help="write a class report (one HTML page) from a graded folder")
    report.add_argument("graded", type=Path, help="the folder the grader wrote (its --out)")
    report.add_argument("--progress", type=Path, help="a folder of students' progress.json files, any layout")
    report.add_argument("--out", type=Path, help="the page to write (default GRADED/class-report.html)")
    args = parser.parse_args(argv)
    if args.command == "report":
        from .grading.report import report_command  # the grader's modules load only for this command

        return report_command(args)
    if args.command == "build-book":
        from .book import book_command  # nbconvert is imported only for this command

        return book_command(args)
    if args.command == "bibliography":
        from .bibliography import bibliography_command

        return bibliography_command(args.check)
    if args.command == "lesson-headers":
        from .lesson_headers import headers_command

        return headers_command(args.check)
    if args.command == "workspace":
        from .workspace import workspace_command

        return workspace_command(args.folder)
    if args.command == "check-banks":
        return check_banks(args.paths)
    if args.command == "mark":
        from .grading.marking import mark_command  # ipywidgets load only when a sheet runs

        return mark_command(args)
    if args.command == "export":
        from .grading.export import export_command  # the grader's modules load only for this command

        return export_command(args)
    if args.command == "grade":
        return grade_command(args)
    if args.command == "merge":
        from .grading.shards import merge_command

        return merge_command(args)
    return build_exercises(args.names)


if __name__ == "__main__":
    sys.exit(main())
