"""`crm-server init | serve | seed | intake-key`: the database, the demo data, the server."""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING

from crm_server.cli.database import open_db, shown
from crm_server.cli.errors import CliError
from crm_server.cli.output import safe, say

if TYPE_CHECKING:
    from crm_server.demo.seed import DemoOperator
    from crm_server.storage.engine import Database


PROXIES_ENV = "CRM_SERVER_TRUSTED_PROXIES"
BOUNDARIES_ENV = "CRM_SERVER_KELURAHAN_BOUNDARIES"


def _proxies(value: str) -> tuple[str, ...]:
    """`10.0.0.5,10.1.0.0/16` as a tuple of networks; empty: none."""
    found = []
    for item in filter(None, (part.strip() for part in value.split(","))):
        try:
            found.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an address or network: {safe(item)}") from None
    return tuple(found)


def _positive(value: str) -> int:
    number = int(value) if value.isdigit() else 0
    if number < 1:
        raise argparse.ArgumentTypeError("must be a whole number above 0")
    return number


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        # As uvicorn binds: connections of an earlier run in TIME_WAIT are no conflict.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CliError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def cmd_init(args: argparse.Namespace) -> None:
    with open_db(args.db):
        pass
    say(f"database ready: {safe(shown(args.db), max_chars=1000)}")


def _print_demo_operators(added: list[DemoOperator]) -> None:
    if not added:
        return
    say("demo operators (username / password / role / agency):")
    for op in added:
        say(f"  {safe(op.username):<16} {safe(op.password):<22} {safe(op.role):<11} {safe(op.agency)}")
    say(
        f"WARNING: this database now has {len(added)} demo accounts whose passwords are printed above and "
        "guessable (username + '-demo'), a supervisor over all of DKI among them. Never serve it to "
        "real operators; to keep it, disable each with 'crm-server operator disable --username NAME'."
    )


def _refuse_unless_demo(db: Database, forced: bool) -> None:
    """Demo data goes only into a database of demo data: one with operators of its own or any
    report would gain accounts anyone can guess (`--force` to do it all the same)."""
    from sqlalchemy import select

    from crm_server.demo.seed import DEMO_OPERATORS
    from crm_server.storage.schema import operators

    if forced:
        return
    demo = {op.username for op in DEMO_OPERATORS}
    with db.read() as conn:
        others = [name for name in conn.scalars(select(operators.c.username)) if name not in demo]
    if others:
        raise CliError(
            f"refusing to seed: the database has {len(others)} operator(s) that are not demo accounts; "
            "demo accounts have guessable passwords (--force to seed all the same)"
        )
    if _has_reports(db):
        raise CliError("refusing to seed: the database already has reports (--force to add demo data all the same)")


def _has_reports(db: Database) -> bool:
    from sqlalchemy import select

    from crm_server.storage.schema import reports

    with db.read() as conn:
        return conn.execute(select(reports.c.id).limit(1)).first() is not None


def cmd_serve(args: argparse.Namespace) -> None:
    _check_port(args.host, args.port)
    with open_db(args.db) as db:
        if args.demo and not _has_reports(db):
            from crm_server.demo.seed import seed_operators, seed_reports
            from crm_server.demo.templates import seed_templates

            _refuse_unless_demo(db, forced=False)
            _print_demo_operators(seed_operators(db))
            seed_templates(db)
            seed_reports(db, args.reports, random_seed=args.random_seed)
            say(f"seeded {args.reports} demo reports")
        if args.workers == 1:
            print(f"serving on http://{args.host}:{args.port}", flush=True)
            _serve(args, db)
            return
        _boundaries_usable(db, args.kelurahan_boundaries)  # refused here, not in every process
    # Several processes: one listening socket, bound here; each process opens the database itself,
    # after the fork, so that no connection crosses it.
    from crm_server.api.serving import listening_socket, run_processes

    sock = listening_socket(args.host, args.port)
    print(f"serving on http://{args.host}:{args.port} ({args.workers} processes)", flush=True)

    def one_process() -> None:
        with open_db(args.db) as db:
            _serve(args, db, sock)

    raise SystemExit(run_processes(args.workers, one_process))


