"""The privacy banner every report opens with: the exact Indonesian text the officers' app shows."""

from __future__ import annotations

from textual.app import RenderResult
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from widgets.i18n import language

PRIVATE_TEXT = "Laporan bersifat privasi. Jangan berikan informasi dalam laporan ini kepada siapapun."
PUBLIC_TEXT = "Jangan berikan informasi dalam laporan ini kepada siapapun."
PRIVATE_GLOSS = "This report is private. Do not give information in this report to anyone."
PUBLIC_GLOSS = "Do not give information in this report to anyone."


class PrivacyBanner(Widget):
    """A private report's banner is a warning; a non-private one's is a notice. In the English UI
    the Indonesian text is followed by its gloss; the Indonesian text itself never changes."""

    DEFAULT_CSS = """
    PrivacyBanner {
        height: auto;
        padding: 0 1;
        background: $primary-muted;
        color: $text;
    }
    PrivacyBanner.-private {
        background: $warning-muted;
        color: $text-warning;
        text-style: bold;
    }
    """

    private: reactive[bool] = reactive(True, layout=True)
    """Whether the report is private (the default, as in JAKI). The two texts differ in length,
    so a change lays the banner out again."""

    def __init__(
        self,
        private: bool = True,
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.set_reactive(PrivacyBanner.private, private)
        self.set_class(private, "-private")

    def render(self) -> RenderResult:
        text = PRIVATE_TEXT if self.private else PUBLIC_TEXT
        if language() == "en":
            gloss = PRIVATE_GLOSS if self.private else PUBLIC_GLOSS
            return Content(f"{text}\n{gloss}")
        return Content(text)

    def watch_private(self, private: bool) -> None:
        self.set_class(private, "-private")
