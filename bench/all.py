"""Every benchmark's rows as one table (``make bench``): each figure against the floor
measured in the same run, three runs, min–median–max, and whether it meets issue 24's
target.

    python bench/all.py [sqlite|postgres|all]      (default: all)
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.report import Row, backends_from, show  # noqa: E402

# In the order of the table.
MODULES = ("planning", "slack_status", "startup", "digest", "fanout", "worker_rss")


def main() -> None:
    backends = backends_from(sys.argv)
    rows: list[Row] = []
    for name in MODULES:
        module = importlib.import_module(f"bench.{name}")
        rows += module.rows(backends)
    print()
    show(rows)
    short = [r.what for r in rows if not r.ok]
    print(f"\n{len(rows) - len(short)} of {len(rows)} rows meet their target"
          + (f"; short: {', '.join(short)}" if short else ""))


if __name__ == "__main__":
    main()
