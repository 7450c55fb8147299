"""Response templates (administered by `crm-server template`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from crm_server import schemas
from crm_server.api.deps import Caller, Db
from crm_server.api.routes.errors_doc import errors
from crm_server.services import templates

router = APIRouter()


@router.get("/templates", response_model=list[schemas.ResponseTemplate], responses=errors(401, 422), tags=["reference"])
def list_templates(
    _who: Caller,
    db: Db,
    action: schemas.TemplateAction | None = None,
    category: Annotated[
        schemas.CategoryCode | None, Query(description="Those for this category and those for every category.")
    ] = None,
) -> list[schemas.ResponseTemplate]:
    with db.read() as conn:
        return templates.list_templates(conn, action=action, category=category)
