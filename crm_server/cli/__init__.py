"""`crm-server`: initialise, seed, administer and serve the reference backend.

Every failure the operator can cause (a bad path, a database URL that cannot be used, a port in
use, an unknown role or agency) ends with one clear line on stderr and a non-zero exit, never a
traceback; so does output to a closed pipe (`crm-server audit | head -1`), quietly. Everything
printed goes through crm_server/cli/output.py.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from crm_server.cli import audit_trail, operators, server, templates
from crm_server.cli.database import DB_ENV
from crm_server.cli.errors import EXIT_USAGE, CliError
from crm_server.cli.output import note

EXIT_CLOSED_PIPE = 141  # 128 + SIGPIPE, as a shell reports a command whose reader went away


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crm-server", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def with_db(name: str, help_text: str, within: argparse._SubParsersAction | None = None) -> argparse.ArgumentParser:
        p = (within or sub).add_parser(name, help=help_text)
        p.add_argument(
            "--db",
            default=os.environ.get(DB_ENV),
            required=not os.environ.get(DB_ENV),
            help=f"SQLite file path, or a SQLAlchemy URL such as postgresql+psycopg://crm@db/crm (else {DB_ENV})",
        )
        return p

    server.add_parsers(with_db)
    operators.add_parsers(with_db, sub)
    templates.add_parsers(with_db, sub)
    audit_trail.add_parser(with_db)
    return parser


def _quiet_on_closed_pipe() -> int:
    """The reader went away: what is still buffered goes nowhere, instead of into a second
    BrokenPipeError at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
    return EXIT_CLOSED_PIPE


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("crm_server").setLevel(logging.INFO)
    try:
        args.func(args)
        sys.stdout.flush()  # here, where a closed pipe is caught, not at exit
    except BrokenPipeError:
        return _quiet_on_closed_pipe()
    except CliError as exc:
        note(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    return 0
