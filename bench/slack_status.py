"""`/opgave status` through Slack's signed HTTP path, against a bare Bolt app that only
acks, served the same way (gunicorn, as `regiobot web` serves: 2 processes × 8 threads)
and measured in the same run, the load coming from a third process.

Register: 5,000 opgaven and 50,000 mijlpalen, on SQLite and on PostgreSQL (when
REGIOBOT_TEST_POSTGRES_URL, default the local test database, answers). Rows (issue 24),
each over three runs against the floor of its own run:
- the overview's p95 at concurrency 8: ≤ 50 ms and ≤ 6× the bare ack's p95;
- a card's p95 at concurrency 1: ≤ 4× the bare ack's p95;
- the card of a five-digit code (PERF-00042) at concurrency 1 and 8: as fast as a card
  of a normal code (≤ 1.5× its p95, for the noise of a shared machine).

    python bench/slack_status.py [sqlite|postgres|all]
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.register_data import build  # noqa: E402
from bench.report import RUNS, Row, backends_from, row, show  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import HEAD_REVISION  # noqa: E402
from tests.conftest import NOW  # noqa: E402
from tests.slack.conftest import SECRET, link_slack_accounts, sign  # noqa: E402
from tests.slack.stand_in import start  # noqa: E402

OPGAVEN, MIJLPALEN = 5_000, 50_000
REQUESTS = {1: 300, 8: 800}
# One benchmark opgave gets a code with five digits: it must be read as a code.
FIVE_DIGITS = "PERF-00042"
CASES = {"overview": "status", "card": "status BEN-0042", "five digits": f"status {FIVE_DIGITS}"}


def command_body(text_: str) -> bytes:
    return urlencode({"token": "x", "team_id": "T1", "channel_id": "C0PLO", "user_id": "U0PLO",
                      "user_name": "plo-houten", "command": "/opgave", "text": text_,
                      "api_app_id": "A1", "trigger_id": "t", "response_url": "http://x/"
                      }).encode()


def measure(port: int, body: bytes, concurrency: int, total: int) -> list[float]:
    samples: list[float] = []
    lock = threading.Lock()
    per_thread = total // concurrency

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for _ in range(per_thread):
            ts = str(int(time.time()))
            headers = {"Content-Type": "application/x-www-form-urlencoded",
                       "X-Slack-Request-Timestamp": ts,
                       "X-Slack-Signature": sign(body, int(ts))}
            started = time.perf_counter()
            connection.request("POST", "/slack/events", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            assert response.status == 200, response.status
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples


def p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def upgrade_marker(db: Database) -> None:
    """The schema was made from the models: tell the web process it is current."""
    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) "
                                "NOT NULL PRIMARY KEY)"))
        connection.execute(text(f"INSERT INTO alembic_version VALUES ('{HEAD_REVISION}')"))


def measure_elsewhere(port: int, body: bytes, concurrency: int, total: int) -> list[float]:
    """The load comes from another process, so the client's own work does not compete
    with the server for the interpreter lock."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(measure, port, body, concurrency, total).result()


def gunicorn(app: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-k", "gthread", "-w", "2", "--threads", "8",
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", app],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/slack/events", timeout=1):
                pass
        except urllib.error.HTTPError:
            return process  # answering (405/404 for a GET): up
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{app} did not start")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


Run = dict[tuple[str, int], float]  # (case, concurrency) → p95 in ms, "bare" the floor


