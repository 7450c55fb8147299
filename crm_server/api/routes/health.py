"""Liveness with a real database round trip."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import func, select, table, column

from crm_server import schemas
from crm_server.api.deps import Db

router = APIRouter(tags=["meta"])
_migrations = table("schema_migrations", column("version"))


@router.get("/healthz", response_model=schemas.Health)
def healthz(db: Db) -> schemas.Health:
    with db.read() as conn:
        version = conn.execute(select(func.max(_migrations.c.version))).scalar_one()
    return schemas.Health(schema_version=version)
