"""The `fourislands` command: tools for authors and graders, run from a terminal."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return its exit code."""
    parser = argparse.ArgumentParser(prog="fourislands", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    banks = commands.add_parser(
        "check-banks", help="check question banks (all of data/quizzes/ by default)"
    )
    banks.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args(argv)
    if args.command == "check-banks":
        return check_banks(args.paths)
    return 2


if __name__ == "__main__":
    sys.exit(main())
