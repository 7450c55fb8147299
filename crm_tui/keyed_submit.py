"""One idempotency key per operator action, created before the first try and reused on retry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

from api_client import new_idempotency_key

P = TypeVar("P", bound=Hashable)
T = TypeVar("T")


class KeyedSubmit(Generic[P, T]):
    """What a dialog calls to perform its action. Pressing confirm again after a lost answer
    resends the same key (the server applies the write once); changing the input makes it a
    different action with a key of its own (reusing a key with another body is refused)."""

    def __init__(self, call: Callable[[P, str], Awaitable[T]]) -> None:
        self._call = call
        self._keys: dict[P, str] = {}

    async def __call__(self, payload: P) -> T:
        key = self._keys.setdefault(payload, new_idempotency_key())
        return await self._call(payload, key)
