"""`FilterDialog`: choose what the report list shows; returns a new `ReportQuery` (or None).

Statuses (any of the seven), one category (type to narrow, or all), private, overdue, and the
assignee (any, me, unassigned, or a username). The text filter and the sort are kept as they
were. No network: the categories are handed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from api_client.models import Category, ReportStatus
from api_client.query import ASSIGNEE_ME, ASSIGNEE_UNASSIGNED, ReportQuery
from crm_tui.dialogs.base import DialogScreen
from crm_tui.dialogs.key_hints import KeyHints
from crm_tui.dialogs.status_list import StatusList
from widgets.i18n import Texts
from widgets.safe_text import line

ANY, YES, NO, OTHER = "any", "yes", "no", "other"
STATUSES: tuple[str, ...] = tuple(str(status) for status in ReportStatus)

TEXTS = Texts(
    id={
        "title": "Saring laporan",
        "status": "Status",
        "category": "Kategori",
        "all": "(semua kategori)",
        "narrow": "Ketik untuk menyaring",
        "private": "Privasi",
        "overdue": "Lewat tenggat",
        "assignee": "Petugas",
        "any": "semua",
        "yes": "ya",
        "no": "tidak",
        "me": "saya",
        "unassigned": "belum ditugaskan",
        "other": "username\u2026",
        "username": "username petugas",
        "need_username": "Ketik username petugas, atau pilih 'semua'.",
        "apply": "terapkan",
        "clear": "hapus semua",
        "toggle": "centang",
        "cancel": "batal",
    },
    en={
        "title": "Filter reports",
        "status": "Status",
        "category": "Category",
        "all": "(all categories)",
        "narrow": "Type to narrow",
        "private": "Private",
        "overdue": "Overdue",
        "assignee": "Assignee",
        "any": "any",
        "yes": "yes",
        "no": "no",
        "me": "me",
        "unassigned": "unassigned",
        "other": "username\u2026",
        "username": "officer's username",
        "need_username": "Type the officer's username, or choose 'any'.",
        "apply": "apply",
        "clear": "clear all",
        "toggle": "toggle",
        "cancel": "cancel",
    },
    same=frozenset({"status", "other"}),
)


def _tri_state(value: bool | None) -> str:
    return ANY if value is None else YES if value else NO


def _from_tri_state(value: object) -> bool | None:
    return None if value == ANY else value == YES


def _tri_select(value: bool | None, id: str) -> Select[str]:  # noqa: A002
    options = [(Content(TEXTS(key)), key) for key in (ANY, YES, NO)]
    return Select(options, value=_tri_state(value), allow_blank=False, compact=True, id=id)


def category_matches(category: Category, text: str) -> bool:
    haystack = f"{category.name}\n{category.code}".casefold()
    return all(word in haystack for word in text.casefold().split())


class FilterDialog(DialogScreen[ReportQuery | None]):
    """Edit the filters of `query`. `can_filter_assignee`: show the assignee filter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "apply", "apply", show=False, id="dialog.confirm"),
        Binding("ctrl+r", "clear", "clear all", show=False, id="filter.clear"),
        Binding("down", "move_category(1)", "down", show=False, id="filter.category_down"),
        Binding("up", "move_category(-1)", "up", show=False, id="filter.category_up"),
    ]
    """
    | Key | Binding id | Action |
    | :- | :- | :- |
    | ctrl+s | dialog.confirm | Apply the filters (Enter in the category filter too). |
    | ctrl+r | filter.clear | Clear every filter in the dialog. |
    | space | (list) | Toggle a status. |
    | up/down | filter.category_up/down | In the category filter: move through the categories. |
    | escape | dialog.cancel | Close without changing the list. |
    """

    DEFAULT_CSS = """
    FilterDialog > #dialog-frame {
        width: 78;
    }
    FilterDialog #dialog-title {
        margin-bottom: 1;
    }
    FilterDialog #columns {
        height: auto;
    }
    FilterDialog #left {
        width: 36;
        height: auto;
        margin-right: 2;
    }
    FilterDialog #right {
        width: 1fr;
        height: auto;
    }
    FilterDialog .row {
        height: 1;
        margin-top: 1;
    }
    FilterDialog .row > Label {
        width: 15;
        color: $text-secondary;
    }
    FilterDialog .row > Select {
        width: 1fr;
    }
    FilterDialog #assignee-name, FilterDialog #category-filter {
        background: $boost;
    }
    FilterDialog #assignee-name {
        display: none;
    }
    FilterDialog.-other-assignee #assignee-name {
        display: block;
    }
    FilterDialog #category {
        height: 10;
    }
    """

    AUTO_FOCUS = "#status"

    def __init__(
        self,
        query: ReportQuery,
        categories: Sequence[Category],
        can_filter_assignee: bool,
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.initial = query
        self.categories: tuple[Category, ...] = tuple(categories)
        self.can_filter_assignee = can_filter_assignee
        self._category: tuple[str, ...] = query.category  # the choice, whatever the list shows
        self._shown: list[Category | None] = []  # None: "all categories"

    def compose(self) -> ComposeResult:
        query = self.initial
        with Vertical(id="dialog-frame"):
            yield Static(Content(TEXTS("title")), id="dialog-title", markup=False)
            with Horizontal(id="columns"):
                with Vertical(id="left"):
                    yield Label(Content(TEXTS("status")), classes="field-label")
                    selections = [Selection(Content(s), s, s in query.status) for s in STATUSES]
                    yield StatusList(*selections, id="status", compact=True)
                    with Horizontal(classes="row"):
                        yield Label(Content(TEXTS("private")))
                        yield _tri_select(query.private, "private")
                    with Horizontal(classes="row"):
                        yield Label(Content(TEXTS("overdue")))
                        yield _tri_select(query.overdue, "overdue")
                    if self.can_filter_assignee:
                        with Horizontal(classes="row"):
                            yield Label(Content(TEXTS("assignee")))
                            yield self._assignee_select(query.assignee)
                        other = query.assignee not in (None, ASSIGNEE_ME, ASSIGNEE_UNASSIGNED)
                        yield Input(
                            query.assignee if other else "",
                            placeholder=TEXTS("username"),
                            id="assignee-name",
                            compact=True,
                            max_length=64,
                        )
                with Vertical(id="right"):
                    yield Label(Content(TEXTS("category")), classes="field-label")
                    yield Input(placeholder=TEXTS("narrow"), id="category-filter", compact=True)
                    yield OptionList(id="category", compact=True)
            yield Static(id="dialog-message", markup=False)
            yield KeyHints(
                {
                    "apply": TEXTS("apply"),
                    "submit": TEXTS("apply"),
                    "select": TEXTS("toggle"),
                    "clear": TEXTS("clear"),
                    "cancel": TEXTS("cancel"),
                },
                id="dialog-keys",
            )

    def _assignee_select(self, assignee: str | None) -> Select[str]:
        keys = (ANY, ASSIGNEE_ME, ASSIGNEE_UNASSIGNED, OTHER)
        options = [(Content(TEXTS(key)), key) for key in keys]
        value = ANY if assignee is None else assignee if assignee in keys else OTHER
        self.set_class(value == OTHER, "-other-assignee")
        return Select(options, value=value, allow_blank=False, compact=True, id="assignee")

    def on_mount(self) -> None:
        self.narrow_categories("")

    # --- categories -----------------------------------------------------------------------------

    def narrow_categories(self, text: str) -> None:
        """Show "all" (when nothing is typed) and the categories matching `text`; the current
        choice stays highlighted if shown, else the first match becomes the choice."""
        shown: list[Category | None] = [None] if not text.strip() else []
        shown += [category for category in self.categories if category_matches(category, text)]
        self._shown = shown
        options = self.query_one("#category", OptionList)
        options.clear_options()
        options.add_options([Option(Content(TEXTS("all") if c is None else line(c.name, max_chars=60))) for c in shown])
        codes = [() if c is None else (c.code,) for c in shown]
        if self._category in codes:
            options.highlighted = codes.index(self._category)
        elif text.strip() and codes:
            options.highlighted = 0

    @on(Input.Changed, "#category-filter")
    def _category_filter_changed(self, event: Input.Changed) -> None:
        self.narrow_categories(event.value)

    @on(OptionList.OptionHighlighted, "#category")
    def _category_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if 0 <= event.option_index < len(self._shown):
            chosen = self._shown[event.option_index]
            self._category = () if chosen is None else (chosen.code,)

    @on(Input.Submitted, "#category-filter")
    @on(OptionList.OptionSelected, "#category")
    def _category_chosen(self) -> None:
        self.action_apply()

    @on(Select.Changed, "#assignee")
    def _assignee_changed(self, event: Select.Changed) -> None:
        self.set_class(event.value == OTHER, "-other-assignee")
        self.clear_message()

    # --- the result -----------------------------------------------------------------------------

    def build_query(self) -> ReportQuery | None:
        statuses = self.query_one("#status", StatusList).selected
        assignee: str | None = None
        if self.can_filter_assignee:
            choice = self.query_one("#assignee", Select).value
            if choice == OTHER:
                assignee = self.query_one("#assignee-name", Input).value.strip() or None
                if assignee is None:
                    self.show_message(TEXTS("need_username"))
                    self.query_one("#assignee-name", Input).focus()
                    return None
            elif choice != ANY:
                assignee = str(choice)
        else:
            assignee = self.initial.assignee
        return self.initial.replace(
            status=tuple(s for s in STATUSES if s in statuses),
            category=self._category,
            private=_from_tri_state(self.query_one("#private", Select).value),
            overdue=_from_tri_state(self.query_one("#overdue", Select).value),
            assignee=assignee,
        )

    def action_apply(self) -> None:
        query = self.build_query()
        if query is not None:
            self.dismiss(query)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "move_category":
            focused = self.focused
            return focused is not None and focused.id == "category-filter"
        return True

    def action_move_category(self, step: int) -> None:
        options = self.query_one("#category", OptionList)
        if self._shown:
            current = options.highlighted if options.highlighted is not None else -step
            options.highlighted = max(0, min(len(self._shown) - 1, current + step))

    def action_clear(self) -> None:
        self.query_one("#status", StatusList).deselect_all()
        self.query_one("#private", Select).value = ANY
        self.query_one("#overdue", Select).value = ANY
        if self.can_filter_assignee:
            self.query_one("#assignee", Select).value = ANY
            self.query_one("#assignee-name", Input).value = ""
        self._category = ()
        self.query_one("#category-filter", Input).value = ""
        self.narrow_categories("")
