"""Which actions apply to a report for the signed-in operator, and why not when they do not.

The server decides; these are the same rules as the server's, so that a key that would be
refused is greyed out in the footer and, pressed anyway, says why in the operator's language.
"""

from __future__ import annotations

from typing import Literal

from api_client.models import Operator, Report, ReportStatus, ReportSummary
from widgets.i18n import Texts
from widgets.safe_text import line

Action = Literal["assign", "claim", "close", "note", "coordinate", "dispose", "reopen", "follow_up", "validate"]

TEXTS = Texts(
    id={
        "no_report": "Belum ada laporan yang dipilih.",
        "assign_not_for_officers": "Petugas tidak menugaskan laporan; gunakan Ambil untuk menanganinya sendiri.",
        "claim_only_officers": "Hanya petugas yang mengambil laporan; gunakan Tugaskan untuk memilih petugas.",
        "selesai": "laporan sudah Selesai",
        "in_status": "laporan berstatus {status}",
        "cannot_assign": "Tidak dapat menugaskan: {why}.",
        "cannot_claim": "Tidak dapat mengambil: {why}.",
        "cannot_close": "Tidak dapat menutup: {why}.",
        "taken": "laporan sudah ditangani {name}",
        "not_yours": "laporan ini tidak ditugaskan kepada Anda",
        "cannot_note": "Tidak dapat menambah catatan: {why}.",
        "read_only": "Hanya-baca: peran pengamat tidak mengubah laporan.",
        "assign_only_routing": "Hanya dispatcher dan supervisor yang menugaskan laporan.",
        "close_only_routing": "Hanya dispatcher dan supervisor yang menutup laporan langsung; "
        "petugas mengirim tindak lanjut untuk divalidasi.",
        "route_only_routing": "Hanya dispatcher dan supervisor yang mengoordinasikan atau mendisposisikan laporan.",
        "cannot_coordinate": "Tidak dapat mengoordinasikan: {why}; hanya sebelum laporan ditangani petugas.",
        "cannot_dispose": "Tidak dapat mendisposisikan: {why}; hanya laporan Menunggu atau Koordinasi.",
        "reopen_only": "Hanya supervisor dan validator yang membuka kembali laporan.",
        "cannot_reopen": "Tidak dapat membuka kembali: {why}; hanya laporan Selesai.",
        "handed_on": "Hanya-baca: {number} sudah diteruskan ke {agency}, yang kini menanganinya.",
        "reopen_too_late": "Tidak dapat membuka kembali: laporan ditutup lebih dari 30 hari lalu.",
        "follow_up_only": "Hanya petugas yang mengirim tindak lanjut.",
        "follow_up_not_yours": "Tidak dapat mengirim tindak lanjut: laporan ini tidak ditugaskan kepada Anda.",
        "cannot_follow_up": "Tidak dapat mengirim tindak lanjut: {why}; hanya laporan Proses atau TL Ditolak.",
        "validate_only": "Hanya validator (Biro Pemerintahan) yang memvalidasi tindak lanjut.",
        "cannot_validate": "Tidak dapat memvalidasi: {why}; hanya laporan Menunggu Validasi.",
    },
    en={
        "no_report": "No report is chosen yet.",
        "assign_not_for_officers": "Officers do not assign reports; use Claim to take one yourself.",
        "claim_only_officers": "Only officers claim reports; use Assign to choose an officer.",
        "selesai": "the report is already Selesai",
        "in_status": "the report is {status}",
        "cannot_assign": "Cannot assign: {why}.",
        "cannot_claim": "Cannot claim: {why}.",
        "cannot_close": "Cannot close: {why}.",
        "taken": "the report is already with {name}",
        "not_yours": "the report is not assigned to you",
        "cannot_note": "Cannot add a note: {why}.",
        "read_only": "Read-only: observers do not change reports.",
        "assign_only_routing": "Only dispatchers and supervisors assign reports.",
        "close_only_routing": "Only dispatchers and supervisors close reports directly; "
        "officers submit a follow-up for validation.",
        "route_only_routing": "Only dispatchers and supervisors coordinate or dispose reports.",
        "cannot_coordinate": "Cannot coordinate: {why}; only before an officer works on the report.",
        "cannot_dispose": "Cannot dispose: {why}; only a report that is Menunggu or Koordinasi.",
        "reopen_only": "Only supervisors and validators reopen reports.",
        "cannot_reopen": "Cannot reopen: {why}; only a Selesai report.",
        "handed_on": "Read-only: {number} was handed on to {agency}, whose it is to act on now.",
        "reopen_too_late": "Cannot reopen: the report was closed more than 30 days ago.",
        "follow_up_only": "Only officers submit a follow-up.",
        "follow_up_not_yours": "Cannot submit a follow-up: the report is not assigned to you.",
        "cannot_follow_up": "Cannot submit a follow-up: {why}; only a Proses or TL Ditolak report.",
        "validate_only": "Only validators (the Biro Pemerintahan) validate a follow-up.",
        "cannot_validate": "Cannot validate: {why}; only a Menunggu Validasi report.",
    },
)

_ASSIGNABLE = frozenset(
    {
        ReportStatus.MENUNGGU,
        ReportStatus.KOORDINASI,
        ReportStatus.DISPOSISI,
        ReportStatus.PROSES,
        ReportStatus.TL_DITOLAK,
    }
)

