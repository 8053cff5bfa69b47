"""Briefing DMs through the outbox tick, against the loopback Slack fake, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.sandbox.harness import Sandbox
from storage.models import Notification, Question, QuestionAssignment
from tests.factories import TEAM, make_person
from tests.feedback_support import at, blocks_of, make_loop, text_of, tick, update_interview
from tests.helpers import assert_escaped


def briefing_message(sandbox: Sandbox, user_id: str) -> Any:
    [dm] = [m for m in sandbox.fake.dms(user_id) if m.text.startswith("Briefing")]
    return dm


def briefing(sandbox: Sandbox, user_id: str) -> str:
    dms = [m for m in sandbox.fake.dms(user_id) if m.text.startswith("Briefing")]
    assert len(dms) == 1, f"{user_id} got {len(dms)} briefings"
    blocks = blocks_of(dms[0])
    assert blocks[0].type == "header"
    return text_of([b.to_dict() for b in blocks])


def assigned(sandbox: Sandbox, user_id: str) -> list[str]:
    with sandbox.app.db.uow(TEAM) as uow:
        return list(
            uow.session.scalars(
                select(Question.key)
                .join(QuestionAssignment, QuestionAssignment.question_id == Question.id)
                .where(QuestionAssignment.user_id == user_id)
                .order_by(QuestionAssignment.id)
            )
        )


def test_briefing_goes_out_before_the_interview_in_each_persons_time_zone(sandbox: Sandbox) -> None:
    make_person(sandbox.app.db, sandbox.clock, "ULEE", tz="America/Chicago")
    loop = make_loop(
        sandbox,
        start=at(10),
        interviewers=["USAM", "UPRIYA", "ULEE"],
        shadows={"fb-screen": ["UMIA"]},
        accommodations="Needs captions on video calls",
        links="CV: https://cv.example.com/grace_hopper?x=1&y=2",
        notes="Expects a senior salary",
    )
    update_interview(sandbox, loop.first.id, video_link="https://meet.example.com/abc-defg")

    sandbox.clock.set(at(9, 29))
    assert tick(sandbox).sent == 0
    assert sandbox.fake.dms("USAM") == []

    sandbox.clock.set(at(9, 30))
    report = tick(sandbox)
    assert report.sent == 4
    sam = briefing(sandbox, "USAM")
    assert "Tue 24 Nov 10:00–10:45 (Europe/London)" in sam
    assert "Tue 24 Nov 15:30–16:15 (Asia/Kolkata)" in briefing(sandbox, "UPRIYA")
    assert "Tue 24 Nov 04:00–04:45 (America/Chicago)" in briefing(sandbox, "ULEE")  # stored zone wins
    for expected in (
        "Grace Hopper",
        "Feedback Engineer",
        "Technical screen",
        "A recent hard problem the candidate solved",
        "Fb coding",
        "Explains their thinking.",
        "<https://meet.example.com/abc-defg|video call>",
        "<https://cv.example.com/grace_hopper?x=1&amp;y=2>",
        "Needs captions on video calls",
    ):
        assert expected in sam, expected
    assert "salary" not in sam and "grace@example.com" not in sam
    for key in assigned(sandbox, "USAM"):
        assert f"Question {key}:" in sam

    questions = {u: assigned(sandbox, u) for u in ("USAM", "UPRIYA", "ULEE", "UMIA")}
    assert [len(q) for q in questions.values()] == [3, 3, 1, 0]
    everyone = [k for keys in questions.values() for k in keys]
    assert len(everyone) == len(set(everyone)), "two interviewers of the loop got the same question"

    shadow = briefing(sandbox, "UMIA")
    assert "You are shadowing" in shadow and "Your questions" not in shadow

    sandbox.advance(minutes=5)
    assert tick(sandbox).sent == 0
    assert len(sandbox.fake.dms("USAM")) == 1


def test_private_accommodations_reach_only_the_hiring_manager_and_user_text_is_escaped(
    sandbox: Sandbox,
) -> None:
    hostile = "<!channel> *Grace* <@UOTTO>"
    make_loop(
        sandbox,
        start=at(10),
        interviewers=["USAM", "UHANA"],
        name=hostile,
        accommodations="Needs a quiet room",
        private_accommodations="Private medical detail",
    )
    sandbox.clock.set(at(9, 45))
    tick(sandbox)
    message = sandbox.fake.dms("USAM")[0]
    text = text_of(message.blocks)
    assert "Needs a quiet room" in text  # for interviewers
    assert "Private medical detail" not in text and "Private accommodations" not in text
    for part in ("<!channel>", "*Grace*", "<@UOTTO>"):
        assert_escaped(part, message.blocks, message.text)
    assert "&lt;!channel&gt; ∗Grace∗ &lt;@UOTTO&gt;" in text
    # The hiring manager, sitting the interview, sees both (the private ones labelled as such).
    hana = text_of(briefing_message(sandbox, "UHANA").blocks)
    assert "Needs a quiet room" in hana and "*Private accommodations*" in hana
    assert "Private medical detail" in hana


def test_a_moved_interview_is_briefed_at_its_new_time_and_a_cancelled_one_never(sandbox: Sandbox) -> None:
    moved = make_loop(sandbox, start=at(10), interviewers=["USAM"])
    cancelled = make_loop(sandbox, start=at(11), interviewers=["UJONAS"], name="Alan Turing")
    update_interview(sandbox, moved.first.id, start_at=at(14), end_at=at(14, 45))
    update_interview(sandbox, cancelled.first.id, status="cancelled")

    for moment in (at(9, 30), at(10, 30)):
        sandbox.clock.set(moment)
        tick(sandbox)
    assert sandbox.fake.dms("USAM") == [] and sandbox.fake.dms("UJONAS") == []

    sandbox.clock.set(at(13, 30))
    tick(sandbox)
    assert "Tue 24 Nov 14:00–14:45" in briefing(sandbox, "USAM")
    first_questions = assigned(sandbox, "USAM")

    # Moved again after the briefing went out: a new briefing at the new time, same questions.
    update_interview(sandbox, moved.first.id, start_at=at(10, days=2), end_at=at(10, 45, days=2))
    sandbox.clock.set(at(9, 30, days=2))
    tick(sandbox)
    dms = [m for m in sandbox.fake.dms("USAM") if m.text.startswith("Briefing")]
    assert len(dms) == 2 and "Wed 25 Nov 10:00–10:45" in text_of(dms[1].blocks)
    assert assigned(sandbox, "USAM") == first_questions
    assert sandbox.fake.dms("UJONAS") == []
    with sandbox.app.db.uow(TEAM) as uow:
        keys = sorted(uow.session.scalars(select(Notification.key)))
    seat = moved.first.seats[0].id
    assert keys == [f"brief:{seat}:20261124T1400", f"brief:{seat}:20261125T1000"]


def test_nothing_before_booking_and_a_late_booking_is_briefed_at_once(sandbox: Sandbox) -> None:
    loop = make_loop(sandbox, start=at(10), interviewers=["USAM"])
    update_interview(sandbox, loop.first.id, status="planned", start_at=None, end_at=None)
    sandbox.clock.set(at(9, 30))
    tick(sandbox)
    assert sandbox.fake.dms("USAM") == []

    sandbox.clock.set(at(9, 50))
    update_interview(sandbox, loop.first.id, status="booked", start_at=at(10), end_at=at(10, 45))
    tick(sandbox)
    assert "Tue 24 Nov 10:00–10:45" in briefing(sandbox, "USAM")

    sandbox.clock.set(at(10))
    tick(sandbox)  # it has started: nothing more
    assert len(sandbox.fake.dms("USAM")) == 1


def test_questions_never_repeat_for_a_candidate_across_interviewers_and_stages(sandbox: Sandbox) -> None:
    screen = make_loop(sandbox, start=at(10), interviewers=["USAM", "UJONAS"])
    sandbox.clock.set(at(9, 30))
    tick(sandbox)
    sam, jonas = assigned(sandbox, "USAM"), assigned(sandbox, "UJONAS")
    assert sam == ["screen-debugging", "screen-estimate", "screen-hard-problem"]  # competencies in turn
    assert jonas == ["screen-refactor", "screen-explain-tradeoff", "screen-testing"]

    make_loop(
        sandbox,
        start=at(10, days=3),
        interviewers={"fb-design": ["ULEE", "UNOAH"], "fb-coding": ["UMIA"]},
        stage_key="onsite",
        candidate=screen.candidate,
    )
    sandbox.clock.set(at(9, 30, days=3))
    tick(sandbox)
    assert assigned(sandbox, "UMIA") == []  # pair programming starts at 11:00: not briefed yet
    sandbox.clock.set(at(10, 30, days=3))
    tick(sandbox)
    lee, noah, mia = assigned(sandbox, "ULEE"), assigned(sandbox, "UNOAH"), assigned(sandbox, "UMIA")
    assert lee == ["design-dataset", "design-scale"]
    # The design bank is used up: the one communication question not asked at the screen stands in.
    assert noah == ["screen-teach"]
    # The pair-programming interview keeps its own questions.
    assert mia == ["coding-review", "coding-tests"]
    assert not set(lee + mia) & set(sam + jonas)
    pair = briefing(sandbox, "UMIA")
    assert "Pair programming" in pair and "Question coding-tests:" in pair


def test_an_interviewer_whose_focus_is_used_up_gets_related_questions_not_asked_before(
    sandbox: Sandbox,
) -> None:
    loop = make_loop(sandbox, start=at(10), interviewers=["USAM", "UJONAS", "ULEE", "UMIA"])
    sandbox.clock.set(at(9, 30))
    tick(sandbox)
    # 7 screen questions: 3 + 3 + 1; the fourth interviewer gets coding questions of another focus.
    assert [len(assigned(sandbox, u)) for u in ("USAM", "UJONAS", "ULEE")] == [3, 3, 1]
    assert assigned(sandbox, "UMIA") == ["coding-review", "coding-tests"]
    with sandbox.app.db.uow(TEAM) as uow:
        rows = list(uow.session.scalars(select(QuestionAssignment)))
    assert len(rows) == 9 and len({r.question_id for r in rows}) == 9
    assert {r.candidate_id for r in rows} == {loop.candidate.id}
