"""The report screen: the virtual list, the detail pane, and every action on a report.

Its parts live in modules of their own, each a `ReportBrowser` (the list, the detail and their
state): `ListCommands` (what the list shows), `ReportWrites` (what changes a report),
`LiveUpdates` (the event stream). This class holds the keys.
"""

from __future__ import annotations

from typing import ClassVar, get_args

from textual import events
from textual.binding import Binding, BindingType

from crm_tui import permissions
from crm_tui.screens.list_commands import ListCommands
from crm_tui.screens.live_updates import LiveUpdates
from crm_tui.screens.report_marks import ReportMarks
from crm_tui.screens.report_writes import ReportWrites
from widgets.i18n import Texts

TEXTS = Texts(
    id={
        "filter": "Cari",
        "filters": "Saring",
        "sort": "Urut",
        "views": "Tampilan",
        "dashboard": "Dasbor",
        "more_detail": "Rinci\u2193",
        "mark": "Tandai",
        "mark_range": "Tandai rentang",
        "clear_marks": "Hapus tanda",
        "assign": "Tugaskan",
        "claim": "Ambil",
        "close": "Tutup",
        "note": "Catatan",
        "coordinate": "Koordinasi",
        "dispose": "Disposisi",
        "reopen": "Buka kembali",
        "follow_up": "Tindak lanjut",
        "validate": "Validasi",
        "refresh": "Muat ulang",
        "new": "Ke laporan baru",
        "command": "Perintah",
        "help": "Bantuan",
        "quit": "Keluar",
        "pane": "Panel",
        "back": "Kembali",
    },
    en={
        "filter": "Search",
        "filters": "Filter",
        "sort": "Sort",
        "views": "Views",
        "dashboard": "Dashboard",
        "more_detail": "Detail \u2193",
        "mark": "Mark",
        "mark_range": "Mark range",
        "clear_marks": "Clear marks",
        "assign": "Assign",
        "claim": "Claim",
        "close": "Close",
        "note": "Note",
        "coordinate": "Coordinate",
        "dispose": "Dispose",
        "reopen": "Reopen",
        "follow_up": "Follow up",
        "validate": "Validate",
        "refresh": "Refresh",
        "new": "To new reports",
        "command": "Command",
        "help": "Help",
        "quit": "Quit",
        "pane": "Pane",
        "back": "Back",
    },
)

# The key's action -> the permission it needs.
_WRITES: dict[str, permissions.Action] = {
    "assign": "assign",
    "claim": "claim",
    "close_report": "close",
    "note": "note",
    "coordinate": "coordinate",
    "dispose": "dispose",
    "reopen": "reopen",
    "follow_up": "follow_up",
    "validate": "validate",
}
assert set(_WRITES.values()) == set(get_args(permissions.Action))


