"""Interview limits: how many interviews a person sits a day and a week.

A person's effective limit is their own when they set one, else their pool membership's, else the
workspace default. Booking, the solver's problem (and so its dead-end explanations), rotation's
"at their limit", the App Home's load line and the limits modal all read it through `effective`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from hiring.clock import Clock
from hiring.errors import InvalidInput, PermissionDenied
from hiring.permissions import Actor
from storage.models import Person
from storage.uow import Database, UnitOfWork

# The default fits the built-in plans: a session (one panel sitting several interviews back to
# back) counts once against the daily limit, so a loop never takes more than one a day of anyone.
DEFAULT_DAILY = 2
DEFAULT_WEEKLY = 5

OWN, POOL, DEFAULT = "own", "pool", "default"
MAX_DAILY = 10
MAX_WEEKLY = 40


def parse_limit(value: int | str | None, label: str, top: int) -> tuple[int | None, str | None]:
    """A whole number from 1 to `top`, or None and the problem in words (`label`: daily/weekly)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, f"Give a {label} limit (1–{top})."
    try:
        number = int(str(value).strip())
    except ValueError:
        return None, f"“{str(value)[:20]}” is not a whole number; give a {label} limit from 1 to {top}."
    if not 1 <= number <= top:
        return None, f"The {label} limit must be between 1 and {top}."
    return number, None


def parse_limits(
    daily: int | str | None, weekly: int | str | None, errors: dict[str, str], *, optional: bool = False
) -> tuple[int | None, int | None]:
    """The daily and weekly limits as typed (`parse_limit`; empty is None when `optional`: back to
    the pool's or the default), each problem added to `errors` under `daily_limit` or `weekly_limit`."""
    parsed: list[int | None] = []
    for value, label, top in ((daily, "daily", MAX_DAILY), (weekly, "weekly", MAX_WEEKLY)):
        blank = value is None or not str(value).strip()
        number, problem = (None, None) if optional and blank else parse_limit(value, label, top)
        if problem:
            errors[f"{label}_limit"] = problem
        parsed.append(number)
    return parsed[0], parsed[1]


@dataclass(frozen=True)
class Limits:
    """A person's effective daily and weekly limits and where each comes from (OWN, POOL, DEFAULT)."""

    daily: int
    weekly: int
    daily_source: str = DEFAULT
    weekly_source: str = DEFAULT


@dataclass(frozen=True)
class LimitsView:
    """What the limits modal shows: whose they are, the effective limits, and the person's own."""

    user_id: str
    limits: Limits
    own_daily: int | None
    own_weekly: int | None


def effective(own: tuple[int | None, int | None], pool: tuple[int, int] | None) -> Limits:
    """The person's own limit when set, else the pool's, else the workspace default (per limit)."""
    daily, daily_source = _pick(own[0], pool[0] if pool else None, DEFAULT_DAILY)
    weekly, weekly_source = _pick(own[1], pool[1] if pool else None, DEFAULT_WEEKLY)
    return Limits(daily, weekly, daily_source, weekly_source)


def _pick(own: int | None, pool: int | None, default: int) -> tuple[int, str]:
    if own is not None:
        return own, OWN
    if pool is not None:
        return pool, POOL
    return default, DEFAULT


def limits_for(
    uow: UnitOfWork, user_ids: Iterable[str], pools: Mapping[str, tuple[int, int]]
) -> dict[str, Limits]:
    """Effective limits of `user_ids`, given the pool limits that apply to them (e.g. of an interview's pool)."""
    ids = list(dict.fromkeys(user_ids))
    people = uow.people.many(ids)
    return {u: effective(_own(people.get(u)), pools.get(u)) for u in ids}


def person_limits(uow: UnitOfWork, user_id: str) -> Limits:
    """A person's effective limits across all their pools (the strictest pool's)."""
    return effective(_own(uow.people.get(user_id)), _pools_of(uow, user_id))


def _pools_of(uow: UnitOfWork, user_id: str) -> tuple[int, int] | None:
    """The strictest daily and weekly limits of the person's pool memberships; None outside pools."""
    members = uow.pools.memberships(user_id)
    return (min(m.daily_limit for m in members), min(m.weekly_limit for m in members)) if members else None


def _own(person: Person | None) -> tuple[int | None, int | None]:
    return (person.daily_limit, person.weekly_limit) if person is not None else (None, None)


class LimitsService:
    """Shows and sets people's own interview limits: anyone their own, pool managers anyone's."""

    def __init__(self, db: Database, clock: Clock, can_manage_pools: Callable[[Actor], bool]) -> None:
        self.db = db
        self.clock = clock
        self.can_manage_pools = can_manage_pools

    def require_editor(self, actor: Actor, user_id: str) -> None:
        """Anyone may set their own limits; someone else's need the permission to manage pools."""
        if user_id != actor.user_id and not self.can_manage_pools(actor):
            raise PermissionDenied(
                "You may set your own interview limits. Only workspace admins and people who manage an "
                "open role (its hiring manager or recruiters) may set someone else's."
            )

    def show(self, actor: Actor, user_id: str) -> LimitsView:
        """The person's limits as the modal shows them (checked: the actor may edit them)."""
        self.require_editor(actor, user_id)
        with self.db.uow(actor.team_id) as uow:
            return self._view(uow, user_id)

    def _view(self, uow: UnitOfWork, user_id: str) -> LimitsView:
        own = _own(uow.people.get(user_id))
        return LimitsView(user_id, person_limits(uow, user_id), own[0], own[1])

    def save(
        self, actor: Actor, user_id: str, daily: str | None, weekly: str | None, *, request_key: str
    ) -> LimitsView | None:
        """Set the person's own limits (empty: back to their pool's or the default). Audited; None
        when `request_key` was already handled (a retried submission)."""
        self.require_editor(actor, user_id)
        errors: dict[str, str] = {}
        daily_limit, weekly_limit = parse_limits(daily, weekly, errors, optional=True)
        if errors:
            raise InvalidInput(errors)
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            if not uow.idempotency.claim(request_key, now):
                return None
            resulting = effective((daily_limit, weekly_limit), _pools_of(uow, user_id))
            if resulting.weekly < resulting.daily:
                below = (
                    f"The weekly limit ({resulting.weekly}) can't be below the daily one ({resulting.daily})."
                )
                raise InvalidInput({"weekly_limit": below})
            person = uow.people.get(user_id)
            before = {"daily": person.daily_limit, "weekly": person.weekly_limit} if person else None
            if person is None:
                person = uow.people.add(
                    Person(team_id=actor.team_id, user_id=user_id, display_name=user_id, updated_at=now)
                )
            person.daily_limit, person.weekly_limit, person.updated_at = daily_limit, weekly_limit, now
            uow.audit.record(
                at=now,
                actor_id=actor.user_id,
                action="person.limits",
                subject_type="person",
                subject_id=user_id,
                before=before,
                after={"daily": daily_limit, "weekly": weekly_limit},
            )
            uow.commit()
            return self._view(uow, user_id)
