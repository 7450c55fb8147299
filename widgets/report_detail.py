"""One report in full, under its privacy banner.

The pane keeps one set of children for its whole life and updates their content in place,
so following the cursor does not mount or remove widgets. Every text that comes from a report
or an operator goes through `safe_text` and is drawn as `Content`, never parsed as markup.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar, get_args

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.style import Style as VisualStyle
from textual.widgets import Static

from api_client.models import EventType, HistoryEntry, Note, Report, ReportStatus, ReportSummary
from widgets import safe_text
from widgets.field_list import FieldList
from widgets.i18n import Texts
from widgets.lifecycle_rows import lifecycle_rows
from widgets.photo_panel import PhotoPanel
from widgets.photo_renderers import PhotoRenderer
from widgets.privacy_banner import PrivacyBanner
from widgets.report_format import describe_time_left, format_wib, is_late, routing_due, status_class

TEXTS = Texts(
    id={
        "category": "Kategori",
        "channel": "Kanal",
        "agency": "Instansi",
        "assignee": "Petugas",
        "created": "Dibuat",
        "updated": "Diperbarui",
        "due": "Tenggat",
        "route_by": "Batas rute",
        "address": "Alamat",
        "kelurahan": "Kelurahan",
        "kecamatan": "Kecamatan",
        "city": "Kota",
        "resolution": "Penyelesaian",
        "duplicate_of": "Duplikat dari",
        "photo": "Foto",
        "description": "Uraian",
        "lifecycle": "Alur tindak lanjut",
        "history": "Riwayat",
        "notes": "Catatan",
        "no_history": "Belum ada riwayat.",
        "no_notes": "Belum ada catatan.",
        "intake": "kanal masuk",
        "created_action": "laporan masuk",
        "assigned_action": "ditugaskan",
        "closed_action": "ditutup",
        "noted_action": "catatan ditambahkan",
        "coordinated_action": "dikoordinasikan",
        "disposed_action": "didisposisikan",
        "followed_up_action": "tindak lanjut dikirim",
        "accepted_action": "tindak lanjut diterima",
        "rejected_action": "tindak lanjut ditolak",
        "reopened_action": "dibuka kembali",
        "detail_channel": "kanal",
        "detail_officer": "petugas",
        "detail_resolution": "penyelesaian",
        "empty": "Pilih laporan untuk melihat rinciannya.",
    },
    en={
        "category": "Category",
        "channel": "Channel",
        "agency": "Agency",
        "assignee": "Assignee",
        "created": "Created",
        "updated": "Updated",
        "due": "Due",
        "route_by": "Route by",
        "address": "Address",
        "kelurahan": "Kelurahan",
        "kecamatan": "Kecamatan",
        "city": "City",
        "resolution": "Resolution",
        "duplicate_of": "Duplicate of",
        "photo": "Photo",
        "description": "Description",
        "lifecycle": "Lifecycle",
        "history": "History",
        "notes": "Notes",
        "no_history": "No history yet.",
        "no_notes": "No notes yet.",
        "intake": "intake channel",
        "created_action": "report received",
        "assigned_action": "assigned",
        "closed_action": "closed",
        "noted_action": "note added",
        "coordinated_action": "coordinated",
        "disposed_action": "disposed",
        "followed_up_action": "follow-up submitted",
        "accepted_action": "follow-up accepted",
        "rejected_action": "follow-up rejected",
        "reopened_action": "reopened",
        "detail_channel": "channel",
        "detail_officer": "officer",
        "detail_resolution": "resolution",
        "empty": "Choose a report to see its details.",
    },
    same=frozenset({"kelurahan", "kecamatan"}),
)

# The history's actions are the event types: each has its words in TEXTS ("<type>_action").
_KNOWN_ACTIONS = frozenset(get_args(EventType))
_KNOWN_DETAILS = {"channel", "officer", "resolution"}  # "<key>: <value>" as the server words it


def _detail_text(detail: str) -> str:
    """A history entry's detail in the UI's language: the server's known keys are translated."""
    key, sep, value = detail.partition(": ")
    return f"{TEXTS('detail_' + key)}: {value}" if sep and key in _KNOWN_DETAILS else detail


