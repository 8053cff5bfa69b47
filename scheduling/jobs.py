"""The job runner: APScheduler 3 as the clock of every replica, running callables that `bot/` hands it.

Our own tables are the truth (see `hiring/outbox.py`); APScheduler keeps no jobs in a store. It runs
one short periodic tick (`coalesce=True`, `max_instances=1` and a large `misfire_grace_time`, so a
pause or a clock jump simply makes the next tick find more work) plus cron triggers at the daily
times given to `set_daily_triggers`, each computed in its own time zone, so digests go out on time
even with a long tick period. This module never imports `hiring`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:  # APScheduler is imported when a scheduler starts: web-only processes never load it.
    from apscheduler.schedulers.base import BaseScheduler
    from apscheduler.triggers.cron import CronTrigger

STATE_STOPPED = 0  # apscheduler.schedulers.base.STATE_STOPPED

log = logging.getLogger(__name__)

TICK_JOB = "tick"
MISFIRE_GRACE_SECONDS = 24 * 3600
_CRON_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, order=True)
class DailyTrigger:
    """Run at `time` ("HH:MM") on `days` ("0,1,2,3,4", Monday = 0) in time zone `tz`."""

    tz: str
    days: str
    time: str

    @property
    def job_id(self) -> str:
        return f"daily:{self.tz}:{self.days}:{self.time}"

    def trigger(self) -> CronTrigger | None:
        """The cron trigger, or None when the fields make no sense (bad zone, no days, bad time)."""
        try:
            tz = ZoneInfo(self.tz)
            hour, minute = (int(part) for part in self.time.split(":"))
        except (ZoneInfoNotFoundError, ValueError):
            return None
        days = sorted({int(d) for d in self.days.split(",") if d.strip().isdigit() and int(d) <= 6})
        if not days or not (0 <= hour <= 23 and 0 <= minute <= 59):
            return None
        from apscheduler.triggers.cron import CronTrigger

        return CronTrigger(
            day_of_week=",".join(_CRON_DAYS[d] for d in days), hour=hour, minute=minute, timezone=tz
        )


class JobRunner:
    """Runs `tick` every `tick_seconds` and at each daily trigger, on a background thread (`start`)
    until `shutdown`."""

    def __init__(self, tick: Callable[[], Any], *, tick_seconds: float, name: str = "loopbot") -> None:
        self._tick = tick
        self.tick_seconds = tick_seconds
        self.name = name
        self._scheduler: BaseScheduler | None = None
        self._daily: dict[str, DailyTrigger] = {}
        self._intervals: dict[str, tuple[Callable[[], Any], float]] = {}
        self._lock = threading.Lock()
        self.ticks = 0
        self.ticked = threading.Event()  # set once the first tick has finished (or failed)

    def add_interval(self, name: str, job: Callable[[], Any], seconds: float) -> None:
        """Also run `job` every `seconds` (first run one period after start); errors are logged."""
        self._intervals[name] = (job, seconds)
        if self._scheduler is not None:
            self._add_interval(self._scheduler, name, job, seconds)

    def _add_interval(
        self, scheduler: BaseScheduler, name: str, job: Callable[[], Any], seconds: float
    ) -> None:
        def run() -> None:
            try:
                job()
            except Exception:
                log.exception("the %s job failed; it runs again in %s s", name, seconds)

        self._add_job(scheduler, run, _interval(seconds), f"every:{name}", name, replace_existing=True)

    @property
    def running(self) -> bool:
        return self._scheduler is not None and self._scheduler.state != STATE_STOPPED

    def _add_job(
        self,
        scheduler: BaseScheduler,
        job: Callable[[], Any],
        trigger: Any,
        job_id: str,
        label: str | None = None,
        **options: Any,
    ) -> None:
        """Add `job` named `label` (else its id): missed runs coalesce into one, never two at once,
        late by up to a day (see above)."""
        scheduler.add_job(
            job,
            trigger,
            id=job_id,
            name=f"{self.name} {label or job_id}",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=MISFIRE_GRACE_SECONDS,
            **options,
        )

    def _run_tick(self) -> None:
        try:
            self._tick()
        except Exception:
            log.exception("a scheduled tick failed; the next one will try again")
        finally:
            self.ticks += 1
            self.ticked.set()

    def _configure(self, scheduler: BaseScheduler) -> BaseScheduler:
        # The first tick runs at once: it catches up after downtime.
        now = datetime.now(UTC)
        self._add_job(scheduler, self._run_tick, _interval(self.tick_seconds), TICK_JOB, next_run_time=now)
        for name, (job, seconds) in self._intervals.items():
            self._add_interval(scheduler, name, job, seconds)
        self._scheduler = scheduler
        with self._lock:
            wanted = list(self._daily.values())
            self._daily.clear()
        self.set_daily_triggers(wanted)
        return scheduler

    def start(self) -> None:
        """Start in a background thread (the web process keeps serving)."""
        if self.running:
            return
        from apscheduler.schedulers.background import BackgroundScheduler

        self._configure(BackgroundScheduler(timezone=UTC, daemon=True)).start()
        log.info("scheduler started: a tick every %s s", self.tick_seconds)

    def set_daily_triggers(self, triggers: Iterable[DailyTrigger]) -> None:
        """Make the daily triggers exactly `triggers` (added, kept or removed); each runs a tick."""
        wanted = {t.job_id: t for t in triggers}
        with self._lock:
            scheduler = self._scheduler
            if scheduler is None:
                self._daily = wanted
                return
            for job_id in set(self._daily) - set(wanted):
                try:
                    scheduler.remove_job(job_id)
                except Exception:
                    log.debug("daily trigger %s was already gone", job_id)
            for job_id, daily in wanted.items():
                if job_id in self._daily:
                    continue
                trigger = daily.trigger()
                if trigger is None:
                    log.warning("ignoring a daily trigger that makes no sense: %s", daily)
                    continue
                self._add_job(scheduler, self._run_tick, trigger, job_id, replace_existing=True)
            self._daily = wanted

    def daily_jobs(self) -> dict[str, datetime | None]:
        """The daily triggers scheduled now, with their next run time (UTC)."""
        if self._scheduler is None:
            return {}
        jobs = {}
        for job in self._scheduler.get_jobs():
            if job.id.startswith("daily:"):
                next_run = getattr(job, "next_run_time", None)
                jobs[job.id] = next_run.astimezone(UTC) if next_run else None
        return jobs

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop the scheduler (a tick in progress finishes when `wait`)."""
        scheduler = self._scheduler
        if scheduler is not None and scheduler.state != STATE_STOPPED:
            scheduler.shutdown(wait=wait)


def _interval(seconds: float) -> Any:
    from apscheduler.triggers.interval import IntervalTrigger

    return IntervalTrigger(seconds=seconds, timezone=UTC)
