"""Agencies, categories, assignable officers."""

from __future__ import annotations

from fastapi import APIRouter

from crm_server import schemas
from crm_server.api.deps import Caller, Db, Dir
from crm_server.api.routes.errors_doc import errors
from crm_server.services import officers

router = APIRouter()


@router.get("/agencies", response_model=list[schemas.Agency], responses=errors(401), tags=["reference"])
def list_agencies(_who: Caller, directory: Dir) -> list[schemas.Agency]:
    return [
        schemas.Agency(code=a.code, name=a.name, kind=a.kind, parent_code=a.parent_code)
        for a in directory.agencies.values()
    ]


@router.get("/categories", response_model=list[schemas.Category], responses=errors(401), tags=["reference"])
def list_categories(_who: Caller, directory: Dir) -> list[schemas.Category]:
    return [schemas.Category(code=c.code, name=c.name, dinas_code=c.dinas_code) for c in directory.categories.values()]


@router.get("/officers", response_model=list[schemas.Officer], responses=errors(401), tags=["reference"])
def list_officers(who: Caller, db: Db) -> list[schemas.Officer]:
    with db.read() as conn:
        return officers.assignable(conn, who)
