"""Who is calling, and which reports that lets them see."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_

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


def scope_clause(who: Principal) -> ColumnElement[bool]:
    """Supervisors, validators and observers see their agency's whole subtree; others their
    agency, and officers also what is assigned to them. As SQL over reports (agency_code is
    indexed); `in_scope` is the same rule for one report or event already loaded."""
    if who.role in SUBTREE_ROLES:
        low, high = subtree_range(who.agency_path)
        return and_(reports.c.agency_path >= low, reports.c.agency_path < high)
    own = reports.c.agency_code == who.agency_code
    if who.role is Role.OFFICER:
        return or_(own, reports.c.assignee_id == who.id)
    return own


def in_scope(who: Principal, agency_path: str, assignee_id: int | None) -> bool:
    """The rule of scope_clause, for one report or event already loaded: an agency's path names
    it as its code does (both are unique), and the event log holds paths alone."""
    if who.role in SUBTREE_ROLES:
        return agency_path.startswith(who.agency_path)
    if who.role is Role.OFFICER and assignee_id == who.id:
        return True
    return agency_path == who.agency_path


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
