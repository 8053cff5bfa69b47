"""The plan catalogue: built-in plans per workspace, imports from files and modals."""

from __future__ import annotations

import json
import time
from functools import lru_cache

from sqlalchemy.exc import IntegrityError

from hiring.clock import Clock
from hiring.plan_schema import PlanSpec, builtin_plans, parse_plan
from storage.models import Plan
from storage.uow import Database

LIST_TTL = 30.0


@lru_cache(maxsize=1)
def _builtin() -> tuple[PlanSpec, ...]:
    return tuple(builtin_plans())


@lru_cache(maxsize=512)
def _parse(definition_json: str) -> PlanSpec:
    return parse_plan(json.loads(definition_json))


def spec_of(plan: Plan) -> PlanSpec:
    """The validated plan document of a stored plan (parsed once, cached)."""
    return _parse(json.dumps(plan.definition, sort_keys=True))


class PlanService:
    """Lists, imports and provides plans for one workspace."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._lists: dict[str, tuple[float, list[Plan]]] = {}

    def ensure_builtin(self, team_id: str) -> None:
        """Make sure the workspace has every built-in plan, current (idempotent, safe across replicas)."""
        with self.db.uow(team_id) as uow:
            existing = {p.key: p for p in uow.plans.all()}
            changed = False
            for spec in _builtin():
                definition = spec.model_dump(mode="json")
                plan = existing.get(spec.key)
                if plan is None:
                    uow.session.add(
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
            if changed:
                try:
                    uow.commit()
                except IntegrityError:
                    pass  # another replica seeded them at the same moment

    def list(self, team_id: str) -> list[Plan]:
        """The workspace's plans, cached briefly: modals open without a database round trip.

        Imports through this service clear the cache at once; other replicas see a new plan within
        `LIST_TTL` seconds."""
        now = time.monotonic()
        cached = self._lists.get(team_id)
        if cached is not None and now - cached[0] < LIST_TTL:
            return cached[1]
        self.ensure_builtin(team_id)
        with self.db.uow(team_id) as uow:
            plans = uow.plans.all()
        self._lists[team_id] = (now, plans)
        return plans

    def import_spec(self, team_id: str, spec: PlanSpec, *, source: str = "file") -> tuple[Plan, bool]:
        """Store a validated plan; returns (plan, created). Re-importing a key replaces its definition."""
        self.ensure_builtin(team_id)
        with self.db.uow(team_id) as uow:
            plan = uow.plans.by_key(spec.key)
            created = plan is None
            if plan is None:
                plan = uow.plans.add(
                    Plan(
                        team_id=team_id,
                        key=spec.key,
                        name=spec.name,
                        source=source,
                        definition=spec.model_dump(mode="json"),
                        created_at=self.clock.now(),
                    )
                )
            else:
                plan.name = spec.name
                plan.source = source
                plan.definition = spec.model_dump(mode="json")
            uow.commit()
        self._lists.pop(team_id, None)
        return plan, created


def builtin_specs() -> tuple[PlanSpec, ...]:
    return _builtin()
