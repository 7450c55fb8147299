"""The agency dashboard's figures for the caller's scope."""

from __future__ import annotations

from fastapi import APIRouter

from crm_server import schemas
from crm_server.api.deps import Caller, Db, Dir
from crm_server.api.routes.errors_doc import errors
from crm_server.services.report_stats import report_stats

router = APIRouter()


@router.get(
    "/stats",
    response_model=schemas.Stats,
    responses=errors(401),
    tags=["reports"],
    description="Open, red, overdue and late Menunggu reports, and the last 30 days' closures and time to "
    "close, per officer and per sub-agency; arrivals and closures per Jakarta day. Only the caller's "
    "scope, as the report list has it.",
)
def get_stats(who: Caller, db: Db, directory: Dir) -> schemas.Stats:
    with db.read() as conn:
        return report_stats(conn, directory, who)