class ReportDetail(VerticalScroll, can_focus=True):
    """The detail pane: banner first, then the report. States: a message (nothing chosen,
    loading, an error), a summary preview while the full report loads, or the full report."""

    DEFAULT_CSS = """
    ReportDetail {
        background: $surface;
        padding: 0;
        & > #notice {
            display: none;
            padding: 0 1;
            border-left: thick $accent;
            color: $text-accent;
            text-style: bold;
        }
        & > #notice.-shown { display: block; }
        & > #message { display: none; padding: 1 1; color: $text-muted; }
        & > #heading { padding: 0 1; margin-top: 1; }
        & > #title { padding: 0 1; text-style: bold; }
        & > #description { padding: 0 1; }
        & > .section { padding: 0 1; margin-top: 1; color: $text-primary; text-style: bold; }
        &.-message > * { display: none; }
        &.-message > #message { display: block; }
        &.-summary > .-full { display: none; }
        &.-no-lifecycle > .-lifecycle { display: none; }
        &.-pending > * { display: none; }
        &.-pending > #banner, &.-pending > #heading, &.-pending > #notice { display: block; }
        & > .report-detail--number { text-style: bold; }
        & > .report-detail--late { color: $text-error; text-style: bold; }
        & > .report-detail--actor { text-style: bold; }
        & > .report-detail--status-menunggu { color: $text-error; text-style: bold; }
        & > .report-detail--status-koordinasi { color: $text-primary; text-style: bold; }
        & > .report-detail--status-disposisi { color: $text-secondary; text-style: bold italic; }
        & > .report-detail--status-proses { color: $text-warning; text-style: bold; }
        & > .report-detail--status-menunggu-validasi { color: $text-accent; text-style: bold underline; }
        & > .report-detail--status-tl-ditolak { color: $text-error; background: $error-muted; text-style: bold; }
        & > .report-detail--status-selesai { color: $text-success; text-style: bold; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "report-detail--number",
        "report-detail--late",
        "report-detail--actor",
        "report-detail--status-menunggu",
        "report-detail--status-koordinasi",
        "report-detail--status-disposisi",
        "report-detail--status-proses",
        "report-detail--status-menunggu-validasi",
        "report-detail--status-tl-ditolak",
        "report-detail--status-selesai",
    }
    """
    | Class | Description |
    | :- | :- |
    | `report-detail--number` | The report number in the heading. |
    | `report-detail--late` | The due date, from day 6 and once overdue. |
    | `report-detail--actor` | Who acted, in the history and the notes. |
    | `report-detail--status-*` | One per status, as in the list. |
    """

    class PhotoNeeded(Message):
        """A non-private report with a photo is shown: fetch it and call `show_photo`."""

        def __init__(self, report_detail: ReportDetail, number: str) -> None:
            super().__init__()
            self.report_detail = report_detail
            self.number = number

        @property
        def control(self) -> ReportDetail:
            return self.report_detail

    def __init__(
        self,
        *,
        photo_renderer: PhotoRenderer | None = None,
        name: str | None = None,
        id: str | None = None,  # noqa: A002
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """`photo_renderer`: how photos are drawn (half-block cells when not given)."""
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.now: datetime | None = None
        """The clock for time left; None: the current time when a report is shown."""
        self._shown: ReportSummary | None = None
        # The parts are kept, not queried: cheaper on every key, and an update that comes while
        # the console closes (a worker finishing) finds them even once they left the DOM.
        self._banner = PrivacyBanner(id="banner")
        self._notice = Static(id="notice", markup=False)
        self._message = Static(id="message", markup=False)
        self._heading_line = Static(id="heading", markup=False)
        self._title = Static(id="title", markup=False)
        self._fields = FieldList(id="fields")
        self._description = Static(id="description", classes="-full", markup=False)
        self._photo = PhotoPanel(id="photo", renderer=photo_renderer)
        self._lifecycle = FieldList(id="lifecycle", classes="-full -lifecycle")
        self._history = FieldList(id="history", classes="-full", empty_text=TEXTS("no_history"))
        self._notes = FieldList(id="notes", classes="-full", empty_text=TEXTS("no_notes"))
        # The state it opens in (`on_mount` shows its message): styled once, as it mounts,
        # rather than mounted in no state and restyled at once.
        self.add_class("-message", "-no-lifecycle", update=False)

    def compose(self) -> ComposeResult:
        yield self._banner
        yield self._notice
        yield self._message
        yield self._heading_line
        yield self._title
        yield self._fields
        yield Static(TEXTS("description"), classes="section -full", markup=False)
        yield self._description
        yield Static(TEXTS("photo"), classes="section", markup=False)
        yield self._photo
        yield Static(TEXTS("lifecycle"), classes="section -full -lifecycle", markup=False)
        yield self._lifecycle
        yield Static(TEXTS("history"), classes="section -full", markup=False)
        yield self._history
        yield Static(TEXTS("notes"), classes="section -full", markup=False)
        yield self._notes

    def on_mount(self) -> None:
        self.show_message(TEXTS("empty"))
        self.watch(self.app, "theme", self._on_theme_change, init=False)

    @property
    def photo(self) -> PhotoPanel:
        return self._photo

    @property
    def report(self) -> ReportSummary | None:
        """What the pane shows: a full `Report`, a `ReportSummary` preview, or None."""
        return self._shown

    # --- states -------------------------------------------------------------------------------

    def show_message(self, text: str) -> None:
        """Nothing to show but a message: empty, loading, or an error (safe to pass server text)."""
        if not self.is_attached:
            return  # taken off the screen (the console closing): a late answer has nowhere to go
        self._shown = None
        self._message.update(Content(safe_text.block(text, max_chars=2_000)))
        self._set_mode("-message")
        self.show_notice(None)

    def show_notice(self, text: str | None) -> None:
        """A line under the banner, e.g. "changed by Budi just now"; None removes it."""
        notice = self._notice
        notice.update(Content(safe_text.line(text) if text else ""))
        notice.set_class(bool(text), "-shown")

    def show_pending(self, summary: ReportSummary, notice: str) -> None:
        """Another report, whose details are on their way: its banner, number and status now,
        with `notice` ("loading..."), the rest hidden until they arrive. Cheap enough for every
        key of a fast cursor: once pending, moving on only redraws the heading's line (and the
        banner when the privacy changes)."""
        if not self.is_attached:
            return  # taken off the screen (the console closing): a late answer has nowhere to go
        shown = self._shown
        if shown is not None and shown.number == summary.number and not self.has_class("-pending"):
            return  # that report is on screen already
        self._shown = summary
        self._banner.private = summary.private
        self._heading_line.update(self._heading(summary), layout=False)
        if not self.has_class("-pending"):
            self.scroll_home(animate=False, immediate=True)
            self._set_mode("-pending")
            self.show_notice(notice)

    def show_summary(self, summary: ReportSummary) -> None:
        """A quick preview from the list's row while the full report loads. Ignored when the
        full report of that version (or a newer one) is already shown."""
        if not self.is_attached:
            return  # taken off the screen (the console closing): a late answer has nowhere to go
        shown = self._shown
        if isinstance(shown, Report) and shown.number == summary.number and shown.version >= summary.version:
            return
        self._switch_to(summary.number)
        self._shown = summary
        self._show_common(summary)
        self._set_mode("-summary")
        photo = self.photo
        if summary.private or summary.photo == "locked":
            photo.show_locked()
        elif summary.photo == "none":
            photo.show_none()
        else:
            photo.show_loading()

    def show_report(self, report: Report) -> None:
        """The full report. For a non-private report with a photo, posts PhotoNeeded."""
        if not self.is_attached:
            return  # taken off the screen (the console closing): a late answer has nowhere to go
        self._switch_to(report.number)
        previous = self._shown
        self._shown = report
        self._show_common(report)
        self._description.update(Content(safe_text.block(report.description)))
        self._show_lifecycle(report)
        self._history.set_rows([self._history_row(entry) for entry in report.history])
        self._notes.set_rows([self._note_row(note) for note in report.notes])
        self._set_mode("-report")
        photo = self.photo
        state = report.photo_info.state
        if report.private or state == "locked":
            photo.show_locked()  # never asked for: a private report's photo stays on the server
        elif state == "none":
            photo.show_none()
        elif not (
            isinstance(previous, Report) and previous.number == report.number and photo.state in ("shown", "loading")
        ):
            photo.show_loading()
            self.post_message(self.PhotoNeeded(self, report.number))

    def show_photo(self, number: str, data: bytes) -> None:
        """The photo of report `number` arrived; ignored if the pane has moved on, or if the
        report shown is private."""
        if self._accepts_photo(number):
            self.photo.show_image(data)

    def show_photo_error(self, number: str, text: str) -> None:
        if self._accepts_photo(number):
            self.photo.show_error(text)

    def _accepts_photo(self, number: str) -> bool:
        shown = self._shown
        return shown is not None and shown.number == number and not shown.private

    # --- rendering ----------------------------------------------------------------------------

    def _switch_to(self, number: str) -> None:
        """Another report: its notice does not carry over, and its banner is what shows first."""
        if self._shown is None or self._shown.number != number:
            self.show_notice(None)
            self.scroll_home(animate=False, immediate=True)

    def _set_mode(self, mode: str) -> None:
        # One batch: each class changed on its own would restyle the whole pane again.
        self.update_classes({name: name == mode for name in ("-message", "-pending", "-summary", "-report")})

    def _style(self, name: str) -> VisualStyle:
        return self.get_visual_style(f"report-detail--{name}", partial=True)

    def _heading(self, summary: ReportSummary) -> Content:
        return Content.assemble(
            (safe_text.line(summary.number), self._style("number")), "  ", self._status(summary.status)
        )

    def _status(self, status: ReportStatus) -> Content:
        return Content.styled(status.value, self._style(status_class(status)))

    def _show_common(self, summary: ReportSummary) -> None:
        now = self.now or datetime.now(UTC)
        self._banner.private = summary.private
        self._heading_line.update(self._heading(summary))
        self._title.update(Content(safe_text.line(summary.title)))
        due = Content(format_wib(summary.due_at))
        if summary.status.is_open:
            due += Content(" (" + describe_time_left(summary.due_at, now) + ")")
            if is_late(summary.created_at, summary.due_at, now, summary.status):
                due = due.stylize(self._style("late"))
        rows: list[tuple[str, Content]] = [
            (TEXTS("category"), Content(safe_text.line(summary.category_name))),
            (TEXTS("channel"), Content(safe_text.line(summary.channel))),
            (TEXTS("agency"), Content(safe_text.line(summary.agency.name))),
            (TEXTS("assignee"), Content(safe_text.line(summary.assignee.display_name if summary.assignee else None))),
            (TEXTS("created"), Content(format_wib(summary.created_at))),
            (TEXTS("updated"), Content(format_wib(summary.updated_at))),
            (TEXTS("due"), due),
        ]
        pending = routing_due(summary)
        if pending is not None:  # red once it has passed
            route_by = Content(format_wib(pending) + " (" + describe_time_left(pending, now) + ")")
            rows.append((TEXTS("route_by"), route_by.stylize(self._style("late")) if now > pending else route_by))
        if isinstance(summary, Report):
            location = summary.location
            rows.append((TEXTS("address"), Content(safe_text.line(location.address))))
            place = (location.kelurahan, location.kecamatan, location.city)
        else:
            place = (summary.kelurahan, summary.kecamatan, summary.city)
        rows += [
            (TEXTS(key), Content(safe_text.line(value)))
            for key, value in zip(("kelurahan", "kecamatan", "city"), place, strict=True)
        ]
        if isinstance(summary, Report) and summary.resolution is not None:
            rows.append((TEXTS("resolution"), Content(summary.resolution.value)))
        if isinstance(summary, Report) and summary.duplicate_of:
            rows.append((TEXTS("duplicate_of"), Content(safe_text.line(summary.duplicate_of))))
        self._fields.set_rows(rows)

    def _history_row(self, entry: HistoryEntry) -> tuple[str, Content]:
        actor = safe_text.line(entry.actor.display_name) if entry.actor else TEXTS("intake")
        action = TEXTS(f"{entry.action}_action") if entry.action in _KNOWN_ACTIONS else safe_text.line(entry.action)
        parts: list[Content] = [Content.styled(actor, self._style("actor")), Content(" · " + action)]
        if entry.from_status is not None or entry.to_status is not None:
            parts.append(Content(" · "))
            if entry.from_status is not None:
                parts += [self._status(entry.from_status), Content(" → ")]
            if entry.to_status is not None:
                parts.append(self._status(entry.to_status))
        if entry.detail:
            parts.append(Content("\n" + safe_text.line(_detail_text(entry.detail))))
        if entry.note:
            parts.append(Content("\n“" + safe_text.block(entry.note, max_chars=2_000) + "”"))
        return format_wib(entry.at), Content("").join(parts)

    def _show_lifecycle(self, report: Report) -> None:
        """The timeline, for a report handed on or followed up; the section is hidden otherwise."""
        rows = lifecycle_rows(report, self._style)
        self._lifecycle.set_rows(rows)
        self.set_class(not rows, "-no-lifecycle")

    def _note_row(self, note: Note) -> tuple[str, Content]:
        author = Content.styled(safe_text.line(note.author.display_name), self._style("actor"))
        return format_wib(note.at), author + Content("\n" + safe_text.block(note.text, max_chars=5_000))

    def _on_theme_change(self) -> None:
        # Styles baked into the content (status colours) follow the theme.
        shown = self._shown
        if shown is None:
            return
        self._show_common(shown)
        if isinstance(shown, Report):
            self._show_lifecycle(shown)
            self._history.set_rows([self._history_row(e) for e in shown.history])
