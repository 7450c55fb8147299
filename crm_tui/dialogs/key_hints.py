"""The line of keys at the foot of a dialog, read from the bindings that apply now.

Keys come from the screen's active bindings, so a key remapped in the config (by binding id)
shows as remapped, and a key that does not apply at the moment (a `check_action` that says no)
is not shown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

Label = str | Callable[[], str]

SEPARATOR = "  \u00b7  "


def keys_for(screen: Screen, action: str) -> list[str]:
    """How the keys bound to `action` are shown (e.g. ["^s"]), in binding order."""
    found: list[str] = []
    for active in screen.active_bindings.values():
        if active.binding.action == action and active.enabled:
            display = screen.app.get_key_display(active.binding)
            if display not in found:
                found.append(display)
    return found


class KeyHints(Static):
    """`KeyHints({"confirm": "save", "cancel": "cancel"})`: "^s save · esc cancel".

    `labels` maps action names to their label (a string, or a callable for labels that depend
    on the dialog's state); only actions with a key bound and enabled right now are listed.
    """

    DEFAULT_CSS = """
    KeyHints {
        height: auto;
        color: $text-muted;
    }
    """

    def __init__(
        self,
        labels: Mapping[str, Label],
        *,
        name: str | None = None,
        id: str | None = None,  # noqa: A002
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, markup=False)
        self._labels = dict(labels)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._screen_bindings_changed)
        self.refresh_hints()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _screen_bindings_changed(self, _screen: Screen) -> None:
        self.refresh_hints()

    def refresh_hints(self) -> None:
        by_label: dict[str, list[str]] = {}  # actions with the same label share one hint
        for action, label in self._labels.items():
            text = label() if callable(label) else label
            keys = by_label.setdefault(text, [])
            keys += [key for key in keys_for(self.screen, action) if key not in keys]
        parts = ["/".join(keys) + " " + text for text, keys in by_label.items() if keys]
        self.update(Content(SEPARATOR.join(parts)))
