"""Label/value rows with a hanging indent: a long value wraps under itself, not under its label."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from textual.app import RenderResult
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

LABEL_GAP = 2


class FieldList(Widget):
    """Rows of (label, value). Values are `Content` (never markup); labels are the widget's own
    words. The label column is as wide as the widest label."""

    DEFAULT_CSS = """
    FieldList {
        height: auto;
        padding: 0 1;
        & > .field-list--label { color: $text-muted; }
        & > .field-list--empty { color: $text-muted; text-style: italic; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"field-list--label", "field-list--empty"}
    """
    | Class | Description |
    | :- | :- |
    | `field-list--label` | The labels. |
    | `field-list--empty` | The text shown when there are no rows. |
    """

    def __init__(
        self,
        *,
        empty_text: str = "",
        name: str | None = None,
        id: str | None = None,  # noqa: A002
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.empty_text = empty_text
        self._rows: tuple[tuple[str, Content], ...] = ()
        self._lines: tuple[int, list[Content]] | None = None

    @property
    def rows(self) -> tuple[tuple[str, Content], ...]:
        return self._rows

    def set_rows(self, rows: Sequence[tuple[str, Content]]) -> None:
        rows = tuple(rows)
        if rows == self._rows:
            return
        self._rows = rows
        self._lines = None
        self.refresh(layout=True)

    def _wrapped(self, width: int) -> list[Content]:
        if self._lines is not None and self._lines[0] == width:
            return self._lines[1]
        if not self._rows:
            lines = [Content.styled(self.empty_text, self.get_visual_style("field-list--empty", partial=True))]
        else:
            label_style = self.get_visual_style("field-list--label", partial=True)
            label_width = max(cell_len(label) for label, _ in self._rows) + LABEL_GAP
            label_width = min(label_width, max(1, width // 2))
            value_width = max(1, width - label_width)
            indent = Content(" " * label_width)
            lines = []
            for label, value in self._rows:
                head = Content.styled(label, label_style).pad_right(label_width - cell_len(label))
                head = head if head.cell_length <= label_width else head.truncate(label_width)
                for n, part in enumerate(value.wrap(value_width) or [Content("")]):
                    lines.append((head if n == 0 else indent) + part)
        self._lines = (width, lines)
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._wrapped(width))

    def render(self) -> RenderResult:
        return Content("\n").join(self._wrapped(self.size.width))

    def notify_style_update(self) -> None:
        self._lines = None
        super().notify_style_update()
