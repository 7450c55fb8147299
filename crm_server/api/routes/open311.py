"""Open311 GeoReport v2: a second citizen channel beside the intake API, for any Open311 app.

Discovery, services, submission (form fields, authenticated by an intake key as `api_key`) and
the public status of non-private reports; each in JSON or XML, chosen by the path's extension.
Errors come in the spec's shape (api/open311_answers.py, called by the API's error handlers).
Not in the OpenAPI document: the GeoReport v2 specification documents these routes.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from crm_server.api import open311_answers as answers
from crm_server.api.deps import Db, Dir
from crm_server.api.multipart import parse_form
from crm_server.errors import NotFound, Unprocessable
from crm_server.security import token_digest
from crm_server.services import idempotency, intake_keys, open311

router = APIRouter(prefix=answers.OPEN311_PREFIX, include_in_schema=False)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-04T00:00:00+07:00"  # when the endpoints or services below last changed
CONTACT = "Jakarta CRM: the Diskominfotik service desk"
_MEDIA_FIELD = "media"


def _kind(fmt: str) -> str:
    if fmt not in answers.FORMATS:
        raise NotFound()
    return fmt


def _params(request: Request, allowed: frozenset[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if name not in allowed:
            raise Unprocessable("The query has a parameter this request does not take.")
        if name in params:
            raise Unprocessable("A query parameter was given more than once.")
        params[name] = value
    return params


def _media_base(request: Request) -> str:
    return f"{str(request.base_url).rstrip('/')}{answers.OPEN311_PREFIX}/requests"


@router.get("/discovery.{fmt}")
def discovery(fmt: str, request: Request) -> Response:
    kind = _kind(fmt)
    endpoint = {
        "specification": SPECIFICATION,
        "url": f"{str(request.base_url).rstrip('/')}{answers.OPEN311_PREFIX}",
        "changeset": CHANGESET,
        "type": "production",
        "formats": ["application/json", "text/xml"],
    }
    document = {"changeset": CHANGESET, "contact": CONTACT, "key_service": CONTACT, "endpoints": [endpoint]}
    return answers.single(kind, document, "discovery")


@router.get("/services.{fmt}")
def services(fmt: str, request: Request, directory: Dir) -> Response:
    kind = _kind(fmt)
    open311.check_jurisdiction(_params(request, frozenset({"jurisdiction_id"})).get("jurisdiction_id"))
    return answers.rows(kind, open311.service_list(directory), "services", "service")


@router.get("/services/{code}.{fmt}")
def service_definition(code: str, fmt: str, request: Request, directory: Dir) -> Response:
    kind = _kind(fmt)
    open311.check_jurisdiction(_params(request, frozenset({"jurisdiction_id"})).get("jurisdiction_id"))
    return answers.single(kind, open311.service_definition(directory, code), "service_definition")


@router.get("/requests.{fmt}")
def list_requests(fmt: str, request: Request, db: Db, directory: Dir) -> Response:
    kind = _kind(fmt)
    query = open311.parse_query(_params(request, open311.QUERY_FIELDS))
    found = open311.find(db, directory, query, _media_base(request))
    return answers.rows(kind, found, "service_requests", "request")


@router.get("/requests/{number}.{fmt}")
def get_request(number: str, fmt: str, request: Request, db: Db, directory: Dir) -> Response:
    kind = _kind(fmt)
    open311.check_jurisdiction(_params(request, frozenset({"jurisdiction_id"})).get("jurisdiction_id"))
    # A list of one, as the spec answers it.
    return answers.rows(kind, [open311.one(db, directory, number, _media_base(request))], "service_requests", "request")


@router.get("/requests/{number}/media")
def get_media(number: str, db: Db) -> Response:
    photo = open311.public_photo(db, number)
    return Response(
        photo.data,
        media_type=photo.content_type,
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


def _form(content_type: str | None, raw: bytes) -> tuple[dict[str, str], bytes | None]:
    """The submission's fields (each at most once, none unknown) and its photo, if uploaded."""
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    if kind == "multipart/form-data":
        form = parse_form(
            content_type,
            raw,
            texts=open311.SUBMIT_FIELDS,
            files={_MEDIA_FIELD},
            max_parts=len(open311.SUBMIT_FIELDS) + 1,
        )
        media = form.files.get(_MEDIA_FIELD, [])
        if len(media) > 1:
            raise Unprocessable("One photo per request.")
        return form.texts, media[0] if media else None
    if kind != "application/x-www-form-urlencoded":
        raise Unprocessable("Send the request as application/x-www-form-urlencoded or multipart/form-data.")
    fields: dict[str, str] = {}
    try:
        pairs = parse_qsl(
            raw.decode("utf-8"), keep_blank_values=True, max_num_fields=len(open311.SUBMIT_FIELDS), errors="strict"
        )
    except (UnicodeDecodeError, ValueError):
        raise Unprocessable("The form could not be read (UTF-8, at most one value per field).") from None
    for name, value in pairs:
        if name not in open311.SUBMIT_FIELDS or name in fields:
            raise Unprocessable("The form has a field this request does not take, or one twice.")
        fields[name] = value
    return fields, None


@router.post("/requests.{fmt}")
async def submit_request(fmt: str, request: Request, db: Db, directory: Dir) -> Response:
    kind = _kind(fmt)
    raw = await request.body()
    content_type = request.headers.get("content-type")
    address = request.client.host if request.client else None
    key = request.headers.get("idempotency-key")

    def work() -> dict[str, object]:
        fields, media = _form(content_type, raw)
        # The intake's key, its refusals audited and throttled by address as at the intake.
        api_key = fields.get("api_key")
        intake_keys.admit(db, api_key, address)
        # A retry with the Idempotency-Key answers the first request's number, as at the intake.
        scope = idempotency.intake_scope(token_digest(api_key or ""))
        tried = idempotency.attempt(scope, key, request.method, request.url.path, open311.fingerprint(fields, media))
        return open311.submit(db, directory, fields, media, tried)

    accepted = await run_in_threadpool(work)
    return answers.rows(kind, [accepted], "service_requests", "request", 201)
