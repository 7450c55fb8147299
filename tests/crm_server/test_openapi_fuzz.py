"""schemathesis over the server's own OpenAPI document: generated requests, valid and invalid,
against the running server. No response may be a 5xx or break the declared schema.

Bounded and deterministic: a fixed seed, a few examples per operation. The event stream (it
never ends) and logout (it would revoke the token under test) are left out; intake needs its key
and gets a property test of its own in test_intake_fuzz below.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.crm_server.helpers import API, Api, assert_error_body, jpeg_bytes

SEED = 20250305
CHECKS = [not_a_server_error, response_schema_conformance]
SKIPPED = r"^/api/v1/(events|auth/logout|intake/reports)$"


@pytest.fixture(scope="module")
def numbers(api: Api) -> list[str]:
    """Real report numbers, so generated requests reach real reports and not only 404s: reports
    of the fuzz's own (public with a photo, private with a photo, plain) and some seeded ones."""
    own = [api.submit(photo=jpeg_bytes()), api.submit(private=True, photo=jpeg_bytes()), api.submit()]
    seeded = [r["number"] for r in api.reports("supervisor", limit=4, agency="JP")["items"]]
    return own + seeded


def _schema(api: Api, user: str, numbers: list[str], max_examples: int):
    token = api.server.login(user)  # a token of its own: the fuzz must not log out the shared ones
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "base-url": api.server.base_url,
            "headers": {"Authorization": f"Bearer {token}"},
            "generation": {"max-examples": max_examples, "deterministic": True, "mode": "all"},
            "phases": {"stateful": {"enabled": False}},
            "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
            "dictionaries": {
                "numbers": {"values": numbers},
                "officers": {"values": ["officer", "officer2", "officer.dbm", "supervisor", "dispatcher"]},
            },
            "parameters": {
                "path.number": {"dictionary": "numbers", "probability": 0.7},
                "body.officer": {"dictionary": "officers", "probability": 0.7},
            },
        }
    )
    schema = schemathesis.openapi.from_url(f"{api.server.base_url}{API}/openapi.json", config=config)
    return schema


@pytest.fixture(scope="module")
def supervisor_schema(api: Api, numbers):
    return _schema(api, "supervisor", numbers, 25)


@pytest.fixture(scope="module")
def officer_schema(api: Api, numbers):
    return _schema(api, "officer", numbers, 8)


supervisor = schemathesis.pytest.from_fixture("supervisor_schema").exclude(path_regex=SKIPPED)
officer = schemathesis.pytest.from_fixture("officer_schema").exclude(path_regex=SKIPPED)


@pytest.mark.slow
@supervisor.parametrize()
def test_api_as_supervisor(case):
    case.call_and_validate(checks=CHECKS)


@pytest.mark.slow
@officer.parametrize()
def test_api_as_officer(case):
    case.call_and_validate(checks=CHECKS)


# --- intake: generated reports, with a valid key --------------------------------------------

_UNSAFE = (
    set(range(0x00, 0x09))
    | set(range(0x0B, 0x20))
    | set(range(0x7F, 0xA0))
    | {0x200B, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x061C, 0xFEFF}
)


@st.composite
def intake_bodies(draw, categories: list[str], kelurahan: list[str]) -> dict:
    """Reports with arbitrary text; most are otherwise valid, the rest break one reference."""
    text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
    broken = draw(st.sampled_from([None, None, None, "channel", "category", "kelurahan", "coordinates"]))
    junk = st.text(max_size=20)
    body = {
        "channel": draw(junk if broken == "channel" else st.sampled_from(["JAKI", "Twitter", "LAPOR!", "E-mail"])),
        "category": draw(junk if broken == "category" else st.sampled_from(categories)),
        "title": draw(text),
        "description": draw(text),
        "location": {
            "address": draw(text),
            "kelurahan": draw(junk if broken == "kelurahan" else st.sampled_from(kelurahan)),
            "lat": draw(st.none() | st.floats(-100 if broken else -90, 100 if broken else 90, allow_nan=False)),
            "lon": draw(st.none() | st.floats(-200 if broken else -180, 200 if broken else 180, allow_nan=False)),
        },
        "private": draw(st.booleans()),
    }
    if draw(st.booleans()):
        body["reporter"] = {k: draw(st.none() | st.text(max_size=30)) for k in ("name", "phone", "email", "nik")}
    return body


@pytest.mark.slow
def test_intake_fuzz(api: Api):
    categories = [c["code"] for c in api.categories]
    kelurahan = [a["code"] for a in api.get("supervisor", "/agencies").json() if a["kind"] == "kelurahan"]
    accepted = []

    @settings(
        max_examples=60,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(body=intake_bodies(categories, kelurahan))
    def submit(body):
        response = api.intake(body)
        assert response.status_code in (201, 422), (response.status_code, response.text)
        if response.status_code == 422:
            assert_error_body(response)
            return
        report, _ = api.detail("supervisor", response.json()["number"])
        accepted.append(report)
        assert report["private"] is body["private"] and report["category"] == body["category"]
        for text in (report["title"], report["description"], report["location"]["address"]):
            assert not {ord(c) for c in text} & _UNSAFE, text
        assert report["title"].strip()

    submit()
    assert len(accepted) >= 5, len(accepted)  # the generator reaches valid reports, not only refusals
