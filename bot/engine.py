"""The job engine: the outbox `Dispatcher` with every notification source, driven by the `JobRunner`.

`loopbot run` starts it in the background next to the web server; `loopbot worker` runs only it, in
the foreground. Every replica runs one; the claims in the database make each notification go out
exactly once however many replicas tick at the same moment.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from bot.observability import Metrics
from bot.sources import all_sources
from hiring.outbox import Dispatcher, Due, Source, TickReport
from hiring.replicas import TIMEOUT_SECONDS, Liveness
from hiring.services import Services
from scheduling.jobs import DailyTrigger, JobRunner

log = logging.getLogger(__name__)


RETENTION_EVERY_SECONDS = 3600


def retention_job(services: Services, days: int) -> Callable[[], None]:
    """Erase rejected candidates `days` after their decision; once an hour, by one replica (the hour
    is claimed in the database first)."""

    def sweep() -> None:
        now = services.clock.now()
        with services.db.uow("") as uow:
            mine = uow.idempotency.claim(f"retention:{now:%Y%m%dT%H}", now)
            uow.commit()
        if not mine:
            return
        erased = services.privacy.retention_sweep(days)
        if erased:
            log.warning("retention: erased %d candidates rejected more than %d days ago", len(erased), days)

    return sweep


def active_only(source: Source, removed: Callable[[], frozenset[str]]) -> Source:
    """`source` without the items of removed workspaces (uninstalled or their bot token revoked):
    they are dropped quietly, never claimed, so nothing is tried, failed or retried for them."""

    def active(now: datetime) -> Iterable[Due]:
        skip = removed()
        return (due for due in source(now) if due.team_id not in skip)

    return active


class Engine:
    """One replica's tick: derive, claim, send. Ticks of one process never overlap."""

    def __init__(
        self,
        services: Services,
        *,
        tick_seconds: float,
        metrics: Metrics | None = None,
        retention_days: int | None = None,
        on_removed: Callable[[frozenset[str]], None] | None = None,
        replica_timeout_seconds: float = TIMEOUT_SECONDS,
        send_workers: int = 1,
        spacing_seconds: float = 0.0,
    ) -> None:
        """The engine for one replica (with the retention sweep when `RETENTION_DAYS` is set);
        `on_removed` hears the removed workspaces at the start of each tick (the Slack clients);
        a replica whose heartbeat stood still `replica_timeout_seconds` is declared dead; its sends go
        out on `send_workers` threads, `spacing_seconds` apart per channel."""
        self.services = services
        self.on_removed = on_removed
        self.metrics = metrics
        self.removed: frozenset[str] = frozenset()  # removed workspaces, read at the start of each tick
        self.liveness = Liveness(services.db, services.clock, timeout_seconds=replica_timeout_seconds)
        self.dispatcher = Dispatcher(
            services.db,
            services.clock,
            services.notifier,
            [active_only(source, lambda: self.removed) for source in all_sources(services)],
            liveness=self.liveness,
            send_workers=send_workers,
            spacing_seconds=spacing_seconds,
        )
        self.runner = JobRunner(self.tick, tick_seconds=tick_seconds)
        # Beats apart from the tick, so a long tick does not look like a dead replica.
        self.runner.add_interval("heartbeat", self.liveness.beat, self.liveness.interval)
        if retention_days:
            self.runner.add_interval(
                "retention", retention_job(services, retention_days), RETENTION_EVERY_SECONDS
            )
        self._lock = threading.Lock()

    @property
    def replica(self) -> str:
        return self.dispatcher.replica

    def tick(self) -> TickReport:
        """Run one tick now (the scheduler calls this; tests and the demo call it directly)."""
        started = time.perf_counter()
        with self._lock:
            self.removed = self._removed_workspaces()
            if self.on_removed is not None:
                self.on_removed(self.removed)
            report = self.dispatcher.tick()
        if self.metrics is not None:
            self.metrics.tick_seconds.observe(time.perf_counter() - started)
            for (kind, outcome), count in report.outcomes.items():
                self.metrics.notifications.labels(kind, outcome).inc(count)
        if report.sent or report.failed or report.errors:
            log.info(
                "tick: %d sent, %d failed, %d deferred, %d errors",
                report.sent,
                report.failed,
                report.deferred,
                report.errors,
            )
        if self.runner.running:
            self.sync_triggers()
        return report

    def _removed_workspaces(self) -> frozenset[str]:
        """The workspaces to skip this tick (the last known ones if the database cannot say)."""
        try:
            return self.services.workspaces.removed_teams()
        except SQLAlchemyError:
            log.exception("could not read the removed workspaces; skipping the ones known before")
            return self.removed

    def sync_triggers(self) -> None:
        """Give the runner a daily trigger per distinct digest schedule (time zone, days, time)."""
        try:
            schedules = self.services.digests.schedules()
        except SQLAlchemyError:
            log.exception("could not read the digest schedules; keeping the current triggers")
            return
        self.runner.set_daily_triggers(DailyTrigger(tz=tz, days=days, time=at) for tz, days, at in schedules)

    def start(self) -> None:
        """Run the scheduler in a background thread (`loopbot run` and `loopbot worker`)."""
        self.sync_triggers()
        self.runner.start()

    def stopping(self) -> None:
        """Begin to stop: a tick under way finishes its send in flight and releases its other claims."""
        self.dispatcher.stop()

    def stop(self) -> None:
        """Stop the scheduler (a tick under way ends after its send in flight, releasing the rest of
        its claims), then delete this replica's heartbeat: it stopped on purpose."""
        self.dispatcher.stop()
        self.runner.shutdown(wait=True)
        self.liveness.stop()
