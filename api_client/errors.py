"""One hierarchy of errors, and the one place an HTTP response or a transport failure becomes one.

Every `message` is safe to show an operator: it is the server's own message only when the body
has the server's error shape and the message is short and printable, otherwise a fixed text of the
class. No error holds the request, the response, the URL (its query string holds what the operator
typed), the body, or the token.

    CrmApiError
    ├── APIConnectionError            the server could not be reached, or the connection broke
    │   └── APITimeoutError           no answer in time (a timeout, or the call's overall deadline)
    ├── APIStatusError                the server answered with an error status
    │   ├── Unauthorized          401 sign in again
    │   ├── Forbidden             403 the role may not do this
    │   ├── NotFound              404 (also: outside the operator's scope)
    │   ├── Conflict              409 the report's state does not allow this
    │   ├── PreconditionFailed    412 the report changed: current_version, changed_by, changed_at
    │   ├── ValidationError       422, 400, 413, 415
    │   │   └── PreconditionRequired  428
    │   ├── RateLimited           429 (any status error carries the server's retry_after)
    │   └── ServerError           5xx
    ├── ResponseParseError            a response the client cannot read (never echoes it)
    ├── PhotoLocked                   the report's photo is not available (no request is made)
    └── InvalidArgument               a caller's argument the client refuses to send (also a ValueError)
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from api_client.retry import parse_retry_after

if TYPE_CHECKING:  # httpx loads only with the client: the models and errors stay light
    import httpx

MAX_SERVER_MESSAGE_CHARS = 200  # longer server messages are replaced by the class's fixed text
MAX_ERROR_BODY_BYTES = 64 * 1024  # larger error bodies are not parsed at all
MAX_REQUEST_ID_CHARS = 64


class CrmApiError(Exception):
    """Base of every error the client raises."""

    default_message: ClassVar[str] = "The CRM server request failed."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class APIConnectionError(CrmApiError):
    """The server could not be reached, or the connection broke before a full answer."""

    default_message = "Cannot reach the CRM server."

    def __init__(self, message: str | None = None, *, cause: str | None = None) -> None:
        super().__init__(message)
        self.cause = cause  # the transport failure's class name, e.g. "ConnectError"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, cause={self.cause!r})"


class APITimeoutError(APIConnectionError):
    default_message = "The CRM server did not answer in time."


class APIStatusError(CrmApiError):
    """The server answered with an error status."""

    def __init__(
        self,
        message: str | None = None,
        *,
        status_code: int,
        code: str | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code  # the server's stable machine-readable code, e.g. "not_found"
        self.request_id = request_id
        self.retry_after = retry_after  # seconds, from Retry-After (uncapped), or None

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status_code={self.status_code}, code={self.code!r}, "
            f"request_id={self.request_id!r}, message={self.message!r})"
        )


class Unauthorized(APIStatusError):
    default_message = "Sign in again: the session is missing, invalid or expired."


class Forbidden(APIStatusError):
    default_message = "Your role may not do this."


class NotFound(APIStatusError):
    default_message = "Not found."


class Conflict(APIStatusError):
    """The report's status does not allow the action: `status` is that status and
    `allowed_actions` what the server's transition table allows the operator instead (both None
    when the server does not say)."""

    default_message = "The report is not in a state that allows this."

    def __init__(
        self,
        message: str | None = None,
        *,
        status_code: int = 409,
        code: str | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
        status: str | None = None,
        allowed_actions: tuple[str, ...] | None = None,
    ) -> None:
        super().__init__(message, status_code=status_code, code=code, request_id=request_id, retry_after=retry_after)
        self.status = status
        self.allowed_actions = allowed_actions


class PreconditionFailed(APIStatusError):
    """Someone changed the report since it was loaded: reload it, then decide again."""

    default_message = "The report changed since you loaded it."

    def __init__(
        self,
        message: str | None = None,
        *,
        status_code: int = 412,
        code: str | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
        current_version: int | None = None,
        changed_by: str | None = None,
        changed_at: datetime | None = None,
    ) -> None:
        super().__init__(message, status_code=status_code, code=code, request_id=request_id, retry_after=retry_after)
        self.current_version = current_version
        self.changed_by = changed_by  # a display name: untrusted text, sanitise before showing
        self.changed_at = changed_at


class ValidationError(APIStatusError):
    default_message = "The request is not valid."


class PreconditionRequired(ValidationError):
    default_message = "The request must name the version of the report it acts on."


class RateLimited(APIStatusError):
    default_message = "Too many requests; wait and try again."


class ServerError(APIStatusError):
    default_message = "The CRM server failed; try again."


class ResponseParseError(CrmApiError):
    """A response that does not have the shape the client expects. Neither the message nor the
    repr holds any of the payload: only which fields failed and how (`problems`)."""

    default_message = "The CRM server sent a response the client cannot read."

    def __init__(
        self,
        message: str | None = None,
        *,
        what: str | None = None,
        status_code: int | None = None,
        request_id: str | None = None,
        problems: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.what = what  # the model that failed, e.g. "Report"
        self.status_code = status_code
        self.request_id = request_id
        self.problems = problems  # "items.3.status: literal_error": field paths and error types only

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, what={self.what!r}, "
            f"request_id={self.request_id!r}, problems={self.problems!r})"
        )


class PhotoLocked(CrmApiError):
    """The report's photo is not available (private, or none): the client did not ask for it."""

    default_message = "This report's photo is locked."

    def __init__(self, message: str | None = None, *, state: str | None = None) -> None:
        if message is None and state == "none":
            message = "This report has no photo."
        super().__init__(message)
        self.state = state


