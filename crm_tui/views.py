"""Saved views: named sets of filters and a sort for the report list.

Six are built in; the config file adds or replaces views in `[views]` and chooses the view each
role starts on in `[default_view]`:

    [views.banjir]
    title = "Banjir terbuka"
    status = ["Menunggu", "Proses"]
    category = ["BANJIR"]
    sort = "due"

    [default_view]
    supervisor = "banjir"

A view's keys are the list's filters (`status`, `category`, `agency`, `assignee` ("me",
"unassigned" or a username), `private`, `overdue`, `q`, `handed_on` (the reports the operator's
agency coordinated or disposed away, which it reads and no longer acts on) and `sort`; `title`
is what the header and the picker show (else the view's name).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from api_client.models import ReportStatus
from api_client.query import ASSIGNEE_ME, DEFAULT_SORT, SORTS, VALIDATION_QUEUE, ReportQuery
from crm_text.sanitize import clean_line
from widgets.i18n import Texts

OPEN_STATUSES = tuple(status.value for status in ReportStatus if status.is_open)
VIEW_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,29}")
ALL, OPEN, MINE, OVERDUE = "semua", "terbuka", "milik-saya", "terlambat"
VALIDATION, HANDED_ON = "validasi", "diteruskan"
# An officer starts on their own open reports, a validator on the validation queue (Menunggu
# Validasi, oldest first); the routing roles on the whole list, newest first.
DEFAULT_BY_ROLE = {"officer": MINE, "validator": VALIDATION}

TEXTS = Texts(
    id={
        ALL: "Semua laporan",
        OPEN: "Terbuka",
        MINE: "Milik saya, terbuka",
        OVERDUE: "Terlambat",
        VALIDATION: "Antrean validasi",
        HANDED_ON: "Diteruskan ke instansi lain",
        # The sort in the header: an arrow (descending, ascending) and the field.
        "created": "dibuat",
        "updated": "diperbarui",
        "due": "tenggat",
        "status": "status",
        "me": "saya",
        "unassigned": "belum ditugaskan",
        "overdue_on": "terlambat",
        "overdue_off": "belum terlambat",
        "private_on": "privasi",
        "private_off": "bukan privasi",
        "categories": "{count} kategori",
    },
    en={
        ALL: "All reports",
        OPEN: "Open",
        MINE: "Mine, open",
        OVERDUE: "Overdue",
        VALIDATION: "Validation queue",
        HANDED_ON: "Handed on to other agencies",
        "created": "created",
        "updated": "updated",
        "due": "due",
        "status": "status",
        "me": "mine",
        "unassigned": "unassigned",
        "overdue_on": "overdue",
        "overdue_off": "not overdue",
        "private_on": "private",
        "private_off": "not private",
        "categories": "{count} categories",
    },
    same=frozenset({"status"}),
)


@dataclass(frozen=True)
class View:
    name: str
    query: ReportQuery
    label: str | None = None  # the file's `title`; None: the built-in one of `name`, in the console's language

    @property
    def shown_title(self) -> str:
        return self.label or (TEXTS(self.name) if self.name in BUILT_IN else self.name)


BUILT_IN: dict[str, View] = {
    view.name: view
    for view in (
        View(ALL, ReportQuery()),
        View(OPEN, ReportQuery(status=OPEN_STATUSES, sort="due")),
        View(MINE, ReportQuery(status=OPEN_STATUSES, assignee=ASSIGNEE_ME, sort="due")),
        View(OVERDUE, ReportQuery(status=OPEN_STATUSES, overdue=True, sort="due")),
        View(VALIDATION, VALIDATION_QUEUE),
        View(HANDED_ON, ReportQuery(handed_on=True, sort="-updated")),
    )
}


def sort_label(sort: str) -> str:
    """A sort as the header names it: "↓dibuat" (newest first), "↑tenggat" (nearest first)."""
    return ("↓" if sort.startswith("-") else "↑") + TEXTS(sort.removeprefix("-"))


def narrowing(view: ReportQuery, query: ReportQuery) -> str:
    """What `query` filters on beyond `view`, in a few words for the header ("" when nothing):
    "Proses/Menunggu, saya, “jalan”"."""
    parts: list[str] = []
    if query.status != view.status and query.status:
        parts.append("/".join(query.status))
    if query.category != view.category and query.category:
        categories = query.category
        parts.append(categories[0] if len(categories) == 1 else TEXTS("categories", count=len(categories)))
    if query.assignee != view.assignee and query.assignee:
        parts.append(TEXTS(query.assignee) if query.assignee in ("me", "unassigned") else query.assignee)
    for name in ("overdue", "private"):
        value = getattr(query, name)
        if value != getattr(view, name) and value is not None:
            parts.append(TEXTS(f"{name}_{'on' if value else 'off'}"))
    if query.agency != view.agency and query.agency:
        parts.append(query.agency)
    if query.q != view.q and query.q:
        parts.append(f"“{query.q.strip()}”")
    return ", ".join(parts)


def all_views(custom: Mapping[str, View]) -> dict[str, View]:
    """The built-in views and the config's, which replace built-in ones of the same name."""
    return {**BUILT_IN, **custom}


