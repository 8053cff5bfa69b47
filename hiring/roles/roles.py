"""Roles: create, edit and list open positions; announce them in their hiring channel."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime

from hiring.clock import Clock
from hiring.errors import InvalidInput, NotFound
from hiring.permissions import Actor, require_manager
from hiring.plans.plans import PlanService, spec_of
from hiring.ports import Directory, Notifier, record_sent
from hiring.roles.messages import RoleAnnouncement
from hiring.text import close_matches, esc, timezone_hint, valid_timezone
from storage.models import Role, RoleRecruiter
from storage.uow import Database, UnitOfWork


@dataclass
class RoleInput:
    """What the role modal collects (block ids are the field names)."""

    title: str
    channel_id: str | None
    hiring_manager_id: str | None
    recruiter_ids: list[str] = field(default_factory=list)
    plan_id: int | None = None
    timezone: str = "UTC"
    link_days: str = ""  # as typed; empty keeps the role's (7 days for a new role)
    cancel_cutoff_hours: str = ""  # as typed; empty keeps the role's (24 hours for a new role)


LINK_DAYS = (1, 30)
CANCEL_CUTOFF_HOURS = (0, 14 * 24)


def _whole(text: str, bounds: tuple[int, int], what: str) -> tuple[int | None, str | None]:
    """(value, None) for a whole number within `bounds`, (None, None) when blank, else (None, error)."""
    raw = text.strip()
    if not raw:
        return None, None
    low, high = bounds
    if not raw.isdecimal() or not low <= int(raw) <= high:
        return None, f"Write a whole number of {what} from {low} to {high}."
    return int(raw), None


@dataclass(frozen=True)
class RoleView:
    """A role as the role modal and the roles listing show it."""

    id: int
    title: str
    channel_id: str
    hiring_manager_id: str
    recruiter_ids: list[str]
    plan_id: int
    plan_name: str
    timezone: str
    link_days: int = 7
    cancel_cutoff_hours: int = 24


def role_view(role: Role) -> RoleView:
    """The role as plain data."""
    copied = {f.name: getattr(role, f.name) for f in fields(RoleView) if f.name != "plan_name"}
    return RoleView(**copied, plan_name=role.plan.name)


def role_snapshot(role: Role) -> dict[str, object]:
    """The audited fields of a role."""
    return {
        "title": role.title,
        "channel_id": role.channel_id,
        "hiring_manager_id": role.hiring_manager_id,
        "recruiters": role.recruiter_ids,
        "plan": role.plan.key if role.plan else None,
        "timezone": role.timezone,
        "status": role.status,
        "link_days": role.link_days,
        "cancel_cutoff_hours": role.cancel_cutoff_hours,
    }


class RoleService:
    """Creates and changes roles; every change is audited."""

    def __init__(
        self, db: Database, clock: Clock, plans: PlanService, directory: Directory, notifier: Notifier
    ) -> None:
        self.db = db
        self.clock = clock
        self.plans = plans
        self.directory = directory
        self.notifier = notifier

    def validate(self, actor: Actor, data: RoleInput) -> dict[str, str]:
        """Field errors for the role modal (block id → message); empty when the input is good."""
        errors: dict[str, str] = {}
        title = data.title.strip()
        if not title:
            errors["title"] = "Give the role a title, e.g. “Senior Backend Engineer”."
        elif len(title) > 150:
            errors["title"] = "Keep the title under 150 characters."
        if not data.hiring_manager_id:
            errors["hiring_manager"] = "Choose the hiring manager."
        if data.plan_id is None:
            errors["plan"] = "Choose an interview plan."
        if not valid_timezone(data.timezone):
            errors["timezone"] = timezone_hint(data.timezone)
        if not data.channel_id:
            errors["channel"] = "Choose the hiring channel."
        else:
            problem = self.directory.channel_problem(actor.team_id, data.channel_id)
            if problem:
                errors["channel"] = problem
        for key, bounds, what in (
            ("link_days", LINK_DAYS, "days"),
            ("cancel_cutoff_hours", CANCEL_CUTOFF_HOURS, "hours"),
        ):
            error = _whole(getattr(data, key), bounds, what)[1]
            if error:
                errors[key] = error
        return errors

    def create(self, actor: Actor, data: RoleInput, *, request_key: str | None = None) -> RoleView | None:
        """Validate and save a new role (nothing is saved when any field is wrong).

        Returns None when `request_key` was already handled (a retried or doubled submission)."""
        errors = self.validate(actor, data)
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            if request_key and not errors and not uow.idempotency.claim(request_key, now):
                return None
            role = Role(
                team_id=actor.team_id,
                created_by=actor.user_id,
                created_at=now,
                link_days=7,
                cancel_cutoff_hours=24,
            )
            return self._save(uow, actor, role, data, errors, now)

    def update(self, actor: Actor, role_id: int, data: RoleInput) -> RoleView:
        """Change a role (hiring manager, recruiters or admin only)."""
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            role = uow.roles.get(role_id)
            if role is None:
                raise NotFound("That role no longer exists.")
            require_manager(actor, role)
            return self._save(uow, actor, role, data, self.validate(actor, data), now)

    def _save(
        self,
        uow: UnitOfWork,
        actor: Actor,
        role: Role,
        data: RoleInput,
        errors: dict[str, str],
        now: datetime,
    ) -> RoleView:
        """Give `role` (new when it has no id yet) what the modal says, audited, unless a field is wrong."""
        plan = uow.plans.get(data.plan_id) if data.plan_id is not None else None
        if data.plan_id is not None and plan is None:
            errors["plan"] = "That plan no longer exists; choose another."
        if errors:
            raise InvalidInput(errors)
        assert plan is not None and data.channel_id and data.hiring_manager_id
        before = role_snapshot(role) if role.id is not None else None
        role.title = data.title.strip()
        role.channel_id = data.channel_id
        role.hiring_manager_id = data.hiring_manager_id
        role.plan = plan
        role.timezone = data.timezone
        role.recruiters = [RoleRecruiter(user_id=u) for u in dict.fromkeys(data.recruiter_ids)]
        role.link_days = _whole(data.link_days, LINK_DAYS, "days")[0] or role.link_days
        cutoff = _whole(data.cancel_cutoff_hours, CANCEL_CUTOFF_HOURS, "hours")[0]
        role.cancel_cutoff_hours = role.cancel_cutoff_hours if cutoff is None else cutoff  # 0 is allowed
        role.updated_at = now
        uow.roles.add(role)
        uow.audit.record(
            at=now,
            actor_id=actor.user_id,
            action="role.created" if before is None else "role.updated",
            subject_type="role",
            subject_id=role.id,
            before=before,
            after=role_snapshot(role),
        )
        uow.commit()
        return role_view(role)

    def announce(self, team_id: str, role_id: int) -> None:
        """Post the new role to its hiring channel and remember the message."""
        with self.db.uow(team_id) as uow:
            role = uow.roles.get(role_id)
            if role is None:
                return
            spec = spec_of(role.plan)
            content = RoleAnnouncement(
                title=role.title,
                hiring_manager_id=role.hiring_manager_id,
                recruiter_ids=role.recruiter_ids,
                plan_name=spec.name,
                stages=[s.name for s in spec.stages],
                timezone=role.timezone,
            )
            channel = role.channel_id
        sent = self.notifier.send(team_id, channel, content)
        record_sent(self.db, team_id, sent, "role", None, self.clock.now())

    def find(self, team_id: str, query: str) -> RoleView:
        """The open role whose title matches `query`, or NotFound suggesting close titles."""
        return role_view(self._find(team_id, query))

    def editable(self, actor: Actor, query: str) -> RoleView:
        """The open role whose title matches `query`, if the actor may edit it (else PermissionDenied)."""
        role = self._find(actor.team_id, query)
        require_manager(actor, role, "edit this role")
        return role_view(role)

    def _find(self, team_id: str, query: str) -> Role:
        with self.db.uow(team_id) as uow:
            roles = uow.roles.all()
        exact = [r for r in roles if r.title.lower() == query.strip().lower()]
        if exact:
            return exact[0]
        if query.strip().isdecimal() and len(query.strip()) <= 9:
            by_id = [r for r in roles if r.id == int(query)]
            if by_id:
                return by_id[0]
        close = close_matches(query, [r.title for r in roles])
        hint = f" Did you mean {', '.join(f'“{esc(c)}”' for c in close)}?" if close else ""
        raise NotFound(f"No open role called “{esc(query)}”.{hint} `/interview roles` lists them.")

    def list(self, team_id: str) -> list[RoleView]:
        """The open roles, by title."""
        with self.db.uow(team_id) as uow:
            return [role_view(r) for r in uow.roles.all()]
