"""Notices of scheduling changes: the hiring channel's summary and a DM per interviewer and shadow.

They are derived from the audit trail (`panel.booked`, `panel.rescheduled`, `panel.cancelled`,
`seat.replaced`), keyed `sched:{audit_id}:…` per recipient, and go through the outbox: sent right
after the change (`announce`), and retried by later ticks when that failed (`due`, the source).
A change superseded by a later one of the same loop is not announced any more: the later one says
what holds now.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from hiring.clock import Clock
from hiring.outbox import Dispatcher, Due, TickReport
from hiring.panels.interview_info import person_timezone, stage_name
from hiring.plans.plans import spec_of
from hiring.ports import Directory, Notifier
from hiring.scheduling.formats import ONSITE, PHONE, format_of
from hiring.scheduling.messages import InterviewNotice, LoopNotice, ReplacementNotice, SlotLine
from scheduling.builtin_calendar import BuiltinCalendar
from scheduling.calendar_protocol import CalendarGateway
from storage.models import AuditEvent, Candidate, Interview, Panel
from storage.uow import Database, UnitOfWork

NOTICE_WINDOW = timedelta(days=2)  # later ticks retry unsent notices of changes this recent
LOOP_KINDS = {"panel.booked": "booked", "panel.rescheduled": "moved", "panel.cancelled": "cancelled"}
LOOP_ACTIONS = tuple(LOOP_KINDS)
NOTICE_ACTIONS = (*LOOP_ACTIONS, "seat.replaced")


def iso(value: datetime | None) -> str | None:
    """An instant as UTC ISO 8601 text, as the audit trail keeps it."""
    return value.astimezone(UTC).isoformat() if value is not None else None


def _at(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def loop_snapshot(panel: Panel) -> dict[str, Any]:
    """The audited state of a loop: per interview, when, who, where and its event id."""
    return {
        "stage": panel.stage_key,
        "status": panel.status,
        "interviews": {
            iv.interview_key: {
                "id": iv.id,
                "title": iv.title,
                "mode": iv.mode,
                "start": iso(iv.start_at),
                "end": iso(iv.end_at),
                "interviewers": [s.user_id for s in iv.seats if s.kind != "shadow"],
                "shadows": [s.user_id for s in iv.seats if s.kind == "shadow"],
                "room": iv.room,
                "video_link": iv.video_link,
                "event_id": iv.event_id,
            }
            for iv in panel.interviews
        },
    }


def placed(slot: SlotLine, candidate: Candidate) -> SlotLine:
    """The slot with what its format needs from current records (never kept in the audit trail): the
    candidate's number for a phone interview, the plan's address for an on-site one."""
    fmt = format_of(slot.mode)
    address = " ".join(spec_of(candidate.role.plan).address.split()) if fmt == ONSITE else ""
    return dataclasses.replace(slot, phone=candidate.phone if fmt == PHONE else "", address=address)


def slot_lines(snapshot: Mapping[str, Any], before: Mapping[str, Any] | None) -> tuple[SlotLine, ...]:
    """The interviews of an audited loop snapshot, in time order (with their previous start when moved)."""
    previous = {v.get("id"): _at(v.get("start")) for v in ((before or {}).get("interviews") or {}).values()}
    lines = []
    for v in (snapshot.get("interviews") or {}).values():
        start, end = _at(v.get("start")), _at(v.get("end"))
        if start is None or end is None:
            continue
        lines.append(
            SlotLine(
                interview_id=int(v["id"]),
                title=str(v.get("title", "")),
                mode=str(v.get("mode", "online")),
                start=start,
                end=end,
                interviewer_ids=tuple(v.get("interviewers") or ()),
                shadow_ids=tuple(v.get("shadows") or ()),
                room=v.get("room"),
                video_link=v.get("video_link"),
                previous_start=previous.get(v.get("id")),
            )
        )
    return tuple(sorted(lines, key=lambda s: (s.start, s.interview_id)))


class ScheduleNotices:
    """Builds and sends the notices of scheduling changes, exactly once each."""

    def __init__(
        self, db: Database, clock: Clock, calendar: CalendarGateway, directory: Directory, notifier: Notifier
    ) -> None:
        self.db = db
        self.clock = clock
        self.calendar = calendar
        self.directory = directory
        self.dispatcher = Dispatcher(db, clock, notifier)

    def announce(self, team_id: str, audit_id: int) -> TickReport:
        """Send the notices of one booking, move, cancellation or replacement right away (exactly
        once; a later tick retries failures, see `due`)."""
        with self.db.uow(team_id) as uow:
            due = self._notices_in(uow, audit_id)
        return self.dispatcher.send_now(due)

    def due(self, now: datetime) -> list[Due]:
        """The outbox source: notices of recent changes (the dispatcher skips those already sent)."""
        with self.db.uow("") as uow:
            rows = uow.booking.recent_changes(NOTICE_ACTIONS, now - NOTICE_WINDOW)
            # Changes whose notices were all claimed and sent (`announce` claims a change's notices
            # together) need not be built again.
            done = all_sent(uow.booking.claims_since("sched:", now - NOTICE_WINDOW - timedelta(hours=1)))
        return unsent_items(self.db, rows, done, self._notices_in)

    def _notices_in(self, uow: UnitOfWork, audit_id: int) -> list[Due]:
        event = uow.booking.audit_event(audit_id)
        if event is None:
            return []
        if event.action == "seat.replaced":
            return self._replacement_notices(uow, event)
        if event.action not in LOOP_ACTIONS:
            return []
        panel = uow.panels.get(int(event.subject_id))
        if panel is None or panel.candidate.erased_at is not None:
            return []
        if uow.booking.changed_later(event, LOOP_ACTIONS):
            return []  # a later change's notices say what holds now
        kind = LOOP_KINDS[event.action]
        snapshot = (event.before if kind == "cancelled" else event.after) or {}
        candidate = panel.candidate
        slots = tuple(
            placed(s, candidate) for s in slot_lines(snapshot, event.before if kind == "moved" else None)
        )
        role = candidate.role
        rows = {iv.id: iv for iv in panel.interviews}
        due = [
            Due(
                team_id=uow.team_id,
                key=f"sched:{event.id}:{role.channel_id}",
                kind=f"loop-{kind}",
                to=role.channel_id,
                content=LoopNotice(
                    kind=kind,
                    candidate_id=candidate.id,
                    candidate_name=candidate.name,
                    role_title=role.title,
                    stage_name=stage_name(role.plan, panel.stage_key),
                    tz=role.timezone,
                    by=event.actor_id,
                    slots=slots,
                    candidate_invited=bool(candidate.email),
                ),
                candidate_id=candidate.id,
            )
        ]
        for slot in slots:  # each interview's notices to each of its interviewers and shadows
            ics = self.ics_url(rows.get(slot.interview_id))
            everyone = (*slot.interviewer_ids, *slot.shadow_ids)
            due.extend(
                self._interview_notice(uow, event, panel, kind, slot, u, ics, everyone) for u in everyone
            )
        return due

    def _interview_notice(
        self,
        uow: UnitOfWork,
        event: AuditEvent,
        panel: Panel,
        kind: str,
        slot: SlotLine,
        user_id: str,
        ics: str | None,
        everyone: tuple[str, ...],
    ) -> Due:
        """The notice to `user_id` about one interview: `booked`, `moved` or `cancelled`, or `added`
        or `removed` on a replaced seat; `everyone` on it are their colleagues (none when removed)."""
        candidate = panel.candidate
        role = candidate.role
        return Due(
            team_id=uow.team_id,
            key=f"sched:{event.id}:{slot.interview_id}:{user_id}",
            kind=f"interview-{kind}",
            to=user_id,
            content=InterviewNotice(
                kind=kind,
                interview_id=slot.interview_id,
                candidate_name=candidate.name,
                role_title=role.title,
                stage_name=stage_name(role.plan, panel.stage_key),
                title=slot.title,
                mode=slot.mode,
                start=slot.start,
                end=slot.end,
                tz=person_timezone(uow, self.directory, user_id, role.timezone),
                by=event.actor_id,
                is_shadow=user_id in slot.shadow_ids,
                video_link=slot.video_link,
                room=slot.room,
                ics_url=ics,
                previous_start=slot.previous_start,
                colleague_ids=() if kind == "removed" else tuple(u for u in everyone if u != user_id),
                can_decline=isinstance(self.calendar, BuiltinCalendar)
                and kind not in ("cancelled", "removed")
                and user_id not in slot.shadow_ids,
                caller_id=slot.interviewer_ids[0] if slot.interviewer_ids else None,
                phone=slot.phone,
                address=slot.address,
            ),
            candidate_id=candidate.id,
        )

    def _replacement_notices(self, uow: UnitOfWork, event: AuditEvent) -> list[Due]:
        after, before = event.after or {}, event.before or {}
        interview = uow.booking.interview(int(after.get("interview_id") or 0))
        if interview is None or interview.status != "booked":
            return []
        candidate = interview.panel.candidate
        if candidate.erased_at is not None or interview.start_at is None or interview.end_at is None:
            return []
        role = candidate.role
        old, new = str(before.get("user")), str(after.get("user"))
        everyone = tuple(s.user_id for s in interview.seats)
        slot = SlotLine(
            interview_id=interview.id,
            title=interview.title,
            mode=interview.mode,
            start=interview.start_at,
            end=interview.end_at,
            interviewer_ids=tuple(s.user_id for s in interview.seats if s.kind != "shadow"),
            room=interview.room,
            video_link=interview.video_link,
        )
        added = placed(slot, candidate)
        removed = dataclasses.replace(added, video_link=None, phone="")
        return [
            Due(
                team_id=uow.team_id,
                key=f"sched:{event.id}:{role.channel_id}",
                kind="interviewer-replaced",
                to=role.channel_id,
                content=ReplacementNotice(
                    candidate_id=candidate.id,
                    candidate_name=candidate.name,
                    title=interview.title,
                    start=interview.start_at,
                    tz=role.timezone,
                    old_id=old,
                    new_id=new,
                    by=event.actor_id,
                ),
                candidate_id=candidate.id,
            ),
            self._interview_notice(
                uow, event, interview.panel, "added", added, new, self.ics_url(interview), everyone
            ),
            self._interview_notice(uow, event, interview.panel, "removed", removed, old, None, everyone),
        ]

    def ics_url(self, interview: Interview | None) -> str | None:
        """The .ics invite of an interview booked in the built-in calendar."""
        if interview is None or not interview.ics_token or not isinstance(self.calendar, BuiltinCalendar):
            return None
        return self.calendar.ics_url(interview.ics_token)


def all_sent(claims: Iterable[tuple[str, datetime | None]]) -> set[int]:
    """The ids (a claim key's second part, `prefix:<id>:…`) whose claims were all sent."""
    seen: set[int] = set()
    unsent: set[int] = set()
    for key, sent_at in claims:
        part = key.split(":")[1]
        if not part.isdecimal():
            continue
        seen.add(int(part))
        if sent_at is None:
            unsent.add(int(part))
    return seen - unsent


def unsent_items(
    db: Database,
    rows: Iterable[tuple[str, int]],
    done: set[int],
    build: Callable[[UnitOfWork, int], list[Due]],
) -> list[Due]:
    """What `build` makes of each (workspace, id) row not in `done`, one unit of work per workspace."""
    teams: dict[str, list[int]] = {}
    for team_id, item_id in rows:
        if item_id not in done:
            teams.setdefault(team_id, []).append(item_id)
    due: list[Due] = []
    for team_id, ids in teams.items():
        with db.uow(team_id) as uow:
            for item_id in ids:
                due.extend(build(uow, item_id))
    return due
