"""Passing a report between agencies: coordination (to the agency whose duty it is) and
disposition (a Dinas to one of its own Suku Dinas). The report moves to the receiving agency's
queue, unassigned; the agency it left keeps reading it and can no longer act on it."""

from __future__ import annotations

from sqlalchemy import Connection

from crm_server import schemas
from crm_server.clock import now
from crm_server.errors import Unprocessable
from crm_server.lifecycle import Action
from crm_server.services.directory import AgencyInfo, Directory
from crm_server.services.principal import Principal
from crm_server.services.report_access import load_in_scope
from crm_server.services.report_changes import apply, authorize, log, routed
from crm_server.services.report_reads import report_detail
from crm_server.statuses import Status
from crm_server.storage.schema import handoffs
from crm_text.sanitize import clean_text

_HISTORY = {Action.COORDINATE: ("coordinated", Status.KOORDINASI), Action.DISPOSE: ("disposed", Status.DISPOSISI)}


def _target(directory: Directory, action: Action, current: AgencyInfo, code: str) -> AgencyInfo:
    target = directory.agencies.get(code)
    if action is Action.DISPOSE:
        if target is None or target.kind != "suku_dinas" or target.parent_code != current.code:
            raise Unprocessable("A disposition goes only to a Suku Dinas of the Dinas that holds the report.")
    elif target is None or target.code == current.code:
        raise Unprocessable("Coordinate to another agency: an agency code from GET /api/v1/agencies.")
    return target


def route(
    conn: Connection,
    directory: Directory,
    who: Principal,
    number: str,
    if_match: str | None,
    action: Action,
    body: schemas.RouteRequest,
) -> schemas.Report:
    row = load_in_scope(conn, who, number, str(action))
    authorize(conn, who, row, action, if_match)
    current = directory.agencies[row.agency_code]
    target = _target(directory, action, current, body.agency)
    note = clean_text(body.note)
    if not note:
        raise Unprocessable("A note is required: why the report goes there.")
    kind, status = _HISTORY[action]
    apply(
        conn,
        row,
        {
            "status": int(status),
            "agency_code": target.code,
            "agency_path": target.path,
            "assignee_id": None,
            **routed(row),
        },
    )
    conn.execute(
        handoffs.insert().values(
            report_id=row.id,
            at=now(),
            kind=str(action),
            from_agency_code=current.code,
            from_agency_path=current.path,
            to_agency_code=target.code,
            actor_id=who.id,
            note=note,
        )
    )
    detail = f"{current.code} -> {target.code}"
    log(conn, directory, who, row, kind, str(action), to_status=status, detail=detail, note=note)
    return report_detail(conn, directory, row.id, who)
