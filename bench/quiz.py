"""Time judging and saving one quiz answer (median of many) against named baselines."""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 300


def median_ms(action, repeats: int = REPEATS) -> float:
    """Return the median time of action() in milliseconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    folder = tempfile.mkdtemp(prefix="fourislands-bench-")
    os.environ["FOURISLANDS_PROGRESS"] = str(Path(folder) / "progress.json")
    from fourislands import progress
    from fourislands.judging import judge
    from fourislands.quizbank import load_bank

    bank = load_bank("05")
    numeric = next(q for q in bank.questions if q.type == "numeric")
    text = next(q for q in bank.questions if q.type == "text")
    result = judge(numeric, "12.5")
    judge_numeric = median_ms(lambda: judge(numeric, "12.5"))
    judge_text = median_ms(lambda: judge(text, "percentage points"))
    save = median_ms(lambda: progress.record_attempt("05", numeric.id, result))
    attempts = len(progress.read_progress()[0]["attempts"])
    # Baseline: the bare minimum a durable save needs, a JSON dump and fsync of the same document.
    document = progress.read_progress()[0]
    plain = Path(folder) / "plain.json"

    def bare_write() -> None:
        with plain.open("w", encoding="utf-8") as out:
            json.dump(document, out)
            out.flush()
            os.fsync(out.fileno())

    baseline = median_ms(bare_write)
    print(f"median of {REPEATS} runs, progress file growing to {attempts} attempts:")
    print(f"  judge a numeric answer              {judge_numeric:.3f} ms")
    print(f"  judge a text answer                 {judge_text:.3f} ms")
    print(f"  save an attempt (lock, read, atomic write) {save:.3f} ms")
    ratio = save / baseline
    print(f"  baseline json.dump + fsync, same file  {baseline:.3f} ms -> ratio {ratio:.2f}")


if __name__ == "__main__":
    main()
