"""Response templates: `GET /templates` for every signed-in operator, filtered by action and
category; `crm-server template add | list | remove` against the running server's database; the
demo's Indonesian templates.

Templates this module adds have titles of their own (a marker): no other test reads templates
by title, and each test reads back only what it added or what the demo seeded."""

from __future__ import annotations

import pytest

from crm_server.demo.templates import DEMO_TEMPLATES
from tests.crm_server.helpers import Api, assert_error_body, marker
from tests.crm_server.test_cli import fails_with_one_line, terminal_controls
from tests.support.cli import crm_server


def template(api: Api, *args: str, stdin: str | None = None, check: bool = True):
    return crm_server("template", *args, "--db", api.server.db, stdin=stdin, check=check)


def titles(api: Api, user: str = "officer", **params: str) -> set[str]:
    response = api.get(user, "/templates", params=params)
    assert response.status_code == 200, response.text
    return {t["title"] for t in response.json()}


def test_the_demo_templates_are_served_by_action_and_category(api: Api):
    every = api.get("validator", "/templates").json()
    demo = {(t.action, t.title) for t in DEMO_TEMPLATES}
    assert demo <= {(t["action"], t["title"]) for t in every}
    served = {t["title"]: t for t in every}
    assert served["Jalan sudah diperbaiki"]["categories"] == ["jalan-berlubang", "jalan-rusak"]
    assert "{kelurahan}" in served["Bukan wewenang kelurahan"]["text"]  # the client fills it

    closes = titles(api, action="close")
    assert {"Bukan wewenang kelurahan", "Duplikat laporan sebelumnya"} <= closes
    assert "Sampah sudah diangkut" not in closes and "Foto bukti tidak sesuai lokasi" not in closes
    # A category's templates: those for it and those for every category, not another category's.
    for_roads = titles(api, action="follow_up", category="jalan-rusak")
    assert {"Jalan sudah diperbaiki", "Sudah ditindaklanjuti"} <= for_roads
    assert "Sampah sudah diangkut" not in for_roads
    assert "Jalan sudah diperbaiki" not in titles(api, action="follow_up", category="sampah")


@pytest.mark.parametrize(
    ("params", "status"), [({}, 401), ({"action": "delete"}, 422), ({"category": "Not A Code"}, 422)]
)
def test_templates_need_a_sign_in_and_known_filters(api: Api, params, status):
    user = None if status == 401 else "officer"
    assert_error_body(api.get(user, "/templates", params=params), status)


def test_add_list_and_remove_through_the_cli(api: Api):
    title = marker("Tanggapan")
    text = "Laporan {number} di {kelurahan} sudah kami terima."
    added = template(api, "add", "--action", "close", "--title", title, "--category", "banjir", stdin=text)
    assert "added" in added.stdout
    served = [t for t in api.get("dispatcher", "/templates", params={"action": "close"}).json() if t["title"] == title]
    assert [(t["text"], t["categories"]) for t in served] == [(text, ["banjir"])]
    assert title not in titles(api, action="close", category="sampah")

    listed = [line for line in template(api, "list", "--action", "close").stdout.splitlines() if title in line]
    assert len(listed) == 1 and "banjir" in listed[0]
    template_id = served[0]["id"]
    assert str(template_id) == listed[0].split()[0]

    template(api, "remove", "--id", str(template_id))
    assert title not in titles(api)
    fails_with_one_line(template(api, "remove", "--id", str(template_id), check=False), mentions="no template")


@pytest.mark.parametrize(
    ("extra", "mentions"),
    [
        (["--category", "no-such-category"], "unknown category"),
        (["--title", "Bukan wewenang kelurahan"], "already"),
        (["--title", "\u200b\u202e"], "title and a text"),
    ],
    ids=["category", "taken", "blank-title"],
)
def test_a_refused_template_is_one_line(api: Api, extra, mentions):
    args = ["--title", marker("T"), *extra] if "--title" not in extra else extra
    result = template(api, "add", "--action", "close", *args, "--text", "Teks.", check=False)
    fails_with_one_line(result, mentions=mentions)


def test_a_hostile_title_is_stored_and_listed_clean(api: Api):
    mark = marker("H")
    template(
        api, "add", "--action", "reject", "--title", f"{mark}\x1b]52;c;aGk=\x07\u202e[red]x", "--text", "a\x1b[2Jb"
    )
    served = [t for t in api.get("validator", "/templates").json() if t["title"].startswith(mark)]
    assert len(served) == 1 and not terminal_controls(served[0]["title"] + served[0]["text"])
    assert served[0]["title"].endswith("[red]x") and served[0]["text"] == "a[2Jb"
    listed = template(api, "list").stdout
    assert mark in listed and not terminal_controls(listed)


def test_the_openapi_document_declares_templates(api: Api):
    document = api.http.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/templates"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"action", "category"}
    schema = document["components"]["schemas"]["ResponseTemplate"]
    assert set(schema["properties"]) == {"id", "action", "title", "text", "categories"}
