"""`CrmClient`: the operator API of a CRM backend as typed async methods.

One `httpx.AsyncClient` lives inside (reused connections: a page request then costs a few
milliseconds instead of tens); use `async with CrmClient(...)` or call `aclose()`.

Every call is bounded by `Timeouts.deadline`, retries included. Reads are retried on connection
failures, timeouts, 502/503/504 and 429 (honouring Retry-After, capped); so are the writes, which
always carry an `Idempotency-Key` (one per operator action: create it with `new_idempotency_key()`
before the first try and pass the same key when the operator retries). Other 4xx are never retried.

Logging: the `api_client` logger records method and path template at DEBUG, never query strings
(they hold what the operator typed), tokens or bodies. httpx itself logs every full URL at INFO on
the `httpx` logger: an application should keep that logger at WARNING (`quiet_httpx_logging()`).
"""

from __future__ import annotations

import contextlib
import logging
import re
import ssl
import threading
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Mapping, Sequence
from contextlib import aclosing, asynccontextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

import anyio
import httpx

from api_client.errors import (
    MAX_ERROR_BODY_BYTES,
    APITimeoutError,
    CrmApiError,
    InvalidArgument,
    PhotoLocked,
    ResponseParseError,
    Unauthorized,
    error_from_response,
    error_from_transport,
)
from api_client.models import (
    Agency,
    Category,
    Decision,
    Evidence,
    Health,
    Note,
    Officer,
    Operator,
    Report,
    ReportPage,
    ReportSummary,
    ResponseTemplate,
    Session,
    Stats,
    StreamItem,
    parse_json,
)
from api_client.query import VALIDATION_QUEUE, ReportQuery
from api_client.retry import DEFAULT_RETRY, RETRYABLE_STATUS, RetryPolicy
from api_client.sse import EventCursor, resilient_events
from api_client.timeouts import DEFAULT_TIMEOUTS, Timeouts

log = logging.getLogger("api_client")
T = TypeVar("T")

API_PREFIX = "/api/v1"
USER_AGENT = "crm-tui-api-client/0.1"
MAX_RESPONSE_BYTES = 16 * 1024 * 1024  # a photo is at most 5 MB; a page of 500 reports ~0.5 MB
DEFAULT_PAGE_SIZE = 50
ITER_PAGE_SIZE = 100
ALL_REPORTS = ReportQuery()  # every report the operator may see, newest first (frozen: a safe default)
PHOTO_TYPES = frozenset({"image/jpeg", "image/png"})
MAX_EVIDENCE_PHOTOS = 4
MAX_PHOTO_BYTES = 5 * 1024 * 1024
_REPORT_NUMBER = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Transport failures where the request never reached the server: safe to retry any request.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def new_idempotency_key() -> str:
    """A fresh key for one operator action (assign, close, note, coordinate, follow-up, ...). Create it once, before the
    first try, and reuse it for every retry of that same action."""
    return str(uuid.uuid4())


def quiet_httpx_logging(level: int = logging.WARNING) -> None:
    """Keep httpx and httpcore from logging full URLs (with query strings) at INFO/DEBUG."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(level)


class _BearerAuth(httpx.Auth):
    """Adds the token to each request; its repr never shows it."""

    def __init__(self, token: str | None) -> None:
        self.token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.token and "Authorization" not in request.headers:  # a call may name another token
            request.headers["Authorization"] = f"Bearer {self.token}"
        yield request

    def __repr__(self) -> str:
        return f"<_BearerAuth token={'set' if self.token else 'unset'}>"


def _redacted(url: str) -> str:
    """The URL without user info, query or fragment (for reprs)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _api_root(base_url: str) -> str:
    root = base_url.rstrip("/")
    return root if root.endswith(API_PREFIX) else root + API_PREFIX


def _ssl_verify(verify: bool | str, base_url: str) -> bool | ssl.SSLContext:
    """httpx 0.28 takes a CA bundle as an SSLContext; a path string is deprecated there.

    A client of an `http://` server never makes a TLS connection (it only requests paths under
    its base URL, and follows no redirects): it gets a context that trusts no CA, so that any
    TLS connection would fail, instead of loading the CA bundle (~40 ms) for nothing."""
    if urlsplit(base_url).scheme == "http":
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if isinstance(verify, str):
        return ssl.create_default_context(cafile=verify)
    return verify


