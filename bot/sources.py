"""Every outbox source the scheduler's tick runs, wired to the services (`all_sources`).

The tick runs them through `hiring.outbox.Dispatcher`; each derives from current state what should
have been sent by now, so a moved interview is briefed at its new time and a cancelled one is not
briefed at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from hiring.outbox import Due, Source
from hiring.ports import Sent

if TYPE_CHECKING:
    from hiring.services import Services


def scorecard_request_source(services: Services) -> Source:
    """ "Submit your scorecard" DMs at each interview's end, keyed
    `scorecard-request:{seat_id}:{end:%Y%m%dT%H%M}`; once sent, the person's App Home is refreshed
    (the scorecard now shows as pending there)."""

    def refresher(team_id: str, user_id: str) -> Callable[[Sent], None]:
        return lambda _sent: services.home.refresh(team_id, [user_id])

    def scorecard_request_source(now: datetime) -> Iterable[Due]:
        for due in services.scorecards.due_requests(now):
            yield replace(due, on_sent=refresher(due.team_id, due.to))

    return scorecard_request_source


def feedback_sources(services: Services) -> list[Source]:
    """Every feedback source, for the engine's tick: briefing DMs (keyed
    `brief:{seat_id}:{start:%Y%m%dT%H%M}`) and scorecard requests."""
    return [services.briefings.due, scorecard_request_source(services)]


def debrief_sources(services: Services) -> list[Source]:
    """Debriefs of stages whose feedback is complete or overdue with a quorum."""
    return [services.debriefs.due]


def all_sources(services: Services) -> list[Source]:
    """Every source of scheduled notifications: briefings and scorecard requests, the chasing
    ladder, debriefs and digests, booking notices and declined invitations."""
    return [
        *feedback_sources(services),
        services.chasing.source,
        *debrief_sources(services),
        services.digests.source,
        # Notices of bookings, moves, cancellations and replacements (keyed `sched:{audit_id}:…`),
        # declined invitations of upcoming interviews (`decline:{seat_id}:{user_id}:{recipient}`) and
        # what candidates did through their scheduling links (`link:{action_id}:{recipient}`); each
        # sent at once and retried by later ticks.
        services.scheduling.notices.due,
        services.declines.due,
        services.links.due,
    ]
