"""Open311's answers: the same rows as JSON or as XML (the path's extension chooses), and errors
in the spec's shape (a list of `{code, description}`), for every failure under the Open311 prefix."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fastapi.responses import JSONResponse, Response

from crm_server.api import open311_xml

OPEN311_PREFIX = "/open311/v2"
FORMATS = ("json", "xml")
XML_TYPE = "text/xml; charset=utf-8"
# The spec answers bad input with 400 and a refused api_key with 403; the rest of the API says
# 422 and 401 for the same.
_SPEC_STATUS = {422: 400, 401: 403}


def owns(path: str) -> bool:
    return path == OPEN311_PREFIX or path.startswith(OPEN311_PREFIX + "/")


def rows(kind: str, payload: Sequence[Mapping[str, object]], root: str, item: str, status: int = 200) -> Response:
    if kind == "xml":
        return Response(open311_xml.document(root, item, payload), status, media_type=XML_TYPE)
    return JSONResponse(list(payload), status)


def single(kind: str, payload: Mapping[str, object], root: str) -> Response:
    if kind == "xml":
        return Response(open311_xml.single(root, payload), media_type=XML_TYPE)
    return JSONResponse(dict(payload))


def error(path: str, status: int, description: str, headers: Mapping[str, str] | None = None) -> Response:
    """The error as the path's format asks (XML for `….xml`, else JSON); `description` is a fixed
    text, never the request's input."""
    status = _SPEC_STATUS.get(status, status)
    kind = "xml" if path.endswith(".xml") else "json"
    response = rows(kind, [{"code": status, "description": description}], "errors", "error", status)
    response.headers.update(headers or {})
    return response