def _number(number: str) -> str:
    if not isinstance(number, str) or not _REPORT_NUMBER.fullmatch(number):
        raise InvalidArgument("That is not a report number.")
    return quote(number, safe="")


def _if_match(report: ReportSummary) -> str:
    """The report's ETag as served; for a list row (no ETag) the server's form of its version."""
    etag = getattr(report, "etag", None)
    return etag if etag else f'"{report.version}"'


@dataclass(frozen=True)
class _Form:
    """A multipart body: text fields and (field, (filename, bytes, content type)) files."""

    fields: dict[str, str]
    files: list[tuple[str, tuple[str, bytes, str]]]


def _photo_type(photo: bytes) -> str:
    """JPEG or PNG by their first bytes, as the server checks them; anything else is refused
    here rather than sent."""
    if photo.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if photo.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    raise InvalidArgument("An evidence photo must be a JPEG or PNG image.")


class CrmClient:
    """The operator API. Methods raise `CrmApiError` subclasses only (see `api_client.errors`)."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        retry: RetryPolicy = DEFAULT_RETRY,
        verify: bool | str = True,
        trust_env: bool = False,
    ) -> None:
        """`base_url`: the server's root (`/api/v1` is added). `token`: a bearer token to start
        with (or call `login`). `transport`: an httpx transport in place of the network (tests,
        fault injection). `verify`: True (the default CAs), False, or the path of a CA bundle.
        `trust_env`: follow the environment's proxy and certificate variables; off, so that a
        shared host's settings are not followed silently."""
        self._base_url = base_url.rstrip("/")
        self._auth = _BearerAuth(token)
        self._timeouts = timeouts
        self._retry = retry
        # Kept for `logout_blocking`, which cannot use the async client (nor an injected transport).
        self._verify = _ssl_verify(verify, self._base_url)
        self._trust_env = trust_env
        self._own_transport = transport is None
        self._http = httpx.AsyncClient(
            base_url=_api_root(self._base_url),
            auth=self._auth,
            transport=transport,
            timeout=timeouts.for_calls(),
            verify=self._verify,
            trust_env=trust_env,
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        )

    # --- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> CrmClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    def __repr__(self) -> str:
        return f"CrmClient(base_url={_redacted(self._base_url)!r}, signed_in={self.token is not None})"

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def token(self) -> str | None:
        return self._auth.token

    @token.setter
    def token(self, value: str | None) -> None:
        self._auth.token = value or None

    @property
    def timeouts(self) -> Timeouts:
        return self._timeouts

    # --- the request machinery ---------------------------------------------------------------

    async def _call(
        self,
        method: str,
        template: str,
        path: str,
        *,
        params: list[tuple[str, str]] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        retry: bool = True,
        form: _Form | None = None,
    ) -> httpx.Response:
        """One call: tries, waits and retries within the overall deadline. `retry=False` still
        retries a request that never left (connection refused). `form`: a multipart body (text
        fields, files) instead of JSON. Returns a fully read success response or raises."""
        try:
            with anyio.fail_after(self._timeouts.deadline):
                return await self._with_retries(method, template, path, params, json, headers, retry, form)
        except TimeoutError:
            log.debug("%s %s: deadline of %.1fs passed", method, template, self._timeouts.deadline)
            raise APITimeoutError(cause="deadline") from None

    async def _with_retries(
        self,
        method: str,
        template: str,
        path: str,
        params: list[tuple[str, str]] | None,
        json: Any,
        headers: Mapping[str, str] | None,
        retry: bool,
        form: _Form | None = None,
    ) -> httpx.Response:
        started = anyio.current_time()
        attempt = 0
        own_token = not (headers and "Authorization" in headers)
        while True:
            log.debug("%s %s", method, template)
            retry_after: float | None = None
            sent_with = self.token
            try:
                response = await self._send_once(method, path, params, json, headers, form)
            except httpx.TransportError as exc:
                error: CrmApiError = error_from_transport(exc)
                retryable = retry or isinstance(exc, _NOT_SENT)
            else:
                if response.is_success:
                    return response
                if response.status_code == 401 and own_token and self.token and self.token != sent_with:
                    # Signed in again while the call was out, and the old token revoked: the
                    # server refused before doing anything, so the call goes again as it is.
                    log.debug("%s %s: token replaced meanwhile, sent again", method, template)
                    continue
                error = status_error = error_from_response(response, secrets=self._secrets())
                retryable = retry and response.status_code in RETRYABLE_STATUS
                retry_after = status_error.retry_after
                log.debug("%s %s -> %d", method, template, response.status_code)
            if not retryable or attempt >= self._retry.max_retries:
                raise error
            delay = self._retry.delay(attempt, retry_after)
            elapsed = anyio.current_time() - started
            if elapsed + delay >= self._timeouts.deadline:
                raise error  # waiting would pass the deadline: say what went wrong instead
            log.debug("%s %s: %s, retry %d in %.2fs", method, template, type(error).__name__, attempt + 1, delay)
            await anyio.sleep(delay)
            attempt += 1

    async def _send_once(
        self,
        method: str,
        path: str,
        params: list[tuple[str, str]] | None,
        json: Any,
        headers: Mapping[str, str] | None,
        form: _Form | None = None,
    ) -> httpx.Response:
        """One request; the body is read to the end, up to MAX_RESPONSE_BYTES."""
        query = tuple(params) if params is not None else None
        if form is not None:
            request = self._http.build_request(
                method, path, params=query, data=form.fields, files=form.files, headers=headers
            )
        else:
            request = self._http.build_request(method, path, params=query, json=json, headers=headers)
        response = await self._http.send(request, stream=True)
        try:
            return await _read_whole(response, MAX_RESPONSE_BYTES)
        finally:
            await response.aclose()

    def _secrets(self) -> tuple[str, ...]:
        return (self.token,) if self.token else ()

    @staticmethod
    def _request_id(response: httpx.Response) -> str | None:
        value = response.headers.get("x-request-id")
        return value if value and len(value) <= 64 and value.isprintable() else None

    def _parse(self, tp: type[T], response: httpx.Response, *, what: str, update: dict[str, Any] | None = None) -> T:
        return parse_json(
            tp,
            response.content,
            what=what,
            status_code=response.status_code,
            request_id=self._request_id(response),
            update=update,
        )

    def _report(self, response: httpx.Response) -> Report:
        return self._parse(Report, response, what="Report", update={"etag": response.headers.get("etag")})

    # --- auth --------------------------------------------------------------------------------

    async def login(self, username: str, password: str, *, revoke_previous: bool = False) -> Session:
        """Sign in; the client keeps the token for the calls that follow. `revoke_previous`:
        the token held until now is revoked on the server once the new one is in hand (signing
        in again while still signed in, as unlocking does), best effort."""
        previous = self.token
        response = await self._call(
            "POST", "/auth/login", "auth/login", json={"username": username, "password": password}, retry=False
        )
        session = self._parse(Session, response, what="Session")
        token = _token_of(response)
        if token is None:
            raise ResponseParseError(what="Session", status_code=response.status_code)
        self.token = token
        if revoke_previous and previous and previous != token:
            # Expired already, or the server is gone: it lapses at its expiry either way.
            with contextlib.suppress(CrmApiError):
                await self._call(
                    "POST", "/auth/logout", "auth/logout", headers={"Authorization": f"Bearer {previous}"}, retry=False
                )
        return session

    async def logout(self) -> None:
        """Revoke the token on the server and forget it here (forgotten even if the call fails;
        an already invalid token counts as signed out)."""
        if self.token is None:
            return
        try:
            await self._call("POST", "/auth/logout", "auth/logout", retry=False)
        except Unauthorized:
            pass
        finally:
            self.token = None

    def logout_blocking(self, within: float) -> None:
        """`logout` for a process about to end where the event loop cannot be awaited (a signal
        handler, another thread): the request goes from a thread of its own on a client of its
        own, and this returns after at most `within` seconds, answered or not. Best effort, like
        `logout`: the token is forgotten here whatever happens; one the server did not revoke
        lapses at its expiry. Never raises. A client on an injected transport only forgets the
        token (the transport is async)."""
        token, self.token = self.token, None
        if token is None or not self._own_transport:
            return
        url = _api_root(self._base_url) + "/auth/logout"
        verify, trust_env = self._verify, self._trust_env

        def revoke() -> None:
            # No logging here: the thread this was called from may hold the logging lock.
            try:
                with httpx.Client(verify=verify, trust_env=trust_env, timeout=within, follow_redirects=False) as http:
                    http.post(url, headers={"Authorization": f"Bearer {token}", "User-Agent": USER_AGENT})
            except Exception:  # noqa: BLE001  (best effort: whatever went wrong, the process is ending)
                pass

        sender = threading.Thread(target=revoke, name="crm-logout", daemon=True)
        sender.start()
        sender.join(within)

    async def me(self) -> Operator:
        return self._parse(Operator, await self._call("GET", "/me", "me"), what="Operator")

    # --- reports -----------------------------------------------------------------------------

    async def list_reports(
        self, query: ReportQuery = ALL_REPORTS, *, cursor: str | None = None, limit: int = DEFAULT_PAGE_SIZE
    ) -> ReportPage:
        params = query.params()
        if cursor:
            params.append(("cursor", cursor))
        params.append(("limit", str(limit)))
        response = await self._call("GET", "/reports", "reports", params=params)
        return self._parse(ReportPage, response, what="ReportPage")

    async def iter_pages(
        self, query: ReportQuery = ALL_REPORTS, *, limit: int = ITER_PAGE_SIZE
    ) -> AsyncIterator[ReportPage]:
        """Every page of the query, first to last (keyset cursors: stable under inserts)."""
        cursor: str | None = None
        while True:
            page = await self.list_reports(query, cursor=cursor, limit=limit)
            yield page
            if not page.next_cursor:
                return
            if page.next_cursor == cursor:
                raise ResponseParseError("The CRM server repeated a page cursor.", what="ReportPage")
            cursor = page.next_cursor

    async def get_report(self, number: str) -> Report:
        response = await self._call("GET", "/reports/{number}", f"reports/{_number(number)}")
        return self._report(response)

    async def get_photo(self, report: ReportSummary | Report) -> bytes:
        """The photo's bytes (JPEG or PNG). Raises PhotoLocked, without any request, unless the
        report says its photo is available: a private report's photo is never asked for."""
        state = report.photo_info.state if isinstance(report, Report) else report.photo
        if state != "available":
            raise PhotoLocked(state=state)
        response = await self._call("GET", "/reports/{number}/photo", f"reports/{_number(report.number)}/photo")
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in PHOTO_TYPES:
            raise ResponseParseError("The CRM server sent a photo of an unknown type.", what="photo")
        return response.content

    async def assign(
        self, report: ReportSummary | Report, officer: str, *, idempotency_key: str | None = None
    ) -> Report:
        """Assign to an officer (moves the report to Proses), acting on the version loaded.
        Raises PreconditionFailed if someone changed the report since."""
        response = await self._call(
            "POST",
            "/reports/{number}/assign",
            f"reports/{_number(report.number)}/assign",
            json={"officer": officer},
            headers=self._write_headers(idempotency_key, if_match=_if_match(report)),
        )
        return self._report(response)

    async def close(
        self,
        report: ReportSummary | Report,
        resolution: str,
        note: str,
        *,
        duplicate_of: str | None = None,
        idempotency_key: str | None = None,
    ) -> Report:
        """Close (Selesai) with a resolution and a note; `duplicate_of` goes with "duplikat"."""
        body: dict[str, Any] = {"resolution": str(resolution), "note": note}
        if duplicate_of is not None:
            body["duplicate_of"] = duplicate_of
        response = await self._call(
            "POST",
            "/reports/{number}/close",
            f"reports/{_number(report.number)}/close",
            json=body,
            headers=self._write_headers(idempotency_key, if_match=_if_match(report)),
        )
        return self._report(response)

    async def add_note(self, number: str, text: str, *, idempotency_key: str | None = None) -> Note:
        response = await self._call(
            "POST",
            "/reports/{number}/notes",
            f"reports/{_number(number)}/notes",
            json={"text": text},
            headers=self._write_headers(idempotency_key),
        )
        return self._parse(Note, response, what="Note")

    async def _report_write(
        self, report: ReportSummary | Report, action: str, body: dict[str, Any], idempotency_key: str | None
    ) -> Report:
        """A lifecycle write on the version loaded (If-Match from its ETag); PreconditionFailed
        if someone changed it since, Conflict (naming the allowed actions) if its status does not
        allow the action."""
        response = await self._call(
            "POST",
            f"/reports/{{number}}/{action}",
            f"reports/{_number(report.number)}/{action}",
            json=body,
            headers=self._write_headers(idempotency_key, if_match=_if_match(report)),
        )
        return self._report(response)

    async def coordinate(
        self, report: ReportSummary | Report, agency: str, note: str, *, idempotency_key: str | None = None
    ) -> Report:
        """Pass a report that is not the agency's duty to the responsible agency (Koordinasi).
        The operator's agency reads it afterwards (`ReportQuery(handed_on=True)`), and acts no more."""
        return await self._report_write(report, "coordinate", {"agency": agency, "note": note}, idempotency_key)

    async def dispose(
        self, report: ReportSummary | Report, agency: str, note: str, *, idempotency_key: str | None = None
    ) -> Report:
        """A Dinas hands a report down to one of its own Suku Dinas (Disposisi)."""
        return await self._report_write(report, "dispose", {"agency": agency, "note": note}, idempotency_key)

    async def follow_up(
        self,
        report: ReportSummary | Report,
        response: str,
        photos: Sequence[bytes],
        *,
        note: str | None = None,
        idempotency_key: str | None = None,
    ) -> Report:
        """The assigned officer's follow-up: `response` is public (the reporter reads it), `note`
        internal; 1-4 JPEG or PNG photos of at most 5 MB each (the server strips their metadata).
        The report then waits for validation (Menunggu Validasi)."""
        if not 1 <= len(photos) <= MAX_EVIDENCE_PHOTOS:
            raise InvalidArgument("A follow-up carries 1 to 4 evidence photos.")
        files = []
        for i, photo in enumerate(photos, start=1):
            if len(photo) > MAX_PHOTO_BYTES:
                raise InvalidArgument("An evidence photo is larger than 5 MB.")
            kind = _photo_type(photo)
            files.append(("photos", (f"evidence-{i}.{kind.rsplit('/', 1)[1]}", bytes(photo), kind)))
        fields = {"response": response} if note is None else {"response": response, "note": note}
        result = await self._call(
            "POST",
            "/reports/{number}/follow-up",
            f"reports/{_number(report.number)}/follow-up",
            form=_Form(fields, files),
            headers=self._write_headers(idempotency_key, if_match=_if_match(report)),
        )
        return self._report(result)

    async def validate(
        self,
        report: ReportSummary | Report,
        decision: Decision,
        reason: str | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> Report:
        """Validators: "accept" (Selesai) or "reject" with a reason (TL Ditolak, back to the officer)."""
        if decision not in ("accept", "reject"):
            raise InvalidArgument("The decision is accept or reject.")
        body: dict[str, Any] = {"decision": decision}
        if reason is not None:
            body["reason"] = reason
        return await self._report_write(report, "validate", body, idempotency_key)

    async def reopen(
        self, report: ReportSummary | Report, reason: str, *, idempotency_key: str | None = None
    ) -> Report:
        """Supervisors and validators: a Selesai report within 30 days, back to Proses."""
        return await self._report_write(report, "reopen", {"reason": reason}, idempotency_key)

    async def get_evidence(self, number: str, evidence: Evidence) -> bytes:
        """An evidence photo's bytes (JPEG or PNG, metadata stripped)."""
        path = f"reports/{_number(number)}/evidence/{int(evidence.id)}"
        response = await self._call("GET", "/reports/{number}/evidence/{id}", path)
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in PHOTO_TYPES:
            raise ResponseParseError("The CRM server sent a photo of an unknown type.", what="evidence")
        return response.content

    async def validation_queue(self, *, cursor: str | None = None, limit: int = DEFAULT_PAGE_SIZE) -> ReportPage:
        """Menunggu Validasi in the operator's scope, oldest first."""
        return await self.list_reports(VALIDATION_QUEUE, cursor=cursor, limit=limit)

    @staticmethod
    def _write_headers(idempotency_key: str | None, *, if_match: str | None = None) -> dict[str, str]:
        # A key made here is made once per call, before the retry loop: retries reuse it.
        headers = {"Idempotency-Key": idempotency_key or new_idempotency_key()}
        if if_match is not None:
            headers["If-Match"] = if_match
        return headers

    # --- reference data ----------------------------------------------------------------------

    async def officers(self) -> list[Officer]:
        return self._parse(list[Officer], await self._call("GET", "/officers", "officers"), what="Officer list")

    async def categories(self) -> list[Category]:
        return self._parse(list[Category], await self._call("GET", "/categories", "categories"), what="Category list")

    async def agencies(self) -> list[Agency]:
        return self._parse(list[Agency], await self._call("GET", "/agencies", "agencies"), what="Agency list")

    async def templates(self, *, action: str | None = None, category: str | None = None) -> list[ResponseTemplate]:
        """The response templates for `action` (close, follow_up, reject); with `category`,
        those for it and those for every category."""
        params = [(name, value) for name, value in (("action", action), ("category", category)) if value]
        response = await self._call("GET", "/templates", "templates", params=params)
        return self._parse(list[ResponseTemplate], response, what="Template list")

    async def stats(self) -> Stats:
        """The dashboard's figures over the operator's scope, per officer, sub-agency and day."""
        return self._parse(Stats, await self._call("GET", "/stats", "stats"), what="Stats")

    async def health(self) -> Health:
        return self._parse(Health, await self._call("GET", "/healthz", "healthz"), what="Health")

    # --- events ------------------------------------------------------------------------------

    def events(self, *, last_event_id: int | None = None) -> AsyncGenerator[StreamItem, None]:
        """Report events as they happen, for as long as the caller iterates: `Event`s, a
        `Resync` when the server cannot replay what was missed (reload, then carry on), and a
        `StreamStatus` on each connection change. Reconnects by itself (backoff, Last-Event-ID);
        raises Unauthorized when the session ends. Close it with `aclose()` (or
        `contextlib.aclosing`) to hang up."""
        return self._events(last_event_id)

    async def _events(self, last_event_id: int | None) -> AsyncGenerator[StreamItem, None]:
        cursor = EventCursor(last_event_id)  # one for every connection in turn
        while True:
            opened_with = self.token
            stream = resilient_events(self._open_event_stream, cursor=cursor, policy=self._retry)
            try:
                async with aclosing(stream):
                    async for item in stream:
                        yield item
            except Unauthorized:
                if not self.token or self.token == opened_with:
                    raise
                # Signed in again while the stream was open (its token is revoked): carry on
                # from the last event with the new token.
                log.debug("event stream: token replaced meanwhile, reconnecting")

    @asynccontextmanager
    async def _open_event_stream(self, last_id: int | None) -> AsyncGenerator[AsyncIterator[bytes], None]:
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
        if last_id is not None:
            headers["Last-Event-ID"] = str(last_id)
        log.debug("GET /events")
        request = self._http.build_request("GET", "events", headers=headers, timeout=self._timeouts.for_stream())
        try:
            with anyio.fail_after(self._timeouts.deadline):  # until the headers are in
                response = await self._http.send(request, stream=True)
        except TimeoutError:
            raise APITimeoutError(cause="deadline") from None
        try:
            if not response.is_success:
                read = await _read_whole(response, MAX_ERROR_BODY_BYTES, truncate=True)
                raise error_from_response(read, secrets=self._secrets())
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type != "text/event-stream":
                raise ResponseParseError("The CRM server did not answer with an event stream.", what="events")
            yield response.aiter_bytes()
        finally:
            await response.aclose()


def _token_of(response: httpx.Response) -> str | None:
    """The token of a login response, read apart from the Session model (which has no field
    for it, so no Session repr or dump can carry it)."""
    try:
        body = response.json()
    except ValueError:
        return None
    token = body.get("token") if isinstance(body, dict) else None
    if isinstance(token, str) and 0 < len(token) <= 4096 and token.isascii() and token.isprintable():
        return token
    return None


async def _read_whole(response: httpx.Response, limit: int, *, truncate: bool = False) -> httpx.Response:
    """A streamed response read into a complete one, at most `limit` bytes of body: past it,
    the body is cut short (`truncate`) or the response refused."""
    chunks, size = [], 0
    try:
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                if truncate:
                    break
                raise ResponseParseError("The CRM server sent a response too large to read.")
    except httpx.DecodingError:
        raise ResponseParseError("The CRM server sent a body that cannot be decoded.") from None
    # The body is decoded already: drop Content-Encoding so it is not decoded twice.
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() != "content-encoding"]
    return httpx.Response(response.status_code, headers=headers, content=b"".join(chunks), request=response.request)
