"""`/opgave status` through Slack's signed HTTP path, against a bare Bolt app that only
acks, served the same way (waitress, 8 threads) and measured in the same run.

Register: 5,000 opgaven and 50,000 mijlpalen, on SQLite and on PostgreSQL (when
REGIOBOT_TEST_POSTGRES_URL, default the local test database, answers). Prints p50/p95
per case and the ratio to the bare ack. Targets: p95 ≤ 10 ms (overview) and ≤ 5 ms (card)
at concurrency 1, ≤ 50 ms at concurrency 8.
"""

from __future__ import annotations

import http.client
import logging
import os
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from sqlalchemy import create_engine, text

from bench.register_data import build
from bot.app import Regiobot
from bot.platforms.slack.app import SlackAdapter
from bot.web import Background, Router
from config.settings import Settings
from storage.db import Database
from tests.conftest import AMS, NOW
from tests.slack.conftest import SECRET, link_slack_accounts, sign
from tests.slack.stand_in import start

OPGAVEN, MIJLPALEN = 5_000, 50_000
REQUESTS = {1: 300, 8: 800}


def command_body(text_: str) -> bytes:
    return urlencode({"token": "x", "team_id": "T1", "channel_id": "C1", "user_id": "U0PLO",
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


def bare_app(api_url: str) -> Callable[..., object]:
    app = App(signing_secret=SECRET, client=WebClient(token="xoxb-x", base_url=api_url),
              process_before_response=True, token_verification_enabled=False)

    @app.command("/opgave")
    def ack_only(ack) -> None:  # type: ignore[no-untyped-def]
        ack()

    return SlackRequestHandler(app)


def measure_elsewhere(port: int, body: bytes, concurrency: int, total: int) -> list[float]:
    """The load comes from another process, so the client's own work does not compete
    with the server for the interpreter lock."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(measure, port, body, concurrency, total).result()


def run_case(db: Database, label: str) -> None:
    stand_in = start()
    settings = Settings(slack_bot_token="xoxb-x", slack_signing_secret=SECRET,
                        slack_api_url=stand_in.url, database_url=db.url)
    adapter = SlackAdapter(Regiobot(db, AMS), db, settings, clock=lambda: NOW)
    ours = Background(Router(db, {"/slack": SlackRequestHandler(adapter.app)}), threads=8)
    bare = Background(Router(db, {"/slack": bare_app(stand_in.url)}), threads=8)
    try:
        for body in (command_body("status"), command_body("status BEN-0042")):
            measure(ours.port, body, 1, 20)
            measure(bare.port, body, 1, 20)  # warm both
        for concurrency, total in REQUESTS.items():
            base = measure_elsewhere(bare.port, command_body("status"), concurrency, total)
            b95 = p(base, 0.95)
            print(f"  [{label}] bare Bolt ack       c={concurrency}: p50 {p(base, .5):6.2f} ms"
                  f"  p95 {b95:6.2f} ms")
            for name, body in (("overview", command_body("status")),
                               ("card", command_body("status BEN-0042"))):
                got = measure_elsewhere(ours.port, body, concurrency, total)
                print(f"  [{label}] /opgave {name:<9}  c={concurrency}: p50 {p(got, .5):6.2f} ms"
                      f"  p95 {p(got, .95):6.2f} ms  ratio p95 {p(got, .95) / b95:5.1f}x")
    finally:
        ours.stop()
        bare.stop()
        adapter.executor.shutdown(wait=True)
        stand_in.server.shutdown()


def main() -> None:
    print(f"register: {OPGAVEN} opgaven, {MIJLPALEN} mijlpalen; requests {REQUESTS}")
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/bench.db")
        started = time.perf_counter()
        build(db, NOW, OPGAVEN, MIJLPALEN)
        link_slack_accounts(db)
        print(f"SQLite (built in {time.perf_counter() - started:.1f} s)")
        run_case(db, "sqlite")
        db.dispose()
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
        link_slack_accounts(db)
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        print(f"PostgreSQL (built in {time.perf_counter() - started:.1f} s)")
        run_case(db, "postgres")
    finally:
        db.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


if __name__ == "__main__":
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "task queue depth" noise
    main()
