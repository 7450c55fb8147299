"""The citizen channel's key, checked before the request's body is read: a client without a
valid key cannot make the server receive and parse megabytes (the intake body limit is 8 MB), nor
learn from a 422 what the body should hold. RequestGuard runs it ahead of everything else."""

from __future__ import annotations

import anyio
from starlette.types import Scope

from crm_server.errors import ApiError
from crm_server.services import intake_keys

INTAKE_PREFIX = "/api/v1/intake/"
_KEY_HEADER = b"x-intake-key"


def guards(scope: Scope) -> bool:
    """Whether the request is a submission (other methods there are 405s, with the usual body limit)."""
    return scope["method"] == "POST" and scope["path"].startswith(INTAKE_PREFIX)


async def refusal(scope: Scope) -> ApiError | None:
    """Why the request may not go on (401 or 429), or None."""
    key = next((value.decode("latin-1") for name, value in scope["headers"] if name == _KEY_HEADER), None)
    client = scope.get("client")
    address = client[0] if client else None
    try:
        await anyio.to_thread.run_sync(intake_keys.admit, scope["app"].state.db, key, address)
    except ApiError as exc:
        return exc
    return None
