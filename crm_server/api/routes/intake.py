"""The citizen channel, as JAKI would call it: authenticated by an intake key, not an operator."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request

from crm_server import schemas
from crm_server.api.deps import Db, Dir
from crm_server.api.routes.errors_doc import errors
from crm_server.api.routes.reports import IdempotencyKey
from crm_server.security import token_digest
from crm_server.services import idempotency, intake
from crm_server.services.intake_keys import MAX_KEY_CHARS

router = APIRouter(prefix="/intake", tags=["intake"])


@router.post(
    "/reports",
    response_model=schemas.IntakeAccepted,
    status_code=201,
    responses=errors(400, 401, 413, 415, 422, 429),
    description="With an `Idempotency-Key` (one per report the channel sends), a retry answers the first "
    "report's number and stores nothing; the key is the intake key's own (another intake key's same key is "
    "another report), and the same key with another body is a 422.",
)
def submit_report(
    body: schemas.IntakeReport,
    request: Request,
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
    idempotency_key: IdempotencyKey = None,
) -> schemas.IntakeAccepted:
    # The key was checked before the body was read (api/intake_gate.py); declared here for the
    # OpenAPI document, and the scope of the Idempotency-Key.
    scope = idempotency.intake_scope(token_digest(x_intake_key))
    fingerprint = body.model_dump(mode="json")
    tried = idempotency.attempt(scope, idempotency_key, request.method, request.url.path, fingerprint)
    return schemas.IntakeAccepted(number=intake.submit(db, directory, body, tried))
