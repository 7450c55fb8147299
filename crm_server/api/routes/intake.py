"""The citizen channel, as JAKI would call it: authenticated by an intake key, not an operator."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header

from crm_server import schemas
from crm_server.api.deps import Db, Dir
from crm_server.api.routes.errors_doc import errors
from crm_server.services import intake
from crm_server.services.intake_keys import MAX_KEY_CHARS

router = APIRouter(prefix="/intake", tags=["intake"])


@router.post(
    "/reports",
    response_model=schemas.IntakeAccepted,
    status_code=201,
    responses=errors(400, 401, 413, 415, 422, 429),
)
def submit_report(
    body: schemas.IntakeReport,
    db: Db,
    directory: Dir,
    x_intake_key: Annotated[
        str,
        Header(
            max_length=MAX_KEY_CHARS,
            description="A key from `crm-server intake-key`. Checked before the body is read: "
            "missing or not valid, the answer is the same 401; repeated failures from one address get 429.",
        ),
    ],
) -> schemas.IntakeAccepted:
    # The key was checked before the body was read (api/intake_gate.py); declared here for the
    # OpenAPI document.
    return schemas.IntakeAccepted(number=intake.submit(db, directory, body))
