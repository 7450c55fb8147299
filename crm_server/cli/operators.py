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

    with open_db(args.db) as db:
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


def cmd_list(args: argparse.Namespace) -> None:
    from crm_server.services.accounts import list_operators

    say(f"{'username':<20} {'role':<11} {'agency':<24} {'state':<8} {'sessions':>8}  name")
    with open_db(args.db) as db:
        found = list_operators(db)
    for op in found:
        state = "active" if op.active else "disabled"
        say(
            f"{safe(op.username, max_chars=64):<20} {safe(op.role):<11} {safe(op.agency_code):<24} "
            f"{state:<8} {op.tokens:>8}  {safe(op.display_name)}"
        )


def _change(args: argparse.Namespace, done: str, change) -> None:  # noqa: ANN001 - a services.accounts function
    from crm_server.services.accounts import AccountError

    with open_db(args.db) as db:
        try:
            ended = change(db, args.username)
        except AccountError as exc:
            raise CliError(f"operator {args.action}: {exc}") from None
    say(f"operator {safe(args.username)} {done}; {ended} signed-in session(s) ended, with their live streams")


def cmd_passwd(args: argparse.Namespace) -> None:
    from crm_server.services.accounts import set_password

    password = _read_password()
    _change(args, "has a new password", lambda db, username: set_password(db, username, password))


def cmd_disable(args: argparse.Namespace) -> None:
    from crm_server.services.accounts import set_active

    _change(args, "disabled", lambda db, username: set_active(db, username, False))


def cmd_enable(args: argparse.Namespace) -> None:
    from crm_server.services.accounts import set_active

    _change(args, "enabled", lambda db, username: set_active(db, username, True))


def cmd_revoke(args: argparse.Namespace) -> None:
    from crm_server.services.accounts import revoke

    _change(args, "signed out everywhere", revoke)


def add_parsers(with_db, sub: argparse._SubParsersAction) -> None:  # noqa: ANN001 - crm_server.cli's factory
    op = sub.add_parser("operator", help="manage operators").add_subparsers(dest="action", required=True)
    p = with_db("add", "add an operator (password from stdin, or a prompt)", op)
    p.add_argument("--username", required=True)
    p.add_argument("--role", required=True, help="dispatcher | officer | supervisor | validator | observer")
    # The password rule: at least 12 characters, not a common one (crm_server/services/password_rule.py).
    p.add_argument("--agency", required=True, help="agency code, e.g. JP.GAMBIR.CIDENG")
    p.add_argument("--name", default=None, help="display name")
    p.set_defaults(func=cmd_add)

    with_db("list", "list the operators, their state and signed-in sessions", op).set_defaults(func=cmd_list)
    for name, help_text, func in (
        ("passwd", "set a new password (stdin, or a prompt); ends every session", cmd_passwd),
        ("disable", "disable an operator: no sign-in; ends every session", cmd_disable),
        ("enable", "enable a disabled operator", cmd_enable),
        ("revoke", "end every session of an operator (the password stays)", cmd_revoke),
    ):
        p = with_db(name, help_text, op)
        p.add_argument("--username", required=True)
        p.set_defaults(func=func)
