"""Operator roles and what each may do."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    DISPATCHER = "dispatcher"
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    # The Biro Pemerintahan: accepts or rejects follow-ups; reads like a supervisor.
    VALIDATOR = "validator"
    # Reads its agency's subtree, changes nothing.
    OBSERVER = "observer"


# Roles that route work: assign to any officer in scope, coordinate, dispose, close directly.
ROUTING_ROLES = frozenset({Role.DISPATCHER, Role.SUPERVISOR})
# Roles whose scope is their agency's whole subtree.
SUBTREE_ROLES = frozenset({Role.SUPERVISOR, Role.VALIDATOR, Role.OBSERVER})
