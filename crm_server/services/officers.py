"""Whom a caller may assign to, with each officer's open workload."""

from __future__ import annotations

from sqlalchemy import Connection, and_, func, select

from crm_server import schemas
from crm_server.roles import Role
from crm_server.services.principal import Principal, subtree_range
from crm_server.statuses import Status
from crm_server.storage.schema import agencies, operators, reports


def assignable(conn: Connection, who: Principal) -> list[schemas.Officer]:
    """Dispatchers: the officers of their agency; supervisors: of their subtree; an officer: only
    themself (an officer may claim a report, not hand one to someone else)."""
    query = (
        select(operators.c.id, operators.c.username, operators.c.display_name, agencies.c.code, agencies.c.name)
        .select_from(operators.join(agencies, operators.c.agency_code == agencies.c.code))
        .where(operators.c.role == Role.OFFICER.value, operators.c.active.is_(True))
        .order_by(operators.c.display_name, operators.c.username)
    )
    if who.role is Role.SUPERVISOR:
        low, high = subtree_range(who.agency_path)
        query = query.where(and_(agencies.c.path >= low, agencies.c.path < high))
    elif who.role is Role.OFFICER:
        query = query.where(operators.c.id == who.id)
    else:
        query = query.where(operators.c.agency_code == who.agency_code)
    rows = conn.execute(query).all()
    workload = _open_workload(conn, [r.id for r in rows])
    return [
        schemas.Officer(
            username=r.username,
            display_name=r.display_name,
            agency=schemas.AgencyRef(code=r.code, name=r.name),
            open_workload=workload.get(r.id, 0),
        )
        for r in rows
    ]


def _open_workload(conn: Connection, officer_ids: list[int]) -> dict[int, int]:
    if not officer_ids:
        return {}
    rows = conn.execute(
        select(reports.c.assignee_id, func.count())
        .where(reports.c.assignee_id.in_(officer_ids), reports.c.status != int(Status.SELESAI))
        .group_by(reports.c.assignee_id)
    ).all()
    return {assignee: count for assignee, count in rows}
