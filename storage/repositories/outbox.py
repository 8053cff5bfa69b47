"""The notification outbox: claims, marks and sent keys. Adds and queries; never commits.

Notification keys are unique across workspaces, so these queries are not scoped to `team_id`."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, select, text, update

from storage.models import Notification, Replica, SlackMessage
from storage.repositories.base import Repository, among, dialect_of, insert_ignoring

NOTIFICATIONS: Table = Notification.__table__  # type: ignore[assignment]
SLACK_MESSAGES: Table = SlackMessage.__table__  # type: ignore[assignment]
REPLICAS: Table = Replica.__table__  # type: ignore[assignment]
KEY_CHUNK = 1000

# Bulk claims: one statement a batch, the rows as one JSON parameter unpacked by the database (a
# multi-row VALUES with thousands of placeholders costs more to build and parse than to insert).
CLAIM_SQL = {
    "postgresql": """
        INSERT INTO notifications
            (team_id, key, kind, payload, claimed_at, claimed_by, lease_until, attempts, next_attempt_at)
        SELECT r.team_id, r.key, r.kind, r.payload, :now, :replica, :lease, 1, :now
        FROM json_to_recordset(CAST(:rows AS json))
            AS r(team_id varchar, key varchar, kind varchar, payload json)
        ON CONFLICT (key) DO NOTHING
        RETURNING id, key""",
    "sqlite": """
        INSERT INTO notifications
            (team_id, key, kind, payload, claimed_at, claimed_by, lease_until, attempts, next_attempt_at)
        SELECT json_extract(value, '$.team_id'), json_extract(value, '$.key'), json_extract(value, '$.kind'),
            json_extract(value, '$.payload'), :now, :replica, :lease, 1, :now
        FROM json_each(:rows) WHERE true
        ON CONFLICT (key) DO NOTHING
        RETURNING id, key""",
}

MARK_SENT = (
    update(NOTIFICATIONS)
    .where(NOTIFICATIONS.c.id == bindparam("b_id"))
    .values(
        sent_at=bindparam("b_at"),
        channel_id=bindparam("b_channel"),
        message_ts=bindparam("b_ts"),
        last_error=None,
    )
)


@dataclass(frozen=True)
class SentMark:
    """A claim whose message went out: where it landed and when (also recorded as a Slack message)."""

    claim_id: int
    team_id: str
    kind: str
    candidate_id: int | None
    channel_id: str
    ts: str
    at: datetime


class OutboxRepository(Repository):
    """The notification outbox: claims, marks and sent keys."""

    def sent_among(self, keys: Sequence[str]) -> set[str]:
        """The keys among `keys` whose notification has been sent."""
        if not keys:
            return set()
        return set(
            self.session.scalars(
                select(Notification.key).where(
                    among(self.session, Notification.key, keys), Notification.sent_at.is_not(None)
                )
            ).all()
        )

    def sent_notifications(self, keys: Sequence[str]) -> dict[str, Notification]:
        """Sent notification rows by key (sources use them to thread replies under a sent message)."""
        if not keys:
            return {}
        rows = self.session.scalars(
            select(Notification).where(
                among(self.session, Notification.key, keys), Notification.sent_at.is_not(None)
            )
        ).all()
        return {row.key: row for row in rows}

    def sent_keys(self, prefix: str) -> list[str]:
        """Keys of sent notifications starting with `prefix`, sorted."""
        rows = self.session.scalars(
            select(Notification.key).where(
                Notification.key.startswith(prefix), Notification.sent_at.is_not(None)
            )
        )
        return sorted(rows)

    def claim(self, claim_id: int) -> Notification | None:
        """The claim row with this id."""
        return self.session.get(Notification, claim_id)

    def claim_new(
        self, rows: Sequence[Mapping[str, Any]], *, now: datetime, lease_until: datetime, replica: str
    ) -> dict[str, int]:
        """Claim the keys nobody has claimed yet in one statement (`rows`: team_id, key, kind, payload);
        returns the claim ids of the rows inserted, by key."""
        # The claim's times are the same for every row: convert them for the database once.
        process = NOTIFICATIONS.c.claimed_at.type.bind_processor(self.session.get_bind().dialect)
        raw_now, raw_lease = (process(t) if process else t for t in (now, lease_until))
        result = self.session.execute(
            text(CLAIM_SQL[dialect_of(self.session)]),
            {"rows": json.dumps(list(rows)), "now": raw_now, "lease": raw_lease, "replica": replica},
        )
        return {key: claim_id for claim_id, key in result.all()}

    def take_over_expired(
        self, keys: Sequence[str], *, now: datetime, lease_until: datetime, replica: str, max_attempts: int
    ) -> dict[str, int]:
        """Take over the unsent claims among `keys` whose lease expired and whose retry is due (rows
        another replica holds locked are skipped); returns their claim ids by key."""
        expired = self.session.execute(
            select(Notification.id, Notification.key)
            .where(
                Notification.key.in_(keys),
                Notification.sent_at.is_(None),
                Notification.lease_until <= now,
                Notification.next_attempt_at <= now,
                Notification.attempts < max_attempts,
            )
            .order_by(Notification.id)
            .with_for_update(skip_locked=True)
        ).all()
        if expired:
            self.session.execute(
                update(NOTIFICATIONS)
                .where(NOTIFICATIONS.c.id.in_([claim_id for claim_id, _ in expired]))
                .values(
                    claimed_by=replica,
                    claimed_at=now,
                    lease_until=lease_until,
                    attempts=NOTIFICATIONS.c.attempts + 1,
                )
            )
        return {key: claim_id for claim_id, key in expired}

    def renew(self, claim_ids: Sequence[int], *, replica: str, lease_until: datetime) -> set[int]:
        """Extend `replica`'s unsent claims among `claim_ids` to `lease_until`; returns the ids it still holds."""
        return set(self._update_held(claim_ids, replica, lease_until=lease_until))

    def _update_held(self, claim_ids: Sequence[int], replica: str, **values: Any) -> list[int]:
        """Set `values` on `replica`'s unsent claims among `claim_ids`; returns the ids changed."""
        changed: list[int] = []
        for i in range(0, len(claim_ids), KEY_CHUNK):
            result = self.session.execute(
                update(NOTIFICATIONS)
                .where(
                    NOTIFICATIONS.c.id.in_(claim_ids[i : i + KEY_CHUNK]),
                    NOTIFICATIONS.c.claimed_by == replica,
                    NOTIFICATIONS.c.sent_at.is_(None),
                )
                .values(**values)
                .returning(NOTIFICATIONS.c.id)
            )
            changed.extend(result.scalars())
        return changed

    def release(self, claim_id: int, *, replica: str, now: datetime, retry_at: datetime) -> None:
        """Give `replica`'s claim back untried: free its lease, retry at `retry_at`, uncount the attempt."""
        self.session.execute(
            update(NOTIFICATIONS)
            .where(NOTIFICATIONS.c.id == claim_id, NOTIFICATIONS.c.claimed_by == replica)
            .values(lease_until=now, next_attempt_at=retry_at, attempts=NOTIFICATIONS.c.attempts - 1)
        )

    def mark_sent(self, marks: Sequence[SentMark]) -> None:
        """Mark claims sent and record their Slack messages (a message already recorded is kept)."""
        if dialect_of(self.session) == "postgresql":
            # The claims were committed durably before the sends; these marks only need to survive
            # our own crash, which an asynchronous commit does (they are in the WAL).
            self.session.execute(text("SET LOCAL synchronous_commit = off"))
        self.session.execute(
            MARK_SENT,
            [{"b_id": m.claim_id, "b_at": m.at, "b_channel": m.channel_id, "b_ts": m.ts} for m in marks],
        )
        self.session.execute(
            insert_ignoring(self.session, SLACK_MESSAGES),
            [
                {
                    "team_id": m.team_id,
                    "channel_id": m.channel_id,
                    "ts": m.ts,
                    "kind": m.kind[:32],
                    "candidate_id": m.candidate_id,
                    "created_at": m.at,
                }
                for m in marks
            ],
        )

    # -- replicas and their heartbeats -------------------------------------------------------------
    def beat(self, replica: str, *, now: datetime) -> bool:
        """Count one heartbeat of `replica`; False when it has no row (never registered, or declared dead)."""
        result = self.session.execute(
            update(REPLICAS)
            .where(REPLICAS.c.id == replica)
            .values(beats=REPLICAS.c.beats + 1, heartbeat_at=now)
            .returning(REPLICAS.c.id)
        )
        return result.first() is not None

    def register(self, replica: str, *, now: datetime) -> None:
        """Add `replica`'s row (its first heartbeat)."""
        self.add(Replica(id=replica, beats=1, started_at=now, heartbeat_at=now))

    def replica_beats(self) -> dict[str, int]:
        """Every registered replica's heartbeat count."""
        return {rid: beats for rid, beats in self.session.execute(select(Replica.id, Replica.beats))}

    def reap(self, seen: Mapping[str, int], *, now: datetime) -> list[str]:
        """Declare dead the replicas of `seen` whose count is still the one seen (their rows locked
        first, so a beat either lands before and saves the replica or finds its row gone): their
        unsent claims are freed (lease over at `now`) and their rows deleted. Returns their ids."""
        if not seen:
            return []
        rows = self.session.execute(
            select(REPLICAS.c.id, REPLICAS.c.beats)
            .where(REPLICAS.c.id.in_(sorted(seen)))
            .order_by(REPLICAS.c.id)
            .with_for_update()
        ).all()
        dead = [rid for rid, beats in rows if seen[rid] == beats]
        if dead:
            self.session.execute(
                update(NOTIFICATIONS)
                .where(NOTIFICATIONS.c.claimed_by.in_(dead), NOTIFICATIONS.c.sent_at.is_(None))
                .values(lease_until=now)
            )
            self.session.execute(delete(REPLICAS).where(REPLICAS.c.id.in_(dead)))
        return dead

    def release_unsent(self, claim_ids: Sequence[int], *, replica: str, now: datetime) -> int:
        """Give `replica`'s unsent claims among `claim_ids` back untried (a graceful stop): their lease
        ends at `now` and the attempt is uncounted. Returns how many were released."""
        return len(
            self._update_held(claim_ids, replica, lease_until=now, attempts=NOTIFICATIONS.c.attempts - 1)
        )

    def forget_replica(self, replica: str) -> None:
        """Delete `replica`'s heartbeat row (it stopped gracefully, its claims released)."""
        self.session.execute(delete(REPLICAS).where(REPLICAS.c.id == replica))
