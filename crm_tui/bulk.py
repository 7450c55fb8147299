"""Bulk actions: one action on every marked report, report by report.

Each report is its own request, on the version the operator saw when they marked it (its
If-Match), with an idempotency key of its own: a report that someone changed after it was marked
answers 412 and is reported as a conflict (who changed what), never overwritten. What the
operator may not do to a report is refused before anything is sent, with the reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from api_client.errors import Conflict, CrmApiError, Forbidden, NotFound, PreconditionFailed, ValidationError
from api_client.models import Report, ReportSummary

IN_FLIGHT = 4  # requests at once: enough to keep a server busy, few enough not to crowd it out
# The server refused the action on this report (its status, its scope, the payload): another
# try would be refused again. Anything else (unreachable, 5xx) failed, and may work later.
REFUSED = (Conflict, Forbidden, NotFound, ValidationError)

Kind = Literal["done", "conflict", "refused", "failed"]


@dataclass(frozen=True)
class Outcome:
    number: str
    kind: Kind
    why: str = ""  # conflict: who changed what; refused and failed: the reason
    newest: Report | None = None  # done, or a conflict whose new version could be loaded


Send = Callable[[ReportSummary], Awaitable[Report | None]]  # the report after the action, if any
OnConflict = Callable[[ReportSummary, PreconditionFailed], Awaitable[Outcome]]


async def run_bulk(
    reports: Iterable[ReportSummary],
    send: Send,
    *,
    refusal: Callable[[ReportSummary], str | None],
    conflict: OnConflict,
    failure: Callable[[CrmApiError], str],
    progress: Callable[[int], None] = lambda done: None,
) -> list[Outcome]:
    """The outcome for each report, in the order given; `progress(n)` as each one ends."""
    gate = asyncio.Semaphore(IN_FLIGHT)
    ended = 0

    async def one(report: ReportSummary) -> Outcome:
        nonlocal ended
        try:
            why = refusal(report)
            if why is not None:
                return Outcome(report.number, "refused", why)
            async with gate:
                try:
                    after = await send(report)
                except PreconditionFailed as error:
                    return await conflict(report, error)
                except REFUSED as error:
                    return Outcome(report.number, "refused", failure(error))
                except CrmApiError as error:
                    return Outcome(report.number, "failed", failure(error))
            return Outcome(report.number, "done", newest=after)
        finally:
            ended += 1
            progress(ended)

    return list(await asyncio.gather(*(one(report) for report in reports)))
