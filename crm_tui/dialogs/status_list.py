"""`StatusList`: a SelectionList whose boxes show their state by a glyph, not by colour alone."""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList
from textual.widgets.option_list import OptionDoesNotExist


class StatusList(SelectionList[str]):
    """A SelectionList whose boxes show their state by a glyph as well as by colour, so that
    the choice stays readable in 16 colours and under NO_COLOR."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 2 or segments[1].text != Checkbox.BUTTON_INNER:
            return strip
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        if option.value in self.selected:
            return strip
        segments[1] = Segment(" " * len(Checkbox.BUTTON_INNER), segments[1].style)
        return Strip(segments, strip.cell_length)
