"""Fixtures of the widget tests: the demo server's reports as the client's models."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from api_client.models import Report, ReportPage, ReportSummary, parse_json
from tests.support.server import PLAIN_HTTP

API = "/api/v1"


class ServedReports:
    """Reads reports from the real server as a supervisor and parses them as the client does."""

    def __init__(self, server) -> None:
        token = server.login("supervisor")
        self.http = httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30, verify=PLAIN_HTTP
        )

    def page(self, **params) -> ReportPage:
        response = self.http.get(f"{API}/reports", params=params)
        response.raise_for_status()
        return parse_json(ReportPage, response.content, what="report page")

    def summaries(self, limit: int = 100, **params) -> list[ReportSummary]:
        return list(self.page(limit=limit, **params).items)

    def report(self, number: str) -> Report:
        response = self.http.get(f"{API}/reports/{number}")
        response.raise_for_status()
        return parse_json(Report, response.content, what="report", update={"etag": response.headers.get("etag")})

    def photo(self, number: str) -> httpx.Response:
        return self.http.get(f"{API}/reports/{number}/photo")

    def first(self, **params) -> ReportSummary:
        return self.summaries(limit=1, **params)[0]

    def close(self) -> None:
        self.http.close()


@pytest.fixture(scope="session")
def served(demo_server) -> Iterator[ServedReports]:
    reports = ServedReports(demo_server)
    yield reports
    reports.close()
