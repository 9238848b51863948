"""Time judging a quiz answer, and saving one after a long history, against named baselines.

Saving is measured with 50,000 earlier attempts in the progress file (a student who clicks a lot,
or a shared demo account): the time per saved attempt, its score line included, against the bare
minimum a durable save needs, appending the same line to a file and fsyncing it.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from timing import median_ms  # bench/ is on the path of a script run from it

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 300
HISTORY = 50_000
GOAL_MS = 5.0


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="fourislands-bench-"))
    store = folder / "progress.json"
    os.environ["FOURISLANDS_PROGRESS"] = str(store)
    from fourislands import progress
    from fourislands.judging import judge
    from fourislands.quizbank import load_bank
    from fourislands.scores import quiz_score

    bank = load_bank("05")
    numeric = next(q for q in bank.questions if q.type == "numeric")
    text = next(q for q in bank.questions if q.type == "text")
    result = judge(numeric, "12.5")
    judge_numeric = median_ms(lambda: judge(numeric, "12.5"), REPEATS)
    judge_text = median_ms(lambda: judge(text, "percentage points"), REPEATS)

    record = {"t": "attempt", "time": "2026-12-06T10:00:00+00:00", "lesson": "05", "question": numeric.id}
    line = json.dumps({**record, "status": "incorrect", "score": 0.0, "answer": 12.5}) + "\n"
    header = json.dumps({"format": progress.FORMAT, "version": progress.VERSION, "seed": 7}) + "\n"
    store.write_text(header + line * HISTORY, encoding="utf-8")
    start = time.perf_counter()
    saved, _ = progress.read_progress()
    first_read = 1000 * (time.perf_counter() - start)

    def save_and_score() -> None:
        progress.record_attempt("05", numeric.id, result)
        quiz_score(bank, progress.read_progress()[0])

    save = median_ms(save_and_score, REPEATS)
    plain = folder / "plain.jsonl"
    encoded = line.encode()

    def bare_append() -> None:
        fd = os.open(plain, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, encoded)
            os.fsync(fd)
        finally:
            os.close(fd)

    baseline = median_ms(bare_append, REPEATS)
    total = len(progress.read_progress()[0].attempts)
    print(f"median of {REPEATS} runs:")
    print(f"  judge a numeric answer                       {judge_numeric:.3f} ms")
    print(f"  judge a text answer                          {judge_text:.3f} ms")
    print(
        f"  read a progress file of {HISTORY:,} attempts once   {first_read:.1f} ms (a kernel's first quiz)"
    )
    print(f"  save an attempt and update its score, {HISTORY:,} before: {save:.3f} ms (goal {GOAL_MS:g} ms)")
    print(f"  baseline: append the same line and fsync    {baseline:.3f} ms -> ratio {save / baseline:.2f}")
    print(f"  ({total:,} attempts in the file at the end; none lost: {total == HISTORY + REPEATS})")


if __name__ == "__main__":
    main()
