"""The citizen channel, as JAKI would call it: authenticated by an intake key, not an operator."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header

from crm_server import schemas
from crm_server.api.deps import Db, Dir
from crm_server.api.routes.errors_doc import errors
from crm_server.services import intake

router = APIRouter(prefix="/intake", tags=["intake"])


@router.post(
    "/reports",
    response_model=schemas.IntakeAccepted,
    status_code=201,
    responses=errors(400, 401, 413, 415, 422),
)
def submit_report(
    body: schemas.IntakeReport,
    db: Db,
    directory: Dir,
    x_intake_key: Annotated[str | None, Header(max_length=200)] = None,
) -> schemas.IntakeAccepted:
    intake.check_intake_key(db, x_intake_key)
    return schemas.IntakeAccepted(number=intake.submit(db, directory, body))