# The server's transition table, as far as these keys go: officers claim and follow up, they do
# not route or close; dispatchers and supervisors route and close (never as selesai); validators
# validate, reopen and note; observers only read.
NEVER_FOR_ROLE: dict[str, frozenset[Action]] = {
    "officer": frozenset({"assign", "close", "coordinate", "dispose", "reopen", "validate"}),
    "dispatcher": frozenset({"claim", "reopen", "follow_up", "validate"}),
    "supervisor": frozenset({"claim", "follow_up", "validate"}),
    "validator": frozenset({"assign", "claim", "close", "coordinate", "dispose", "follow_up"}),
    "observer": frozenset(
        {"assign", "claim", "close", "note", "coordinate", "dispose", "reopen", "follow_up", "validate"}
    ),
}
_CLOSABLE = _ASSIGNABLE  # Menunggu Validasi is the validator's to decide
# Routing to another agency comes before anyone works on the report.
_COORDINABLE = frozenset({ReportStatus.MENUNGGU, ReportStatus.KOORDINASI, ReportStatus.DISPOSISI})
_DISPOSABLE = frozenset({ReportStatus.MENUNGGU, ReportStatus.KOORDINASI})
_FOLLOWABLE = frozenset({ReportStatus.PROSES, ReportStatus.TL_DITOLAK})  # again after a rejection


def _routes(me: Operator) -> bool:
    return me.role in ("dispatcher", "supervisor")


def _assigned_to_me(me: Operator, report: ReportSummary) -> bool:
    return report.assignee is not None and report.assignee.username == me.username


def _status(report: ReportSummary) -> str:
    if report.status is ReportStatus.SELESAI:
        return TEXTS("selesai")
    return TEXTS("in_status", status=report.status.value)


def refusal(action: Action, me: Operator, report: ReportSummary | None) -> str | None:
    """Why `me` cannot do `action` on `report` (plain text), or None when they can. A report in
    full also carries what the server allows the caller: nothing, when their agency handed it on;
    no reopening, once the 30 days for it have passed."""
    why = _by_the_table(action, me, report)
    if why is None and isinstance(report, Report) and report.allowed_actions is not None:
        if not report.allowed_actions:
            return TEXTS("handed_on", number=report.number, agency=line(report.agency.name, max_chars=60))
        if action == "reopen" and "reopen" not in report.allowed_actions:
            return TEXTS("reopen_too_late")  # the one condition of reopening beyond the table
    return why


def _by_the_table(action: Action, me: Operator, report: ReportSummary | None) -> str | None:
    if report is None:
        return TEXTS("no_report")
    if me.role == "observer":
        return TEXTS("read_only")
    if action == "assign":
        if me.role == "officer":
            return TEXTS("assign_not_for_officers")
        if not _routes(me):
            return TEXTS("assign_only_routing")
        if report.status not in _ASSIGNABLE:
            return TEXTS("cannot_assign", why=_status(report))
        return None
    if action == "claim":
        if me.role != "officer":
            return TEXTS("claim_only_officers")
        if report.status not in _ASSIGNABLE:
            return TEXTS("cannot_claim", why=_status(report))
        if report.assignee is not None:
            return TEXTS("cannot_claim", why=TEXTS("taken", name=line(report.assignee.display_name, max_chars=60)))
        return None
    if action == "close":
        if not _routes(me):
            return TEXTS("close_only_routing")
        if report.status not in _CLOSABLE:
            return TEXTS("cannot_close", why=_status(report))
        return None
    if action == "coordinate":
        if not _routes(me):
            return TEXTS("route_only_routing")
        return None if report.status in _COORDINABLE else TEXTS("cannot_coordinate", why=_status(report))
    if action == "dispose":
        if not _routes(me):
            return TEXTS("route_only_routing")
        return None if report.status in _DISPOSABLE else TEXTS("cannot_dispose", why=_status(report))
    if action == "reopen":
        if me.role not in ("supervisor", "validator"):
            return TEXTS("reopen_only")
        return None if report.status is ReportStatus.SELESAI else TEXTS("cannot_reopen", why=_status(report))
    if action == "follow_up":
        if me.role != "officer":
            return TEXTS("follow_up_only")
        if report.status not in _FOLLOWABLE:
            return TEXTS("cannot_follow_up", why=_status(report))
        return None if _assigned_to_me(me, report) else TEXTS("follow_up_not_yours")
    if action == "validate":
        if me.role != "validator":
            return TEXTS("validate_only")
        if report.status is not ReportStatus.MENUNGGU_VALIDASI:
            return TEXTS("cannot_validate", why=_status(report))
        return None
    if not (_routes(me) or me.role == "validator" or _assigned_to_me(me, report)):
        return TEXTS("cannot_note", why=TEXTS("not_yours"))
    return None


def can_assign(me: Operator, report: ReportSummary | None) -> bool:
    return refusal("assign", me, report) is None


def can_claim(me: Operator, report: ReportSummary | None) -> bool:
    """An officer takes an unassigned report of their agency."""
    return refusal("claim", me, report) is None


def can_close(me: Operator, report: ReportSummary | None) -> bool:
    return refusal("close", me, report) is None


def can_note(me: Operator, report: ReportSummary | None) -> bool:
    return refusal("note", me, report) is None
