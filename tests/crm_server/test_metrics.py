"""GET /metrics: Prometheus's text, without a token as /healthz, counting requests by route
template and status, timing them, and gauging streams, the pool and the fan-out's lag; no report
number, identity or report text in it."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from tests.crm_server.helpers import Api, EventStream, marker

VIEW = "/api/v1/reports/{number}"


def _scrape(api: Api) -> tuple[str, dict[tuple[str, frozenset], float]]:
    response = api.http.get("/metrics")
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("text/plain")
    samples = {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }
    return response.text, samples


def _views(samples: dict, status: str) -> float:
    labels = frozenset({"method": "GET", "route": VIEW, "status": status}.items())
    return samples.get(("http_requests_total", labels), 0.0)


def test_requests_are_counted_by_route_template_and_no_report_is_named(api: Api):
    mark = marker("METRIC")
    number = api.submit(title=f"Jalan berlubang {mark}", reporter={"name": f"Ibu {mark}", "phone": "0812999"})
    missing = "JK0001010001"
    _, before = _scrape(api)
    for _ in range(3):
        api.detail("dispatcher", number)
    assert api.get("dispatcher", f"/reports/{missing}").status_code == 404
    assert api.http.get(f"/no/such/{mark}").status_code == 404
    text, after = _scrape(api)
    assert _views(after, "200") - _views(before, "200") == 3
    assert _views(after, "404") - _views(before, "404") == 1
    duration = ("http_request_duration_seconds_count", frozenset({"method": "GET", "route": VIEW}.items()))
    assert after[duration] - before.get(duration, 0.0) == 4
    for secret in (number, missing, mark, "0812999"):
        assert secret not in text
    assert after[("db_pool_size", frozenset())] > 0
    assert after[("db_pool_connections_checked_out", frozenset())] >= 0
    assert after[("event_fanout_lag_seconds", frozenset())] >= 0


def test_connected_event_streams_are_gauged(api: Api):
    streams = ("event_streams_connected", frozenset())
    with EventStream(api, "dispatcher") as one, EventStream(api, "officer") as other:
        one.started()
        other.started()
        number = api.submit(title="Lampu mati")
        one.until(lambda f: f.kind == "event" and f.json.get("report", {}).get("number") == number)
        _, samples = _scrape(api)
        assert samples[streams] >= 2
        # handed out within the log's whole second of its write, or the next
        assert 0 <= samples[("event_fanout_lag_seconds", frozenset())] <= 1
