"""`crm-server operator ...`: the operators' accounts."""

from __future__ import annotations

import argparse
import getpass
import sys

from crm_server.cli.database import open_db
from crm_server.cli.errors import CliError
from crm_server.cli.output import safe, say


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if first != getpass.getpass("again: "):
            raise CliError("the passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_add(args: argparse.Namespace) -> None:
    from crm_server.services.accounts import AccountError, add_operator

    db = open_db(args.db)
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
    say(f"operator {safe(args.username)} added")


def add_parsers(with_db, sub: argparse._SubParsersAction) -> None:  # noqa: ANN001 - crm_server.cli's factory
    op = sub.add_parser("operator", help="manage operators").add_subparsers(dest="action", required=True)
    p = with_db("add", "add an operator (password from stdin, or a prompt)", op)
    p.add_argument("--username", required=True)
    p.add_argument("--role", required=True, help="dispatcher | officer | supervisor")
    p.add_argument("--agency", required=True, help="agency code, e.g. JP.GAMBIR.CIDENG")
    p.add_argument("--name", default=None, help="display name")
    p.set_defaults(func=cmd_add)