def _serve(args: argparse.Namespace, db: Database, sock: socket.socket | None = None) -> None:
    from crm_server.api.app import create_app
    from crm_server.api.serving import serve
    from crm_server.reference.boundaries import BoundaryFileError

    try:
        app = create_app(
            db,
            heartbeat_seconds=args.heartbeat,
            max_streams=args.max_streams,
            max_streams_per_operator=args.max_streams_per_operator,
            boundaries_file=args.kelurahan_boundaries,
        )
    except BoundaryFileError as exc:
        raise CliError(f"--kelurahan-boundaries: {exc}") from None
    serve(app, args.host, args.port, trusted_proxies=args.trusted_proxies, sock=sock)


def _boundaries_usable(db: Database, path: Path | None) -> None:
    from crm_server.reference.boundaries import BoundaryFileError
    from crm_server.services.directory import Directory

    try:
        Directory(db, boundaries_file=path)
    except BoundaryFileError as exc:
        raise CliError(f"--kelurahan-boundaries: {exc}") from None


def cmd_seed(args: argparse.Namespace) -> None:
    import time

    from crm_server.demo.seed import seed_operators, seed_reports
    from crm_server.demo.templates import seed_templates

    with open_db(args.db) as db:
        _refuse_unless_demo(db, args.force)
        _print_demo_operators(seed_operators(db))
        seed_templates(db)
        started = time.perf_counter()
        seed_reports(db, args.reports, random_seed=args.random_seed, now=args.now)
    say(f"seeded {args.reports} reports in {time.perf_counter() - started:.1f} s")


def cmd_intake_key(args: argparse.Namespace) -> None:
    from crm_server.services.intake_keys import new_intake_key

    with open_db(args.db) as db:
        key = new_intake_key(db)
    say(key)


def add_parsers(with_db) -> None:  # noqa: ANN001 - the parser factory of crm_server.cli
    with_db("init", "create the schema and reference data (idempotent)").set_defaults(func=cmd_init)

    p = with_db("serve", "serve the operator and intake API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument(
        "--demo", action="store_true", help="seed demo data into a database with no reports and no real operators"
    )
    p.add_argument("--reports", type=int, default=2_000, help="demo reports to seed (with --demo)")
    p.add_argument("--random-seed", type=int, default=1)
    p.add_argument("--heartbeat", type=float, default=15.0, help="seconds between event-stream heartbeats")
    p.add_argument(
        "--max-streams", type=_positive, default=2_000, help="event streams this process serves at once (more: 503)"
    )
    p.add_argument(
        "--workers",
        type=_positive,
        default=1,
        help="server processes sharing the port (each with its own event reader, caps and metrics)",
    )
    p.add_argument(
        "--max-streams-per-operator",
        type=_positive,
        default=8,
        help="event streams one operator may have open on this process at once (more: 503)",
    )
    p.add_argument(
        "--trusted-proxies",
        type=_proxies,
        default=_proxies(os.environ.get(PROXIES_ENV, "")),
        help="comma-separated addresses or networks of reverse proxies whose X-Forwarded-For names "
        f"the client (default: none, not even loopback; else {PROXIES_ENV})",
    )
    p.add_argument(
        "--kelurahan-boundaries",
        type=Path,
        default=Path(os.environ[BOUNDARIES_ENV]) if os.environ.get(BOUNDARIES_ENV) else None,
        help="a GeoJSON FeatureCollection of kelurahan polygons (property 'kelurahan': code or name) "
        f"that routes submissions carrying only lat/long (default: none; else {BOUNDARIES_ENV})",
    )
    p.set_defaults(func=cmd_serve)

    p = with_db("seed", "add demo operators and N demo reports")
    p.add_argument("--reports", type=int, required=True)
    p.add_argument("--random-seed", type=int, default=1)
    p.add_argument("--now", type=int, default=None, help="pin 'now' (epoch seconds) for fixed data")
    p.add_argument("--force", action="store_true", help="seed a database with reports or real operators too")
    p.set_defaults(func=cmd_seed)

    with_db("intake-key", "print a new intake key").set_defaults(func=cmd_intake_key)
