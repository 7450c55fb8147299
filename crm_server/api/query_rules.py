"""A query parameter that takes one value, given twice, is refused (422) rather than one of its
values taken silently: `?agency=JP&agency=JU` means nothing the server could honour."""

from __future__ import annotations

import typing
from collections import Counter

from fastapi import Request
from fastapi.routing import APIRoute

from crm_server.errors import Unprocessable


def _takes_many(annotation: object) -> bool:
    if typing.get_origin(annotation) in (list, tuple, set, frozenset):
        return True
    return any(_takes_many(arg) for arg in typing.get_args(annotation))


def single_values(request: Request) -> None:
    """A dependency of every route."""
    repeated = [name for name, count in Counter(k for k, _ in request.query_params.multi_items()).items() if count > 1]
    route = request.scope.get("route")
    if not repeated or not isinstance(route, APIRoute):
        return
    single = {field.alias for field in route.dependant.query_params if not _takes_many(field.field_info.annotation)}
    if any(name in single for name in repeated):
        raise Unprocessable("A query parameter that takes one value was given more than once.")
