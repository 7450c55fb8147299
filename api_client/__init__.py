"""The typed async client of the CRM operator API (usable on its own: it never imports textual).

async with CrmClient("https://crm.example") as client:
    await client.login("dispatcher", password)
    async for page in client.iter_pages(ReportQuery(status=("Menunggu",), assignee="unassigned")):
        ...
"""

import importlib
from typing import Any

from api_client.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    Conflict,
    CrmApiError,
    Forbidden,
    InvalidArgument,
    NotFound,
    PhotoLocked,
    PreconditionFailed,
    PreconditionRequired,
    RateLimited,
    ResponseParseError,
    ServerError,
    Unauthorized,
    ValidationError,
)
from api_client.models import (
    Agency,
    AgencyRef,
    AgencyStats,
    Category,
    DayCount,
    Event,
    Evidence,
    FollowUp,
    Handoff,
    Health,
    HistoryEntry,
    Location,
    Me,
    Note,
    Officer,
    OfficerStats,
    Operator,
    OperatorRef,
    PhotoInfo,
    Report,
    ReportPage,
    ReportStatus,
    ReportSummary,
    Resolution,
    ResponseTemplate,
    Resync,
    Session,
    Stats,
    StatsFigures,
    StreamItem,
    StreamStatus,
    Validation,
)
from api_client.query import VALIDATION_QUEUE, ReportQuery
from api_client.retry import DEFAULT_RETRY, NO_RETRY, RetryPolicy

# The client and its timeouts need httpx; they load on first use, so code that only needs the
# models and errors (the console's widgets) does not pull in the HTTP stack.
_LAZY = {
    "CrmClient": "api_client.client",
    "new_idempotency_key": "api_client.client",
    "quiet_httpx_logging": "api_client.client",
    "DEFAULT_TIMEOUTS": "api_client.timeouts",
    "Timeouts": "api_client.timeouts",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'api_client' has no attribute {name!r}")


__all__ = [
    "DEFAULT_RETRY",
    "DEFAULT_TIMEOUTS",
    "NO_RETRY",
    "VALIDATION_QUEUE",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "Agency",
    "AgencyRef",
    "AgencyStats",
    "Category",
    "Conflict",
    "CrmApiError",
    "CrmClient",
    "DayCount",
    "Event",
    "Evidence",
    "FollowUp",
    "Forbidden",
    "Handoff",
    "Health",
    "HistoryEntry",
    "InvalidArgument",
    "Location",
    "Me",
    "NotFound",
    "Note",
    "Officer",
    "OfficerStats",
    "Operator",
    "OperatorRef",
    "PhotoInfo",
    "PhotoLocked",
    "PreconditionFailed",
    "PreconditionRequired",
    "RateLimited",
    "Report",
    "ReportPage",
    "ReportQuery",
    "ReportStatus",
    "ReportSummary",
    "Resolution",
    "ResponseParseError",
    "ResponseTemplate",
    "Resync",
    "RetryPolicy",
    "ServerError",
    "Session",
    "Stats",
    "StatsFigures",
    "StreamItem",
    "StreamStatus",
    "Timeouts",
    "Unauthorized",
    "Validation",
    "ValidationError",
    "new_idempotency_key",
    "quiet_httpx_logging",
]
