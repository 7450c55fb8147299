"""The error responses each route declares in the OpenAPI document. Routes that take a JSON body
declare 400 (a body that is not JSON text at all) and 413 (over the size limit) too."""

from __future__ import annotations

from crm_server.schemas import ConflictBody, ErrorBody, PreconditionFailedBody, ValidationErrorBody

_MODELS = {409: ConflictBody, 412: PreconditionFailedBody, 422: ValidationErrorBody}


def errors(*codes: int) -> dict:
    return {code: {"model": _MODELS.get(code, ErrorBody)} for code in codes}
