"""`:export PATH.csv`: the report list as filtered and sorted, as CSV, written page by page.

What a row holds is what the list holds (no reporter identity: the client has none). A private
report's title is left out unless the config says `export_private = true`: the file leaves the
console, and its privacy with it. Every cell is made safe for the programs that open CSV files:
no control, bidi or zero-width characters (crm_text's rule), and text that a spreadsheet would
run as a formula (`=`, `+`, `-`, `@`, tab, CR first) starts with an apostrophe (OWASP's advice).
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

from api_client.models import ReportPage, ReportSummary
from crm_text.sanitize import clean_line

PAGE_SIZE = 500  # the server's largest page: fewer round trips for a long export
MAX_CELL_CHARS = 1_000
FORMULA_FIRST = ("=", "+", "-", "@", "\t", "\r")
PRIVATE_TEXT = "[privasi]"  # in place of a private report's title, unless export_private is on
COLUMNS = (
    "number",
    "status",
    "channel",
    "category",
    "category_name",
    "title",
    "private",
    "kelurahan",
    "kecamatan",
    "city",
    "agency",
    "assignee",
    "created_at",
    "updated_at",
    "due_at",
)


class ExportProblem(ValueError):
    """Why a file cannot be exported to (its message names the path as typed, cleaned)."""


def export_target(typed: str, *, overwrite: bool) -> Path:
    """The file `:export` writes, from the path as typed: it must end in .csv, its folder must
    exist, and an existing file is replaced only when asked (`:export!`)."""
    shown = clean_line(typed, max_chars=80)
    path = Path(typed.strip()).expanduser()
    if path.suffix.lower() != ".csv":
        raise ExportProblem(f"{shown}: the file name must end in .csv")
    if not path.parent.is_dir():
        raise ExportProblem(f"{shown}: no such folder")
    if path.is_dir() or (path.exists() and not overwrite):
        raise ExportProblem(f"{shown}: the file exists (:export! replaces it)")
    return path


def csv_cell(text: str) -> str:
    """One cell's text: one clean line, never a formula."""
    cell = clean_line(text, max_chars=MAX_CELL_CHARS)
    return "'" + cell if cell.startswith(FORMULA_FIRST) else cell


def _moment(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def report_row(report: ReportSummary, *, private_text: bool) -> list[str]:
    shown = report.title if private_text or not report.private else PRIVATE_TEXT
    cells = [
        report.number,
        report.status.value,
        report.channel,
        report.category,
        report.category_name,
        shown,
        "true" if report.private else "false",
        report.kelurahan,
        report.kecamatan,
        report.city,
        report.agency.code,
        report.assignee.username if report.assignee else "",
        _moment(report.created_at),
        _moment(report.updated_at),
        _moment(report.due_at),
    ]
    return [csv_cell(cell) for cell in cells]


def csv_lines(rows: list[list[str]]) -> str:
    """Rows as CSV text (RFC 4180: CRLF line ends, quotes where needed)."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def header_line() -> str:
    return csv_lines([list(COLUMNS)])


FetchPage = Callable[[str | None], Awaitable[ReportPage]]
"""The list's page after a cursor (None: the first), `PAGE_SIZE` reports at most."""


async def write_csv(path: Path, fetch: FetchPage, *, private_text: bool, progress: Callable[[int, int], None]) -> int:
    """Write every page `fetch` gives to `path`, one page in memory at a time; `progress(done,
    total)` after each. The file is written beside `path` and renamed once complete: stopped
    (cancelled) or failed, no file that looks whole is left. Returns the reports written."""
    part = path.with_name(path.name + ".part")
    done, cursor = 0, None
    try:
        with part.open("w", encoding="utf-8", newline="") as out:
            out.write(header_line())
            while True:
                page = await fetch(cursor)
                text = csv_lines([report_row(report, private_text=private_text) for report in page.items])
                await asyncio.to_thread(out.write, text)
                done += len(page.items)
                progress(done, page.total)
                if not page.next_cursor or page.next_cursor == cursor:
                    break
                cursor = page.next_cursor
        part.replace(path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return done