def starting_view(role: str, custom: Mapping[str, View], defaults: Mapping[str, str]) -> View:
    """The view `role` starts on: the config's choice, else the built-in one for the role."""
    views = all_views(custom)
    name = defaults.get(role) or DEFAULT_BY_ROLE.get(role, ALL)
    return views.get(name, BUILT_IN[ALL])


# --- the config file's tables ----------------------------------------------------------------------

_STRINGS = ("agency", "assignee", "q", "title")
_BOOLEANS = ("private", "overdue", "handed_on")
_ARRAYS = ("status", "category")


class ViewProblem(ValueError):
    """What is wrong with a `[views]` or `[default_view]` table, in words for an error message."""


def parse_views(table: object) -> dict[str, View]:
    """The `[views]` table of the config file."""
    if not isinstance(table, dict):
        raise ViewProblem("[views] must be a table of views ([views.NAME])")
    return {_name(name): _view(name, spec) for name, spec in table.items()}


def parse_default_views(table: object, views: Mapping[str, View]) -> dict[str, str]:
    """The `[default_view]` table: role -> the name of a view (built in or in `views`)."""
    if not isinstance(table, dict):
        raise ViewProblem('[default_view] must be a table of roles and view names (officer = "milik-saya")')
    known = all_views(views)
    for role, name in table.items():
        if not isinstance(name, str) or name not in known:
            raise ViewProblem(f"[default_view] {_quoted(role)} must name a view, one of: {', '.join(sorted(known))}")
    return dict(table)


def _name(name: str) -> str:
    if not VIEW_NAME.fullmatch(name):
        raise ViewProblem(f"[views.{_quoted(name)}]: a view's name is 1-30 lower-case letters, digits and dashes")
    return name


def _view(name: str, spec: object) -> View:
    where = f"[views.{name}]"
    if not isinstance(spec, dict):
        raise ViewProblem(f"{where} must be a table of filters and a sort")
    unknown = set(spec) - {*_STRINGS, *_BOOLEANS, *_ARRAYS, "sort"}
    if unknown:
        raise ViewProblem(f"{where}: unknown key {_quoted(sorted(unknown)[0])}")
    for key in _STRINGS:
        if key in spec and not (isinstance(spec[key], str) and spec[key].strip()):
            raise ViewProblem(f"{where} {key} must be a string that is not empty")
    for key in _BOOLEANS:
        if key in spec and not isinstance(spec[key], bool):
            raise ViewProblem(f"{where} {key} must be true or false")
    for key in _ARRAYS:
        if key in spec and not (isinstance(spec[key], list) and all(isinstance(v, str) for v in spec[key])):
            raise ViewProblem(f"{where} {key} must be an array of strings")
    bad_status = [s for s in spec.get("status", []) if s not in {status.value for status in ReportStatus}]
    if bad_status:
        raise ViewProblem(f"{where} status {_quoted(bad_status[0])} is not one of: {', '.join(ReportStatus)}")
    sort = spec.get("sort", DEFAULT_SORT)
    if sort not in SORTS:
        raise ViewProblem(f"{where} sort must be one of: {', '.join(SORTS)}")
    query = ReportQuery(
        status=spec.get("status", ()),
        category=spec.get("category", ()),
        agency=spec.get("agency"),
        assignee=spec.get("assignee"),
        private=spec.get("private"),
        overdue=spec.get("overdue"),
        q=spec.get("q"),
        sort=sort,
        handed_on=spec.get("handed_on", False),
    )
    return View(name, query, spec.get("title"))


def _quoted(value: object) -> str:
    return repr(clean_line(str(value), max_chars=40))
