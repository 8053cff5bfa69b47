"""Debriefs reach the hiring channel when a stage's feedback is complete, or at quorum after the
deadline: exactly once, with the decision buttons, flags and escaped user text."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.sandbox.harness import START, Sandbox
from hiring.outbox import sent_keys
from storage.models import Interview
from tests.debrief_support import (
    STRONG,
    WEAK,
    button,
    debriefs,
    dispatcher,
    make_loop,
    score,
    score_all,
    tick,
)
from tests.factories import TEAM, make_booked_panel, make_candidate, make_scorecard
from tests.helpers import assert_escaped, plain_texts


def text_of(message: object) -> str:
    return json.dumps(message.blocks, ensure_ascii=False)  # type: ignore[attr-defined]


def test_debrief_waits_for_every_counted_scorecard_then_posts_once(sandbox: Sandbox) -> None:
    db, clock = sandbox.app.db, sandbox.clock
    loop = make_loop(db, clock)
    interview = loop.interviews[0]
    sandbox.advance(minutes=90)  # 09:30: the 09:00–09:45 interview has not ended
    score(db, clock, interview, "USAM", {"technical_depth": 4, "communication": 3}, "strong_yes")
    tick(sandbox)
    assert debriefs(sandbox) == []
    sandbox.advance(minutes=30)  # ended, one of two scorecards in, deadline far away
    tick(sandbox)
    assert debriefs(sandbox) == []
    score(db, clock, interview, "ULEE", {"technical_depth": 2, "communication": 2}, "no", evidence=WEAK)
    report = tick(sandbox)
    posted = debriefs(sandbox)
    assert len(posted) == 1 and report.sent == 1
    assert sent_keys(db, "debrief:") == [f"debrief:{loop.panel.id}"]
    body = text_of(posted[0])
    assert "Debrief: Grace Hopper — Technical screen" in body
    assert "2 of 2 scorecards in" in body
    assert "<@USAM>" in body and "<@ULEE>" in body
    assert "Technical depth *4*/4" in body and "Communication *2*/4" in body
    assert "Panel leaning: *Split*" in body and "Split panel: 1 for hiring, 1 against." in body
    assert "*Strongest evidence for* (<@USAM>" in body and "*Strongest evidence against* (<@ULEE>" in body
    assert "Technical depth: *3.0* of 4 (2–4, 2 ratings)" in body
    advance = button(posted[0], "decision_advance")
    assert (
        advance is not None
        and advance["value"] == f"{loop.candidate.id}:{loop.role.id}:screen:{loop.panel.id}"
    )
    assert advance["text"]["text"] == "Advance to On-site"  # type: ignore[index]
    for action in ("decision_reject", "decision_hold", "decision_pivot"):
        assert button(posted[0], action) is not None
    assert button(posted[0], "decision_offer") is None  # not the last stage
    sandbox.advance(hours=30)
    again = tick(sandbox)
    assert again.sent == 0 and len(debriefs(sandbox)) == 1


def test_quorum_after_the_deadline_then_a_follow_up_when_the_rest_arrive(sandbox: Sandbox) -> None:
    db, clock = sandbox.app.db, sandbox.clock
    loop = make_loop(db, clock, interviewers=("USAM", "ULEE", "UMIA"), quorum=2)
    interview = loop.interviews[0]
    sandbox.advance(hours=2)
    score(db, clock, interview, "USAM", {"technical_depth": 3, "communication": 3})
    score(db, clock, interview, "ULEE", {"technical_depth": 3, "communication": 4})
    tick(sandbox)
    assert debriefs(sandbox) == []  # a quorum counts only after the deadline
    # the interview ended 09:45; feedback is due 24 hours later
    clock.set(START + timedelta(hours=1, minutes=45) + timedelta(hours=24) - timedelta(minutes=1))
    tick(sandbox)
    assert debriefs(sandbox) == []
    sandbox.advance(minutes=1)
    tick(sandbox)
    (posted,) = debriefs(sandbox)
    body = text_of(posted)
    assert "2 of 3 scorecards in" in body
    assert "Posted at quorum after the feedback deadline" in body
    assert "1 scorecard missing: <@UMIA>" in body
    assert button(posted, "decision_advance") is not None
    sandbox.advance(hours=2)
    score(db, clock, interview, "UMIA", {"technical_depth": 4, "communication": 4}, "strong_yes")
    tick(sandbox)
    replies = [m for m in sandbox.fake.posts("CHIRING") if m.thread_ts == posted.ts]
    assert len(replies) == 1
    assert "All 3 scorecards for *Grace Hopper*'s Technical screen are in now" in text_of(replies[0])
    assert posted.history, "the debrief was updated in place"
    updated = text_of(posted)
    assert "3 of 3 scorecards in" in updated and "missing" not in updated and "quorum" not in updated
    tick(sandbox)
    assert len([m for m in sandbox.fake.posts("CHIRING") if m.thread_ts == posted.ts]) == 1


def test_without_a_quorum_setting_every_scorecard_is_needed(sandbox: Sandbox) -> None:
    db, clock = sandbox.app.db, sandbox.clock
    loop = make_loop(db, clock)
    sandbox.advance(hours=2)
    score(db, clock, loop.interviews[0], "USAM", {"technical_depth": 3})
    sandbox.advance(days=5)
    tick(sandbox)
    assert debriefs(sandbox) == []


def test_shadows_are_shown_but_not_counted(sandbox: Sandbox) -> None:
    db, clock = sandbox.app.db, sandbox.clock
    loop = make_loop(db, clock, shadows=("UNOAH", "UMIA"))
    interview = loop.interviews[0]
    sandbox.advance(hours=2)
    score(db, clock, interview, "USAM", {"technical_depth": 3})
    score(
        db,
        clock,
        interview,
        "UNOAH",
        {"technical_depth": 1},
        "strong_no",
        evidence="Shadow notes.",
        is_shadow=True,
    )
    tick(sandbox)
    assert debriefs(sandbox) == []  # a shadow's card does not make up for a missing interviewer
    score(db, clock, interview, "ULEE", {"technical_depth": 3})
    tick(sandbox)  # UMIA (shadow) never submitted: not waited for
    (posted,) = debriefs(sandbox)
    body = text_of(posted)
    assert "2 of 2 scorecards in" in body
    assert "<@UNOAH> _(shadow, not counted)_" in body
    assert "Panel leaning: *Yes* (2 yes)" in body
    assert "Technical depth: *3.0* of 4" in body
    assert "UMIA" not in body


def test_a_rating_far_from_the_interviewers_usual_is_flagged(sandbox: Sandbox) -> None:
    db, clock = sandbox.app.db, sandbox.clock
    history = make_loop(db, clock, name="Earlier One", interviewers=("USAM",))
    role = history.role
    # USAM usually rates 1s: three earlier candidates
    for n in range(3):
        other = make_candidate(db, clock, role, name=f"Earlier {n}", stage_key="screen")
        panel = make_booked_panel(
            db, clock, other, start=START - timedelta(days=n + 2), interviewers=["USAM"]
        )
        make_scorecard(
            db,
            clock,
            panel.interviews[0],
            "USAM",
            ratings={"technical_depth": 1, "communication": 1},
            recommendation="no",
        )
    loop = make_loop(db, clock, role=role)
    sandbox.advance(hours=2)
    score(db, clock, loop.interviews[0], "USAM", {"technical_depth": 4, "communication": 4}, "strong_yes")
    score(db, clock, loop.interviews[0], "ULEE", {"technical_depth": 3, "communication": 3})
    score(db, clock, history.interviews[0], "USAM", {"technical_depth": 1, "communication": 1}, "no")
    tick(sandbox)
    grace = next(m for m in debriefs(sandbox) if "Grace Hopper" in m.text)
    body = text_of(grace)
    assert "<@USAM> rated Technical interview well above their usual: 4.0 here against 1.0" in body
    assert "ULEE> rated" not in body  # no history: never flagged


def test_cancelled_interviews_rejected_and_decided_candidates_get_no_debrief(sandbox: Sandbox) -> None:
    db, clock = sandbox.app.db, sandbox.clock
    loop = make_loop(db, clock, stage="onsite")
    with db.uow(TEAM) as uow:
        values = uow.session.get(Interview, loop.interviews[1].id)
        assert values is not None
        values.status = "cancelled"
        uow.commit()
    sandbox.advance(hours=3)
    for seat in loop.interviews[0].seats:
        score(db, clock, loop.interviews[0], seat.user_id, {"technical_depth": 3})
    rejected = make_loop(db, clock, name="Rejected Person", role=loop.role)
    score_all(db, clock, rejected)
    with db.uow(TEAM) as uow:
        person = uow.candidates.get(rejected.candidate.id)
        assert person is not None
        person.status = "rejected"
        uow.commit()
    tick(sandbox)
    (posted,) = debriefs(sandbox)
    body = text_of(posted)
    assert "Grace Hopper" in body and "Values" not in body and "2 of 2 scorecards in" in body
    assert button(posted, "decision_offer") is None and button(posted, "decision_advance") is not None


def test_two_replicas_ticking_post_one_debrief(sandbox: Sandbox) -> None:
    db, clock = sandbox.app.db, sandbox.clock
    loop = make_loop(db, clock)
    sandbox.advance(hours=2)
    score_all(db, clock, loop)
    first, second = dispatcher(sandbox, "replica-a"), dispatcher(sandbox, "replica-b")
    reports = [first.tick(), second.tick(), first.tick()]
    assert [r.sent for r in reports] == [1, 0, 0]
    assert len(debriefs(sandbox)) == 1


def test_a_failed_post_is_retried_by_a_later_tick(sandbox: Sandbox) -> None:
    db, clock = sandbox.app.db, sandbox.clock
    loop = make_loop(db, clock)
    sandbox.advance(hours=2)
    score_all(db, clock, loop)
    sandbox.fake.fail("chat.postMessage", "internal_error", status=500, times=10)
    assert tick(sandbox).sent == 0
    sandbox.fake.faults.clear()
    sandbox.advance(minutes=10)
    assert tick(sandbox).sent == 1
    assert len(debriefs(sandbox)) == 1


def test_hostile_names_and_evidence_are_escaped(sandbox: Sandbox) -> None:
    db, clock = sandbox.app.db, sandbox.clock
    loop = make_loop(db, clock, name="<!channel> *Eve*")
    sandbox.advance(hours=2)
    score(
        db,
        clock,
        loop.interviews[0],
        "USAM",
        {"technical_depth": 3},
        evidence="<@UOTTO> <!here> _it_ " + STRONG,
    )
    score(db, clock, loop.interviews[0], "ULEE", {"technical_depth": 3})
    tick(sandbox)
    posted = [m for m in sandbox.fake.posts("CHIRING") if "Debrief" in m.text]
    assert len(posted) == 1
    for hostile in ("<!channel>", "*Eve*", "<@UOTTO>", "<!here>", "_it_"):
        assert_escaped(hostile, posted[0].blocks, posted[0].text)
    assert posted[0].text == "Debrief for &lt;!channel&gt; ∗Eve∗ — Technical screen"
    assert "Debrief: <!channel> *Eve* — Technical screen" in plain_texts(posted[0].blocks)  # as typed
    assert "> &lt;@UOTTO&gt; &lt;!here&gt; ˍitˍ Grace explained" in text_of(posted[0])
