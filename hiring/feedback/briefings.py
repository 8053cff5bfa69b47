"""Briefings: the DM each interviewer gets a set time before an interview (default 30 minutes).

It says who, what and when (in the interviewer's own time zone): the candidate, the role, the
interview's focus and competencies, the questions assigned to this interviewer from the bank, the
links, and the accommodations for interviewers (the private ones only to the role's hiring manager or a
recruiter sitting the interview; nothing else of them). Questions
are assigned when the briefing is built: no two interviewers of a candidate, in any stage, get the
same question (`question_assignments` is unique per candidate and question).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from hiring.feedback.scorecards import unsent
from hiring.outbox import Due
from hiring.panels.interview_info import InterviewInfo, interview_info, person_timezone
from hiring.ports import Directory
from storage.models import Interview, Question, QuestionAssignment, Seat
from storage.uow import Database, UnitOfWork

QUESTIONS_PER_INTERVIEWER = 3
DEFAULT_BRIEFING_MINUTES = 30


@dataclass(frozen=True)
class BriefingQuestion:
    text: str
    competency: str


@dataclass(frozen=True)
class Briefing:
    """What an interviewer (or shadow) needs before an interview (`info`: the booked interview, its
    candidate, role and competencies), times in their own time zone."""

    info: InterviewInfo
    end_at: datetime
    tz: str
    questions: tuple[BriefingQuestion, ...]
    is_shadow: bool
    interviewer_ids: tuple[str, ...]
    shadow_ids: tuple[str, ...]
    candidate_links: str
    accommodations: str  # for interviewers
    private_accommodations: str  # only when the recipient is the role's hiring manager or a recruiter


def rank_questions(pool: list[Question], focus_keys: set[str], competencies: list[str]) -> list[Question]:
    """Questions for an interview, best first: the questions written for its focus (probing one of its
    competencies, or none in particular), taking the competencies in turn so that a few questions
    cover as many of them as possible. Only when the focus has none left do questions of other foci
    that probe one of its competencies stand in (so one interview does not use up another's)."""
    wanted = set(competencies)
    focused = [
        q
        for q in pool
        if q.focus in focus_keys and (not wanted or not q.competency or q.competency in wanted)
    ]
    if focused:
        return _in_turn(focused, competencies)
    return _in_turn([q for q in pool if q.competency in wanted], competencies)


def _in_turn(questions: list[Question], competencies: list[str]) -> list[Question]:
    groups: dict[str, list[Question]] = {c: [] for c in competencies}
    for q in sorted(questions, key=lambda q: (q.bank, q.key, q.id)):
        groups.setdefault(q.competency if q.competency in groups else "", []).append(q)
    ranked: list[Question] = []
    queues = [g for g in groups.values() if g]
    while queues:
        for queue in list(queues):
            ranked.append(queue.pop(0))
            if not queue:
                queues.remove(queue)
    return ranked


class BriefingService:
    """Builds briefings and says which are due; the outbox sends them exactly once."""

    def __init__(
        self,
        db: Database,
        directory: Directory,
        seed_questions: Callable[[str], None] | None = None,
    ) -> None:
        self.db = db
        self.directory = directory
        self.seed_questions = seed_questions

    def assign_questions(
        self, uow: UnitOfWork, interview: Interview, info: InterviewInfo, seat: Seat
    ) -> list[Question]:
        """The bank questions this interviewer asks (assigned once, then the same every time). Nobody
        else of the candidate's loops, in any stage, has them."""
        if seat.kind == "shadow":
            return []
        repo = uow.feedback
        already = repo.assigned(interview.id, seat.user_id)
        if already:
            return already[:QUESTIONS_PER_INTERVIEWER]
        repo.drop_assignments_outside(interview.id, {s.user_id for s in interview.seats})
        used = repo.used_question_ids(info.candidate_id)
        focus_keys = {info.focus_key, interview.interview_key}
        competencies = [c.key for c in info.competencies]
        pool = [q for q in repo.questions_for(sorted(focus_keys), competencies) if q.id not in used]
        picked: list[Question] = []
        for question in rank_questions(pool, focus_keys, competencies):
            if len(picked) == QUESTIONS_PER_INTERVIEWER:
                break
            assignment = QuestionAssignment(
                team_id=uow.team_id,
                candidate_id=info.candidate_id,
                interview_id=interview.id,
                user_id=seat.user_id,
                question_id=question.id,
            )
            if repo.assign_question(assignment):
                picked.append(question)
        return picked

    def build(self, team_id: str, seat_id: int) -> Briefing | None:
        """The briefing for one seat (assigning its questions), or None when the interview is no
        longer booked."""
        with self.db.uow(team_id) as uow:
            seat = uow.feedback.locked_seat(seat_id)
            if seat is None:
                return None
            interview = uow.booking.interview(seat.interview_id)
            if interview is None or interview.status != "booked" or interview.start_at is None:
                return None
            info = interview_info(interview)
            candidate = interview.panel.candidate
            questions = self.assign_questions(uow, interview, info, seat)
            names = {c.key: c.name for c in info.competencies}
            briefing = Briefing(
                info=info,
                end_at=interview.end_at or interview.start_at + timedelta(minutes=interview.duration_minutes),
                tz=person_timezone(uow, self.directory, seat.user_id, info.role_timezone),
                questions=tuple(
                    BriefingQuestion(text=q.text, competency=names.get(q.competency, "")) for q in questions
                ),
                is_shadow=seat.kind == "shadow",
                interviewer_ids=tuple(s.user_id for s in interview.seats if s.kind != "shadow"),
                shadow_ids=tuple(s.user_id for s in interview.seats if s.kind == "shadow"),
                candidate_links=candidate.links or "",
                accommodations=candidate.accommodations,
                private_accommodations=candidate.private_accommodations
                if seat.user_id == info.hiring_manager_id or seat.user_id in info.recruiter_ids
                else "",
            )
            uow.commit()
            return briefing

    def due(self, now: datetime) -> list[Due]:
        """Briefings whose time has come: the interview is booked and starts within the role's
        briefing time. A moved interview has a new key (so a new briefing at its new time); a
        cancelled one is simply no longer due."""
        with self.db.uow("") as uow:
            longest = uow.feedback.longest_briefing_minutes() or DEFAULT_BRIEFING_MINUTES
            rows = uow.feedback.seats_starting(now, now + timedelta(minutes=max(longest, 0)))
            rows = [r for r in rows if r.start_at - timedelta(minutes=r.briefing_minutes) <= now]
            keys = {r[0]: f"brief:{r[0]}:{r.start_at:%Y%m%dT%H%M}" for r in rows}
            fresh = unsent(uow, keys.values())
        due = []
        seeded: set[str] = set()
        for seat_id, team_id, user_id, _, _, candidate_id in rows:
            if keys[seat_id] not in fresh:
                continue
            if self.seed_questions is not None and team_id not in seeded:
                self.seed_questions(team_id)  # the built-in question banks, once per workspace
                seeded.add(team_id)
            briefing = self.build(team_id, seat_id)
            if briefing is None:
                continue
            due.append(
                Due(
                    team_id=team_id,
                    key=keys[seat_id],
                    kind="briefing",
                    to=user_id,
                    content=briefing,
                    candidate_id=candidate_id,
                )
            )
        return due