class MainScreen(ListCommands, ReportMarks, ReportWrites, LiveUpdates):
    # The footer shows what fits in 80 columns; `?` lists every key.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "text_filter", TEXTS("filter"), id="main.text_filter"),
        Binding("f", "filters", TEXTS("filters"), id="main.filters"),
        Binding("s", "sort", TEXTS("sort"), id="main.sort", show=False),
        Binding("w", "views", TEXTS("views"), id="main.views", show=False),
        Binding("D", "dashboard", TEXTS("dashboard"), id="main.dashboard", show=False),
        Binding("a", "assign", TEXTS("assign"), id="main.assign"),
        Binding("m", "claim", TEXTS("claim"), id="main.claim"),
        Binding("c", "close_report", TEXTS("close"), id="main.close"),
        Binding("n", "note", TEXTS("note"), id="main.note"),
        Binding("o", "coordinate", TEXTS("coordinate"), id="main.coordinate", show=False),
        Binding("d", "dispose", TEXTS("dispose"), id="main.dispose", show=False),
        Binding("R", "reopen", TEXTS("reopen"), id="main.reopen", show=False),
        Binding("t", "follow_up", TEXTS("follow_up"), id="main.follow_up", show=False),
        Binding("v", "validate", TEXTS("validate"), id="main.validate", show=False),
        Binding("space", "mark", TEXTS("mark"), id="main.mark", show=False),
        Binding("V", "mark_range", TEXTS("mark_range"), id="main.mark_range", show=False),
        Binding("u", "clear_marks", TEXTS("clear_marks"), id="main.clear_marks", show=False),
        Binding("r,ctrl+r", "refresh", TEXTS("refresh"), id="main.refresh", show=False),
        Binding("N", "new_reports", TEXTS("new"), id="main.new_reports", show=False),
        Binding("colon", "command_line", TEXTS("command"), id="main.command", show=False),
        Binding("question_mark", "help", TEXTS("help"), id="main.help"),
        # Shown only while the detail runs below its pane (as at 80x24) and the list has focus: the
        # way to the rest of it. Otherwise tab falls through to the binding after it.
        Binding(
            "tab", "switch_pane('more')", TEXTS("more_detail"), id="main.more_detail", priority=True, key_display="⇥"
        ),
        Binding("tab", "switch_pane", TEXTS("pane"), id="main.switch_pane", show=False, priority=True),
        Binding("escape", "back", TEXTS("back"), id="main.back", show=False),
        Binding("q", "app.quit", TEXTS("quit"), id="main.quit"),
    ]
    """
    | Key | Binding id | Action |
    | :- | :- | :- |
    | `/` | main.text_filter | Search the report text. |
    | `f` | main.filters | Filters: status, category, private, assignee, overdue. |
    | `s` | main.sort | Sort. |
    | `D` | main.dashboard | The dashboard of the operator's scope; Enter on a row lists its reports. |
    | `a` | main.assign | Assign to an officer. |
    | `m` | main.claim | Claim (an officer takes the report). |
    | `c` | main.close | Close, with a resolution and a note. |
    | `n` | main.note | Add a note. |
    | `o` | main.coordinate | Coordinate: to the agency whose duty the report is, with a note. |
    | `d` | main.dispose | Dispose: a Dinas hands the report to one of its Suku Dinas, with a note. |
    | `R` | main.reopen | Reopen a Selesai report, with the reason. |
    | `t` | main.follow_up | Follow up: the response to the reporter, a note, 1-4 evidence photos. |
    | `v` | main.validate | Validate a follow-up: its evidence drawn; accept, or reject with the reason. |
    | `space` | main.mark | Mark or unmark the report (then a, c, n, o act on every marked one). |
    | `V` | main.mark_range | Mark from the last marked row to the cursor. |
    | `u` | main.clear_marks | Clear the marks. |
    | `r`, `ctrl+r` | main.refresh | Refresh (the cursor stays on its report). |
    | `N` | main.new_reports | To the newest report that arrived and was not looked at. |
    | `:` | main.command | Command line (`:JK2503050007`, `:q`). |
    | `?` | main.help | Help. |
    | `tab` | main.more_detail | To the detail, when it runs below its pane (shown in the footer then). |
    | `tab` | main.switch_pane | Switch between list and detail. |
    | `q` | main.quit | Quit. |

    A write key that does not apply (the role never does it: hidden; this report does not allow
    it: greyed) says why when pressed.
    """

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "switch_pane" and parameters == ("more",):
            return self.table.has_focus and self.detail.max_scroll_y > 0
        permission = _WRITES.get(action)
        if permission is None:
            return True
        # Hidden where the role can never do it; greyed where this report does not allow it.
        if permission in permissions.NEVER_FOR_ROLE[self.operator.role]:
            return False
        return True if self.refusal(permission) is None else None

    def on_key(self, event: events.Key) -> None:
        """A write key that is refused says why (Textual would drop it silently, and the
        operator would go on typing into the list's keys)."""
        action = self._write_bound_to(event.key)
        if action is None:
            return
        reason = self.refusal(_WRITES[action])
        if reason is not None:
            event.stop()
            event.prevent_default()
            self.notify(reason, severity="warning")

    def _write_bound_to(self, key: str) -> str | None:
        keymap = self.crm.config.keymap
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.action in _WRITES:
                keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
                if key in (k.strip() for k in keys.split(",")):
                    return binding.action
        return None

    def action_switch_pane(self, _why: str = "") -> None:
        (self.detail if self.table.has_focus else self.table).focus()

    def action_back(self) -> None:
        self.table.focus()
