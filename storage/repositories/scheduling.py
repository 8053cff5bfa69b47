"""The built-in calendar's rows: its events (with .ics tokens) and people's busy blocks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import BusyBlock, CalendarEvent
from storage.repositories.base import Repository


class CalendarRepository(Repository):
    """The built-in calendar's events and busy blocks (scoped to one workspace)."""

    def get(self, event_id: str) -> CalendarEvent | None:
        """The workspace's event with this id (None if absent or another workspace's)."""
        event = self.session.get(CalendarEvent, event_id)
        return event if event is not None and event.team_id == self.team_id else None

    def id_taken_elsewhere(self, event_id: str) -> bool:
        """True when another workspace already uses this event id."""
        event = self.session.get(CalendarEvent, event_id)
        return event is not None and event.team_id != self.team_id

    def many(self, event_ids: Sequence[str]) -> dict[str, CalendarEvent]:
        if not event_ids:
            return {}
        rows = self.session.scalars(
            select(CalendarEvent).where(
                CalendarEvent.team_id == self.team_id, CalendarEvent.id.in_(list(event_ids))
            )
        )
        return {e.id: e for e in rows}

    def confirmed_between(self, start: datetime, end: datetime) -> list[CalendarEvent]:
        """Confirmed events overlapping [start, end)."""
        return list(
            self.session.scalars(
                select(CalendarEvent)
                .where(
                    CalendarEvent.team_id == self.team_id,
                    CalendarEvent.status == "confirmed",
                    CalendarEvent.start_at < end,
                    CalendarEvent.end_at > start,
                )
                .order_by(CalendarEvent.start_at, CalendarEvent.id)
            )
        )

    def busy_blocks(self, owners: Sequence[str], start: datetime, end: datetime) -> list[BusyBlock]:
        """Busy blocks of these owners (calendar ids, lower case) overlapping [start, end)."""
        if not owners:
            return []
        return list(
            self.session.scalars(
                select(BusyBlock)
                .where(
                    BusyBlock.team_id == self.team_id,
                    BusyBlock.owner.in_([o.lower() for o in owners]),
                    BusyBlock.start_at < end,
                    BusyBlock.end_at > start,
                )
                .order_by(BusyBlock.start_at, BusyBlock.id)
            )
        )

    def add_busy(self, owner: str, start: datetime, end: datetime, label: str, now: datetime) -> BusyBlock:
        """Record busy time for `owner` (an email address, stored lower case)."""
        if end <= start:
            raise ValueError("a busy block must end after it starts")
        block = BusyBlock(
            team_id=self.team_id,
            owner=owner.strip().lower(),
            start_at=start,
            end_at=end,
            label=label,
            created_at=now,
        )
        self.session.add(block)
        self.session.flush()
        return block

    def remove_busy(self, block_id: int, owner: str) -> bool:
        """Delete one of `owner`'s busy blocks; False when there is no such block."""
        block = self.session.scalar(
            select(BusyBlock).where(
                BusyBlock.team_id == self.team_id,
                BusyBlock.id == block_id,
                BusyBlock.owner == owner.strip().lower(),
            )
        )
        if block is None:
            return False
        self.session.delete(block)
        self.session.flush()
        return True


def event_by_token(session: Session, token: str) -> CalendarEvent | None:
    """The event whose invite URL carries `token` (tokens are unguessable and unique everywhere)."""
    return session.scalar(select(CalendarEvent).where(CalendarEvent.ics_token == token))
