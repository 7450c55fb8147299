"""`BulkDialog`: what to do to every marked report (an officer, a close, a note, an agency to
coordinate to with a note); returns the payload, or None. It sends nothing: the screen applies
it report by report (crm_tui/bulk.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from api_client.models import Agency, Officer, Resolution
from crm_tui.commands import REPORT_NUMBER
from crm_tui.dialogs.base import DialogScreen
from crm_tui.dialogs.close_dialog import RESOLUTIONS, ClosePayload, normalise_number
from crm_tui.dialogs.key_hints import KeyHints
from crm_tui.dialogs.route_dialog import RoutePayload, agency_choices
from widgets.i18n import Texts
from widgets.safe_text import line

BulkAction = Literal["assign", "close", "note", "coordinate"]
Payload = str | ClosePayload | RoutePayload
MAX_NOTE_CHARS = 2_000

TEXTS = Texts(
    id={
        "assign": "Tugaskan {count} laporan yang ditandai",
        "close": "Tutup {count} laporan yang ditandai",
        "note": "Catatan untuk {count} laporan yang ditandai",
        "coordinate": "Koordinasikan {count} laporan yang ditandai ke instansi yang berwenang",
        "agency_filter": "Ketik untuk menyaring (nama atau kode instansi)",
        "no_agency": "Tidak ada instansi yang cocok dengan penyaring.",
        "why_label": "Alasan (wajib)",
        "officer": "{name} ({agency}) \u00b7 {open} terbuka",
        "resolution": "Alasan penutupan",
        "duplicate_of": "Duplikat dari laporan nomor",
        "note_label": "Catatan (wajib)",
        "no_note": "Tulis catatannya dulu.",
        "no_number": "Tulis nomor laporan aslinya (JK diikuti 10\u201311 angka).",
        "each": "Tiap laporan dikirim sendiri, pada versi yang Anda lihat saat menandainya.",
        "choose": "pilih",
        "apply": "terapkan",
        "cancel": "batal",
    },
    en={
        "assign": "Assign the {count} marked reports",
        "close": "Close the {count} marked reports",
        "note": "Note on the {count} marked reports",
        "coordinate": "Coordinate the {count} marked reports to the responsible agency",
        "agency_filter": "Type to narrow (agency name or code)",
        "no_agency": "No agency matches the filter.",
        "why_label": "Why (required)",
        "officer": "{name} ({agency}) \u00b7 {open} open",
        "resolution": "Resolution",
        "duplicate_of": "Duplicate of report number",
        "note_label": "Note (required)",
        "no_note": "Write the note first.",
        "no_number": "Type the original report's number (JK and 10\u201311 digits).",
        "each": "Each report is sent on its own, on the version you saw when you marked it.",
        "choose": "choose",
        "apply": "apply",
        "cancel": "cancel",
    },
)


class BulkDialog(DialogScreen[Payload | None]):
    """| Key | Binding id | Action |
    | :- | :- | :- |
    | enter | (list) | Assign: choose the officer. |
    | up/down | bulk.up, bulk.down | Coordinate: move the agency highlight while typing the filter. |
    | ctrl+s | bulk.apply | Close, note, coordinate: apply to every marked report. |
    | escape | dialog.cancel | Change nothing. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "apply", "apply", show=False, id="bulk.apply"),
        Binding("down", "move(1)", "down", show=False, id="bulk.down"),
        Binding("up", "move(-1)", "up", show=False, id="bulk.up"),
    ]

    DEFAULT_CSS = """
    BulkDialog #officers, BulkDialog #resolution { height: auto; max-height: 10; }
    BulkDialog #agency-filter { margin-top: 1; }
    BulkDialog #agencies { height: auto; max-height: 8; min-height: 3; }
    BulkDialog #note { height: 5; }
    BulkDialog .field-label { color: $text-secondary; margin-top: 1; }
    BulkDialog #each { color: $text-muted; }
    BulkDialog #duplicate-label, BulkDialog #duplicate-of { display: none; }
    BulkDialog.-duplicate #duplicate-label, BulkDialog.-duplicate #duplicate-of { display: block; }
    """

    def __init__(
        self,
        action: BulkAction,
        count: int,
        officers: list[Officer] | None = None,
        agencies: Sequence[Agency] = (),
    ) -> None:
        super().__init__()
        self.action = action
        self.count = count
        self.officers = officers or []
        self.agencies = agency_choices(agencies)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-frame"):
            yield Static(Content(TEXTS(self.action, count=self.count)), id="dialog-title", markup=False)
            yield Static(Content(TEXTS("each")), id="each", markup=False)
            if self.action == "assign":
                yield OptionList(*(self._officer(officer) for officer in self.officers), id="officers", compact=True)
            if self.action == "close":
                yield Label(Content(TEXTS("resolution")), classes="field-label")
                options = [Option(Content(resolution.value), id=resolution.name) for resolution in RESOLUTIONS]
                yield OptionList(*options, id="resolution", compact=True)
                yield Label(Content(TEXTS("duplicate_of")), id="duplicate-label", classes="field-label")
                yield Input(id="duplicate-of", max_length=16)
            if self.action == "coordinate":
                yield Input(placeholder=TEXTS("agency_filter"), id="agency-filter", compact=True)
                yield OptionList(*self.agencies.options(), id="agencies", compact=True)
            if self.action in ("close", "note", "coordinate"):
                label = TEXTS("why_label" if self.action == "coordinate" else "note_label")
                yield Label(Content(label), classes="field-label")
                yield TextArea(id="note", soft_wrap=True)
            yield Static("", id="dialog-message", markup=False)
            labels = {"select": TEXTS("choose")} if self.action == "assign" else {"apply": TEXTS("apply")}
            yield KeyHints({**labels, "cancel": TEXTS("cancel")}, id="dialog-keys")

    def on_mount(self) -> None:
        first = {"assign": "#officers", "close": "#resolution", "note": "#note", "coordinate": "#agency-filter"}
        self.query_one(first[self.action]).focus()
        if self.action == "coordinate" and self.agencies.shown:
            self.query_one("#agencies", OptionList).highlighted = 0

    @staticmethod
    def _officer(officer: Officer) -> Option:
        name, agency = line(officer.display_name, max_chars=40), line(officer.agency.name, max_chars=40)
        return Option(Content(TEXTS("officer", name=name, agency=agency, open=officer.open_workload)))

    @on(OptionList.OptionSelected, "#officers")
    def _officer_chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.officers[event.option_index].username)

    @on(Input.Changed, "#agency-filter")
    def _agency_filter_changed(self, event: Input.Changed) -> None:
        self.agencies.narrow(self.query_one("#agencies", OptionList), event.value)

    @on(Input.Submitted, "#agency-filter")
    @on(OptionList.OptionSelected, "#agencies")
    def _to_why(self) -> None:
        self.query_one("#note", TextArea).focus()

    def action_move(self, step: int) -> None:
        if self.action == "coordinate":
            self.agencies.move(self.query_one("#agencies", OptionList), step)

    @on(OptionList.OptionHighlighted, "#resolution")
    def _resolution_moved(self, event: OptionList.OptionHighlighted) -> None:
        self.set_class(RESOLUTIONS[event.option_index] is Resolution.DUPLIKAT, "-duplicate")

    def action_apply(self) -> None:
        if self.action == "assign":
            return
        note = self.query_one("#note", TextArea).text.strip()
        if not note:
            self.show_message(TEXTS("no_note"))
            return
        if self.action == "note":
            self.dismiss(note[:MAX_NOTE_CHARS])
            return
        if self.action == "coordinate":
            agency = self.agencies.highlighted(self.query_one("#agencies", OptionList))
            if agency is None:
                self.show_message(TEXTS("no_agency"))
                return
            self.dismiss(RoutePayload(agency.code, note[:MAX_NOTE_CHARS]))
            return
        index = self.query_one("#resolution", OptionList).highlighted or 0
        resolution = RESOLUTIONS[index]
        duplicate_of = None
        if resolution is Resolution.DUPLIKAT:
            duplicate_of = normalise_number(self.query_one("#duplicate-of", Input).value)
            if not REPORT_NUMBER.fullmatch(duplicate_of):
                self.show_message(TEXTS("no_number"))
                return
        self.dismiss(ClosePayload(resolution, note[:MAX_NOTE_CHARS], duplicate_of))
