"""`/opgave status` through Slack's signed HTTP path, against a bare Bolt app that only
acks, served the same way (gunicorn, as `regiobot web` serves: 2 processes × 8 threads)
and measured in the same run, the load coming from a third process.

Register: 5,000 opgaven and 50,000 mijlpalen, on SQLite and on PostgreSQL (when
REGIOBOT_TEST_POSTGRES_URL, default the local test database, answers). Prints p50/p95
per case and the ratio to the bare ack. Targets: p95 ≤ 10 ms (overview) and ≤ 5 ms (card)
at concurrency 1, ≤ 50 ms at concurrency 8.
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
from storage.db import Database  # noqa: E402
from storage.migrate import HEAD_REVISION  # noqa: E402
from tests.conftest import NOW  # noqa: E402
from tests.slack.conftest import SECRET, link_slack_accounts, sign  # noqa: E402
from tests.slack.stand_in import start  # noqa: E402

OPGAVEN, MIJLPALEN = 5_000, 50_000
REQUESTS = {1: 300, 8: 800}


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


def run_case(url: str, label: str) -> None:
    stand_in = start()
    env = {"REGIOBOT_DATABASE_URL": url, "REGIOBOT_SLACK_BOT_TOKEN": "xoxb-bench",
           "REGIOBOT_SLACK_SIGNING_SECRET": SECRET, "REGIOBOT_SLACK_API_URL": stand_in.url,
           "PYTHONPATH": str(ROOT)}
    ours_port, bare_port = free_port(), free_port()
    ours = gunicorn("bot.cli:application()", ours_port, env)
    bare = gunicorn("bench.bare_bolt:application()", bare_port, env)
    try:
        for body in (command_body("status"), command_body("status BEN-0042")):
            measure_elsewhere(ours_port, body, 8, 80)
            measure_elsewhere(bare_port, body, 8, 80)  # warm every worker
        for concurrency, total in REQUESTS.items():
            base = measure_elsewhere(bare_port, command_body("status"), concurrency, total)
            b95 = p(base, 0.95)
            print(f"  [{label}] bare Bolt ack       c={concurrency}: p50 {p(base, .5):6.2f} ms"
                  f"  p95 {b95:6.2f} ms")
            for name, body in (("overview", command_body("status")),
                               ("card", command_body("status BEN-0042"))):
                got = measure_elsewhere(ours_port, body, concurrency, total)
                print(f"  [{label}] /opgave {name:<9}  c={concurrency}: p50 {p(got, .5):6.2f} ms"
                      f"  p95 {p(got, .95):6.2f} ms  ratio p95 {p(got, .95) / b95:5.1f}x")
    finally:
        for process in (ours, bare):
            process.terminate()
            process.wait(timeout=30)
        stand_in.server.shutdown()


def main() -> None:
    print(f"register: {OPGAVEN} opgaven, {MIJLPALEN} mijlpalen; requests {REQUESTS}")
    only = sys.argv[1] if len(sys.argv) > 1 else None  # "sqlite" or "postgres"
    if only != "postgres":
        run_sqlite()
    if only != "sqlite":
        run_postgres()


def run_sqlite() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/bench.db")
        started = time.perf_counter()
        build(db, NOW, OPGAVEN, MIJLPALEN)
        upgrade_marker(db)
        link_slack_accounts(db)
        db.dispose()
        print(f"SQLite (built in {time.perf_counter() - started:.1f} s)")
        run_case(db.url, "sqlite")


def run_postgres() -> None:
    url = os.environ.get("REGIOBOT_TEST_POSTGRES_URL",
                         "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    try:
        admin = create_engine(url)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:
        print(f"PostgreSQL skipped: {error.__class__.__name__}")
        return
    db = Database(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        started = time.perf_counter()
        build(db, NOW, OPGAVEN, MIJLPALEN)
        upgrade_marker(db)
        link_slack_accounts(db)
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        print(f"PostgreSQL (built in {time.perf_counter() - started:.1f} s)")
        separator = "&" if "?" in url else "?"
        run_case(f"{url}{separator}options=-csearch_path%3D{schema}", "postgres")
    finally:
        db.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


if __name__ == "__main__":
    main()
