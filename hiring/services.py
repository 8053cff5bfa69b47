"""The bundle of domain services that `bot` wires and `handlers` call."""

from __future__ import annotations

from dataclasses import dataclass

from hiring.candidates import CandidateService
from hiring.clock import Clock
from hiring.plans import PlanService
from hiring.ports import Directory, Notifier
from hiring.roles import RoleService
from storage.uow import Database


@dataclass
class Services:
    db: Database
    clock: Clock
    directory: Directory
    notifier: Notifier
    plans: PlanService
    roles: RoleService
    candidates: CandidateService


def build_services(db: Database, clock: Clock, directory: Directory, notifier: Notifier) -> Services:
    """Construct every domain service over one database, clock and set of gateways."""
    plans = PlanService(db, clock)
    return Services(
        db=db,
        clock=clock,
        directory=directory,
        notifier=notifier,
        plans=plans,
        roles=RoleService(db, clock, plans, directory, notifier),
        candidates=CandidateService(db, clock, notifier),
    )