class InvalidArgument(CrmApiError, ValueError):
    """An argument the client refuses to put into a request (e.g. a malformed report number)."""

    default_message = "That value cannot be sent to the CRM server."


# --- the one mapping -------------------------------------------------------------------------

_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: ValidationError,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    412: PreconditionFailed,
    413: ValidationError,
    415: ValidationError,
    422: ValidationError,
    428: PreconditionRequired,
    429: RateLimited,
}


def _error_class(status_code: int) -> type[APIStatusError]:
    if status_code in _BY_STATUS:
        return _BY_STATUS[status_code]
    if status_code >= 500:
        return ServerError
    return APIStatusError


def _safe_text(value: Any, limit: int, secrets: tuple[str, ...]) -> str | None:
    if not isinstance(value, str) or not value or len(value) > limit or not value.isprintable():
        return None
    if any(secret and secret in value for secret in secrets):
        return None
    return value


def _error_body(response: httpx.Response) -> dict[str, Any]:
    if len(response.content) > MAX_ERROR_BODY_BYTES:
        return {}
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return {}
    return body if isinstance(body, dict) else {}


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


MAX_ACTIONS = 16
MAX_ACTION_CHARS = 32


def _actions_or_none(value: Any, secrets: tuple[str, ...]) -> tuple[str, ...] | None:
    if not isinstance(value, list) or len(value) > MAX_ACTIONS:
        return None
    actions = []
    for item in value:
        action = _safe_text(item, MAX_ACTION_CHARS, secrets)
        if action is None:
            return None
        actions.append(action)
    return tuple(actions)


def _datetime_or_none(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) > 64:
        return None
    from api_client.models import showable_everywhere  # models imports this module

    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None and showable_everywhere(parsed) else None


def error_from_response(response: httpx.Response, *, secrets: tuple[str, ...] = ()) -> APIStatusError:
    """The error for a non-success response whose body has been read. `secrets` (the token) are
    never let through into a message, even if a server echoed them."""
    body = _error_body(response)
    status = response.status_code
    cls = _error_class(status)
    message = None
    if isinstance(body.get("error"), str) and isinstance(body.get("message"), str):
        message = _safe_text(body["message"], MAX_SERVER_MESSAGE_CHARS, secrets)
    request_id = _safe_text(
        body.get("request_id") or response.headers.get("x-request-id"), MAX_REQUEST_ID_CHARS, secrets
    )
    code = _safe_text(body.get("error"), MAX_REQUEST_ID_CHARS, secrets)
    common: dict[str, Any] = {
        "status_code": status,
        "code": code,
        "request_id": request_id,
        "retry_after": parse_retry_after(response.headers.get("retry-after")),
    }
    if cls is PreconditionFailed:
        return PreconditionFailed(
            message,
            **common,
            current_version=_int_or_none(body.get("current_version")),
            changed_by=_safe_text(body.get("changed_by"), MAX_SERVER_MESSAGE_CHARS, secrets),
            changed_at=_datetime_or_none(body.get("changed_at")),
        )
    if cls is Conflict:
        return Conflict(
            message,
            **common,
            status=_safe_text(body.get("status"), MAX_ACTION_CHARS, secrets),
            allowed_actions=_actions_or_none(body.get("allowed_actions"), secrets),
        )
    if cls is APIStatusError and message is None:
        message = f"The CRM server refused the request (HTTP {status})."
    return cls(message, **common)


def error_from_transport(exc: httpx.RequestError) -> APIConnectionError:
    """The error for a transport failure. httpx's own message is not kept (it may name the host)."""
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(cause=type(exc).__name__)
    return APIConnectionError(cause=type(exc).__name__)
