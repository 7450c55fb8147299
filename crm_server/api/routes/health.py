"""Probes. `/healthz/live`: the process serves requests (no database: a restart will not help
while the database is down). `/healthz/ready`: the database answers a real round trip, else the
503 that names the failure. `/healthz` is `ready`, as it has always been (a real round trip)."""

from __future__ import annotations

from fastapi import APIRouter

from crm_server import schemas
from crm_server.api.deps import Db
from crm_server.api.routes.errors_doc import DATABASE_FAULT
from crm_server.storage.migrations import applied_version

router = APIRouter(tags=["meta"])


@router.get("/healthz/live", response_model=schemas.Live)
def live() -> schemas.Live:
    return schemas.Live()


@router.get("/healthz/ready", response_model=schemas.Health, responses=DATABASE_FAULT)
@router.get("/healthz", response_model=schemas.Health, responses=DATABASE_FAULT)
def healthz(db: Db) -> schemas.Health:
    with db.read() as conn:
        return schemas.Health(schema_version=applied_version(conn))
