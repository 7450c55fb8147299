"""Every response is a declared model: each JSON object in a body has only the properties its
OpenAPI schema declares for that operation and status, and all the required ones."""

from __future__ import annotations

import re

import pytest

from tests.crm_server.helpers import API, Api, EventStream, assert_error_body, jpeg_bytes


@pytest.fixture(scope="module")
def spec(api: Api) -> dict:
    return api.http.get(f"{API}/openapi.json").json()


def undeclared(value, schema: dict, spec: dict, where: str = "$") -> list[str]:
    """Places where `value` holds a property its schema does not declare (or lacks a required one)."""
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in schema:
        found = [undeclared(value, option, spec, where) for option in schema["anyOf"]]
        return min(found, key=len)
    if schema.get("type") == "null":
        return [] if value is None else [f"{where}: not null"]
    if isinstance(value, list):
        items = schema.get("items", {})
        return [p for i, item in enumerate(value) for p in undeclared(item, items, spec, f"{where}[{i}]")]
    if isinstance(value, dict):
        if schema.get("type") != "object" and "properties" not in schema:
            return [f"{where}: an object where none is declared"]
        declared = schema.get("properties", {})
        problems = [f"{where}.{key}: undeclared" for key in value if key not in declared]
        problems += [f"{where}.{key}: missing" for key in schema.get("required", []) if key not in value]
        for key, item in value.items():
            if key in declared:
                problems += undeclared(item, declared[key], spec, f"{where}.{key}")
        return problems
    return []


