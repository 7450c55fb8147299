"""A crash in a route: a generic 500 with a request id, and a log line that names the exception's
type and frames but never its message (a message can carry report text or request data).

No request a client can send crashes the server (the rest of this suite makes sure), so the crash
is planted: the real application served by uvicorn in this process, with one extra route that
raises.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from crm_server.api.app import create_app
from crm_server.storage.engine import Database
from tests.crm_server.helpers import assert_error_body, marker
from tests.support.server import free_port


@pytest.fixture
def crashing_server(tmp_path) -> Iterator[tuple[str, str]]:
    secret = marker("CRASH")
    db = Database.open(tmp_path / "crm.sqlite3")
    app = create_app(db)

    @app.get("/api/v1/crash")
    def crash() -> None:
        raise RuntimeError(f"while handling report text {secret}")

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, log_level="info"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", secret
    server.should_exit = True
    thread.join(timeout=10)
    db.dispose()


def test_a_crash_is_a_generic_500_and_its_message_stays_out_of_the_log(crashing_server, caplog):
    base_url, secret = crashing_server
    caplog.set_level(logging.INFO)
    with httpx.Client(base_url=base_url, timeout=10) as client:
        response = client.get("/api/v1/crash")
        after = client.get("/healthz")  # the same connection keeps serving
    assert response.status_code == 500
    body = response.json()
    assert body["error"] == "internal_error" and body["request_id"] == response.headers["x-request-id"]
    assert secret not in response.text
    assert after.status_code == 200

    assert secret not in caplog.text
    crash_lines = [r for r in caplog.records if body["request_id"] in r.getMessage()]
    assert any("unhandled RuntimeError on GET /api/v1/crash" in r.getMessage() for r in crash_lines)
    assert all(r.exc_info is None for r in caplog.records)  # no logger was handed the exception


def test_an_unknown_route_is_still_a_json_404(crashing_server):
    base_url, _ = crashing_server
    assert_error_body(httpx.get(f"{base_url}/api/v1/nothing-here"), 404)
