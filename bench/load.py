"""Time fourislands.load against named baselines on this machine, in this run, and print ratios."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 5

LOAD_ALL = "from fourislands import load, table_names\nfor n in table_names(): load(n)"
READ_CSV_ALL = (
    "import pandas as pd\nfrom pathlib import Path\n"
    f"for p in sorted(Path({str(ROOT / 'data')!r}).glob('*.csv')): pd.read_csv(p)"
)
FRICTIONLESS_ALL = (
    "import frictionless, pandas as pd\nfrom pathlib import Path\n"
    f"d = Path({str(ROOT / 'data')!r})\n"
    "assert frictionless.validate(d / 'datapackage.json').valid\n"
    "for p in sorted(d.glob('*.csv')): pd.read_csv(p)"
)


def fresh_process_seconds(code: str) -> float:
    """Return the median wall time of running code in a new Python process (start-up included)."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def warm_seconds() -> tuple[float, float]:
    """Return median in-process seconds for loading every table: first call, then cached."""
    from fourislands import data

    cold, warm = [], []
    for _ in range(REPEATS):
        data._cache.clear()
        start = time.perf_counter()
        for name in data.table_names():
            data.load(name)
        cold.append(time.perf_counter() - start)
        start = time.perf_counter()
        for name in data.table_names():
            data.load(name)
        warm.append(time.perf_counter() - start)
    return statistics.median(cold), statistics.median(warm)


def main() -> None:
    empty = fresh_process_seconds("import pandas")
    ours = fresh_process_seconds(LOAD_ALL)
    plain = fresh_process_seconds(READ_CSV_ALL)
    library = fresh_process_seconds(FRICTIONLESS_ALL)
    cold, warm = warm_seconds()
    print(f"every table, fresh process (median of {REPEATS}; 'import pandas' alone {empty:.3f} s):")
    print(f"  fourislands.load (typed + checked)      {ours:.3f} s")
    print(f"  baseline pandas.read_csv (no checks)     {plain:.3f} s  -> ratio {ours / plain:.2f}")
    print(f"  baseline frictionless.validate + read    {library:.3f} s  -> ratio {ours / library:.2f}")
    print("every table, inside one process:")
    print(
        f"  first load {cold * 1000:.1f} ms, cached load {warm * 1000:.1f} ms "
        f"(cached is {cold / warm:.0f}x faster)"
    )


if __name__ == "__main__":
    main()
