"""The OpenAPI document says what the server enforces, no less: what FastAPI cannot derive from
the routes is stated here, once, when the document is first built.

- `If-Match` is required wherever the server answers 428 without it, and is one or more ETags
  (the route takes it as optional only so that its absence is a 428 with a clear message, not a
  generic 422);
- `agency` (GET /reports) is one of the agency codes the server knows;
- a header or query parameter is a value or absent, never null;
- links: where a response's values lead (a report in the list to the report, the report and its
  ETag to its writes), for clients and for stateful testing.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from crm_server.services.directory import Directory
from crm_server.services.report_changes import IF_MATCH_PATTERN


def install(app: FastAPI, directory: Directory) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            _state_exactly(document, sorted(directory.agencies))
            _link(document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _state_exactly(document: dict[str, Any], agency_codes: list[str]) -> None:
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                _not_null(parameter)
                if_match = parameter["in"] == "header" and parameter["name"].lower() == "if-match"
                if if_match and "428" in operation.get("responses", {}):
                    parameter["required"] = True
                    parameter["schema"]["pattern"] = IF_MATCH_PATTERN
                if parameter["in"] == "query" and parameter["name"] == "agency":
                    parameter["schema"] = {"type": "string", "enum": agency_codes, "title": "Agency"}


def _not_null(parameter: dict[str, Any]) -> None:
    """A header or query parameter is sent or not; it is never JSON null (FastAPI writes an
    optional one as `anyOf: [X, null]`)."""
    options = parameter["schema"].get("anyOf")
    if options and {"type": "null"} in options and len(options) == 2:
        kept = next(option for option in options if option != {"type": "null"})
        rest = {key: value for key, value in parameter["schema"].items() if key != "anyOf"}
        parameter["schema"] = {**kept, **rest}


_API = "/api/v1"
_REPORT = f"{_API}/reports/{{number}}"
# The writes that take the report's ETag as If-Match.
_WRITES = ("assign", "close", "coordinate", "dispose", "follow-up", "validate", "reopen")


def _operation_id(document: dict[str, Any], path: str, method: str) -> str:
    return str(document["paths"][path][method]["operationId"])


def _link(document: dict[str, Any]) -> None:
    def links(path: str, method: str, status: str, number: str, etag: bool) -> None:
        found = {
            "GetReport": (_REPORT, "get"),
            "GetPhoto": (f"{_REPORT}/photo", "get"),
            "AddNote": (f"{_REPORT}/notes", "post"),
        }
        found.update({f"{w.title().replace('-', '')}Report": (f"{_REPORT}/{w}", "post") for w in _WRITES})
        response = document["paths"][path][method]["responses"][status]
        response["links"] = {
            name: {
                "operationId": _operation_id(document, target, target_method),
                "parameters": {
                    "path.number": number,
                    **(
                        {"header.if-match": "$response.header.ETag"}
                        if etag and target.rsplit("/", 1)[1] in _WRITES
                        else {}
                    ),
                },
            }
            for name, (target, target_method) in found.items()
            if (etag or target == _REPORT) and (target, target_method) != (path, method)
        }

    links(f"{_API}/reports", "get", "200", "$response.body#/items/0/number", etag=False)
    links(_REPORT, "get", "200", "$response.body#/number", etag=True)
    for write in _WRITES:
        links(f"{_REPORT}/{write}", "post", "200", "$response.body#/number", etag=True)
