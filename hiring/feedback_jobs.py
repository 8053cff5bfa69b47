"""Outbox sources for feedback: briefings before interviews and scorecard requests when they end.

The scheduler's tick runs them through `hiring.outbox.Dispatcher`; each derives from current state
what should have been sent by now, so a moved interview is briefed at its new time and a cancelled
one is not briefed at all.
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


def briefing_source(services: Services) -> Source:
    """Briefing DMs, keyed `brief:{seat_id}:{start:%Y%m%dT%H%M}`."""

    def briefing_source(now: datetime) -> Iterable[Due]:
        return services.briefings.due(now)

    return briefing_source


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
    """Every feedback source, for the engine's tick."""
    return [briefing_source(services), scorecard_request_source(services)]
