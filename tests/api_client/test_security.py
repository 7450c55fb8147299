"""What the client must never give away: the token (reprs, errors, logs), what the operator typed
(logs), the environment's proxies; and what it must not depend on (textual, the server)."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import msgspec
import pytest
import uvicorn

from api_client import (
    APIConnectionError,
    CrmApiError,
    CrmClient,
    PreconditionFailed,
    ReportQuery,
    ResponseParseError,
    quiet_httpx_logging,
)
from tests.api_client.conftest import FAST_RETRY, QUICK
from tests.support.server import free_port

TYPED = "RAHASIA-typed-by-operator"


def _texts_of(error: BaseException) -> str:
    return str(error) + repr(error) + repr(vars(error)) + "".join(str(a) for a in error.args)


async def test_the_token_never_shows_in_reprs_errors_or_logs(demo_server, client_for, caplog):
    caplog.set_level(logging.DEBUG)  # every logger, httpx and httpcore included
    errors: list[CrmApiError] = []
    client = await client_for("dispatcher")
    token = client.token
    assert token and token not in repr(client) and "signed_in=True" in repr(client)

    await client.list_reports(ReportQuery(q=TYPED))
    report = await client.get_report(
        (await client.list_reports(ReportQuery(status=("Proses",)), limit=1)).items[0].number
    )
    stale = msgspec.structs.replace(report, etag='"999"')
    for call in (
        lambda: client.assign(stale, "officer2"),  # 412
        lambda: client.get_report("JK0000000000"),  # 404
        lambda: client.assign(report, "nobody"),  # 422
    ):
        with pytest.raises(CrmApiError) as caught:
            await call()
        errors.append(caught.value)
    assert isinstance(errors[0], PreconditionFailed)
    stream = client.events()
    await anext(stream)
    await stream.aclose()

    def echo(request: httpx.Request) -> httpx.Response:  # a backend that echoes the header back
        auth = request.headers["Authorization"]
        return httpx.Response(401, json={"error": "unauthorized", "message": f"bad {auth}", "request_id": auth})

    async with CrmClient(
        "http://crm.test", token=token, transport=httpx.MockTransport(echo), retry=FAST_RETRY
    ) as echoing:
        with pytest.raises(CrmApiError) as caught:
            await echoing.me()
        errors.append(caught.value)
    async with CrmClient(f"http://127.0.0.1:{free_port()}", token=token, retry=FAST_RETRY, timeouts=QUICK) as down:
        with pytest.raises(APIConnectionError) as caught:
            await down.me()
        errors.append(caught.value)
    assert errors[3].message == "Sign in again: the session is missing, invalid or expired."
    assert errors[3].request_id is None

    for error in errors:
        assert token not in _texts_of(error), type(error)
    records = caplog.records
    assert any(r.name == "api_client" and r.getMessage() == "GET /reports" for r in records)
    for record in records:
        assert token not in record.getMessage() and token not in repr(record.args)
    for record in (r for r in records if r.name.startswith("api_client")):
        assert TYPED not in record.getMessage()

    await client.logout()
    assert all(token not in r.getMessage() for r in caplog.records)


async def test_quiet_httpx_logging_keeps_urls_out_of_the_log(demo_server, client_for, caplog):
    client = await client_for("dispatcher")
    loggers = [logging.getLogger(name) for name in ("httpx", "httpcore")]
    levels = [logger.level for logger in loggers]
    try:
        caplog.set_level(logging.INFO, logger="httpx")
        await client.list_reports(ReportQuery(q=TYPED))
        # httpx logs the full URL at INFO: the reason an application must quiet it.
        assert any(TYPED in r.getMessage() for r in caplog.records if r.name == "httpx")
        caplog.clear()
        quiet_httpx_logging()
        await client.list_reports(ReportQuery(q=TYPED))
        assert not [r for r in caplog.records if r.name.startswith(("httpx", "httpcore"))]
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


async def test_a_login_answer_that_does_not_parse_neither_keeps_nor_shows_the_token():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"token": "LOGIN-T0KEN-xyz", "expires_at": "not a date"})

    async with CrmClient("http://crm.test", transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(ResponseParseError) as caught:
            await client.login("a", "b")
        assert client.token is None
    assert "LOGIN-T0KEN" not in _texts_of(caught.value)
    # The field that failed first, and how (the parser stops there); never the value.
    assert caught.value.problems == ("expires_at: value_error",)


def test_the_package_imports_neither_textual_nor_the_server():
    code = (
        "import sys, api_client\n"
        "roots = {m.split('.')[0] for m in sys.modules}\n"
        "print(sorted(roots & {'textual', 'crm_server', 'crm_tui', 'widgets', 'crm_text'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"


async def test_proxy_variables_are_ignored_unless_trust_env(demo_server, monkeypatch):
    dead_proxy = f"http://127.0.0.1:{free_port()}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, dead_proxy)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    async with CrmClient(demo_server.base_url, retry=FAST_RETRY, timeouts=QUICK) as client:
        assert (await client.health()).status == "ok"
    async with CrmClient(demo_server.base_url, trust_env=True, retry=FAST_RETRY, timeouts=QUICK) as trusting:
        with pytest.raises(APIConnectionError):
            await trusting.health()


# --- a custom CA bundle, against the real app served over TLS -------------------------------


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The server's app on HTTPS with a certificate from a CA of the test's own."""
    from crm_server.api.app import create_app
    from crm_server.storage.engine import Database

    d = tmp_path_factory.mktemp("tls")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl(
        "req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=crm test CA", cwd=d
    )
    _openssl("req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1", cwd=d)
    (d / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
    _openssl(
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
        cwd=d,
    )

    port = free_port()
    app = create_app(Database.open(d / "tls.sqlite3"))
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            ssl_certfile=str(d / "server.pem"),
            ssl_keyfile=str(d / "server.key"),
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the TLS server did not start"
        time.sleep(0.05)
    yield f"https://127.0.0.1:{port}", d / "ca.pem"
    server.should_exit = True
    thread.join(timeout=10)


async def test_a_ca_bundle_path_verifies_the_server(tls_server):
    url, ca = tls_server
    async with CrmClient(url, verify=str(ca), retry=FAST_RETRY, timeouts=QUICK) as client:
        assert (await client.health()).status == "ok"
    async with CrmClient(url, retry=FAST_RETRY, timeouts=QUICK) as default:  # the default CAs
        with pytest.raises(APIConnectionError) as caught:
            await default.health()
    assert caught.value.cause == "ConnectError"  # the handshake failed: nothing was sent
