"""`HelpScreen`: the keys that apply, with the binding ids the keymap config remaps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable, Static

from crm_tui.dialogs.base import DialogScreen
from crm_tui.dialogs.key_hints import KeyHints
from widgets.i18n import Texts
from widgets.safe_text import line

TEXTS = Texts(
    id={
        "title": "Tombol",
        "keys": "Tombol",
        "description": "Fungsi",
        "id": "ID (untuk keymap)",
        "remap": 'Ubah tombol lewat [keymap] di berkas konfigurasi: id = "tombol".',
        "accounts": "Akun demo (nama pengguna / kata sandi / peran / instansi):",
        "close": "tutup",
    },
    en={
        "title": "Keys",
        "keys": "Keys",
        "description": "Does",
        "id": "ID (for the keymap)",
        "remap": 'Remap keys in the config file\'s [keymap]: id = "keys".',
        "accounts": "Demo accounts (username / password / role / agency):",
        "close": "close",
    },
)


class HelpScreen(DialogScreen[None]):
    """`bindings`: rows of (binding id, keys, description), in the order to show."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("q,question_mark", "cancel", "close", show=False, id="help.close")]
    """
    | Key | Binding id | Action |
    | :- | :- | :- |
    | up/down, pgup/pgdn | (table) | Scroll. |
    | escape | dialog.cancel | Close. |
    | q, ? | help.close | Close. |
    """

    DEFAULT_CSS = """
    HelpScreen > #dialog-frame {
        width: 90%;
        max-width: 110;
        height: 90%;
    }
    HelpScreen #help-notes {
        color: $text-muted;
    }
    HelpScreen #keys {
        height: 1fr;
    }
    """

    AUTO_FOCUS = "#keys"

    def __init__(
        self,
        bindings: Sequence[tuple[str, str, str]],
        *,
        notes: Sequence[str] = (),
        accounts: Sequence[tuple[str, str, str, str]] = (),
        name: str | None = None,
        id: str | None = None,  # noqa: A002
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.rows: tuple[tuple[str, str, str], ...] = tuple(bindings)
        self.notes = tuple(notes)  # lines above the keys (what the list's units mean)
        self.accounts = tuple(accounts)  # the demo's accounts, in demo mode

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-frame"):
            yield Static(Content(TEXTS("title")), id="dialog-title", markup=False)
            lines = [*self.notes, TEXTS("remap")]
            if self.accounts:
                lines.append(TEXTS("accounts"))
                lines += ["  " + "  ".join(line(cell, max_chars=40) for cell in account) for account in self.accounts]
            yield Static(Content("\n".join(lines)), id="help-notes", markup=False)
            yield DataTable(id="keys", cursor_type="row", zebra_stripes=True)
            yield KeyHints({"cancel": TEXTS("close")}, id="dialog-keys")

    def on_mount(self) -> None:
        table = self.query_one("#keys", DataTable)
        table.add_columns(Text(TEXTS("keys")), Text(TEXTS("description")), Text(TEXTS("id")))
        for binding_id, keys, description in self.rows:
            # Text cells, never strings: a DataTable parses string cells as markup.
            table.add_row(
                Text(line(keys, max_chars=40)),
                Text(line(description, max_chars=80)),
                Text(line(binding_id, max_chars=60)),
            )
