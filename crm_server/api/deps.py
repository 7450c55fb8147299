"""Dependencies the routes declare: the database, the directory, and the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from crm_server.errors import Unauthorized
from crm_server.services import accounts
from crm_server.services.directory import Directory
from crm_server.services.principal import Principal
from crm_server.storage.engine import Database

_bearer = HTTPBearer(auto_error=False, description="A token from POST /api/v1/auth/login.")


def get_db(request: Request) -> Database:
    return request.app.state.db


def get_directory(request: Request) -> Directory:
    return request.app.state.directory


def get_token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> str:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthorized()
    return credentials.credentials


def get_principal(db: Annotated[Database, Depends(get_db)], token: Annotated[str, Depends(get_token)]) -> Principal:
    return accounts.principal_for_token(db, token)


Db = Annotated[Database, Depends(get_db)]
Dir = Annotated[Directory, Depends(get_directory)]
Token = Annotated[str, Depends(get_token)]
Caller = Annotated[Principal, Depends(get_principal)]
