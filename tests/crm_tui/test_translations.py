"""Every string the console shows exists in both languages and reads differently in each, except
where a table says the text is rightly the same (a unit, a place, a status name); and no error
reaches the Indonesian UI in the client's English words."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import api_client.errors as errors
import crm_tui
import widgets
from crm_tui.error_messages import describe
from widgets.i18n import Texts


def all_tables() -> tuple[Texts, ...]:
    for package in (crm_tui, widgets):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(info.name)
    return Texts.tables()


def test_every_table_is_translated():
    tables = all_tables()
    assert len(tables) >= 25  # the walk found the console's tables
    untranslated = [
        (key, indonesian)
        for table in tables
        for key, indonesian, english in table.pairs()
        if indonesian == english and key not in table.same
    ]
    assert untranslated == []


def test_what_a_table_calls_the_same_is_the_same():
    wrongly_same = [
        (key, indonesian, english)
        for table in all_tables()
        for key, indonesian, english in table.pairs()
        if key in table.same and indonesian != english
    ]
    assert wrongly_same == []


def error_classes() -> list[type[errors.CrmApiError]]:
    return [cls for _, cls in inspect.getmembers(errors, inspect.isclass) if issubclass(cls, errors.CrmApiError)]


def instance(cls: type[errors.CrmApiError]) -> errors.CrmApiError:
    if issubclass(cls, errors.APIStatusError) and cls is not errors.PreconditionFailed:
        return cls(status_code=418 if cls is errors.APIStatusError else 400)
    return cls()


@pytest.mark.parametrize("cls", error_classes(), ids=lambda cls: cls.__name__)
def test_no_api_error_is_shown_in_the_clients_english(cls, ui_language):
    ui_language("id")
    error = instance(cls)
    shown = describe(error)
    assert shown and shown != error.message and shown != cls.default_message
