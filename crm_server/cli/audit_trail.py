"""`crm-server audit`: the audit trail, oldest first, filtered, bounded, and saying when it is cut."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime

from crm_server.cli.database import open_db
from crm_server.cli.errors import CliError
from crm_server.cli.output import note, safe, say

DEFAULT_LIMIT = 1000
_AGO = re.compile(r"(\d+)([mhd])")
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86_400}


def parse_since(value: str, *, now: datetime | None = None) -> int:
    """`30m`, `12h`, `7d` (that long ago), or a UTC date or time (`2025-03-05`, `2025-03-05T08:00`)."""
    ago = _AGO.fullmatch(value.strip())
    current = now or datetime.now(UTC)
    if ago:
        return int(current.timestamp()) - int(ago[1]) * _UNIT_SECONDS[ago[2]]
    try:
        at = datetime.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError("a duration (30m, 12h, 7d) or a UTC date or time (2025-03-05T08:00)") from None
    return int((at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp())


def cmd_audit(args: argparse.Namespace) -> None:
    from crm_server.services import audit

    if args.limit < 1:
        raise CliError("--limit: at least 1")
    with open_db(args.db) as db:
        found = audit.rows(
            db,
            report_number=args.report,
            operator=args.operator,
            since=args.since,
            alerts=args.alerts,
            limit=args.limit + 1,  # one more than shown: whether the output is cut
        )
    shown = found[: args.limit]
    for row in reversed(shown):
        when = datetime.fromtimestamp(row.at, UTC).strftime("%Y-%m-%d %H:%M:%S")
        say(
            f"{when}  {safe(row.operator, max_chars=64):<16} {safe(row.action):<12} "
            f"{safe(row.report_number):<14} {safe(row.address):<15} {safe(row.outcome)}"
        )
    if len(found) > args.limit:
        note(f"showing the newest {args.limit} rows only: older ones match too (narrow with --since, or raise --limit)")


def add_parser(with_db) -> None:  # noqa: ANN001 - the parser factory of crm_server.cli
    p = with_db("audit", "print the audit trail, oldest first (times in UTC)")
    p.add_argument("--report", default=None)
    p.add_argument("--operator", default=None)
    p.add_argument("--since", type=parse_since, default=None, help="30m, 12h, 7d, or a UTC date or time")
    p.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help=f"the newest N rows (default {DEFAULT_LIMIT})")
    p.add_argument("--alerts", action="store_true", help="only alerts (e.g. an account under attack)")
    p.set_defaults(func=cmd_audit)
