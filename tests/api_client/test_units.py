"""The pure parts: backoff and Retry-After, the report query, the models' shape."""

from __future__ import annotations

import inspect
import json
import random
import ssl
import typing
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import msgspec
import pytest

import api_client.models as models
from api_client import CrmClient, ReportQuery, ReportStatus, RetryPolicy
from api_client.errors import error_from_response
from api_client.retry import parse_retry_after


def test_parse_retry_after():
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 3 ") == 3.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=90), usegmt=True), now=now) == 90.0
    assert parse_retry_after("Sat, 28 Nov 2026 11:00:00 GMT", now=now) == 0.0  # in the past
    for bad in (None, "", "-5", "soon", "1e9", "9" * 100):
        assert parse_retry_after(bad) is None, bad


def test_backoff_is_full_jitter_under_an_exponential_ceiling():
    policy = RetryPolicy(initial_backoff=0.5, max_backoff=8.0, retry_after_cap=20.0)
    rng = random.Random(7)
    for attempt, ceiling in enumerate((0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0)):
        draws = [policy.backoff(attempt, rng=rng) for _ in range(200)]
        assert all(0.0 <= d <= ceiling for d in draws)
        assert max(draws) > ceiling * 0.8 and min(draws) < ceiling * 0.2  # spread over the range
    assert policy.backoff(10_000, rng=rng) <= 8.0
    assert policy.backoff(0, base=2.0, rng=rng) <= 2.0
    assert policy.delay(0, retry_after=5.0) == 5.0
    assert policy.delay(0, retry_after=3600.0) == 20.0


def test_report_query_params():
    assert ReportQuery().params() == []
    query = ReportQuery(
        status=[ReportStatus.MENUNGGU, "Proses"],
        category="banjir",
        assignee="unassigned",
        private=True,
        overdue=False,
        q="   ",
        sort="-due",
    )
    assert query.params() == [
        ("status", "Menunggu"),
        ("status", "Proses"),
        ("category", "banjir"),
        ("assignee", "unassigned"),
        ("private", "true"),
        ("overdue", "false"),
        ("sort", "-due"),
    ]
    assert query.status == ("Menunggu", "Proses") and hash(query) == hash(query.replace())
    assert query.replace(q="got").params()[-2] == ("q", "got")
    with pytest.raises(ValueError):
        ReportQuery(sort="title")
    with pytest.raises(AttributeError):
        query.q = "x"  # type: ignore[misc]


def _models() -> list[type[msgspec.Struct]]:
    return [
        obj
        for obj in vars(models).values()
        if inspect.isclass(obj) and issubclass(obj, msgspec.Struct) and obj.__module__ == models.__name__
    ]


IDENTITY = {"reporter", "phone", "email", "nik", "account", "nama", "telepon", "ktp", "pelapor"}
ORGANISATIONS = {"AgencyRef", "Agency", "Category"}  # their `name` is an agency's or category's


def test_no_model_has_a_field_for_reporter_identity():
    seen = _models()
    assert {m.__name__ for m in seen} >= {"Report", "ReportSummary", "HistoryEntry", "Note", "Event", "Officer"}
    for model in seen:
        for field in model.__struct_fields__:
            parts = set(field.lower().split("_"))
            assert not parts & IDENTITY, f"{model.__name__}.{field}"
            if field == "name":
                assert model.__name__ in ORGANISATIONS, f"{model.__name__}.name"


def test_models_are_frozen_and_drop_unknown_fields():
    ref = models.parse_json(
        models.AgencyRef, '{"code": "DKI", "name": "DKI Jakarta", "reporter_phone": "0812"}', what="x"
    )
    assert msgspec.structs.asdict(ref) == {"code": "DKI", "name": "DKI Jakarta"}
    with pytest.raises(AttributeError):
        ref.code = "X"  # type: ignore[misc]
    for model in _models():
        config = model.__struct_config__
        assert config.frozen is True and config.forbid_unknown_fields is False, model


