"""Fixtures of the console snapshots."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from widgets.i18n import language, set_language


@pytest.fixture
def ui_language() -> Iterator[Callable[[str], None]]:
    """`ui_language("en")`: the language of this test's console; the previous one comes back after."""
    previous = language()
    yield set_language
    set_language(previous)
