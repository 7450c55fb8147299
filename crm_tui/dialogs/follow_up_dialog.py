"""`FollowUpDialog`: the assigned officer's follow-up (tindak lanjut) on a report in Proses or
TL Ditolak: the public response (what the reporter reads; required), an internal note
(optional), and 1 to 4 evidence photos from local files, by typed path or from a picker that
lists only .jpg/.jpeg/.png. Each chosen photo is listed with its size; Delete removes the
highlighted one. A file that is not a JPEG or PNG by content, or is over 5 MB, is refused here
with a message (`crm_tui.evidence_files`). Ctrl+S sends. With `templates` (the screen's loader
of the report's follow-up templates), a picker above the response fills it with the chosen
template (`TemplateChoice`); the response stays editable.

The payload given to `submit` is a `FollowUpPayload` (hashable: one idempotency key per
response, note and photos)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import DirectoryTree, Input, OptionList, Static, TextArea

from crm_tui.dialogs.action_dialog import ActionDialog
from crm_tui.dialogs.key_hints import Label
from crm_tui.dialogs.template_choice import TemplateChoice, TemplateLoader
from crm_tui.evidence_files import MAX_EVIDENCE_PHOTOS, Chosen, choose, human_size
from widgets.i18n import Texts
from widgets.safe_text import line
from widgets.template_picker import TemplatePicker

R = TypeVar("R")

TEXTS = Texts(
    id={
        "title": "Tindak lanjut {number}",
        "response": "Tanggapan untuk pelapor (wajib)",
        "note": "Catatan internal (tidak wajib)",
        "path": "Path foto bukti, Enter untuk menambah",
        "photos": "Foto bukti ({count}/{most}), Delete menghapus:",
        "required": "Tanggapan untuk pelapor wajib diisi.",
        "no_photo": "Tambahkan 1 sampai 4 foto bukti.",
        "full": "Sudah 4 foto bukti; hapus satu dulu.",
        "twice": "{name} sudah dipilih.",
        "send": "kirim",
        "cancel": "batal",
    },
    en={
        "title": "Follow-up on {number}",
        "response": "Response to the reporter (required)",
        "note": "Internal note (optional)",
        "path": "Evidence photo path, Enter to add",
        "photos": "Evidence photos ({count}/{most}), Delete removes:",
        "required": "The response to the reporter is required.",
        "no_photo": "Add 1 to 4 evidence photos.",
        "full": "There are 4 evidence photos already; remove one first.",
        "twice": "{name} is chosen already.",
        "send": "send",
        "cancel": "cancel",
    },
)

_PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png"})


@dataclass(frozen=True)
class FollowUpPayload:
    response: str
    note: str | None
    photos: tuple[bytes, ...]


class PhotoTree(DirectoryTree):
    """Folders and the files that may be photos (their content is checked once chosen)."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in _PHOTO_SUFFIXES)]


