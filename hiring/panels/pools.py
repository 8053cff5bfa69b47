"""Interviewer pools and fair rotation.

A pool holds the people who may run one kind of interview (engineer, hiring manager, ...), each at
a level: *qualified* (runs it), *reverse shadow* (runs it while a qualified colleague watches) or
*shadow* (watches and learns). Rotation suggests the qualified members with the least recent load.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hiring.clock import Clock
from hiring.errors import InvalidInput, NotFound, PermissionDenied
from hiring.people.limits import limits_for, parse_limits
from hiring.people.people import PeopleService
from hiring.permissions import Actor, manages
from hiring.plans.plans import spec_of
from hiring.plans.schema import INTERVIEWER_KINDS
from hiring.text import close_matches, esc
from storage.models import Pool, PoolMember
from storage.uow import Database, UnitOfWork

LEVELS = ("qualified", "reverse_shadow", "shadow")
RUNS_INTERVIEWS = ("qualified", "reverse_shadow")
LOAD_WINDOW = timedelta(days=30)
MAX_MEMBERS = 100


def kind_label(kind: str) -> str:
    """`senior_engineer` → `senior engineer`."""
    return kind.replace("_", " ").replace("-", " ")


def a_kind(kind: str) -> str:
    """`engineer` → `an engineer`, `hiring_manager` → `a hiring manager`."""
    label = kind_label(kind)
    return f"{'an' if label[:1].lower() in 'aeiou' else 'a'} {label}"


@dataclass
class PoolInput:
    """What the pool modal collects."""

    name: str
    kind: str | None
    qualified: list[str] = field(default_factory=list)
    shadow: list[str] = field(default_factory=list)
    reverse_shadow: list[str] = field(default_factory=list)
    daily_limit: int | str | None = 2
    weekly_limit: int | str | None = 5


@dataclass(frozen=True)
class Membership:
    """A person's best standing across the pools of one kind (limits: the strictest pool's)."""

    user_id: str
    level: str
    pool_id: int
    daily_limit: int
    weekly_limit: int


@dataclass(frozen=True)
class Load:
    """Recent load: seats on live interviews in the last 30 days, and the last seat ever given."""

    recent: int = 0
    last_seat: int = 0


@dataclass(frozen=True)
class Suggestion:
    """N of M: who rotation picks (`interviewer_ids`), out of how many qualified (`qualified`)."""

    interviewer_ids: list[str]
    shadow_id: str | None
    qualified: int
    over_limit: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PoolView:
    """A pool as the pool modal and the pools listing show it."""

    id: int
    name: str
    kind: str
    member_ids: list[str]
    levels: dict[str, list[str]]
    daily_limit: int
    weekly_limit: int


def pool_view(pool: Pool) -> PoolView:
    """The pool as plain data: members by level and its limits."""
    daily, weekly = pool_limits(pool)
    return PoolView(
        id=pool.id,
        name=pool.name,
        kind=pool.kind,
        member_ids=[m.user_id for m in pool.members],
        levels=members_by_level(pool),
        daily_limit=daily,
        weekly_limit=weekly,
    )


def pool_snapshot(pool: Pool) -> dict[str, object]:
    """The audited fields of a pool."""
    return {
        "name": pool.name,
        "kind": pool.kind,
        "members": {m.user_id: m.level for m in sorted(pool.members, key=lambda m: m.user_id)},
        "limits": {m.user_id: [m.daily_limit, m.weekly_limit] for m in pool.members},
    }


class PoolService:
    """Creates and edits pools (admins and anyone managing an open role) and rotates interviewers."""

    def __init__(self, db: Database, clock: Clock, people: PeopleService) -> None:
        self.db = db
        self.clock = clock
        self.people = people

    # -- who may manage pools -------------------------------------------------------------------
    def can_manage(self, actor: Actor) -> bool:
        if actor.is_admin:
            return True
        with self.db.uow(actor.team_id) as uow:
            return any(manages(actor, role) for role in uow.roles.all(status="open"))

    def require_manager(self, actor: Actor) -> None:
        if not self.can_manage(actor):
            raise PermissionDenied(
                "Only workspace admins and people who manage an open role (its hiring manager or "
                "recruiters) may create or change interviewer pools."
            )

    # -- reading ----------------------------------------------------------------------------------
    def kinds(self, team_id: str) -> list[str]:
        """Interviewer kinds a pool can have: the standard ones plus any the workspace's plans use."""
        with self.db.uow(team_id) as uow:
            return self.kinds_in(uow)

    def kinds_in(self, uow: UnitOfWork) -> list[str]:
        kinds = list(INTERVIEWER_KINDS)
        for plan in uow.plans.all():
            for stage in spec_of(plan).stages:
                for interview in stage.interviews:
                    if interview.pool not in kinds:
                        kinds.append(interview.pool)
        return kinds

    def list(self, team_id: str) -> list[PoolView]:
        with self.db.uow(team_id) as uow:
            return [pool_view(p) for p in uow.pools.all()]

    def find(self, team_id: str, name: str) -> PoolView:
        """The pool called `name` (any case), or NotFound suggesting close names."""
        with self.db.uow(team_id) as uow:
            pool = uow.pools.by_name(name.strip())
            if pool is not None:
                return pool_view(pool)
            names = [p.name for p in uow.pools.all()]
        close = close_matches(name.strip(), names)
        hint = f" Did you mean {', '.join(f'“{esc(c)}”' for c in close)}?" if close else ""
        raise NotFound(
            f"No pool called “{esc(name.strip()[:80])}”.{hint} `/interview pools` lists them; "
            "`/interview pool` creates one."
        )

    def loads(self, team_id: str, user_ids: Iterable[str]) -> dict[str, Load]:
        with self.db.uow(team_id) as uow:
            return self.loads_in(uow, list(user_ids))

    def loads_in(self, uow: UnitOfWork, user_ids: Sequence[str]) -> dict[str, Load]:
        """Seats on non-cancelled interviews in the last 30 days (by interview time, or panel creation
        while unbooked), and each person's latest seat id (assignment order), per user."""
        if not user_ids:
            return {}
        recent = uow.pools.recent_seat_counts(user_ids, self.clock.now() - LOAD_WINDOW)
        last = uow.pools.last_seat_ids(user_ids)
        return {u: Load(recent=int(recent.get(u, 0)), last_seat=int(last.get(u) or 0)) for u in user_ids}

    def memberships(self, uow: UnitOfWork, kind: str) -> dict[str, Membership]:
        """Everyone in a pool of `kind`, at their best level (qualified > reverse shadow > shadow)."""
        best: dict[str, Membership] = {}
        for pool in [p for p in uow.pools.all() if p.kind == kind]:
            for m in pool.members:
                current = best.get(m.user_id)
                if current is None:
                    best[m.user_id] = Membership(m.user_id, m.level, pool.id, m.daily_limit, m.weekly_limit)
                    continue
                level = min(current.level, m.level, key=LEVELS.index)
                best[m.user_id] = Membership(
                    m.user_id,
                    level,
                    pool.id if level != current.level else current.pool_id,
                    min(current.daily_limit, m.daily_limit),
                    min(current.weekly_limit, m.weekly_limit),
                )
        return best

    def over_limit(self, uow: UnitOfWork, members: Sequence[Membership], at: datetime) -> set[str]:
        """Members who already have their daily or weekly number of interviews (their own limits, else
        the pool's) on `at`'s day or week (in their own time zone; UTC when Loopbot does not know it)."""
        if not members:
            return set()
        ids = [m.user_id for m in members]
        starts: dict[str, list[datetime]] = {}
        for user_id, start_at in uow.pools.interview_starts(
            ids, at - timedelta(days=8), at + timedelta(days=8)
        ):
            starts.setdefault(user_id, []).append(start_at)
        zones = {u: p.tz for u, p in uow.people.many(ids).items()}
        limits = limits_for(uow, ids, {m.user_id: (m.daily_limit, m.weekly_limit) for m in members})
        over: set[str] = set()
        for m in members:
            tz = ZoneInfo(zones.get(m.user_id) or "UTC")
            day = at.astimezone(tz).date()
            week_start = day - timedelta(days=day.weekday())
            local_days = [s.astimezone(tz).date() for s in starts.get(m.user_id, [])]
            daily = sum(1 for d in local_days if d == day)
            weekly = sum(1 for d in local_days if week_start <= d < week_start + timedelta(days=7))
            if daily >= limits[m.user_id].daily or weekly >= limits[m.user_id].weekly:
                over.add(m.user_id)
        return over

    # -- rotation ---------------------------------------------------------------------------------
    def suggest(
        self,
        team_id: str,
        kind: str,
        count: int,
        exclude: Iterable[str] = (),
        at: datetime | None = None,
    ) -> Suggestion:
        """Pick `count` qualified members of pools of `kind` with the least recent load (then the
        oldest last assignment, then user id), skipping `exclude` and, when the interview time `at`
        is known, anyone at their daily or weekly limit; plus a shadow from shadow-level members."""
        with self.db.uow(team_id) as uow:
            return self.suggest_in(uow, kind, count, exclude=exclude, at=at)

    def suggest_in(
        self,
        uow: UnitOfWork,
        kind: str,
        count: int,
        *,
        exclude: Iterable[str] = (),
        at: datetime | None = None,
        pending: Sequence[str] = (),
    ) -> Suggestion:
        """`suggest` inside an open unit of work (so a panel draft reads one consistent state).

        `pending` lists picks already made for seats not saved yet (a draft in progress, in order):
        each counts as load, and as an assignment newer than any stored one."""
        skip = set(exclude)
        members = self.memberships(uow, kind)
        qualified = [m for m in members.values() if m.level == "qualified"]
        shadows = [m for m in members.values() if m.level == "shadow"]
        over = self.over_limit(uow, qualified + shadows, at) if at is not None else set()
        loads = self.loads_in(uow, sorted(members))
        extra = {u: pending.count(u) for u in set(pending)}
        latest = {u: i for i, u in enumerate(pending)}

        def rank(user_id: str) -> tuple[int, tuple[int, int], str]:
            load = loads.get(user_id, Load())
            assigned = (1, latest[user_id]) if user_id in latest else (0, load.last_seat)
            return (load.recent + extra.get(user_id, 0), assigned, user_id)

        picks = sorted(
            (m.user_id for m in qualified if m.user_id not in skip and m.user_id not in over), key=rank
        )[: max(count, 0)]
        shadow = min(
            (m.user_id for m in shadows if m.user_id not in skip and m.user_id not in over),
            key=rank,
            default=None,
        )
        return Suggestion(
            interviewer_ids=picks,
            shadow_id=shadow,
            qualified=len(qualified),
            over_limit=sorted(over),
        )

    # -- changing ---------------------------------------------------------------------------------
    def validate(self, uow: UnitOfWork, data: PoolInput, pool_id: int | None) -> dict[str, str]:
        """Field errors for the pool modal (block id → message)."""
        errors: dict[str, str] = {}
        name = data.name.strip()
        if not name:
            errors["name"] = "Name the pool, e.g. “Backend engineers”."
        elif len(name) > 80:
            errors["name"] = "Keep the pool name under 80 characters."
        else:
            same = uow.pools.by_name(name)
            if same is not None and same.id != pool_id:
                errors["name"] = f"There is already a pool called “{same.name}”; choose another name."
        if not data.kind:
            errors["kind"] = "Choose the kind of interview this pool runs."
        elif data.kind not in self.kinds_in(uow):
            errors["kind"] = "Choose one of the listed kinds of interview."
        if not data.qualified:
            errors["qualified"] = "Add at least one qualified interviewer."
        levels = {"qualified": data.qualified, "shadow": data.shadow, "reverse_shadow": data.reverse_shadow}
        seen: dict[str, str] = {}
        twice: dict[str, list[str]] = {}
        for level, ids in levels.items():
            for user_id in ids:
                if user_id in seen and seen[user_id] != level:
                    twice.setdefault(level, []).append(user_id)
                seen.setdefault(user_id, level)
        if twice:
            names = self.people.names_in(uow, [u for ids in twice.values() for u in ids])
            for level, ids in twice.items():
                who = ", ".join(names.get(u, u) for u in ids)
                errors[level] = f"{who}: already listed at another level; give each person one level."
        if len(seen) > MAX_MEMBERS:
            errors["qualified"] = f"A pool has at most {MAX_MEMBERS} members."
        daily, weekly = parse_limits(data.daily_limit, data.weekly_limit, errors)
        if daily is not None and weekly is not None and daily > weekly:
            errors["weekly_limit"] = f"The weekly limit ({weekly}) can't be below the daily one ({daily})."
        return errors

    def save(
        self, actor: Actor, data: PoolInput, *, pool_id: int | None = None, request_key: str | None = None
    ) -> PoolView | None:
        """Create (or edit) a pool; nothing is saved when any field is wrong. Audited.
        None when `request_key` was already handled (a doubled submission)."""
        self.require_manager(actor)
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            pool = None
            if pool_id is not None:
                pool = uow.pools.get(pool_id)
                if pool is None:
                    raise NotFound("That pool no longer exists.")
            errors = self.validate(uow, data, pool_id)
            if errors:
                raise InvalidInput(errors)
            if request_key and not uow.idempotency.claim(request_key, now):
                return None
            daily, weekly = parse_limits(data.daily_limit, data.weekly_limit, {})
            assert daily is not None and weekly is not None and data.kind
            wanted: dict[str, str] = {}
            for level in LEVELS:
                for user_id in getattr(data, level):
                    wanted.setdefault(user_id, level)
            before = pool_snapshot(pool) if pool is not None else None
            if pool is None:
                pool = Pool(team_id=actor.team_id, name=data.name.strip(), kind=data.kind, created_at=now)
            pool.name = data.name.strip()
            pool.kind = data.kind
            existing = {m.user_id: m for m in pool.members}
            for user_id, leaving in existing.items():
                if user_id not in wanted:
                    pool.members.remove(leaving)
            for user_id, level in wanted.items():
                member = existing.get(user_id)
                if member is None:
                    member = PoolMember(user_id=user_id)
                    pool.members.append(member)
                member.level = level
                member.daily_limit = daily
                member.weekly_limit = weekly
            uow.pools.add(pool)
            uow.audit.record(
                at=now,
                actor_id=actor.user_id,
                action="pool.created" if before is None else "pool.updated",
                subject_type="pool",
                subject_id=pool.id,
                before=before,
                after=pool_snapshot(pool),
            )
            uow.commit()
            return pool_view(pool)


def members_by_level(pool: Pool) -> dict[str, list[str]]:
    """`{"qualified": [...], "reverse_shadow": [...], "shadow": [...]}` in user id order."""
    levels: dict[str, list[str]] = {level: [] for level in LEVELS}
    for member in pool.members:
        levels.setdefault(member.level, []).append(member.user_id)
    return levels


def pool_limits(pool: Pool) -> tuple[int, int]:
    """The pool's daily and weekly limits (the modal sets them for every member)."""
    if not pool.members:
        return 2, 5
    return (
        min(m.daily_limit for m in pool.members),
        min(m.weekly_limit for m in pool.members),
    )
