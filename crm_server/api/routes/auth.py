"""Sign in, sign out, and who am I."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from crm_server import schemas
from crm_server.api.deps import Caller, Db, Dir, Token
from crm_server.api.routes.errors_doc import errors
from crm_server.services import accounts
from crm_server.services.directory import Directory
from crm_server.services.principal import Principal

router = APIRouter(tags=["auth"])


def me_of(who: Principal, directory: Directory) -> schemas.Me:
    agency = directory.agencies[who.agency_code]
    return schemas.Me(
        username=who.username,
        display_name=who.display_name,
        role=who.role.value,
        agency=schemas.AgencyRef(code=agency.code, name=agency.name),
    )


@router.post("/auth/login", response_model=schemas.LoginResponse, responses=errors(400, 401, 413, 422, 429))
def login(body: schemas.LoginRequest, db: Db, directory: Dir, request: Request) -> schemas.LoginResponse:
    # The client's address as uvicorn gives it: the peer's, or the X-Forwarded-For of a proxy
    # trusted with `serve --trusted-proxies` (none by default).
    address = request.client.host if request.client else None
    session = accounts.login(db, body.username, body.password, address=address)
    return schemas.LoginResponse(
        token=session.token, expires_at=session.expires_at, operator=me_of(session.who, directory)
    )


@router.post("/auth/logout", status_code=204, response_class=Response, responses=errors(401))
def logout(db: Db, who: Caller, token: Token, request: Request) -> Response:
    accounts.logout(db, who, token)
    request.app.state.streams.end_token(token)  # its open event streams end now
    return Response(status_code=204)


@router.get("/me", response_model=schemas.Me, responses=errors(401))
def me(who: Caller, directory: Dir) -> schemas.Me:
    return me_of(who, directory)
