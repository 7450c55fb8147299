"""The console's top line: who is signed in, where, the connection, and the counts."""

from __future__ import annotations

from typing import ClassVar, Literal

from textual.app import RenderResult
from textual.content import Content
from textual.reactive import reactive
from textual.style import Style as VisualStyle
from textual.widget import Widget

from widgets.i18n import Texts
from widgets.safe_text import line

Connection = Literal["online", "reconnecting", "offline"]

TEXTS = Texts(
    id={
        "online": "terhubung",
        "reconnecting": "menyambung ulang…",
        "offline": "terputus",
        "total": "{total} laporan",
        "at_least": "≥{total} laporan",
        "loading": "memuat…",
        "new": "{count} baru",
        "stale": "daftar berubah: r untuk muat ulang",
        "read_only": "hanya baca",
        "filtered": "tersaring",
        "marked": "{count} ditandai",
    },
    en={
        "online": "online",
        "reconnecting": "reconnecting…",
        "offline": "offline",
        "total": "{total} reports",
        "at_least": "≥{total} reports",
        "loading": "loading…",
        "new": "{count} new",
        "stale": "list changed: r to refresh",
        "read_only": "read-only",
        "filtered": "filtered",
        "marked": "{count} marked",
    },
)


class ConsoleHeader(Widget):
    """One line, dense on purpose: an 80-column terminal must still show all of it."""

    DEFAULT_CSS = """
    ConsoleHeader {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    ConsoleHeader > .console-header--online { color: $success; }
    ConsoleHeader > .console-header--reconnecting { color: $warning; }
    ConsoleHeader > .console-header--offline { color: $error; text-style: bold; }
    ConsoleHeader > .console-header--new { color: $accent; text-style: bold; }
    ConsoleHeader > .console-header--muted { color: $foreground-muted; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "console-header--online",
        "console-header--reconnecting",
        "console-header--offline",
        "console-header--new",
        "console-header--muted",
    }

    operator: reactive[str] = reactive("")
    """The signed-in operator's display name."""
    role: reactive[str] = reactive("")
    """The signed-in operator's role."""
    agency: reactive[str] = reactive("")
    """The operator's agency."""
    connection: reactive[Connection] = reactive("online")
    """State of the live event stream."""
    total: reactive[int | None] = reactive(None)
    """Reports matching the current filter; None while the first page loads."""
    total_is_lower_bound: reactive[bool] = reactive(False)
    """`total` counts only up to the server's bound (a search matching very many reports)."""
    marked: reactive[int] = reactive(0)
    """Reports marked for a bulk action."""
    new_count: reactive[int] = reactive(0)
    """Reports that arrived since the list was loaded."""
    stale: reactive[bool] = reactive(False)
    """The server's count moved since the list was loaded."""
    view: reactive[str] = reactive("")
    """The saved view the list shows ("" before one is named)."""
    filtered: reactive[bool] = reactive(False)
    """A search or filter narrows the list beyond its view (so a short list is not mistaken for
    all of the view)."""
    narrowed_by: reactive[str] = reactive("")
    """What narrows it, in a few words ("Proses, “jalan”"); "" to say only that it is."""
    sort: reactive[str] = reactive("")
    """The list's order, as named to the operator ("↓dibuat")."""

    def render(self) -> RenderResult:
        sep = Content(" · ")
        state = self.connection
        if self.total is None:
            count = TEXTS("loading")
        else:
            count = TEXTS("at_least" if self.total_is_lower_bound else "total", total=f"{self.total:,}")
        tail = [
            Content.styled("● " + TEXTS(state), self.get_visual_style(f"console-header--{state}", partial=True)),
            sep,
            Content(count),
        ]
        if self.view:
            tail += [sep, Content(line(self.view, max_chars=30))]
        if self.filtered:
            by = f": {line(self.narrowed_by, max_chars=40)}" if self.narrowed_by else ""
            tail += [Content(" "), Content.styled(f"({TEXTS('filtered')}{by})", self._muted)]
        if self.sort:
            tail += [Content(" "), Content.styled(line(self.sort, max_chars=20), self._muted)]
        if self.marked:
            tail += [sep, Content.styled(TEXTS("marked", count=self.marked), "bold")]
        if self.new_count:
            tail += [
                sep,
                Content.styled(
                    TEXTS("new", count=self.new_count), self.get_visual_style("console-header--new", partial=True)
                ),
            ]
        if self.stale:
            tail += [sep, Content.styled(TEXTS("stale"), self._muted)]
        name = line(self.operator, max_chars=40)
        who = [Content(f" {name} ({line(self.role, max_chars=20)})" if self.role else f" {name}"), sep]
        where = [Content(line(self.agency, max_chars=40)), sep]
        # Narrow terminals lose the agency first, then the role, then the operator: the state,
        # the counts and what the list shows stay.
        for head in ([*who, *where], who, [Content(" " + name), sep], []):
            content = Content("").join([Content.styled(" CRM ", "bold reverse"), *head, *tail])
            if content.cell_length <= self.size.width or not head:
                return content
        return content

    @property
    def _muted(self) -> VisualStyle:
        return self.get_visual_style("console-header--muted", partial=True)
