"""Open311's XML documents, written with the standard library: a root element holding one element
per row, each field a child element (`<services><service><service_code>…`). Only written, never
parsed: the spec's inputs are form fields.

ElementTree escapes `&`, `<` and `>`, but writes control characters as they are, which no XML
parser accepts: characters XML 1.0 does not allow are dropped from every value first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from xml.etree.ElementTree import Element, SubElement, tostring

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def document(root: str, item: str, rows: Iterable[Mapping[str, object]]) -> bytes:
    """`<root><item><key>value</key>…</item>…</root>`; None is an empty element, booleans are
    `true`/`false`, a list value repeats its key's element inside the key (`<endpoints><endpoint>`)."""
    top = Element(root)
    for row in rows:
        _fill(SubElement(top, item), row)
    return tostring(top, encoding="utf-8", xml_declaration=True)


def single(root: str, row: Mapping[str, object]) -> bytes:
    """One object as the root element (discovery: `<discovery><changeset>…`)."""
    top = Element(root)
    _fill(top, row)
    return tostring(top, encoding="utf-8", xml_declaration=True)


def _fill(parent: Element, row: Mapping[str, object]) -> None:
    for key, value in row.items():
        child = SubElement(parent, key)
        if isinstance(value, Mapping):
            _fill(child, value)
        elif isinstance(value, list):
            singular = key.removesuffix("s")
            for entry in value:
                element = SubElement(child, singular)
                if isinstance(entry, Mapping):
                    _fill(element, entry)
                else:
                    element.text = _text(entry)
        else:
            child.text = _text(value)
