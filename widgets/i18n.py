"""The console's two languages. Each module keeps its own strings in a `Texts` table; the
language is chosen once at start-up (`set_language`). Banners are not translated: they stay in
Indonesian in both languages, with an English gloss in the English UI."""

from __future__ import annotations

from collections.abc import Mapping

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
    """`Texts(id={...}, en={...})("key", n=3)`: the string in the current language, with
    `str.format` fields. The result is plain text: render it as Content/Text, never as markup."""

    def __init__(self, *, id: Mapping[str, str], en: Mapping[str, str]) -> None:  # noqa: A002
        missing = set(id) ^ set(en)
        if missing:
            raise ValueError(f"keys missing in one language: {sorted(missing)}")
        self._by_lang = {"id": dict(id), "en": dict(en)}

    def __call__(self, key: str, **fields: object) -> str:
        text = self._by_lang[_current][key]
        return text.format(**fields) if fields else text