def run_case(url: str, label: str) -> list[Run]:
    stand_in = start()
    env = {"REGIOBOT_DATABASE_URL": url, "REGIOBOT_SLACK_BOT_TOKEN": "xoxb-bench",
           "REGIOBOT_SLACK_SIGNING_SECRET": SECRET, "REGIOBOT_SLACK_API_URL": stand_in.url,
           "PYTHONPATH": str(ROOT)}
    ours_port, bare_port = free_port(), free_port()
    ours = gunicorn("bot.cli:application()", ours_port, env)
    bare = gunicorn("bench.bare_bolt:application()", bare_port, env)
    runs: list[Run] = []
    try:
        for text_ in CASES.values():
            measure_elsewhere(ours_port, command_body(text_), 8, 80)
            measure_elsewhere(bare_port, command_body(text_), 8, 80)  # warm every worker
        for number in range(1, RUNS + 1):
            run: Run = {}
            for concurrency, total in REQUESTS.items():
                base = measure_elsewhere(bare_port, command_body("status"), concurrency, total)
                run["bare", concurrency] = p(base, 0.95)
                print(f"  [{label} run {number}] bare Bolt ack  c={concurrency}: "
                      f"p50 {p(base, .5):6.2f} ms  p95 {p(base, .95):6.2f} ms")
                for name, text_ in CASES.items():
                    got = measure_elsewhere(ours_port, command_body(text_), concurrency, total)
                    run[name, concurrency] = p(got, 0.95)
                    print(f"  [{label} run {number}] {name:<12}   c={concurrency}: "
                          f"p50 {p(got, .5):6.2f} ms  p95 {p(got, .95):6.2f} ms  "
                          f"ratio p95 {p(got, .95) / run['bare', concurrency]:5.1f}x")
            runs.append(run)
    finally:
        for process in (ours, bare):
            process.terminate()
            process.wait(timeout=30)
        stand_in.server.shutdown()
    return runs


def table_rows(label: str, runs: list[Run]) -> list[Row]:
    if not runs:
        return []  # the database was not there

    def of(case: str, concurrency: int) -> list[float]:
        return [run[case, concurrency] for run in runs]

    return [
        row(f"/opgave status p95, c=8 ({label})", "ms", of("overview", 8),
            floors=of("bare", 8), floor_name="bare Bolt ack", max_ratio=6, max_value=50),
        row(f"card p95, c=1 ({label})", "ms", of("card", 1),
            floors=of("bare", 1), floor_name="bare Bolt ack", max_ratio=4),
        row(f"card of {FIVE_DIGITS} p95, c=1 ({label})", "ms", of("five digits", 1),
            floors=of("card", 1), floor_name="card of BEN-0042", max_ratio=1.5),
        row(f"card of {FIVE_DIGITS} p95, c=8 ({label})", "ms", of("five digits", 8),
            floors=of("card", 8), floor_name="card of BEN-0042", max_ratio=1.5),
    ]


def rows(backends: list[str]) -> list[Row]:
    print(f"register: {OPGAVEN} opgaven, {MIJLPALEN} mijlpalen; requests {REQUESTS}")
    found: list[Row] = []
    if "sqlite" in backends:
        found += table_rows("SQLite", run_sqlite())
    if "postgres" in backends:
        found += table_rows("PostgreSQL", run_postgres())
    return found


def main() -> None:
    show(rows(backends_from(sys.argv)))


def prepare(db: Database) -> None:
    """The register, a five-digit code among it, and the Slack accounts of the demo."""
    build(db, NOW, OPGAVEN, MIJLPALEN)
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE opgave SET code = :code WHERE code = 'BEN-0043'"),
                           {"code": FIVE_DIGITS})
    upgrade_marker(db)
    link_slack_accounts(db)


def run_sqlite() -> list[Run]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/bench.db")
        started = time.perf_counter()
        prepare(db)
        db.dispose()
        print(f"SQLite (built in {time.perf_counter() - started:.1f} s)")
        return run_case(db.url, "sqlite")


def run_postgres() -> list[Run]:
    url = os.environ.get("REGIOBOT_TEST_POSTGRES_URL",
                         "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    schema = f"bench_statusfast_{uuid.uuid4().hex[:8]}"
    try:
        admin = create_engine(url)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:
        print(f"PostgreSQL skipped: {error.__class__.__name__}")
        return []
    db = Database(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        started = time.perf_counter()
        prepare(db)
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        print(f"PostgreSQL (built in {time.perf_counter() - started:.1f} s)")
        separator = "&" if "?" in url else "?"
        return run_case(f"{url}{separator}options=-csearch_path%3D{schema}", "postgres")
    finally:
        db.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


if __name__ == "__main__":
    main()
