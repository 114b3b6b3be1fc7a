"""Console cold start: from launching `regiobot chat` to its first answer of
`/opgave status`, against its floor measured in the same run: a bare import of its
libraries (a Python process that imports exactly the third-party modules the console
process ends up with, found by a probe of the console itself, and nothing of ours).

Also shown for context: the bare interpreter (`python -c pass`), and a stricter floor:
the same imports with the cyclic collector off, as the console runs its own start-up
(bot/cli.py), so that what the console gains on the libraries' imports is not counted
as ours.

Python writes bytecode here as an installed package has it (`PYTHONDONTWRITEBYTECODE`
is dropped; the caches go to a temporary directory, warmed before measuring): without
it every start would compile our modules from source, which no deployment does.

The console on PostgreSQL is the same code over another engine; `postgres` runs it
against a schema `coldstart` of the database `bench` (its floor then includes psycopg).

    python bench/startup.py [sqlite|postgres|all]      (default: all)
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.report import RUNS, Row, backends_from, row, show  # noqa: E402

NOW = "2026-11-24T10:00:00+01:00"
SAMPLES = 5  # starts per run and kind; a run's figure is their median
TARGET = 1.3
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
SCHEMA = "coldstart"
OURS = ("bot", "storage", "handlers", "config", "bench", "tests")

# Prints the third-party modules the console loaded, after its answer.
PROBE = """
import io, sys
from bot.cli import main
sys.stdin = io.StringIO('/opgave status\\n')
out, sys.stdout = sys.stdout, io.StringIO()
main(['chat', '--as', 'plo-houten', '--now', '{now}'])
sys.stdout = out
ours = {ours!r}
print(' '.join(sorted(
    name for name, module in list(sys.modules.items())
    if name.split('.')[0] not in sys.stdlib_module_names and name.split('.')[0] not in ours
    and not name.startswith('_') and getattr(module, '__file__', None))))
"""


def environment(tmp: Path, backend: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("REGIOBOT_") and k not in ("DATABASE_URL",
                                                       "PYTHONDONTWRITEBYTECODE")}
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    if backend == "postgres":
        env["REGIOBOT_DATABASE_URL"] = f"{PG_URL}?options=-csearch_path%3D{SCHEMA}"
    return env


def fresh_pg_schema() -> None:
    from sqlalchemy import create_engine, text

    from bench.scheduler_data import _ensure_pg_database

    _ensure_pg_database("bench")
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    engine.dispose()


def timed(args: list[str], cwd: Path, env: dict[str, str], stdin: str = "") -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one process: on a busy box the CPU time
    says what the start costs, the wall time what a person waits."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=env, input=stdin, capture_output=True, text=True,
                   check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(backend: str) -> tuple[dict[str, list[float]], int]:
    """Per kind of start, one figure (ms) per run, wall and CPU (``"<kind> cpu"``); and
    how many third-party modules the floor imports."""
    python = sys.executable
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        env = environment(tmp, backend)
        if backend == "postgres":
            fresh_pg_schema()
        subprocess.run([python, "-m", "bot", "demo", "--now", NOW], cwd=tmp, env=env,
                       check=True, capture_output=True)
        probe = subprocess.run([python, "-c", PROBE.format(now=NOW, ours=OURS)], cwd=tmp,
                               env=env, check=True, capture_output=True, text=True)
        libraries = probe.stdout.split()
        imports = "import " + ", ".join(libraries)
        kinds = {
            "console": ([python, "-m", "bot", "chat", "--as", "plo-houten", "--now", NOW],
                        "/opgave status\n"),
            "floor": ([python, "-c", imports], ""),
            "floor without collector": ([python, "-c", "import gc; gc.disable(); " + imports],
                                        ""),
            "bare interpreter": ([python, "-c", "pass"], ""),
        }
        for args, stdin in kinds.values():  # write the bytecode, warm the file cache
            timed(args, tmp, env, stdin)
        figures: dict[str, list[float]] = {}
        for _ in range(RUNS):
            samples: dict[str, list[float]] = {}
            for _ in range(SAMPLES):  # interleaved: load on the box hits every kind alike
                for kind, (args, stdin) in kinds.items():
                    wall, cpu = timed(args, tmp, env, stdin)
                    samples.setdefault(kind, []).append(1000 * wall)
                    samples.setdefault(f"{kind} cpu", []).append(1000 * cpu)
            for kind, values in samples.items():
                figures.setdefault(kind, []).append(statistics.median(values))
    return figures, len(libraries)


def rows(backends: list[str]) -> list[Row]:
    result: list[Row] = []
    for backend in backends:
        if backend == "postgres":
            from bench.scheduler_data import pg_available

            if (why := pg_available()) is not None:
                print(f"console start on postgres skipped: {why}")
                continue
        figures, libraries = measure(backend)
        console = figures["console"]
        result += [
            row(f"console first answer ({backend})", "ms", console,
                floors=figures["floor"],
                floor_name=f"bare import ({libraries} library modules)", max_ratio=TARGET),
            row(f"  same in CPU time ({backend}, context)", "ms", figures["console cpu"],
                floors=figures["floor cpu"], floor_name="bare import"),
            row(f"  same, floor imported without collector ({backend}, context)", "ms",
                console, floors=figures["floor without collector"], floor_name="import"),
            row(f"  and in CPU time ({backend}, context)", "ms", figures["console cpu"],
                floors=figures["floor without collector cpu"], floor_name="import"),
            row(f"  bare interpreter ({backend}, context)", "ms",
                figures["bare interpreter"]),
        ]
    return result


def main() -> None:
    show(rows(backends_from(sys.argv)))


if __name__ == "__main__":
    main()
