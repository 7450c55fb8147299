"""`crm-server template ...`: the response templates operators start their texts from."""

from __future__ import annotations

import argparse
import sys

from crm_server.cli.database import open_db
from crm_server.cli.errors import CliError
from crm_server.cli.output import safe, say
from crm_server.template_actions import ACTIONS


def cmd_add(args: argparse.Namespace) -> None:
    from crm_server.services.templates import TemplateError, add_template

    text = args.text if args.text is not None else sys.stdin.read()
    with open_db(args.db) as db:
        try:
            template_id = add_template(
                db, action=args.action, title=args.title, text=text, category_codes=args.category or ()
            )
        except TemplateError as exc:
            raise CliError(f"template add: {exc}") from None
    say(f"template {template_id} added")


def cmd_list(args: argparse.Namespace) -> None:
    from crm_server.services.templates import list_templates

    say(f"{'id':>4}  {'action':<10} {'categories':<30} title")
    with open_db(args.db) as db, db.read() as conn:
        found = list_templates(conn, action=args.action)
    for template in found:
        codes = ",".join(template.categories) or "(all)"
        say(f"{template.id:>4}  {template.action:<10} {safe(codes, max_chars=30):<30} {safe(template.title)}")


def cmd_remove(args: argparse.Namespace) -> None:
    from crm_server.services.templates import TemplateError, remove_template

    with open_db(args.db) as db:
        try:
            remove_template(db, args.id)
        except TemplateError as exc:
            raise CliError(f"template remove: {exc}") from None
    say(f"template {args.id} removed")


def add_parsers(with_db, sub: argparse._SubParsersAction) -> None:  # noqa: ANN001 - crm_server.cli's factory
    tp = sub.add_parser("template", help="manage response templates").add_subparsers(dest="action_name", required=True)
    p = with_db("add", "add a template (its text from --text, else stdin)", tp)
    p.add_argument(
        "--action",
        required=True,
        choices=ACTIONS,
        help="the text it fills: a close's note, a follow-up's response, a rejection's reason",
    )
    p.add_argument("--title", required=True)
    p.add_argument("--text", default=None, help="may hold {number}, {category}, {kelurahan}; else read from stdin")
    p.add_argument("--category", action="append", help="a category code it is for (repeat); none: every category")
    p.set_defaults(func=cmd_add)

    p = with_db("list", "list the templates", tp)
    p.add_argument("--action", choices=ACTIONS, default=None)
    p.set_defaults(func=cmd_list)

    p = with_db("remove", "remove a template", tp)
    p.add_argument("--id", type=int, required=True)
    p.set_defaults(func=cmd_remove)
