"""The pure parts: backoff and Retry-After, the report query, the models' shape."""

from __future__ import annotations

import inspect
import random
import typing
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pydantic
import pytest

import api_client.models as models
from api_client import CrmClient, ReportQuery, ReportStatus, RetryPolicy
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
    query = ReportQuery(status=[ReportStatus.MENUNGGU, "Proses"], category="banjir", assignee="unassigned",
                        private=True, overdue=False, q="   ", sort="-due")
    assert query.params() == [
        ("status", "Menunggu"), ("status", "Proses"), ("category", "banjir"), ("assignee", "unassigned"),
        ("private", "true"), ("overdue", "false"), ("sort", "-due"),
    ]
    assert query.status == ("Menunggu", "Proses") and hash(query) == hash(query.replace())
    assert query.replace(q="got").params()[-2] == ("q", "got")
    with pytest.raises(ValueError):
        ReportQuery(sort="title")
    with pytest.raises(AttributeError):
        query.q = "x"  # type: ignore[misc]


def _models() -> list[type[pydantic.BaseModel]]:
    return [
        obj for obj in vars(models).values()
        if inspect.isclass(obj) and issubclass(obj, pydantic.BaseModel) and obj.__module__ == models.__name__
    ]


IDENTITY = {"reporter", "phone", "email", "nik", "account", "nama", "telepon", "ktp", "pelapor"}
ORGANISATIONS = {"AgencyRef", "Agency", "Category"}  # their `name` is an agency's or category's


def test_no_model_has_a_field_for_reporter_identity():
    seen = _models()
    assert {m.__name__ for m in seen} >= {"Report", "ReportSummary", "HistoryEntry", "Note", "Event", "Officer"}
    for model in seen:
        for field in model.model_fields:
            parts = set(field.lower().split("_"))
            assert not parts & IDENTITY, f"{model.__name__}.{field}"
            if field == "name":
                assert model.__name__ in ORGANISATIONS, f"{model.__name__}.name"


def test_models_are_frozen_and_drop_unknown_fields():
    ref = models.AgencyRef.model_validate({"code": "DKI", "name": "DKI Jakarta", "reporter_phone": "0812"})
    assert ref.model_dump() == {"code": "DKI", "name": "DKI Jakarta"}
    with pytest.raises(pydantic.ValidationError):
        ref.code = "X"  # type: ignore[misc]
    for model in _models():
        assert model.model_config.get("frozen") is True and model.model_config.get("extra") == "ignore", model


def test_every_datetime_field_must_be_aware():
    for model in _models():
        for name, field in model.model_fields.items():
            if field.annotation is datetime or datetime in typing.get_args(field.annotation):
                pytest.fail(f"{model.__name__}.{name} accepts naive datetimes")


def test_client_token_and_repr():
    client = CrmClient("http://user:pw@crm.test:8080/", token="abc")
    assert client.base_url == "http://user:pw@crm.test:8080"
    assert repr(client) == "CrmClient(base_url='http://crm.test:8080', signed_in=True)"
    client.token = ""
    assert client.token is None and "signed_in=False" in repr(client)
