"""The error responses each route declares in the OpenAPI document."""

from __future__ import annotations

from crm_server.api.schemas import ErrorBody, PreconditionFailedBody


def errors(*codes: int) -> dict:
    return {code: {"model": PreconditionFailedBody if code == 412 else ErrorBody} for code in codes}
