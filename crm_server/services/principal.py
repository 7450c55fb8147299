"""Who is calling, and which reports that lets them see."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Table, and_, or_

from crm_server.roles import SUBTREE_ROLES, Role
from crm_server.storage.schema import handoffs, reports


@dataclass(frozen=True)
class Principal:
    id: int
    username: str
    display_name: str
    role: Role
    agency_code: str
    agency_path: str

    def __repr__(self) -> str:
        return f"Principal({self.username!r}, {self.role.value})"


def subtree_range(path: str) -> tuple[str, str]:
    """[low, high) of every path below `path` ("/" + 1 is "0"): an index range scan."""
    return path, path[:-1] + "0"


def scope_clause(who: Principal, table: Table = reports) -> ColumnElement[bool]:
    """Supervisors, validators and observers see their agency's whole subtree; others their
    agency, and officers also what is assigned to them. `table` is any table with the report's agency_path and
    assignee_id (reports, and the event log); its agency_code, where it has one, is indexed."""
    if who.role in SUBTREE_ROLES:
        low, high = subtree_range(who.agency_path)
        return and_(table.c.agency_path >= low, table.c.agency_path < high)
    own = table.c.agency_code == who.agency_code if "agency_code" in table.c else table.c.agency_path == who.agency_path
    if who.role is Role.OFFICER:
        return or_(own, table.c.assignee_id == who.id)
    return own


def in_scope(who: Principal, agency_code: str, agency_path: str, assignee_id: int | None) -> bool:
    """The same rule as scope_clause, for one row already loaded."""
    if who.role in SUBTREE_ROLES:
        return agency_path.startswith(who.agency_path)
    if who.role is Role.OFFICER and assignee_id == who.id:
        return True
    return agency_code == who.agency_code


def path_in_scope(who: Principal, agency_path: str) -> bool:
    """Whether an agency (e.g. an officer's) lies within the caller's reach for assignment."""
    if who.role is Role.SUPERVISOR:
        return agency_path.startswith(who.agency_path)
    return agency_path == who.agency_path


def handed_on_by(who: Principal) -> ColumnElement[bool]:
    """Handoffs (coordinations, dispositions) from the caller's agency, or from their subtree
    for the roles that read one: the reports they handed on, which they still read."""
    if who.role in SUBTREE_ROLES:
        low, high = subtree_range(who.agency_path)
        return and_(handoffs.c.from_agency_path >= low, handoffs.c.from_agency_path < high)
    return handoffs.c.from_agency_code == who.agency_code
