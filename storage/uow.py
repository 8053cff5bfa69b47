"""The database handle and the unit of work: repositories never commit, the unit of work does."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from storage.database import make_engine
from storage.repositories.chasing import ChasingRepository
from storage.repositories.decisions import DecisionsRepository
from storage.repositories.feedback import FeedbackRepository
from storage.repositories.links import LinkRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.panels import PanelRepository, PoolRepository
from storage.repositories.people import PeopleRepository
from storage.repositories.plans import PlanRepository
from storage.repositories.privacy import PrivacyRepository
from storage.repositories.records import AuditRepository, IdempotencyRepository, MessageRepository
from storage.repositories.roles import CandidateRepository, RoleRepository
from storage.repositories.scheduling import BookingRepository, CalendarRepository
from storage.repositories.workspaces import WorkspaceRepository

T = TypeVar("T")


class UnitOfWork:
    """One transaction scoped to one Slack workspace (`team_id`). Rolls back unless committed."""

    def __init__(self, session_factory: sessionmaker[Session], team_id: str) -> None:
        self._factory = session_factory
        self.team_id = team_id

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        s, t = self.session, self.team_id
        self.people = PeopleRepository(s, t)
        self.plans = PlanRepository(s, t)
        self.roles = RoleRepository(s, t)
        self.candidates = CandidateRepository(s, t)
        self.pools = PoolRepository(s, t)
        self.panels = PanelRepository(s, t)
        self.audit = AuditRepository(s, t)
        self.messages = MessageRepository(s, t)
        self.idempotency = IdempotencyRepository(s, t)
        self.calendar = CalendarRepository(s, t)
        self.booking = BookingRepository(s, t)
        self.feedback = FeedbackRepository(s, t)
        self.decisions = DecisionsRepository(s, t)
        self.chasing = ChasingRepository(s, t)
        self.privacy = PrivacyRepository(s, t)
        self.outbox = OutboxRepository(s, t)
        self.links = LinkRepository(s, t)
        self.workspaces = WorkspaceRepository(s, t)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # close() rolls back anything uncommitted and detaches objects without expiring them,
        # so results stay readable after the unit of work ends.
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def flush(self) -> None:
        self.session.flush()


class Database:
    """Engine plus session factory; hands out units of work."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine: Engine = make_engine(url, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def uow(self, team_id: str) -> UnitOfWork:
        return UnitOfWork(self.sessions, team_id)

    def run(self, team_id: str, work: Callable[[UnitOfWork], T]) -> T:
        """Run `work` in one unit of work and commit it."""
        with self.uow(team_id) as uow:
            result = work(uow)
            uow.commit()
            return result

    def dispose(self) -> None:
        self.engine.dispose()
