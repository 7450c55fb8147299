"""The footer of keys, rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

Shown = tuple[tuple[str, str, str, bool, str], ...]


def shown_keys(screen: Screen[object]) -> Shown:
    """What a footer on `screen` shows: each shown binding's key as displayed, description,
    action, whether it is enabled, and its tooltip."""
    app = screen.app
    return tuple(
        (app.get_key_display(binding), binding.description, binding.action, enabled, tooltip)
        for _node, binding, enabled, tooltip in screen.active_bindings.values()
        if binding.show
    )


class KeyFooter(Footer):
    """Textual's footer rebuilds every key widget whenever a screen refreshes its bindings, which
    the report list does each time the report under the cursor changes: a few milliseconds per
    key press for a row of keys that is almost always the same. This one rebuilds only when what
    it shows differs from what it last built."""

    _built: Shown | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        shown = shown_keys(screen)
        if shown == self._built:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._built = shown  # Footer rebuilds now (else not yet: the next change must)
        super().bindings_changed(screen)
