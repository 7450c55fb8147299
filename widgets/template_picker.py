"""`TemplatePicker`: the response templates a dialog offers (a close's note, a follow-up's
response, a validation's reason), by title; Enter chooses one, typing narrows them.

A pure view: the dialog fetches the templates and hands them down (`templates`, or `problem`
when they could not be loaded); the picker posts `Chosen` and the dialog fills its text.
Titles come from the server: they are sanitised and drawn as `Content`, never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import events, on
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from api_client.models import ResponseTemplate
from widgets.i18n import Texts
from widgets.safe_text import line

MAX_TITLE_CHARS = 70

TEXTS = Texts(
    id={
        "heading": "Templat: Enter mengisi teks, ketik untuk menyaring",
        "narrowed": "Templat: \u201c{typed}\u201d ({shown} dari {count}), Backspace menghapus",
        "loading": "Memuat templat\u2026",
        "none": "Tidak ada templat untuk laporan ini.",
        "no_match": "Tidak ada templat yang cocok.",
        "problem": "Templat tidak dapat dimuat: {why}",
    },
    en={
        "heading": "Templates: Enter fills the text, type to narrow",
        "narrowed": "Templates: \u201c{typed}\u201d ({shown} of {count}), Backspace deletes",
        "loading": "Loading templates\u2026",
        "none": "There are no templates for this report.",
        "no_match": "No template matches.",
        "problem": "Templates could not be loaded: {why}",
    },
)


class TemplatePicker(Widget):
    """The templates by title, in a list that Tab reaches.

    | Key | Binding id | Action |
    | :- | :- | :- |
    | up/down, home/end | (list) | Move the highlight. |
    | enter | (list) | Choose the highlighted template (`Chosen`). |
    | printable keys | | Narrow: every word typed is in the title or the text. |
    | backspace | | Delete the last character typed. |

    With nothing to choose (loading, none, not loaded) the list says so and Tab passes it by.
    """

    DEFAULT_CSS = """
    TemplatePicker {
        height: auto;
    }
    TemplatePicker > #template-heading {
        color: $text-secondary;
    }
    TemplatePicker > OptionList {
        height: auto;
        max-height: 4;
    }
    """

    templates: reactive[tuple[ResponseTemplate, ...] | None] = reactive(None, init=False)
    """The templates offered, in the server's order; None while they load."""

    problem: reactive[str] = reactive("", init=False)
    """Why the templates could not be loaded (sanitised, plain text); "" when they could."""

    typed: reactive[str] = reactive("", init=False)
    """What the operator typed to narrow the list."""

    class Chosen(Message):
        """The operator chose `template`."""

        def __init__(self, picker: TemplatePicker, template: ResponseTemplate) -> None:
            super().__init__()
            self.picker = picker
            self.template = template

        @property
        def control(self) -> TemplatePicker:
            return self.picker

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.shown: list[ResponseTemplate] = []

    def compose(self) -> ComposeResult:
        yield Static(id="template-heading", markup=False)
        yield OptionList(id="template-list", compact=True)

    def on_mount(self) -> None:
        self._show()

    @property
    def highlighted_template(self) -> ResponseTemplate | None:
        index = self.query_one(OptionList).highlighted
        return self.shown[index] if index is not None and 0 <= index < len(self.shown) else None

    def _matches(self, template: ResponseTemplate) -> bool:
        words = f"{template.title}\n{template.text}".casefold()
        return all(word in words for word in self.typed.casefold().split())

    def _show(self) -> None:
        templates = self.templates or ()
        self.shown = [t for t in templates if self._matches(t)]
        heading = TEXTS("heading")
        if self.typed:
            typed = line(self.typed, max_chars=30)
            heading = TEXTS("narrowed", typed=typed, shown=len(self.shown), count=len(templates))
        self.query_one("#template-heading", Static).update(Content(heading))
        options = self.query_one(OptionList)
        options.clear_options()
        if self.shown:
            options.add_options(Option(Content(line(t.title, max_chars=MAX_TITLE_CHARS))) for t in self.shown)
            options.highlighted = 0
        else:
            if self.problem:
                why = TEXTS("problem", why=self.problem)
            elif self.templates is None:
                why = TEXTS("loading")
            else:
                why = TEXTS("no_match") if templates else TEXTS("none")
            options.add_option(Option(Content(why), disabled=True))
        # Nothing to choose, nothing typed to take back: Tab passes the list by.
        options.disabled = not templates

    def watch_templates(self) -> None:
        self._show()

    def watch_problem(self) -> None:
        self._show()

    def watch_typed(self) -> None:
        self._show()

    def show_templates(self, templates: Sequence[ResponseTemplate]) -> None:
        self.problem, self.typed, self.templates = "", "", tuple(templates)

    def on_key(self, event: events.Key) -> None:
        """Typing in the list narrows it (the list has no use for printable keys)."""
        if event.key == "backspace" and self.typed:
            self.typed = self.typed[:-1]
        elif event.is_printable and event.character is not None and len(self.typed) < 60:
            self.typed += event.character
        else:
            return
        event.stop()
        event.prevent_default()

    @on(OptionList.OptionSelected, "#template-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.shown):
            self.post_message(self.Chosen(self, self.shown[event.option_index]))
