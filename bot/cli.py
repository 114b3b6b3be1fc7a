"""The ``regiobot`` command. The wall clock is read here, at the edge, and handed inward.

Each subcommand imports only what it needs: the console must answer fast, so platform
SDKs, Alembic and APScheduler stay out of its path.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from config.settings import Settings
    from storage.db import Database


class CliError(Exception):
    """A problem the operator can fix, said in one line."""


def parse_now(value: str | None, settings: Settings) -> Callable[[], datetime]:
    if value is None:
        return wall_clock
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        from bot.texts import t

        raise CliError(t("console.bad_time", value=value)) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=settings.tz)
    return lambda: moment


def open_database(settings: Settings) -> Database:
    from storage.db import Database
    from storage.migrate import ensure_current

    db = Database(settings.database_url)
    ensure_current(db)
    return db


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    from storage.db import Database
    from storage.migrate import upgrade

    db = Database(settings.database_url)
    upgrade(db, args.revision)
    print(f"database bijgewerkt tot {db.schema_revision()}")
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot import demo
    from bot.texts import t, tn

    now = parse_now(args.now, settings)()
    db = open_database(settings)
    with db.write() as session:
        result = demo.load(session, now, settings.tz)
    with db.read() as session:
        handles = demo.handles_with_roles(session, "lekstroom")
    print(tn("demo.loaded", result.opgaven, regio=result.regio) if result.created
          else t("demo.existing", regio=result.regio))
    print(t("demo.handles"))
    width = max(len(h) for h, _, _ in handles)
    for handle, naam, roles in handles:
        print(f"  {handle:<{width}}  {naam} ({roles})")
    print(t("demo.start"))
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    import gc

    # Start-up builds tens of thousands of long-lived objects (mapped classes, grammars,
    # pydantic models), and the cyclic collector would scan them over and over while
    # they are made: a third of the console's start beyond its libraries. Nothing made
    # here is garbage; collection resumes, without them, before the first line is read.
    gc.disable()
    from sqlalchemy import select

    from bot.app import Regiobot
    from bot.platforms.console import Console, UnknownHandle
    from bot.texts import t
    from storage.models import Regio

    clock = parse_now(args.now, settings)
    db = open_database(settings)
    with db.read() as session:
        slug = session.scalar(select(Regio.slug).where(Regio.slug == args.regio)) if (
            args.regio) else session.scalar(select(Regio.slug).order_by(Regio.id).limit(1))
    if slug is None:
        raise CliError(t("console.no_database"))
    interactive = sys.stdin.isatty()
    try:
        console = Console(Regiobot(db, settings.tz), db, slug, args.as_, clock, sys.stdout,
                          echo=not interactive, max_attempts=settings.outbox_max_attempts)
    except UnknownHandle as error:
        raise CliError(str(error)) from None
    gc.freeze()
    gc.enable()
    if interactive:
        console.welcome()
        sys.stdout.write("> ")
        sys.stdout.flush()
    console.run(iter(sys.stdin), prompt=interactive)
    return 0


def cmd_roster_import(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from sqlalchemy import select

    from bot.services import roster_import
    from bot.texts import t, tn
    from storage.models import Regio

    now = parse_now(args.now, settings)()
    try:
        text = Path(args.bestand).read_text(encoding="utf-8-sig")
    except OSError as error:
        raise CliError(t("import.unreadable", path=args.bestand, error=error.strerror)) from None
    db = open_database(settings)
    with db.write() as session:
        query = select(Regio).where(Regio.slug == args.regio) if args.regio else select(
            Regio).order_by(Regio.id).limit(1)
        regio = session.scalar(query)
        if regio is None:
            raise CliError(t("workspace.no_such_regio", slug=args.regio or "–"))
        result = roster_import.plan(session, regio, text)
        for problem in result.errors:
            print(problem)
        for item in result.new:
            print(t("import.line.new", who=item))
        for change in result.changes:
            print(t("import.line.change", handle=change.handle, veld=change.veld,
                    old=change.oud or "–", new=change.nieuw or "–"))
        roster_import.warn(session, regio, result, now, settings.tz)
        for warning in result.warnings:
            print(warning)
        print(t("import.summary", new=len(result.new), changed=len(result.changes),
                unchanged=result.unchanged))
        if result.errors:
            print(tn("import.refused", len(result.errors)))
            return 1
        if not args.toepassen:
            print(t("import.dry_run"))
            return 0
        roster_import.apply(session, regio, result, now)
    for warning in result.warnings:  # still true now that it is done: said again
        print(warning)
    print(t("import.applied"))
    return 0


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    import logging

    from bot.worker import Worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    Worker(settings, open_database(settings), wall_clock, sys.stdout).run()
    return 0


def cmd_tick(args: argparse.Namespace, settings: Settings) -> int:
    from bot.texts import t
    from bot.worker import Worker

    clock = parse_now(args.now, settings)
    # One instant, one pass: the pacer would only wait out seconds that never pass.
    worker = Worker(settings, open_database(settings), clock, sys.stdout, paced=False)
    planned = worker.plan()
    sent = worker.dispatch()
    print(t("tick.summary", now=clock().isoformat(), planned=planned, sent=sent.sent,
            found=sent.found, failed=sent.failed, deferred=sent.deferred))
    return 0


def cmd_outbox(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    from bot.services.notify import NOBODY
    from bot.texts import t
    from storage import outbox
    from storage.models import OutboxBericht

    db = open_database(settings)
    if args.outbox_command == "retry":
        with db.write() as session:
            if not outbox.retry(session, args.id, wall_clock()):
                raise CliError(t("outbox.no_such_row", id=args.id))
        print(t("outbox.retried", id=args.id))
        return 0
    with db.read() as session:
        # Sent rows are done; rows that reached nobody are counted in the digest instead.
        rows = session.scalars(select(OutboxBericht).where(
            OutboxBericht.status.not_in(("sent", NOBODY))).order_by(OutboxBericht.status,
                                                     OutboxBericht.volgende_poging_op)).all()
    if not rows:
        print(t("outbox.empty"))
        return 0
    for row in rows:
        when = row.volgende_poging_op.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
        print(f"{row.id:>7}  {row.status:<8} {row.pogingen:>2}x  {when}  {row.platform:<10} "
              f"{row.doel_soort}:{row.doel}  {row.delivery_key}")
        if row.fout:
            print(f"         {row.fout[:200]}")
    print(t("outbox.count", pending=sum(r.status != "failed" for r in rows),
            failed=sum(r.status == "failed" for r in rows)))
    return 0


def wall_clock() -> datetime:
    return datetime.now(UTC)


def application():  # type: ignore[no-untyped-def]
    """The WSGI app for gunicorn (``bot.cli:application()``): one per worker process,
    each with its own database engine."""
    import gc

    from bot.web import build
    from config.settings import load_settings

    app = build(load_settings(), wall_clock)
    # Everything loaded so far lives as long as the worker: keep it out of the garbage
    # collector's scans, which otherwise show up as pauses in the slowest requests.
    gc.freeze()
    return app


def cmd_web(args: argparse.Namespace, settings: Settings) -> int:
    from bot.errors import UserError
    from bot.web import build, serve

    try:
        build(settings, wall_clock)  # fails here, once, with one clear line
    except UserError as error:
        raise CliError(error.message) from None
    serve(settings, application)
    return 0


def cmd_slack(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import Regiobot
    from bot.errors import UserError
    from bot.platforms import slack
    from bot.texts import t

    if not settings.slack_app_token:
        raise CliError(t("slack.no_app_token"))
    db = open_database(settings)
    try:
        handler = slack.socket_mode(Regiobot(db, settings.tz), db, settings, wall_clock)
    except UserError as error:
        raise CliError(error.message) from None
    handler.start()
    return 0


def cmd_mattermost(args: argparse.Namespace, settings: Settings) -> int:
    import logging
    import signal
    import threading

    from bot.app import Regiobot
    from bot.errors import UserError
    from bot.platforms import mattermost

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    db = open_database(settings)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    try:
        mattermost.listen(Regiobot(db, settings.tz), db, settings, wall_clock, stop)
    except UserError as error:
        raise CliError(error.message) from None
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="regiobot", description="Regiobot")
    sub = parser.add_subparsers(dest="command", required=True)
    db = sub.add_parser("db", help="database-migraties")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_sub.add_parser("upgrade", help="breng het schema bij")
    upgrade.add_argument("revision", nargs="?", default="head")
    upgrade.set_defaults(func=cmd_db)
    demo = sub.add_parser("demo", help="laad de demoregio Lekstroom")
    demo.add_argument("--now", help="tijdstip (ISO 8601) waar de demo omheen ligt")
    demo.set_defaults(func=cmd_demo)
    chat = sub.add_parser("chat", help="praat offline met de bot")
    chat.add_argument("--as", dest="as_", required=True, metavar="HANDLE")
    chat.add_argument("--now", help="doe alsof het dit tijdstip is (ISO 8601)")
    chat.add_argument("--regio", help="slug van de regio (standaard de eerste)")
    chat.set_defaults(func=cmd_chat)
    web = sub.add_parser("web", help="de HTTP-eindpunten van Slack en Mattermost op $PORT")
    web.set_defaults(func=cmd_web)
    slack = sub.add_parser("slack", help="Slack in Socket Mode (zonder publieke URL)")
    slack.add_argument("--socket", action="store_true", required=True)
    slack.set_defaults(func=cmd_slack)
    mm = sub.add_parser("mattermost", help="Mattermost: wat mensen de bot in een DM typen")
    mm_sub = mm.add_subparsers(dest="mattermost_command", required=True)
    mm_sub.add_parser("listen", help="luister naar DM's (WebSocket; blijft draaien)"
                      ).set_defaults(func=cmd_mattermost)
    worker = sub.add_parser("worker", help="herinneringen, digests en verzending (blijft draaien)")
    worker.set_defaults(func=cmd_worker)
    tick = sub.add_parser("tick", help="plan en verstuur één keer, voor dit tijdstip")
    tick.add_argument("--now", help="het tijdstip (ISO 8601); standaard nu")
    tick.set_defaults(func=cmd_tick)
    box = sub.add_parser("outbox", help="berichten die wachten of mislukten")
    box.set_defaults(func=cmd_outbox, outbox_command="list")
    box_sub = box.add_subparsers(dest="outbox_command")
    retry = box_sub.add_parser("retry", help="verstuur een bericht opnieuw")
    retry.add_argument("id", type=int)
    rooster = sub.add_parser("rooster", help="het rooster beheren")
    rooster_sub = rooster.add_subparsers(dest="rooster_command", required=True)
    importer = rooster_sub.add_parser("import", help="rooster uit een CSV-bestand")
    importer.add_argument("bestand")
    importer.add_argument("--regio", help="slug van de regio (standaard de eerste)")
    importer.add_argument("--toepassen", action="store_true",
                          help="voer de wijzigingen uit (zonder: alleen tonen)")
    importer.add_argument("--now", help=argparse.SUPPRESS)
    importer.set_defaults(func=cmd_roster_import)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from config.settings import SettingsError, load_settings

    try:
        settings = load_settings()
        from bot.texts import use_language

        use_language(settings.language)
        return int(args.func(args, settings))
    except (SettingsError, CliError) as error:
        print(str(error), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
