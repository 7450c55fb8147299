"""What changed between two versions of a report, in the operator's words ("status Menunggu →
Proses", "petugas — → Rina Marlina"): what a dialog shows when someone else changed the report
it is about."""

from __future__ import annotations

from api_client.models import ReportSummary
from widgets.i18n import Texts
from widgets.safe_text import PLACEHOLDER, line

TEXTS = Texts(
    id={
        "status": "status {old} \u2192 {new}",
        "assignee": "petugas {old} \u2192 {new}",
        "agency": "instansi {old} \u2192 {new}",
        "private": "bersifat privasi {old} \u2192 {new}",
        "yes": "ya",
        "no": "tidak",
    },
    en={
        "status": "status {old} \u2192 {new}",
        "assignee": "officer {old} \u2192 {new}",
        "agency": "agency {old} \u2192 {new}",
        "private": "private {old} \u2192 {new}",
        "yes": "yes",
        "no": "no",
    },
    same=frozenset({"status"}),
)


def _assignee(report: ReportSummary) -> str:
    return line(report.assignee.display_name, max_chars=60) if report.assignee else PLACEHOLDER


def describe_changes(old: ReportSummary, new: ReportSummary) -> list[str]:
    """The fields an operator acts on that differ, old → new; empty when only other fields did
    (the title, the deadline)."""
    changes: list[str] = []
    if old.status != new.status:
        changes.append(TEXTS("status", old=old.status.value, new=new.status.value))
    if (old.assignee and old.assignee.username) != (new.assignee and new.assignee.username):
        changes.append(TEXTS("assignee", old=_assignee(old), new=_assignee(new)))
    if old.agency.code != new.agency.code:
        changes.append(
            TEXTS("agency", old=line(old.agency.name, max_chars=60), new=line(new.agency.name, max_chars=60))
        )
    if old.private != new.private:
        changes.append(
            TEXTS("private", old=TEXTS("yes" if old.private else "no"), new=TEXTS("yes" if new.private else "no"))
        )
    return changes
