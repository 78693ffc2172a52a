"""Start-up time of the CLI next to Click's own import, measured in one run.

    python benchmarks/startup.py [--runs N]

Prints the median wall time of each command and the ratios the project aims for: `--help`
within 1.5x of `python -c "import click"`, and `validate` on the example close to it.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=False, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    python = sys.executable
    cli = [python, "-m", "klusterdocs"]
    baseline = median_seconds([python, "-c", "import click"], runs)
    rows = [
        ("python -c 'import click'", baseline, None),
        ("klusterdocs --help", median_seconds([*cli, "--help"], runs), 1.5),
        (
            "klusterdocs validate inputs/*.yaml",
            median_seconds([*cli, "validate", *map(str, sorted(ROOT.glob("inputs/*.yaml")))], runs),
            None,
        ),
    ]
    print(f"{'command':<40} {'median':>9} {'ratio':>7}  goal")
    for name, seconds, goal in rows:
        ratio = seconds / baseline
        print(f"{name:<40} {seconds * 1000:>7.0f}ms {ratio:>6.2f}x  {f'<= {goal}' if goal else ''}")


if __name__ == "__main__":
    main()
