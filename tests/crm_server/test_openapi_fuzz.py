"""schemathesis over the server's own OpenAPI document: generated requests, valid and invalid,
against the running server, with every check schemathesis has (no 5xx, responses as declared,
schema-valid data accepted, invalid data refused, auth enforced, ...), and stateful sequences
that follow the document's links.

Bounded and deterministic: a fixed seed, a few examples per operation. The event stream (it
never ends) and logout (it would revoke the token under test) are left out; intake needs its key
and gets a property test of its own in test_intake_fuzz below.

In the whole suite each test here runs once, on one database (`one_pass`): they are a quarter of
the suite's time in each pass. The generated input that reaches storage (every boundary of every
parameter, arbitrary text at intake) goes to PostgreSQL, the stricter of the two (no NUL in text,
typed comparisons); the officer's scope and the stateful sequences, which test the API above
storage, to SQLite. What either database was found to refuse is pinned on both in
test_bad_input.py. Given by path, or with CRM_TEST_DATABASE, each runs on either.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.crm_server.helpers import API, Api, assert_error_body, jpeg_bytes
from tests.support.server import ServerProcess

SEED = 20250305
SKIPPED = r"^/api/v1/(events|auth/logout|intake/reports)$"
STATEFUL_EXAMPLES = 8


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server of this module's own: the fuzz signs in with generated credentials, and its
    failures would use up the loopback address's sign-in budget on the suite's shared server,
    which every other test signs in from."""
    server = ServerProcess(tmp_path_factory.mktemp("fuzz") / "crm.sqlite3").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def api(fuzz_server: ServerProcess) -> Iterator[Api]:
    """The folder's `api`, on this module's server."""
    client = Api(fuzz_server)
    yield client
    client.close()


@pytest.fixture(scope="module")
def numbers(api: Api) -> list[str]:
    """Real report numbers, so generated requests reach real reports and not only 404s: reports
    of the fuzz's own (public with a photo, private with a photo, plain) and some seeded ones."""
    own = [api.submit(photo=jpeg_bytes()), api.submit(private=True, photo=jpeg_bytes()), api.submit()]
    seeded = [r["number"] for r in api.reports("supervisor", limit=4, agency="JP")["items"]]
    return own + seeded


# What schema-valid data may still be refused for, by rules no schema states: a forged cursor; a write's
# precondition (412: the ETag is another version's), and a write's meaning (422: the officer
# cannot be assigned that report, a duplicate needs another existing report, a note of nothing
# but control characters is empty once cleaned). Everything structural is in the document, and
# positive data anywhere else must be accepted.
WRITES_MAY_REFUSE = ["2xx", "401", "403", "404", "409", "412", "422", "429"]
WRITES = r"/reports/\{number\}/(assign|close|notes|coordinate|dispose|validate|reopen)$"
# An evidence photo's bytes must be a JPEG or PNG image, which no schema states of a file (415).
FOLLOW_UP_MAY_REFUSE = [*WRITES_MAY_REFUSE, "415"]
LIST_MAY_REFUSE = ["2xx", "401", "403", "404", "422", "429"]  # a cursor the server did not give


def _schema(api: Api, user: str, numbers: list[str], max_examples: int, *, coverage: bool = True):
    token = api.server.login(user)  # a token of its own: the fuzz must not log out the shared ones
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "base-url": api.server.base_url,
            "auth": {"openapi": {"HTTPBearer": {"bearer": token}}},
            "generation": {"max-examples": max_examples, "deterministic": True, "mode": "all"},
            # The coverage phase (every boundary of every parameter) is most of the run time: the
            # supervisor's run has it, the officer's covers what that role may and may not do.
            "phases": {"stateful": {"enabled": True}, "coverage": {"enabled": coverage}},
            "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
            "dictionaries": {
                "numbers": {"values": numbers},
                "officers": {"values": ["officer", "officer2", "officer.dbm"]},
            },
            "parameters": {
                "path.number": {"dictionary": "numbers", "probability": 0.7},
                "body.officer": {"dictionary": "officers", "probability": 0.7},
            },
            "operations": [
                {
                    "include-path-regex": WRITES,
                    "checks": {"positive_data_acceptance": {"expected-statuses": WRITES_MAY_REFUSE}},
                },
                {
                    "include-path-regex": r"/reports/\{number\}/follow-up$",
                    "checks": {"positive_data_acceptance": {"expected-statuses": FOLLOW_UP_MAY_REFUSE}},
                },
                {
                    # A cursor is opaque: only one the server gave is valid (test_reports_list.py).
                    "include-path-regex": r"/reports$",
                    "include-method": "GET",
                    "checks": {"positive_data_acceptance": {"expected-statuses": LIST_MAY_REFUSE}},
                },
            ],
        }
    )
    schema = schemathesis.openapi.from_url(f"{api.server.base_url}{API}/openapi.json", config=config)
    return schema


@pytest.fixture(scope="module")
def supervisor_schema(api: Api, numbers):
    return _schema(api, "supervisor", numbers, 6)


@pytest.fixture(scope="module")
def officer_schema(api: Api, numbers):
    return _schema(api, "officer", numbers, 8, coverage=False)


supervisor = schemathesis.pytest.from_fixture("supervisor_schema").exclude(path_regex=SKIPPED)
officer = schemathesis.pytest.from_fixture("officer_schema").exclude(path_regex=SKIPPED)


@pytest.mark.slow
@pytest.mark.one_pass("postgresql")  # its coverage phase: every boundary of every parameter
@supervisor.parametrize()
def test_api_as_supervisor(case):
    case.call_and_validate()


@pytest.mark.slow
@pytest.mark.one_pass("sqlite")  # what an officer may and may not reach: the API's scope rules
@officer.parametrize()
def test_api_as_officer(case):
    case.call_and_validate()


@pytest.mark.slow
@pytest.mark.one_pass("sqlite")  # sequences of calls that follow the document's links
def test_api_stateful_links(supervisor_schema):
    """Sequences that follow the document's links: the list to a report, a report and its ETag to
    its writes, a write to the next; every check on every response."""
    calls: list[tuple[str, int]] = []

    class Machine(supervisor_schema.exclude(path_regex=SKIPPED).as_state_machine()):
        def after_call(self, response, case):
            super().after_call(response, case)
            calls.append((case.operation.label, response.status_code))

    Machine.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    # The links lead somewhere: a report reached from the list. Whether a write then applies is up
    # to schemathesis (it follows a link by a coin weighted with that link's past successes, and a
    # generated body or a note in between makes a write fail): test_contract.py follows every link
    # by hand and applies the writes.
    succeeded = {label for label, status in calls if status < 300}
    assert "GET /api/v1/reports/{number}" in succeeded, sorted(set(calls))


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
@pytest.mark.one_pass("postgresql")  # arbitrary text into storage
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
