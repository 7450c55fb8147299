"""`TemplateChoice`: what a dialog needs to offer response templates: the `TemplatePicker` to
compose (when the screen gave a way to load templates), the load that feeds it, and the fill of
the dialog's text area with the chosen template, filled for the report the dialog acts on.

A dialog holds one, composes `compose()` above the text area it fills, calls `start(self)` once
mounted and `fill(self, event.template, self.report)` on `TemplatePicker.Chosen`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import TextArea

from api_client.errors import CrmApiError
from api_client.models import ReportSummary, ResponseTemplate
from crm_tui.error_messages import describe
from widgets.safe_text import block, line
from widgets.template_picker import TemplatePicker

# The templates for one action and one report's category (the screen binds both).
TemplateLoader = Callable[[], Awaitable[Sequence[ResponseTemplate]]]

MAX_FILLED_CHARS = 2_000  # the server's bound on a template's text and the console's on a note


def cursor_after_layout(widget: Widget) -> None:
    """Once the layout around `widget` has changed, the terminal's cursor goes back into the
    focused text area: a TextArea places it only as it gains focus, moves or scrolls, so after
    rows above it appear or go it would blink where the area was."""

    def place() -> None:
        focused = widget.app.focused
        if isinstance(focused, TextArea):
            widget.app.cursor_position = focused.cursor_screen_offset

    widget.call_after_refresh(place)


class TemplateChoice:
    def __init__(self, load: TemplateLoader | None, target: str) -> None:
        """`load`: the templates to offer (None: the dialog offers none); `target`: the selector
        of the text area a chosen template fills."""
        self.load = load
        self.target = target

    def compose(self) -> ComposeResult:
        if self.load is not None:
            yield TemplatePicker(id="templates")

    def start(self, dialog: Widget) -> None:
        """Load the templates into the dialog's picker, in a worker of the dialog's."""
        if self.load is not None:
            picker = dialog.query_one(TemplatePicker)
            dialog.run_worker(self._feed(picker, self.load), group="templates", exclusive=True)

    @staticmethod
    async def _feed(picker: TemplatePicker, load: TemplateLoader) -> None:
        try:
            templates = await load()
        except CrmApiError as error:
            picker.problem = line(describe(error), max_chars=200)
        else:
            picker.show_templates(templates)
        cursor_after_layout(picker)  # the list grew above a text area that may have the focus

    def fill(self, dialog: Widget, template: ResponseTemplate, report: ReportSummary) -> None:
        """The text area holds the template filled for `report` (sanitised: the text and the
        report's fields are outside text), the cursor at its end, ready to edit."""
        area = dialog.query_one(self.target, TextArea)
        area.load_text(block(template.filled(report), max_chars=MAX_FILLED_CHARS))
        area.move_cursor(area.document.end)
        area.focus()
