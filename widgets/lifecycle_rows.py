"""The report's lifecycle as timeline rows for the detail pane: each coordination and disposition
from -> to, each follow-up round with its public response and evidence (capture and upload
times, and the duplicate-evidence flag, which must not be missed), each validation decision
with its reason. Every text is sanitised and drawn as `Content`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.content import Content
from textual.style import Style

from api_client.models import Evidence, FollowUp, Handoff, Report
from widgets import safe_text
from widgets.i18n import Texts
from widgets.report_format import format_wib

TEXTS = Texts(
    id={
        "coordinate": "koordinasi",
        "dispose": "disposisi",
        "round": "tindak lanjut ke-{n}",
        "response": "Tanggapan untuk pelapor:",
        "note": "Catatan internal:",
        "evidence": "Bukti {n}: diambil {captured}, diunggah {uploaded}",
        "no_capture": "tanpa waktu pengambilan",
        "similar": "PERINGATAN: foto ini hampir sama dengan bukti {number}",
        "accept": "diterima (Selesai)",
        "reject": "ditolak (TL Ditolak)",
        "awaiting": "menunggu validasi",
    },
    en={
        "coordinate": "coordinated",
        "dispose": "disposed",
        "round": "follow-up round {n}",
        "response": "Response to the reporter:",
        "note": "Internal note:",
        "evidence": "Evidence {n}: taken {captured}, uploaded {uploaded}",
        "no_capture": "no capture time",
        "similar": "WARNING: this photo is nearly the same as evidence of {number}",
        "accept": "accepted (Selesai)",
        "reject": "rejected (TL Ditolak)",
        "awaiting": "awaiting validation",
    },
)

Row = tuple[str, Content]
StyleOf = Callable[[str], Style]  # "actor", "late": the detail pane's component styles


def lifecycle_rows(report: Report, style: StyleOf) -> list[Row]:
    """Handoffs and follow-up rounds, oldest first; nothing for a report that has neither."""
    timed: list[tuple[datetime, Row]] = [(h.at, _handoff(h, style)) for h in report.handoffs]
    timed += [(f.at, _round(f, style)) for f in report.follow_ups]
    return [row for _, row in sorted(timed, key=lambda item: item[0])]


def evidence_times(n: int, evidence: Evidence) -> str:
    """ "Evidence 2: taken <capture time>, uploaded <upload time>" (plain text)."""
    captured = format_wib(evidence.captured_at) if evidence.captured_at else TEXTS("no_capture")
    return TEXTS("evidence", n=n, captured=captured, uploaded=format_wib(evidence.uploaded_at))


def similar_warning(evidence: Evidence) -> str:
    """The duplicate-evidence warning naming the other report (sanitised), or "" when none."""
    if not evidence.similar_to:
        return ""
    return TEXTS("similar", number=safe_text.line(evidence.similar_to, max_chars=40))


def _quoted(text: str | None) -> Content:
    return Content("\n“" + safe_text.block(text, max_chars=2_000) + "”") if text else Content("")


def _handoff(handoff: Handoff, style: StyleOf) -> Row:
    where = f"{safe_text.line(handoff.from_agency.name)} → {safe_text.line(handoff.to_agency.name)}"
    text = Content.assemble(
        (safe_text.line(handoff.actor.display_name), style("actor")), " · ", TEXTS(handoff.kind), "\n", where
    )
    return format_wib(handoff.at), text + _quoted(handoff.note)


def _round(follow_up: FollowUp, style: StyleOf) -> Row:
    parts = [
        Content.assemble(
            (safe_text.line(follow_up.officer.display_name), style("actor")), " · ", TEXTS("round", n=follow_up.round)
        ),
        Content("\n" + TEXTS("response")),
        _quoted(follow_up.response),
    ]
    if follow_up.note:
        parts += [Content("\n" + TEXTS("note")), _quoted(follow_up.note)]
    for n, evidence in enumerate(follow_up.evidence, 1):
        parts.append(Content("\n" + evidence_times(n, evidence)))
        flag = similar_warning(evidence)
        if flag:
            parts.append(Content("\n") + Content.styled(flag, style("late")))
    decided = follow_up.validation
    if decided is None:
        parts.append(Content("\n" + TEXTS("awaiting")))
    else:
        parts.append(
            Content.assemble(
                "\n", (safe_text.line(decided.validator.display_name), style("actor")), " · ", TEXTS(decided.decision)
            )
        )
        parts.append(_quoted(decided.reason))
    return format_wib(follow_up.at), Content("").join(parts)