def response_schema(spec: dict, method: str, path: str, status: int) -> dict:
    for template, operations in spec["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in operations:
            responses = operations[method.lower()]["responses"]
            declared = responses.get(str(status))
            assert declared is not None, f"{method} {template}: {status} is not declared"
            return declared["content"]["application/json"]["schema"]
    raise AssertionError(f"{method} {path}: no such operation")


def requests(api: Api) -> list[tuple[str, str, dict, str | None]]:
    """(method, path, request kwargs, user): successes and every kind of error."""
    public = api.submit(photo=jpeg_bytes())
    closed = api.submit()
    assert api.close_report("dispatcher", closed).status_code == 200
    assigned = api.submit()
    first = api.etag(assigned)
    assert api.assign("dispatcher", assigned, "officer", etag=first).status_code == 200
    roads = api.submit(category=api.dbm_category)
    return [
        ("GET", "/me", {}, "officer"),
        ("GET", "/agencies", {}, "officer"),
        ("GET", "/categories", {}, "officer"),
        ("GET", "/officers", {}, "supervisor"),
        ("GET", "/reports", {"params": {"limit": 20}}, "supervisor"),
        ("GET", "/reports", {"params": {"status": "Bogus"}}, "supervisor"),
        ("GET", "/reports", {"params": {"agency": "NOPE"}}, "supervisor"),
        ("GET", "/reports", {"params": {"cursor": "!!"}}, "supervisor"),
        ("GET", "/reports", {}, None),
        ("GET", f"/reports/{public}", {}, "dispatcher"),
        ("GET", f"/reports/{assigned}", {}, "dispatcher"),
        ("GET", f"/reports/{roads}", {}, "dispatcher"),
        ("GET", "/reports/NOPE", {}, "dispatcher"),
        ("GET", f"/reports/{api.submit(private=True, photo=jpeg_bytes())}/photo", {}, "dispatcher"),
        (
            "POST",
            f"/reports/{assigned}/assign",
            {"json": {"officer": "officer2"}, "headers": {"If-Match": first}},
            "dispatcher",
        ),
        ("POST", f"/reports/{public}/assign", {"json": {"officer": "officer2"}}, "dispatcher"),
        (
            "POST",
            f"/reports/{public}/assign",
            {"json": {"officer": "officer2"}, "headers": {"If-Match": '"1"'}},
            "officer",
        ),
        (
            "POST",
            f"/reports/{public}/assign",
            {"json": {"officer": "nobody"}, "headers": {"If-Match": '"1"'}},
            "dispatcher",
        ),
        ("POST", f"/reports/{public}/assign", {"json": {"officer": 5}, "headers": {"If-Match": '"1"'}}, "dispatcher"),
        (
            "POST",
            f"/reports/{closed}/close",
            {"json": {"resolution": "selesai", "note": "x"}, "headers": {"If-Match": api.etag(closed)}},
            "dispatcher",
        ),
        (
            "POST",
            f"/reports/{public}/close",
            {"json": {"resolution": "selesai", "note": "x"}, "headers": {"If-Match": '"1"'}},
            "dispatcher",
        ),
        ("POST", f"/reports/{public}/notes", {"json": {"text": "Dicek."}}, "dispatcher"),
        ("POST", f"/reports/{public}/notes", {"json": {"text": ""}}, "dispatcher"),
        ("POST", f"/reports/{public}/notes", {"json": {"text": "x" * 300_000}}, "dispatcher"),
        (
            "POST",
            f"/reports/{public}/notes",
            {"content": b'{"text": "\xff"}', "headers": {"Content-Type": "application/json"}},
            "dispatcher",
        ),
        ("POST", "/auth/login", {"json": {"username": "officer", "password": "officer-demo"}}, None),
        ("POST", "/auth/login", {"json": {"username": "officer", "password": "wrong"}}, None),
        ("POST", "/auth/login", {"json": {"user": "officer"}}, None),
        ("POST", "/intake/reports", {"json": api.intake_body(), "headers": {"X-Intake-Key": api.intake_key}}, None),
        ("POST", "/intake/reports", {"json": api.intake_body(), "headers": {"X-Intake-Key": "wrong"}}, None),
        ("POST", "/intake/reports", {"json": {"title": "x"}, "headers": {"X-Intake-Key": api.intake_key}}, None),
        ("GET", "/healthz", {}, None),
        ("GET", "/events", {"headers": {"Last-Event-ID": "9" * 40}}, "officer"),
        ("GET", "/events", {}, None),
    ]


def test_every_body_holds_only_declared_properties(api: Api, spec):
    statuses = set()
    for method, path, kwargs, user in requests(api):
        headers = {**api.auth(user), **kwargs.pop("headers", {})}
        response = api.http.request(method, API + path, headers=headers, **kwargs)
        statuses.add(response.status_code)
        schema = response_schema(spec, method, API + path, response.status_code)
        problems = undeclared(response.json(), schema, spec)
        assert problems == [], (method, path, response.status_code, problems)
    assert statuses >= {200, 201, 400, 401, 403, 404, 409, 412, 413, 422, 428}


def test_the_checker_sees_an_undeclared_property(api: Api, spec):
    me = api.get("officer", "/me").json()
    schema = response_schema(spec, "GET", f"{API}/me", 200)
    assert undeclared(me, schema, spec) == []
    assert undeclared({**me, "nik": "3171"}, schema, spec) == ["$.nik: undeclared"]
    assert undeclared({**me, "agency": {**me["agency"], "path": "DKI/"}}, schema, spec) == ["$.agency.path: undeclared"]


def test_events_carry_a_declared_report_summary_and_actor(api: Api, spec):
    content = spec["paths"][f"{API}/events"]["get"]["responses"]["200"]["content"]
    assert list(content) == ["text/event-stream"]
    with EventStream(api, "supervisor") as stream:
        stream.started()
        number = api.submit(photo=jpeg_bytes())
        assert api.assign("dispatcher", number, "officer").status_code == 200
        event = stream.until(
            lambda f: f.kind == "event" and f.event == "assigned" and f.json["report"]["number"] == number
        ).json
    assert set(event) == {"id", "type", "at", "actor", "report"}
    assert undeclared(event["report"], {"$ref": "#/components/schemas/ReportSummary"}, spec) == []
    assert undeclared(event["actor"], {"$ref": "#/components/schemas/OperatorRef"}, spec) == []


# --- the document says what the server enforces ------------------------------------------------


def _parameter(document: dict, path: str, method: str, name: str) -> dict:
    parameters = document["paths"][f"/api/v1{path}"][method]["parameters"]
    return next(p for p in parameters if p["name"].lower() == name.lower())


def test_the_openapi_document_states_what_the_server_enforces(api: Api):
    document = api.http.get("/api/v1/openapi.json").json()
    for write in ("assign", "close"):
        if_match = _parameter(document, f"/reports/{{number}}/{write}", "post", "If-Match")
        assert if_match["required"] is True  # without it: 428
        assert re.fullmatch(if_match["schema"]["pattern"].strip("^$"), '"3", "4"')
        key = _parameter(document, f"/reports/{{number}}/{write}", "post", "Idempotency-Key")
        assert key["schema"]["maxLength"] == 200 and key["schema"]["pattern"] == "^[!-~]{1,200}$"
    agency = _parameter(document, "/reports", "get", "agency")["schema"]
    assert agency["enum"] == sorted(a["code"] for a in api.get("supervisor", "/agencies").json())
    channel = document["components"]["schemas"]["IntakeReport"]["properties"]["channel"]
    assert "JAKI" in channel["enum"] and "LAPOR!" in channel["enum"]
    username = document["components"]["schemas"]["LoginRequest"]["properties"]["username"]
    assert username["pattern"] == "^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$"
    links = document["paths"]["/api/v1/reports/{number}"]["get"]["responses"]["200"]["links"]
    assert links["AssignReport"]["parameters"] == {
        "path.number": "$response.body#/number",
        "header.if-match": "$response.header.ETag",
    }


def _resolve(expression: str, response) -> str:
    """A link's runtime expression (the two kinds the document uses) on a real response."""
    if expression.startswith("$response.header."):
        return response.headers[expression.removeprefix("$response.header.")]
    assert expression.startswith("$response.body#/"), expression
    value = response.json()
    for step in expression.removeprefix("$response.body#/").split("/"):
        value = value[int(step)] if isinstance(value, list) else value[step]
    return value


def _follow(document: dict, path: str, response, link: str) -> tuple[str, dict[str, str]]:
    """Where `link` of `path`'s 200 leads from `response`: the target's path and headers."""
    operations = {op["operationId"]: (p, op) for p, item in document["paths"].items() for op in item.values()}
    definition = next(
        op["responses"]["200"]["links"][link]
        for op in document["paths"][path].values()
        if link in op["responses"].get("200", {}).get("links", {})
    )
    target, _ = operations[definition["operationId"]]
    headers = {}
    for parameter, expression in definition["parameters"].items():
        where, name = parameter.split(".", 1)
        if where == "path":
            target = target.replace(f"{{{name}}}", _resolve(expression, response))
        else:
            headers[name] = _resolve(expression, response)
    return target.removeprefix(API), headers


def test_the_documents_links_lead_from_the_list_to_writes_that_apply(api: Api):
    """Followed by hand, as a client or a stateful fuzzer would: the list to its first report, the
    report and its ETag to an assignment, the assignment's new ETag to the close: each applies."""
    document = api.http.get(f"{API}/openapi.json").json()
    number = api.submit()
    listed = api.get("supervisor", "/reports", params={"q": number})
    path, _ = _follow(document, f"{API}/reports", listed, "GetReport")
    report = api.get("supervisor", path)
    assert report.status_code == 200 and report.json()["number"] == number

    path, headers = _follow(document, f"{API}/reports/{{number}}", report, "AssignReport")
    assigned = api.post("supervisor", path, {"officer": "officer"}, headers=headers)
    assert assigned.status_code == 200, assigned.text
    assert headers["if-match"] == report.headers["etag"] != assigned.headers["etag"]

    path, headers = _follow(document, f"{API}/reports/{{number}}/assign", assigned, "CloseReport")
    body = {"resolution": "tidak valid", "note": "Laporan uji."}
    closed = api.post("supervisor", path, body, headers=headers)
    assert closed.status_code == 200 and closed.json()["status"] == "Selesai", closed.text
    links = document["paths"][f"{API}/reports/{{number}}"]["get"]["responses"]["200"]["links"]
    for write in ("Coordinate", "Dispose", "FollowUp", "Validate", "Reopen"):  # the lifecycle's writes too
        assert links[f"{write}Report"]["parameters"]["header.if-match"] == "$response.header.ETag"


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("agency=JP&agency=JU", 422),
        ("limit=1&limit=2", 422),
        ("sort=created&sort=-created", 422),
        ("status=Menunggu&status=Proses", 200),  # a list: each value counts
        ("category=a&category=b&limit=1", 200),
    ],
)
def test_a_single_value_query_parameter_given_twice_is_refused(api: Api, query, status):
    response = api.http.get(f"/api/v1/reports?{query}", headers=api.auth("supervisor"))
    assert response.status_code == status, response.text[:300]


@pytest.mark.parametrize("key", ["with space", "tab\tkey", "é"])
def test_an_idempotency_key_outside_the_stated_pattern_is_refused(api: Api, key):
    number = api.submit()
    response = api.http.post(
        f"/api/v1/reports/{number}/notes",
        json={"text": "x"},
        headers={**api.auth("dispatcher"), "Idempotency-Key": key.encode("latin-1")},
    )
    assert_error_body(response, 422)
