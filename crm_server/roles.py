"""Operator roles and what each may do."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    DISPATCHER = "dispatcher"
    OFFICER = "officer"
    SUPERVISOR = "supervisor"


# Roles that route work: assign to any officer in scope, close anything in scope.
ROUTING_ROLES = frozenset({Role.DISPATCHER, Role.SUPERVISOR})
