"""`crm-server`: initialise, seed, administer and serve the reference backend.

Every failure the operator can cause (a bad path, a database URL that cannot be used, a port in
use, an unknown role or agency) ends with one clear line on stderr and a non-zero exit, never a
traceback.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crm_server.demo.seed import DemoOperator
    from crm_server.storage.engine import Database

EXIT_USAGE = 2


class CliError(Exception):
    """A one-line message for the operator."""


DB_ENV = "CRM_SERVER_DB"  # the database, for URLs with a password that should not be on a command line


def _shown(path: str) -> str:
    """`--db` as printed: a URL's password replaced by ***."""
    if "://" not in path:
        return path
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(path).render_as_string(hide_password=True)
    except ArgumentError:
        return "(a database URL that does not parse)"


def _cannot_open(path: str, exc: Exception) -> CliError:
    """Why the database cannot be opened, by the kind of failure alone: a driver's message may
    quote the URL, password included."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    if isinstance(exc, NoSuchModuleError):  # before ArgumentError, which it extends
        why = "unknown database or driver; use a file path, sqlite:/// or postgresql+psycopg://"
    elif isinstance(exc, ArgumentError):
        why = "not a database URL"
    elif isinstance(exc, ImportError):
        why = f"its driver {exc.name} is not installed" if exc.name else "its driver is not installed"
    else:  # a DBAPIError carries the driver's own exception, which names the failure better
        why = type(getattr(exc, "orig", None) or exc).__name__
    return CliError(f"--db {_shown(path)}: cannot open the database ({why})")


def _open_db(path: str) -> Database:
    from sqlalchemy.exc import SQLAlchemyError

    from crm_server.storage.bootstrap import initialise
    from crm_server.storage.engine import Database

    if "://" not in path:
        target = Path(path)
        if target.is_dir():
            raise CliError(f"--db {path}: is a directory, not a database file")
        if not target.parent.exists():
            raise CliError(f"--db {path}: folder {target.parent} does not exist")
    try:
        db = Database.open(path)  # loads the URL's dialect and driver
    except (SQLAlchemyError, ImportError) as exc:
        raise _cannot_open(path, exc) from None
    try:
        initialise(db)
    except SQLAlchemyError as exc:
        db.dispose()
        raise _cannot_open(path, exc) from None
    return db


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        # As uvicorn binds: connections of an earlier run in TIME_WAIT are no conflict.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CliError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def cmd_init(args: argparse.Namespace) -> None:
    _open_db(args.db).dispose()
    print(f"database ready: {_shown(args.db)}")


def _print_demo_operators(added: list[DemoOperator]) -> None:
    if not added:
        return
    print("demo operators (username / password / role / agency):")
    for op in added:
        print(f"  {op.username:<16} {op.password:<22} {op.role:<11} {op.agency}")


def _has_reports(db: Database) -> bool:
    from sqlalchemy import select

    from crm_server.storage.schema import reports

    with db.read() as conn:
        return conn.execute(select(reports.c.id).limit(1)).first() is not None


def cmd_serve(args: argparse.Namespace) -> None:
    _check_port(args.host, args.port)
    db = _open_db(args.db)
    if args.demo and not _has_reports(db):
        from crm_server.demo.seed import seed_operators, seed_reports

        _print_demo_operators(seed_operators(db))
        seed_reports(db, args.reports, random_seed=args.random_seed)
        print(f"seeded {args.reports} demo reports")
    from crm_server.api.app import create_app
    from crm_server.api.serving import serve

    app = create_app(db, heartbeat_seconds=args.heartbeat)
    print(f"serving on http://{args.host}:{args.port}", flush=True)
    serve(app, args.host, args.port)


def cmd_seed(args: argparse.Namespace) -> None:
    import time

    from crm_server.demo.seed import seed_operators, seed_reports

    db = _open_db(args.db)
    _print_demo_operators(seed_operators(db))
    started = time.perf_counter()
    seed_reports(db, args.reports, random_seed=args.random_seed, now=args.now)
    print(f"seeded {args.reports} reports in {time.perf_counter() - started:.1f} s")


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if first != getpass.getpass("again: "):
            raise CliError("the passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_operator_add(args: argparse.Namespace) -> None:
    from crm_server.services.accounts import AccountError, add_operator

    db = _open_db(args.db)
    try:
        add_operator(
            db,
            username=args.username,
            role=args.role,
            agency_code=args.agency,
            password=_read_password(),
            display_name=args.name,
        )
    except AccountError as exc:
        raise CliError(f"operator add: {exc}") from None
    print(f"operator {args.username} added")


def cmd_intake_key(args: argparse.Namespace) -> None:
    from crm_server.services.intake import new_intake_key

    print(new_intake_key(_open_db(args.db)))


def cmd_audit(args: argparse.Namespace) -> None:
    from crm_server.services import audit

    for row in reversed(audit.rows(_open_db(args.db), report_number=args.report, operator=args.operator)):
        when = datetime.fromtimestamp(row.at, UTC).strftime("%Y-%m-%d %H:%M:%S")
        print(f"{when}  {row.operator or '-':<16} {row.action:<12} {row.report_number or '-':<14} {row.outcome}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crm-server", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def with_db(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument(
            "--db",
            default=os.environ.get(DB_ENV),
            required=not os.environ.get(DB_ENV),
            help=f"SQLite file path, or a SQLAlchemy URL such as postgresql+psycopg://crm@db/crm (else {DB_ENV})",
        )
        return p

    with_db("init", "create the schema and reference data (idempotent)").set_defaults(func=cmd_init)

    p = with_db("serve", "serve the operator and intake API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--demo", action="store_true", help="seed demo data into an empty database")
    p.add_argument("--reports", type=int, default=2_000, help="demo reports to seed (with --demo)")
    p.add_argument("--random-seed", type=int, default=1)
    p.add_argument("--heartbeat", type=float, default=15.0, help="seconds between event-stream heartbeats")
    p.set_defaults(func=cmd_serve)

    p = with_db("seed", "add demo operators and N demo reports")
    p.add_argument("--reports", type=int, required=True)
    p.add_argument("--random-seed", type=int, default=1)
    p.add_argument("--now", type=int, default=None, help="pin 'now' (epoch seconds) for fixed data")
    p.set_defaults(func=cmd_seed)

    op = sub.add_parser("operator", help="manage operators").add_subparsers(dest="action", required=True)
    p = op.add_parser("add", help="add an operator (password from stdin, or a prompt)")
    p.add_argument("--db", required=True)
    p.add_argument("--username", required=True)
    p.add_argument("--role", required=True, help="dispatcher | officer | supervisor")
    p.add_argument("--agency", required=True, help="agency code, e.g. JP.GAMBIR.CIDENG")
    p.add_argument("--name", default=None, help="display name")
    p.set_defaults(func=cmd_operator_add)

    with_db("intake-key", "print a new intake key").set_defaults(func=cmd_intake_key)

    p = with_db("audit", "print the audit trail")
    p.add_argument("--report", default=None)
    p.add_argument("--operator", default=None)
    p.set_defaults(func=cmd_audit)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("crm_server").setLevel(logging.INFO)
    try:
        args.func(args)
    except CliError as exc:
        print(f"crm-server: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
