"""Liveness with a real database round trip."""

from __future__ import annotations

from fastapi import APIRouter

from crm_server import schemas
from crm_server.api.deps import Db
from crm_server.storage.migrations import applied_version

router = APIRouter(tags=["meta"])


@router.get("/healthz", response_model=schemas.Health)
def healthz(db: Db) -> schemas.Health:
    with db.read() as conn:
        return schemas.Health(schema_version=applied_version(conn))
