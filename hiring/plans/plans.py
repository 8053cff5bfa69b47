"""The plan catalogue: built-in plans per workspace, imports from files and modals."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from hiring.clock import Clock
from hiring.errors import Conflict, InvalidInput, NotFound
from hiring.permissions import Actor, require_manager, require_plan_author
from hiring.plans.schema import PlanFileError, PlanSpec, builtin_plans, parse_plan, parse_plan_text
from hiring.plans.summary import stage_outline
from hiring.ports import Notifier, record_sent
from hiring.text import close_matches, esc
from storage.models import Plan
from storage.uow import Database, UnitOfWork

LIST_TTL = 30.0  # startup_bench: median command 1.79 ms with this cache, 5.54 ms without


@dataclass(frozen=True)
class PlanSaved:
    """A DM to the author of a plan saved from the plan modal."""

    plan_key: str
    plan_name: str
    stages: list[str]
    created: bool


@dataclass(frozen=True)
class PlanView:
    """A stored plan as listings, the plan detail and the role modal show it."""

    id: int
    key: str
    name: str
    source: str
    spec: PlanSpec


def plan_view(plan: Plan) -> PlanView:
    """The plan as plain data."""
    return PlanView(id=plan.id, key=plan.key, name=plan.name, source=plan.source, spec=spec_of(plan))


@lru_cache(maxsize=1)
def _builtin() -> tuple[PlanSpec, ...]:
    return tuple(builtin_plans())


def spec_of(plan: Plan) -> PlanSpec:
    """The validated plan document of a stored plan."""
    return parse_plan(plan.definition)


class PlanService:
    """Lists, imports and provides plans for one workspace."""

    def __init__(self, db: Database, clock: Clock, notifier: Notifier | None = None) -> None:
        self.db = db
        self.clock = clock
        self.notifier = notifier
        self._lists: dict[str, tuple[float, list[PlanView]]] = {}

    def ensure_builtin(self, team_id: str) -> None:
        """Make sure the workspace has every built-in plan, current (idempotent, safe across replicas)."""
        with self.db.uow(team_id) as uow:
            existing = {p.key: p for p in uow.plans.all()}
            missing: list[Plan] = []
            changed = False
            for spec in _builtin():
                definition = spec.model_dump(mode="json")
                plan = existing.get(spec.key)
                if plan is None:
                    missing.append(
                        Plan(
                            team_id=team_id,
                            key=spec.key,
                            name=spec.name,
                            source="builtin",
                            definition=definition,
                            created_at=self.clock.now(),
                        )
                    )
                    changed = True
                elif plan.source == "builtin" and plan.definition != definition:
                    plan.definition = definition
                    plan.name = spec.name
                    changed = True
            # When another replica seeds them at the same moment, its rows stand and ours are dropped.
            if changed and uow.plans.add_unless_taken(*missing):
                uow.commit()

    def list(self, team_id: str) -> list[PlanView]:
        """The workspace's plans, cached briefly: modals open without a database round trip.

        Imports through this service clear the cache at once; other replicas see a new plan within
        `LIST_TTL` seconds."""
        now = time.monotonic()
        cached = self._lists.get(team_id)
        if cached is not None and now - cached[0] < LIST_TTL:
            return cached[1]
        self.ensure_builtin(team_id)
        with self.db.uow(team_id) as uow:
            plans = [plan_view(p) for p in uow.plans.all()]
        self._lists[team_id] = (now, plans)
        return plans

    def import_spec(
        self, team_id: str, spec: PlanSpec, *, source: str = "file", actor_id: str = "cli"
    ) -> tuple[PlanView, bool]:
        """Store a validated plan; returns (plan, created). Audited.

        Re-importing a key replaces its definition, as long as every stage and interview key that
        candidates of roles using the plan are at (or were interviewed in) is kept. Built-in keys
        are reserved."""
        result = self._import(team_id, spec, source=source, actor_id=actor_id)
        assert result is not None
        return result

    def create_from_text(
        self, actor: Actor, text: str, *, request_key: str | None = None
    ) -> tuple[PlanView, bool] | None:
        """Validate a plan typed or pasted into the plan modal (YAML or JSON) and store it with
        source "modal"; returns (plan, created). Every problem is reported next to the `definition`
        field (`InvalidInput`) and nothing is saved. None when `request_key` was already handled."""
        with self.db.uow(actor.team_id) as uow:
            roles = uow.roles.all()
        require_plan_author(actor, roles)
        try:
            spec = parse_plan_text(text, "plan")
        except PlanFileError as err:
            raise InvalidInput({DEFINITION: problems_text(err.problems)}) from None
        return self._import(
            actor.team_id, spec, source="modal", actor_id=actor.user_id, actor=actor, request_key=request_key
        )

    def check_author(self, actor: Actor) -> None:
        """Raise `PermissionDenied` unless the actor may add plans (`hiring.permissions.require_plan_author`)."""
        with self.db.uow(actor.team_id) as uow:
            require_plan_author(actor, uow.roles.all())

    def announce_saved(self, team_id: str, plan_id: int, user_id: str, *, created: bool = True) -> None:
        """Tell the author, in a DM, that their plan was saved and how to use it."""
        if self.notifier is None:
            return
        with self.db.uow(team_id) as uow:
            plan = uow.plans.get(plan_id)
        if plan is None:
            return
        spec = spec_of(plan)
        sent = self.notifier.send(
            team_id,
            user_id,
            PlanSaved(
                plan_key=plan.key,
                plan_name=plan.name,
                stages=[stage_outline(s) for s in spec.stages],
                created=created,
            ),
        )
        record_sent(self.db, team_id, sent, "plan_saved", None, self.clock.now())

    def find(self, team_id: str, query: str) -> PlanView:
        """A plan by key, or by name (case-insensitive); `NotFound` suggests close matches."""
        plans = self.list(team_id)
        wanted = query.strip().lower()
        for plan in plans:
            if plan.key == wanted or plan.name.lower() == wanted:
                return plan
        close = close_matches(query.strip(), [p.key for p in plans] + [p.name for p in plans])
        hint = f" Did you mean {', '.join(f'`{esc(c)}`' for c in close)}?" if close else ""
        raise NotFound(f"There is no plan `{esc(query.strip())}`.{hint} `/interview plans` lists them.")

    def _import(
        self,
        team_id: str,
        spec: PlanSpec,
        *,
        source: str,
        actor_id: str,
        actor: Actor | None = None,
        request_key: str | None = None,
    ) -> tuple[PlanView, bool] | None:
        """Add the plan or replace the team's plan of that key, audited; (plan, created), or None when
        `request_key` was already handled."""
        if spec.key in {b.key for b in _builtin()}:
            raise Conflict(f"`{spec.key}` is the key of a built-in plan; give your plan another `key`.")
        self.ensure_builtin(team_id)
        now = self.clock.now()
        definition = spec.model_dump(mode="json")
        with self.db.uow(team_id) as uow:
            if request_key and not uow.idempotency.claim(request_key, now):
                return None
            plan = uow.plans.by_key(spec.key)
            created = plan is None
            before = None
            if plan is None:
                plan = _add_plan(uow, team_id, spec, source=source, definition=definition, now=now)
            else:
                before = _replace_plan(uow, plan, spec, source=source, definition=definition, actor=actor)
            uow.audit.record(
                at=now,
                actor_id=actor_id,
                action="plan.created" if created else "plan.updated",
                subject_type="plan",
                subject_id=plan.id,
                before=before,
                after=plan_snapshot(plan),
            )
            uow.commit()
            saved = plan_view(plan)
        self._lists.pop(team_id, None)
        return saved, created


DEFINITION = "definition"
MAX_ERROR_LINES = 6
MAX_ERROR_CHARS = 1200


def problems_text(problems: list[str]) -> str:
    """Validation problems for a modal field: one per line, trimmed to a readable length."""
    shown = [p if len(p) <= 180 else p[:179] + "…" for p in problems[:MAX_ERROR_LINES]]
    text = "\n".join(shown)
    while len(text) > MAX_ERROR_CHARS and len(shown) > 1:
        shown.pop()
        text = "\n".join(shown)
    hidden = len(problems) - len(shown)
    if hidden:
        text += f"\n…and {hidden} more (`loopbot plans validate FILE` lists them all)"
    return text


def plan_snapshot(plan: Plan) -> dict[str, object]:
    """The audited fields of a plan."""
    stages = plan.definition.get("stages") or []
    return {
        "key": plan.key,
        "name": plan.name,
        "source": plan.source,
        "stages": [s.get("key") for s in stages if isinstance(s, dict)],
    }


def _add_plan(
    uow: UnitOfWork,
    team_id: str,
    spec: PlanSpec,
    *,
    source: str,
    definition: dict[str, object],
    now: datetime,
) -> Plan:
    """Insert a new plan; a concurrent insert of the same key is a `Conflict`."""
    plan = Plan(
        team_id=team_id, key=spec.key, name=spec.name, source=source, definition=definition, created_at=now
    )
    if not uow.plans.add_unless_taken(plan):
        raise Conflict(f"A plan `{spec.key}` was added at the same moment; submit again to replace it.")
    return plan


def _replace_plan(
    uow: UnitOfWork,
    plan: Plan,
    spec: PlanSpec,
    *,
    source: str,
    definition: dict[str, object],
    actor: Actor | None,
) -> dict[str, object]:
    """Overwrite a custom plan with `spec`, keeping every stage and interview key candidates have used;
    return its snapshot from before."""
    if plan.source == "builtin":
        raise Conflict(f"`{spec.key}` is the key of a built-in plan; give your plan another `key`.")
    if actor is not None:
        for role in uow.roles.all(status=None):
            if role.plan_id == plan.id:
                require_manager(actor, role, f"replace the plan “{plan.name}” used by “{role.title}”")
    missing = _keys_in_use(uow, plan.id, spec)
    if missing:
        raise Conflict(
            f"Candidates of roles using “{plan.name}” are in or went through {', '.join(missing)}; "
            "keep those keys (you may rename stages and interviews with `name`)."
        )
    before = plan_snapshot(plan)
    plan.name = spec.name
    plan.source = source
    plan.definition = definition
    uow.flush()
    return before


def _keys_in_use(uow: UnitOfWork, plan_id: int, spec: PlanSpec) -> list[str]:
    """Stage and interview keys that candidates of roles using the plan refer to but `spec` lacks."""
    stage_keys = uow.plans.stage_keys_in_use(plan_id)
    used = uow.plans.interview_keys_in_use(plan_id)
    stage_keys |= {stage for stage, _ in used}
    known = {s.key: {i.key for i in s.interviews} for s in spec.stages}
    missing = [f"stage `{k}`" for k in sorted(stage_keys) if k not in known]
    missing += [
        f"interview `{stage}.{key}`"
        for stage, key in sorted(set(used))
        if stage in known and key not in known[stage]
    ]
    return missing
