"""The follow-up lifecycle's writes (coordinate, dispose, follow-up, validate, reopen) and the
evidence photos. Each write needs If-Match and takes an Idempotency-Key, as assign and close do;
a status the transition table does not allow is a 409 naming what is allowed."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from starlette.concurrency import run_in_threadpool

from crm_server import schemas
from crm_server.api.deps import Caller, Db, Dir
from crm_server.api.idempotent_write import idempotent_write
from crm_server.api.multipart import parse_form
from crm_server.api.routes.errors_doc import errors
from crm_server.api.routes.reports import IdempotencyKey, IfMatch, Number
from crm_server.errors import Unprocessable
from crm_server.images import clean_photo
from crm_server.lifecycle import Action
from crm_server.services import evidence, follow_up, report_routing, validation
from crm_server.services.follow_up import MAX_PHOTOS

router = APIRouter(prefix="/reports", tags=["lifecycle"])

# Evidence ids are INTEGER columns: within 32 bits on every engine.
EvidenceId = Annotated[int, Path(ge=1, le=2**31 - 1)]
_WRITE_ERRORS = errors(400, 401, 403, 404, 409, 412, 413, 422, 428)
_FOLLOW_UP_FORM = {
    "multipart/form-data": {
        "schema": {
            "type": "object",
            "required": ["response", "photos"],
            "properties": {
                "response": {"type": "string", "description": "Public: what the reporter reads."},
                "note": {"type": "string", "description": "Internal."},
                "photos": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": MAX_PHOTOS,
                    "items": {"type": "string", "format": "binary"},
                    "description": "1-4 JPEG or PNG photos, at most 5 MB each; metadata is stripped.",
                },
            },
        }
    }
}


def _route(action: Action):  # noqa: ANN202  (a FastAPI endpoint, typed by its parameters)
    def endpoint(
        number: Number,
        body: schemas.RouteRequest,
        request: Request,
        who: Caller,
        db: Db,
        directory: Dir,
        if_match: IfMatch = None,
        idempotency_key: IdempotencyKey = None,
    ) -> Response:
        return idempotent_write(
            request,
            db,
            who,
            idempotency_key,
            body.model_dump(mode="json"),
            200,
            lambda conn: report_routing.route(conn, directory, who, number, if_match, action, body),
        )

    return endpoint


router.post(
    "/{number}/coordinate",
    response_model=schemas.Report,
    responses=_WRITE_ERRORS,
    description="Dispatchers and supervisors pass a report that is not their agency's duty to the "
    "responsible agency: Koordinasi, in that agency's queue, unassigned. The agency it left reads it "
    "still (`handed_on=true` on the list) and can no longer act on it.",
)(_route(Action.COORDINATE))

router.post(
    "/{number}/dispose",
    response_model=schemas.Report,
    responses=_WRITE_ERRORS,
    description="A Dinas hands a report down to one of its own Suku Dinas: Disposisi.",
)(_route(Action.DISPOSE))


@router.post(
    "/{number}/follow-up",
    response_model=schemas.Report,
    responses=_WRITE_ERRORS | errors(415),
    openapi_extra={"requestBody": {"required": True, "content": _FOLLOW_UP_FORM}},
    description="The assigned officer's follow-up (from Proses or TL Ditolak): Menunggu Validasi. Each photo "
    "keeps its EXIF capture time (read before stripping), its upload time, the SHA-256 of the stored bytes and "
    "a perceptual hash; a photo nearly the same as evidence on another report names that report "
    "(`similar_to`).",
)
async def submit_follow_up(
    number: Number,
    request: Request,
    who: Caller,
    db: Db,
    directory: Dir,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    raw = await request.body()
    content_type = request.headers.get("content-type")

    def work() -> Response:
        form = parse_form(content_type, raw, texts={"response", "note"}, files={"photos"})
        photos = form.files.get("photos", [])
        if not 1 <= len(photos) <= MAX_PHOTOS:
            raise Unprocessable("A follow-up carries 1 to 4 evidence photos.")
        response, note = form.texts.get("response", ""), form.texts.get("note")
        fingerprint = {
            "response": response,
            "note": note,
            "photos": [hashlib.sha256(photo).hexdigest() for photo in photos],
        }
        cleaned = [clean_photo(photo) for photo in photos]  # before the write lock: decoding takes time
        return idempotent_write(
            request,
            db,
            who,
            idempotency_key,
            fingerprint,
            200,
            lambda conn: follow_up.submit(conn, directory, who, number, if_match, response, note, cleaned),
        )

    return await run_in_threadpool(work)


@router.post(
    "/{number}/validate",
    response_model=schemas.Report,
    responses=_WRITE_ERRORS,
    description="Validators (the Biro Pemerintahan) decide on the follow-up awaiting validation: `accept` "
    "(Selesai, resolution selesai) or `reject` with a reason (TL Ditolak, back to the same officer).",
)
def validate(
    number: Number,
    body: schemas.ValidateRequest,
    request: Request,
    who: Caller,
    db: Db,
    directory: Dir,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    return idempotent_write(
        request,
        db,
        who,
        idempotency_key,
        body.model_dump(mode="json"),
        200,
        lambda conn: validation.validate(conn, directory, who, number, if_match, body),
    )


@router.post(
    "/{number}/reopen",
    response_model=schemas.Report,
    responses=_WRITE_ERRORS,
    description="Supervisors and validators reopen a Selesai report within 30 days of its closing: Proses "
    "with its last officer (Menunggu when it never had one).",
)
def reopen(
    number: Number,
    body: schemas.ReopenRequest,
    request: Request,
    who: Caller,
    db: Db,
    directory: Dir,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    return idempotent_write(
        request,
        db,
        who,
        idempotency_key,
        body.model_dump(mode="json"),
        200,
        lambda conn: validation.reopen(conn, directory, who, number, if_match, body),
    )


@router.get(
    "/{number}/evidence/{evidence_id}",
    response_class=Response,
    responses={
        200: {"content": {"image/jpeg": {}, "image/png": {}}, "description": "The photo, metadata stripped."},
        **errors(401, 404, 422),
    },
    description="An evidence photo, for every operator in the report's scope, private reports too.",
)
def get_evidence(number: Number, evidence_id: EvidenceId, who: Caller, db: Db) -> Response:
    photo = evidence.view(db, who, number, evidence_id)  # audited
    return Response(
        photo.data,
        media_type=photo.content_type,
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )
