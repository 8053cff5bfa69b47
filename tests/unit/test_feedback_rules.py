"""Pure feedback rules: scorecard validation, question ranking and the Home cursor."""

from __future__ import annotations

from hiring.feedback.briefings import rank_questions
from hiring.feedback.scorecards import EVIDENCE_MIN_CHARS, ScorecardInput, validate
from hiring.home import HomeCursor, page_of
from hiring.panels.interview_info import Competency, InterviewInfo, ScalePoint
from storage.models import Question

INFO = InterviewInfo(
    interview_id=1,
    interview_key="screen",
    focus_key="screen",
    title="Screen",
    focus="",
    mode="online",
    start_at=None,
    end_at=None,
    video_link=None,
    room=None,
    address="",
    candidate_phone="",
    caller_id=None,
    stage_key="phone",
    stage_name="Phone",
    candidate_id=1,
    candidate_name="Grace",
    role_id=1,
    role_title="Engineer",
    hiring_manager_id="UHANA",
    recruiter_ids=(),
    competencies=(Competency("coding", "Coding", ""), Competency("design", "Design", "")),
    scale=tuple(ScalePoint(v, str(v)) for v in range(1, 8)),
    feedback_due_hours=24,
    briefing_minutes=30,
    role_timezone="UTC",
)


def test_validation_names_every_bad_field() -> None:
    ratings, errors = validate(
        INFO,
        ScorecardInput(ratings={"coding": "9", "design": None}, recommendation="maybe", evidence="x" * 3001),
    )
    assert ratings == {}
    assert errors == {
        "c:coding": "Choose one of the options (1–7).",
        "c:design": "Rate design on the 1–7 scale.",
        "recommendation": "Choose one of: strong no, no, yes or strong yes.",
        "evidence": "Keep the evidence under 3,000 characters (you have 3,001).",
    }


def test_validation_accepts_a_complete_scorecard() -> None:
    data = ScorecardInput(
        ratings={"coding": "7", "design": "1"}, recommendation="strong_no", evidence="e" * EVIDENCE_MIN_CHARS
    )
    assert validate(INFO, data) == ({"coding": 7, "design": 1}, {})


def q(id_: int, key: str, focus: str, competency: str) -> Question:
    return Question(id=id_, team_id="T", bank="b", key=key, focus=focus, competency=competency, text=key)


def test_questions_of_the_focus_come_first_taking_competencies_in_turn() -> None:
    pool = [
        q(1, "c1", "screen", "coding"),
        q(2, "c2", "screen", "coding"),
        q(3, "d1", "screen", "design"),
        q(4, "any", "screen", ""),
        q(5, "other-focus", "onsite", "coding"),
        q(6, "off-topic", "screen", "leadership"),
    ]
    ranked = [x.key for x in rank_questions(pool, {"screen"}, ["coding", "design"])]
    assert ranked == ["c1", "d1", "any", "c2"]
    # Only when the focus has nothing left do related questions of other foci stand in.
    assert [x.key for x in rank_questions(pool[4:5], {"screen"}, ["coding"])] == ["other-focus"]


def test_home_cursor_round_trips_and_survives_garbage() -> None:
    cursor = HomeCursor(upcoming=8, pending=16, roles=3, stage_role=7, stage_key="onsite", stage_offset=20)
    assert HomeCursor.decode(cursor.encode()) == cursor
    assert HomeCursor.decode("not json") == HomeCursor()
    assert HomeCursor.decode("[-5, 0, 0, null, null, 0]") == HomeCursor()
    page = page_of(list(range(10)), 8, 5)
    assert (page.items, page.more) == ((8, 9), False)
    assert page_of(list(range(10)), 50, 5).offset == 0  # a stale offset starts again