class FollowUpDialog(ActionDialog[FollowUpPayload, R]):
    """Submit the follow-up on `report` (that version of it).

    | Key | Binding id | Action |
    | :- | :- | :- |
    | enter | | In the templates (shift+tab from the response): fill the response. |
    | enter | | In the path field: add that photo. In the picker: add the file. |
    | delete | follow_up.remove | In the photo list: remove the highlighted photo. |
    | ctrl+s | dialog.confirm | Send the follow-up (again, after a failure). |
    | escape | dialog.cancel | Close; the texts and the chosen paths are kept as a draft. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("delete", "remove_photo", "remove", show=False, id="follow_up.remove"),
    ]

    DEFAULT_CSS = """
    FollowUpDialog #follow-up-form { height: auto; max-height: 18; }
    FollowUpDialog #response { height: 4; min-height: 3; }
    FollowUpDialog #internal-note { height: 3; min-height: 3; }
    FollowUpDialog #photo-path { margin-top: 1; }
    FollowUpDialog #photo-tree { height: 6; }
    FollowUpDialog #photos { height: auto; max-height: 4; }
    """

    AUTO_FOCUS = "#response"

    def __init__(
        self, *args: Any, start: Path | None = None, templates: TemplateLoader | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.template_choice = TemplateChoice(templates, "#response")
        self.start = start or Path.home()
        self.chosen: list[Chosen] = []

    def dialog_title(self) -> str:
        return TEXTS("title", number=self.number_text)

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="follow-up-form"):
            yield from self.template_choice.compose()
            yield TextArea(id="response", soft_wrap=True, tab_behavior="focus", placeholder=TEXTS("response"))
            yield TextArea(id="internal-note", soft_wrap=True, tab_behavior="focus", placeholder=TEXTS("note"))
            yield Input(placeholder=TEXTS("path"), id="photo-path", compact=True)
            yield PhotoTree(self.start, id="photo-tree")
            yield Static(id="photos-title", markup=False)
            yield OptionList(id="photos", compact=True)

    def hint_labels(self) -> dict[str, Label]:
        return {"confirm": TEXTS("send"), "cancel": TEXTS("cancel")}

    def on_mount(self) -> None:
        self._show_photos()
        self.template_choice.start(self)

    @on(TemplatePicker.Chosen)
    def _template_chosen(self, event: TemplatePicker.Chosen) -> None:
        self.template_choice.fill(self, event.template, self.report)

    def add_photo(self, text: str) -> bool:
        """Choose the photo at `text`; False (with the reason shown) when it cannot be evidence."""
        if len(self.chosen) >= MAX_EVIDENCE_PHOTOS:
            self.show_message(TEXTS("full"))
            return False
        chosen = choose(text)
        if isinstance(chosen, str):
            self.show_message(line(chosen, max_chars=200))
            return False
        if any(c.path == chosen.path for c in self.chosen):
            self.show_message(TEXTS("twice", name=line(chosen.path.name, max_chars=80)))
            return False
        self.chosen.append(chosen)
        self.clear_message()
        self._show_photos()
        return True

    def _show_photos(self) -> None:
        self.query_one("#photos-title", Static).update(
            Content(TEXTS("photos", count=len(self.chosen), most=MAX_EVIDENCE_PHOTOS))
        )
        photos = self.query_one("#photos", OptionList)
        photos.clear_options()
        photos.add_options(
            Content(f"{line(c.path.name, max_chars=50)}  {human_size(len(c.data))}") for c in self.chosen
        )

    @on(Input.Submitted, "#photo-path")
    def _path_typed(self, event: Input.Submitted) -> None:
        if event.value.strip() and self.add_photo(event.value):
            event.input.value = ""

    @on(DirectoryTree.FileSelected, "#photo-tree")
    def _file_picked(self, event: DirectoryTree.FileSelected) -> None:
        self.add_photo(str(event.path))

    def action_remove_photo(self) -> None:
        photos = self.query_one("#photos", OptionList)
        if photos.has_focus and photos.highlighted is not None and photos.highlighted < len(self.chosen):
            del self.chosen[photos.highlighted]
            self._show_photos()

    def current_draft(self) -> dict[str, Any]:
        return {
            "response": self.query_one("#response", TextArea).text,
            "note": self.query_one("#internal-note", TextArea).text,
            "paths": [str(c.path) for c in self.chosen],
        }

    def restore_draft(self, draft: Mapping[str, Any]) -> None:
        self.query_one("#response", TextArea).load_text(str(draft.get("response") or ""))
        self.query_one("#internal-note", TextArea).load_text(str(draft.get("note") or ""))
        for path in draft.get("paths") or ():
            self.add_photo(str(path))  # read again: the file may have changed since

    def build_payload(self) -> FollowUpPayload | None:
        response = self.query_one("#response", TextArea).text.strip()
        if not response:
            self.show_message(TEXTS("required"))
            self.query_one("#response", TextArea).focus()
            return None
        if not self.chosen:
            self.show_message(TEXTS("no_photo"))
            self.query_one("#photo-path", Input).focus()
            return None
        note = self.query_one("#internal-note", TextArea).text.strip() or None
        return FollowUpPayload(response, note, tuple(c.data for c in self.chosen))
