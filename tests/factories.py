"""Build domain state directly in the database for tests that start mid-process.

Flows that users drive (roles, candidates, panels, booking) have their own tests through Slack;
later stages (feedback, chasing, decisions) start from rows made here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from hiring.clock import Clock
from hiring.plans.plans import PlanService, spec_of
from storage.models import Candidate, Interview, Panel, Person, Role, RoleRecruiter, Scorecard, Seat
from storage.uow import Database

TEAM = "T0LOOPBOT"


def make_role(
    db: Database,
    clock: Clock,
    *,
    title: str = "Senior Backend Engineer",
    plan_key: str = "public-sector-senior-backend",
    hiring_manager: str = "UHANA",
    recruiters: Sequence[str] = ("URITA",),
    channel: str = "CHIRING",
    timezone: str = "Europe/London",
    team_id: str = TEAM,
) -> Role:
    PlanService(db, clock).ensure_builtin(team_id)
    now = clock.now()
    with db.uow(team_id) as uow:
        plan = uow.plans.by_key(plan_key)
        assert plan is not None, f"no plan {plan_key}"
        role = Role(
            team_id=team_id,
            title=title,
            channel_id=channel,
            hiring_manager_id=hiring_manager,
            plan_id=plan.id,
            timezone=timezone,
            created_by=hiring_manager,
            created_at=now,
            updated_at=now,
            recruiters=[RoleRecruiter(user_id=r) for r in recruiters],
        )
        role.plan = plan
        uow.roles.add(role)
        uow.commit()
        return role


def make_candidate(
    db: Database,
    clock: Clock,
    role: Role,
    *,
    name: str = "Grace Hopper",
    email: str = "grace@example.com",
    timezone: str = "America/New_York",
    stage_key: str | None = None,
    accommodations: str = "",
    private_accommodations: str = "",
) -> Candidate:
    now = clock.now()
    with db.uow(role.team_id) as uow:
        fresh_role = uow.roles.get(role.id)
        assert fresh_role is not None
        candidate = Candidate(
            team_id=role.team_id,
            role_id=role.id,
            name=name,
            email=email,
            timezone=timezone,
            accommodations=accommodations,
            private_accommodations=private_accommodations,
            stage_key=stage_key or spec_of(fresh_role.plan).stages[0].key,
            status="active",
            status_changed_at=now,
            created_by=fresh_role.hiring_manager_id,
            created_at=now,
            updated_at=now,
        )
        uow.candidates.add(candidate)
        uow.commit()
        return candidate


def make_person(
    db: Database,
    clock: Clock,
    user_id: str,
    *,
    tz: str = "Europe/London",
    start: str = "09:00",
    end: str = "17:00",
    days: str = "0,1,2,3,4",
    team_id: str = TEAM,
) -> Person:
    def minutes(text: str) -> int:
        hours, mins = text.split(":")
        return int(hours) * 60 + int(mins)

    with db.uow(team_id) as uow:
        person = uow.people.get(user_id) or Person(team_id=team_id, user_id=user_id)
        person.display_name = user_id
        person.email = f"{user_id.lower()}@example.com"
        person.tz = tz
        person.work_start_minute = minutes(start)
        person.work_end_minute = minutes(end)
        person.work_days = days
        person.updated_at = clock.now()
        uow.session.add(person)
        uow.commit()
        return person


def make_booked_panel(
    db: Database,
    clock: Clock,
    candidate: Candidate,
    *,
    start: datetime,
    interviewers: dict[str, Sequence[str]] | Sequence[str],
    shadows: dict[str, Sequence[str]] | None = None,
    stage_key: str | None = None,
    gap_minutes: int = 0,
    status: str = "booked",
) -> Panel:
    """A panel for the candidate's stage with every interview of the plan booked back to back
    from `start`. `interviewers` maps interview key → user ids, or is one list used for all."""
    now = clock.now()
    with db.uow(candidate.team_id) as uow:
        fresh = uow.candidates.get(candidate.id)
        assert fresh is not None
        spec = spec_of(fresh.role.plan)
        stage = spec.stage(stage_key or fresh.stage_key)
        panel = Panel(
            team_id=candidate.team_id,
            candidate_id=candidate.id,
            stage_key=stage.key,
            status=status,
            created_by=fresh.role.hiring_manager_id,
            created_at=now,
            updated_at=now,
            booked_at=now if status == "booked" else None,
        )
        at = start
        for position, spec_iv in enumerate(stage.interviews):
            ids = interviewers[spec_iv.key] if isinstance(interviewers, dict) else interviewers
            end = at + timedelta(minutes=spec_iv.duration_minutes)
            interview = Interview(
                team_id=candidate.team_id,
                interview_key=spec_iv.key,
                title=spec_iv.name,
                focus=spec_iv.focus,
                duration_minutes=spec_iv.duration_minutes,
                mode=spec_iv.mode,
                position=position,
                status="booked" if status == "booked" else "planned",
                start_at=at if status == "booked" else None,
                end_at=end if status == "booked" else None,
            )
            interview.seats = [Seat(team_id=candidate.team_id, user_id=u, kind="interviewer") for u in ids]
            for u in (shadows or {}).get(spec_iv.key, ()):
                interview.seats.append(Seat(team_id=candidate.team_id, user_id=u, kind="shadow"))
            panel.interviews.append(interview)
            at = end + timedelta(minutes=gap_minutes)
        uow.session.add(panel)
        uow.commit()
        return panel


def make_scorecard(
    db: Database,
    clock: Clock,
    interview: Interview,
    author: str,
    *,
    ratings: dict[str, int],
    recommendation: str | None = "yes",
    evidence: str = "",
    status: str = "submitted",
    is_shadow: bool = False,
    submitted_at: datetime | None = None,
) -> Scorecard:
    """A scorecard on one interview of a panel (submitted now unless told otherwise)."""
    now = clock.now()
    with db.uow(interview.team_id) as uow:
        fresh = uow.session.get(Interview, interview.id)
        assert fresh is not None
        card = Scorecard(
            team_id=interview.team_id,
            interview_id=interview.id,
            candidate_id=fresh.panel.candidate_id,
            stage_key=fresh.panel.stage_key,
            author_id=author,
            is_shadow=is_shadow,
            status=status,
            ratings=ratings,
            recommendation=recommendation,
            evidence=evidence,
            created_at=now,
            updated_at=now,
            submitted_at=(submitted_at or now) if status == "submitted" else None,
        )
        uow.session.add(card)
        uow.commit()
        return card
