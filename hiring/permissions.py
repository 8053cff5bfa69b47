"""Who may do what: the permission model in one place."""

from __future__ import annotations

from dataclasses import dataclass

from hiring.errors import PermissionDenied
from storage.models import Role


@dataclass(frozen=True)
class Actor:
    """The person making a request, in their workspace."""

    team_id: str
    user_id: str
    is_admin: bool = False
    # A candidate acting through their scheduling link (`hiring/scheduling/self_service.py`): they may
    # schedule their own loop of this role, and nothing else (the service only passes their candidate).
    link_role_id: int | None = None


def manages(actor: Actor, role: Role) -> bool:
    """Hiring manager, recruiter of the role, or workspace admin."""
    if actor.link_role_id is not None:
        return actor.link_role_id == role.id
    return actor.is_admin or actor.user_id == role.hiring_manager_id or actor.user_id in role.recruiter_ids


def require_manager(actor: Actor, role: Role, what: str = "change this role") -> None:
    """Only the role's hiring manager, its recruiters or a workspace admin may change it."""
    if not manages(actor, role):
        raise PermissionDenied(
            f"Only the hiring manager (<@{role.hiring_manager_id}>), the role's recruiters or a workspace "
            f"admin may {what}."
        )


def require_decider(actor: Actor, role: Role) -> None:
    """Only the hiring manager (or an admin) records decisions."""
    if not (actor.is_admin or actor.user_id == role.hiring_manager_id):
        raise PermissionDenied(
            f"Only the hiring manager (<@{role.hiring_manager_id}>) or a workspace admin may decide."
        )


def require_plan_author(actor: Actor, roles: list[Role]) -> None:
    """Only people who run hiring (manage an open role) or admins add interview plans."""
    if not (actor.is_admin or any(manages(actor, role) for role in roles)):
        raise PermissionDenied(
            "Only hiring managers and recruiters of an open role, or a workspace admin, may add interview "
            "plans. Ask one of them, or an admin, to add it."
        )
