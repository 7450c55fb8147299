"""`NarrowedList`: the choices of a type-to-narrow picker (the officers of the assign dialog, the
agencies of the routing dialog) and which of them its `OptionList` shows: every word typed must
be in the choice's words (case-insensitive); the highlight stays on its choice while it is shown."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

T = TypeVar("T")


class NarrowedList(Generic[T]):
    def __init__(
        self,
        choices: Sequence[T],
        *,
        key: Callable[[T], str],
        words: Callable[[T], str],
        prompt: Callable[[T], Content],
    ) -> None:
        """`key`: what identifies a choice (a draft keeps it); `words`: what typing matches;
        `prompt`: how a choice is drawn (sanitised `Content`)."""
        self.choices: tuple[T, ...] = tuple(choices)
        self.shown: list[T] = list(self.choices)
        self._key, self._words, self._prompt = key, words, prompt

    def options(self) -> list[Option]:
        return [Option(self._prompt(choice)) for choice in self.shown]

    def highlighted(self, options: OptionList) -> T | None:
        index = options.highlighted
        return self.shown[index] if index is not None and 0 <= index < len(self.shown) else None

    def narrow(self, options: OptionList, text: str, keep: str | None = None) -> None:
        """Show the choices matching `text`, keeping `keep` (a key; else the highlighted one)
        highlighted if it is shown, else the first."""
        current = self.highlighted(options)
        keep = keep if keep is not None else (self._key(current) if current is not None else None)
        typed = text.casefold().split()
        self.shown = [c for c in self.choices if all(word in self._words(c).casefold() for word in typed)]
        options.clear_options()
        options.add_options(self.options())
        keys = [self._key(choice) for choice in self.shown]
        if keys:
            options.highlighted = keys.index(keep) if keep in keys else 0

    def move(self, options: OptionList, step: int) -> None:
        if not self.shown:
            return
        current = options.highlighted if options.highlighted is not None else 0
        options.highlighted = max(0, min(len(self.shown) - 1, current + step))