def test_every_datetime_field_must_be_aware():
    seen = 0
    for model in _models():
        for field in msgspec.structs.fields(model):
            for option in typing.get_args(field.type) if typing.get_origin(field.type) is not typing.Annotated else ():
                if option is datetime:  # a bare datetime in a union (`X | None`)
                    pytest.fail(f"{model.__name__}.{field.name} accepts naive datetimes")
            if field.type is datetime:
                pytest.fail(f"{model.__name__}.{field.name} accepts naive datetimes")
            seen += str(field.type).count("tz=True")
    assert seen >= 10  # the aware ones (`Moment`) are there to be found


# Times with no local form in some timezone: Python's calendar ends at years 1 and 9999.
UNSHOWABLE = ["9999-12-31T23:30Z", "9999-12-31T10:00:00+00:00", "9999-12-31T20:00:00-05:00", "0001-01-01T00:00:00Z"]


def _report_payload() -> dict:
    from tests.widgets import fixtures

    payload = msgspec.to_builtins(fixtures.report(0))
    del payload["etag"]
    return payload


@pytest.mark.parametrize("moment", UNSHOWABLE)
@pytest.mark.parametrize("path", ["created_at", "updated_at", "due_at", "history.0.at", "notes.0.at"])
def test_a_time_that_some_timezone_cannot_show_fails_the_parse(path, moment):
    payload = _report_payload()
    *parents, name = path.split(".")
    target = payload
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[name] = moment
    with pytest.raises(models.ResponseParseError) as caught:
        models.parse_json(models.Report, json.dumps(payload), what="Report")
    assert caught.value.problems == (f"{path}: value_error",)
    assert moment not in str(caught.value) and moment not in repr(caught.value)


@pytest.mark.parametrize("moment", UNSHOWABLE)
def test_events_sessions_and_412s_refuse_such_times_too(moment):
    report = _report_payload()
    event = {"id": 1, "type": "created", "at": moment, "report": report}
    with pytest.raises(models.ResponseParseError):
        models.parse_json(models.Event, json.dumps(event), what="Event")
    session = {
        "operator": {"username": "a", "display_name": "A", "role": "officer", "agency": report["agency"]},
        "expires_at": moment,
    }
    with pytest.raises(models.ResponseParseError):
        models.parse_json(models.Session, json.dumps(session), what="Session")
    body = {"error": "precondition_failed", "message": "changed", "changed_at": moment}
    assert error_from_response(httpx.Response(412, json=body)).changed_at is None


@pytest.mark.parametrize("moment", ["9999-12-31T09:59:59Z", "0001-01-01T14:00:00Z", "2026-11-28T05:05:00+14:00"])
def test_times_every_timezone_can_show_are_taken(moment):
    payload = {**_report_payload(), "due_at": moment}
    parsed = models.parse_json(models.Report, json.dumps(payload), what="Report")
    assert parsed.due_at == datetime.fromisoformat(moment)


def test_client_token_and_repr():
    client = CrmClient("http://user:pw@crm.test:8080/", token="abc")
    assert client.base_url == "http://user:pw@crm.test:8080"
    assert repr(client) == "CrmClient(base_url='http://crm.test:8080', signed_in=True)"
    client.token = ""
    assert client.token is None and "signed_in=False" in repr(client)


def test_tls_settings_follow_the_scheme_of_the_server():
    from api_client.client import _ssl_verify

    # An http:// server: no CA bundle read (~40 ms at start), and a context that trusts no CA,
    # so that a TLS connection, were one ever made, would fail rather than go unverified.
    plain = _ssl_verify(True, "http://crm.test:8080")
    assert isinstance(plain, ssl.SSLContext)
    assert plain.verify_mode == ssl.CERT_REQUIRED and plain.check_hostname
    assert plain.cert_store_stats()["x509_ca"] == 0
    # An https:// server: verified as asked (the default CAs, or a bundle).
    assert _ssl_verify(True, "https://crm.test") is True
    assert _ssl_verify(False, "https://crm.test") is False


def test_a_template_is_filled_in_one_pass_leaving_other_braces():
    from tests.widgets import fixtures

    report = fixtures.summary(0, number="JK2503050007", category_name="{number}", kelurahan="Cideng")
    template = models.ResponseTemplate(
        id=1, action="close", title="t", text="{number} {category} {kelurahan} {0} {x.y}", categories=()
    )
    assert template.filled(report) == "JK2503050007 {number} Cideng {0} {x.y}"
