"""Typed queries for candidates' scheduling links and the rate limit's counters. They add and query;
they never commit. A link is found by its token's hash across workspaces (the candidate's page does
not know the workspace); everything else is scoped to `team_id`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, delete, select

from storage.models import LinkAction, LinkAttempt, SchedulingLink
from storage.repositories.base import Repository, dialect_insert


class LinkRepository(Repository):
    """Scheduling links of one workspace; `by_token_hash` and the counters read across workspaces."""

    def by_token_hash(self, token_hash: str) -> SchedulingLink | None:
        """The link whose token hashes to `token_hash`, in any workspace."""
        return self.session.scalar(select(SchedulingLink).where(SchedulingLink.token_hash == token_hash))

    def get(self, link_id: int) -> SchedulingLink | None:
        """One link of this workspace."""
        return self.owned(SchedulingLink, link_id)

    def for_candidate(self, candidate_id: int) -> list[SchedulingLink]:
        """The candidate's links, newest first."""
        return list(
            self.session.scalars(
                select(SchedulingLink)
                .where(SchedulingLink.team_id == self.team_id, SchedulingLink.candidate_id == candidate_id)
                .order_by(SchedulingLink.created_at.desc(), SchedulingLink.id.desc())
            )
        )

    def delete_for_candidate(self, candidate_id: int) -> int:
        """Delete every link of the candidate and what they did through it (erasure); returns how
        many links there were."""
        links = select(SchedulingLink.id).where(
            SchedulingLink.team_id == self.team_id, SchedulingLink.candidate_id == candidate_id
        )
        self.session.execute(delete(LinkAction).where(LinkAction.link_id.in_(links)))
        result = self.session.execute(
            delete(SchedulingLink).where(
                SchedulingLink.team_id == self.team_id, SchedulingLink.candidate_id == candidate_id
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def action(self, action_id: int) -> LinkAction | None:
        """One thing a candidate did through a link of this workspace."""
        return self.owned(LinkAction, action_id)

    def actions_since(self, since: datetime) -> list[tuple[str, int]]:
        """(team_id, action id) of what candidates did through links since `since`, in every workspace."""
        rows = self.session.execute(
            select(LinkAction.team_id, LinkAction.id).where(LinkAction.at >= since).order_by(LinkAction.id)
        )
        return [(team_id, action_id) for team_id, action_id in rows]

    def count_attempt(self, key: str, now: datetime, window_from: datetime) -> int:
        """Count one attempt under `key` and return the count in its window, atomically across
        replicas (one upsert): a window that started at or before `window_from` starts again at `now`."""
        stmt = dialect_insert(self.session, LinkAttempt).values(key=key, window_start=now, count=1)
        stale = LinkAttempt.window_start <= window_from
        stmt = stmt.on_conflict_do_update(
            index_elements=[LinkAttempt.key],
            set_={
                "count": case((stale, 1), else_=LinkAttempt.count + 1),
                "window_start": case((stale, stmt.excluded.window_start), else_=LinkAttempt.window_start),
            },
        ).returning(LinkAttempt.count)
        return int(self.session.execute(stmt).scalar_one())

    def prune_attempts(self, before: datetime) -> None:
        """Forget counters whose window started before `before`."""
        self.session.execute(delete(LinkAttempt).where(LinkAttempt.window_start < before))
