"""Which actions apply to a report for the signed-in operator. The server decides; this only
keeps keys that would be refused out of the footer (the same rules as the server's)."""

from __future__ import annotations

from api_client.models import Operator, ReportStatus, ReportSummary

_ASSIGNABLE = frozenset(
    {ReportStatus.MENUNGGU, ReportStatus.KOORDINASI, ReportStatus.DISPOSISI, ReportStatus.PROSES, ReportStatus.TL_DITOLAK}
)


def _routes(me: Operator) -> bool:
    return me.role in ("dispatcher", "supervisor")


def _assigned_to_me(me: Operator, report: ReportSummary) -> bool:
    return report.assignee is not None and report.assignee.username == me.username


def can_assign(me: Operator, report: ReportSummary | None) -> bool:
    return report is not None and _routes(me) and report.status in _ASSIGNABLE


def can_claim(me: Operator, report: ReportSummary | None) -> bool:
    """An officer takes an unassigned report of their agency."""
    return (
        report is not None
        and me.role == "officer"
        and report.assignee is None
        and report.status in _ASSIGNABLE
    )


def can_close(me: Operator, report: ReportSummary | None) -> bool:
    if report is None or report.status is ReportStatus.SELESAI:
        return False
    return _routes(me) or _assigned_to_me(me, report)


def can_note(me: Operator, report: ReportSummary | None) -> bool:
    return report is not None and (_routes(me) or _assigned_to_me(me, report))
