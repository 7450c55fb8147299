"""The console's two languages, and the one place the language is chosen.

Each module keeps its own strings in a `TEXTS = Texts(id={...}, en={...})` table; the language
is chosen once at start-up (`set_language`) and read by every table. Banners are not
translated: they stay in Indonesian in both languages, with an English gloss in the English UI.
Every table registers itself, so a test can walk them all (`Texts.tables()`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import ClassVar

LANGUAGES = ("id", "en")
_current = "id"


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language: {lang}")
    _current = lang


def language() -> str:
    return _current


class Texts:
    """`TEXTS("key", n=3)`: the string in the current language, with `str.format` fields. The
    result is plain text: render it as Content/Text, never as markup.

    `same` names the keys whose text is rightly the same in both languages (a unit letter, a
    place name, a status): every other key must read differently in each.
    """

    _registry: ClassVar[list[Texts]] = []

    def __init__(
        self,
        *,
        id: Mapping[str, str],  # noqa: A002
        en: Mapping[str, str],
        same: frozenset[str] = frozenset(),
    ) -> None:
        missing = set(id) ^ set(en)
        if missing:
            raise ValueError(f"keys missing in one language: {sorted(missing)}")
        self._by_lang = {"id": dict(id), "en": dict(en)}
        self.same = same
        Texts._registry.append(self)

    def __call__(self, key: str, **fields: object) -> str:
        text = self._by_lang[_current][key]
        return text.format(**fields) if fields else text

    def pairs(self) -> Iterator[tuple[str, str, str]]:
        """(key, Indonesian, English) for every key."""
        for key, text in self._by_lang["id"].items():
            yield key, text, self._by_lang["en"][key]

    @classmethod
    def tables(cls) -> tuple[Texts, ...]:
        """Every table made so far (import a module to register its table)."""
        return tuple(cls._registry)
