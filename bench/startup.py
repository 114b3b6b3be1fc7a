"""Console start-up: time from launching `regiobot chat` to its first answer.

Baseline in the same run: the bare interpreter (`python -c pass`). Prints p50/p95 of both
and the ratio; the product target is "well under a second" for the console.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 15
NOW = "2026-11-24T10:00:00+01:00"


def timed(args: list[str], cwd: Path, stdin: str = "") -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, input=stdin, capture_output=True, text=True, check=True)
    return time.perf_counter() - start


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        subprocess.run([sys.executable, "-m", "bot", "demo", "--now", NOW], cwd=cwd, check=True,
                       capture_output=True)
        chat = [sys.executable, "-m", "bot", "chat", "--as", "plo-houten", "--now", NOW]
        bare = [sys.executable, "-c", "pass"]
        timed(chat, cwd, "/opgave status\n")  # warm the file cache
        console = [timed(chat, cwd, "/opgave status\n") for _ in range(RUNS)]
        baseline = [timed(bare, cwd) for _ in range(RUNS)]
    c50, c95 = summary(console)
    b50, b95 = summary(baseline)
    print(f"console first answer: p50 {c50 * 1000:.0f} ms, p95 {c95 * 1000:.0f} ms")
    print(f"bare interpreter:     p50 {b50 * 1000:.0f} ms, p95 {b95 * 1000:.0f} ms")
    print(f"ratio console/baseline (p50): {c50 / b50:.1f}x")


if __name__ == "__main__":
    main()
