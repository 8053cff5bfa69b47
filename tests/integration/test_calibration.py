"""`/interview calibration <role>`: each interviewer's rating distribution against their panels'."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.sandbox.harness import START, Sandbox
from hiring.clock import FixedClock
from hiring.feedback.calibration import CalibrationService
from hiring.permissions import Actor
from storage.uow import Database
from tests.debrief_support import make_loop, make_platform_role, score
from tests.factories import TEAM, make_booked_panel, make_candidate

HM = Actor(TEAM, "UHANA")


def scored_role(db: Database, clock: FixedClock) -> int:
    """Four candidates; USAM rates a point above ULEE on every one; a shadow rates everything 1."""
    loop = make_loop(db, clock, name="Cand 0", shadows=("UNOAH",))
    role = loop.role
    loops = [loop] + [make_loop(db, clock, name=f"Cand {n}", role=role) for n in range(1, 4)]
    for n, each in enumerate(loops):
        interview = each.interviews[0]
        high, low = (4, 3) if n % 2 == 0 else (3, 2)
        score(db, clock, interview, "USAM", {"technical_depth": high, "communication": high}, "strong_yes")
        score(db, clock, interview, "ULEE", {"technical_depth": low, "communication": low}, "no")
    score(db, clock, loop.interviews[0], "UNOAH", {"technical_depth": 1}, "strong_no", is_shadow=True)
    # a draft never counts
    score(db, clock, loops[1].interviews[0], "UMIA", {"technical_depth": 1}, "no", status="draft")
    return role.id


def test_calibration_compares_each_interviewer_with_their_panels(database_url: str) -> None:
    db = Database(database_url)
    clock = FixedClock(START)
    try:
        role_id = scored_role(db, clock)
        cal = CalibrationService(db, clock).report(HM, role_id)
        assert (cal.cards, cal.scale_min, cal.scale_max) == (8, 1, 4)
        assert cal.distribution == {1: 0, 2: 4, 3: 8, 4: 4}
        assert cal.mean == 3.0
        lee, sam = cal.interviewers  # most scorecards first, then by id
        assert (sam.user_id, sam.cards, sam.mean, sam.panel_mean, sam.delta) == ("USAM", 4, 3.5, 2.5, 1.0)
        assert sam.distribution == {1: 0, 2: 0, 3: 4, 4: 4}
        assert sam.leaning == "more generous than their panels" and sam.hire_share == 1.0
        assert (lee.user_id, lee.delta, lee.leaning, lee.hire_share) == (
            "ULEE",
            -1.0,
            "harsher than their panels",
            0.0,
        )
        assert "UNOAH" not in {r.user_id for r in cal.interviewers}
        assert "UMIA" not in {r.user_id for r in cal.interviewers}
    finally:
        db.dispose()


def test_scorecards_stay_with_the_role_they_were_given_for_after_a_pivot(sandbox: Sandbox) -> None:
    db, clock = sandbox.app.db, sandbox.clock
    loop = make_loop(db, clock)
    platform = make_platform_role(db, clock, hiring_manager="UHANA")
    sandbox.advance(hours=3)
    score(db, clock, loop.interviews[0], "USAM", {"technical_depth": 4})
    score(db, clock, loop.interviews[0], "ULEE", {"technical_depth": 2})
    services = sandbox.app.services
    decision = services.decisions.decide(
        HM, candidate_id=loop.candidate.id, outcome="pivot", target_role_id=platform.id
    )
    assert decision is not None and decision.target_role_id == platform.id
    # a new panel in the platform role, scored by ULEE only
    sandbox.advance(days=1)
    fresh = make_candidate(db, clock, platform, name="Platform Person", stage_key="onsite")
    panel = make_booked_panel(db, clock, fresh, start=clock.now() - timedelta(hours=2), interviewers=["ULEE"])
    score(db, clock, panel.interviews[0], "ULEE", {"technical_depth": 1})
    backend = services.calibration.report(HM, loop.role.id)
    assert {r.user_id: (r.cards, r.mean) for r in backend.interviewers} == {
        "USAM": (1, 4.0),
        "ULEE": (1, 2.0),
    }
    platform_view = services.calibration.report(HM, platform.id)
    assert {r.user_id: (r.cards, r.mean) for r in platform_view.interviewers} == {"ULEE": (1, 1.0)}


def test_calibration_command_permissions_and_rendering(sandbox: Sandbox) -> None:
    role_id = scored_role(sandbox.app.db, sandbox.clock)
    assert role_id
    sandbox.command("UOTTO", "calibration Senior Backend Engineer")
    assert "Only the hiring manager (<@UHANA>), the role's recruiters" in sandbox.last_reply("UOTTO")
    sandbox.command("URITA", "calibration senior backend enginer")
    assert "Did you mean “Senior Backend Engineer”" in sandbox.last_reply("URITA")
    sandbox.command("URITA", "calibration")
    assert "Name the role" in sandbox.last_reply("URITA")
    sandbox.command("URITA", "calibration Senior Backend Engineer")
    reply = sandbox.fake.ephemerals("URITA")[-1]
    body = json.dumps(reply.blocks, ensure_ascii=False)
    assert "Interviewer calibration: Senior Backend Engineer" in body
    assert "8 scorecards · mean *3.0* on the 1–4 scale" in body
    assert "<@USAM> — 4 scorecards · mean *3.5* vs *2.5* from the same panels (+1.0): _more generous" in body
    assert "<@ULEE> — 4 scorecards · mean *2.5* vs *3.5* from the same panels (-1.0): _harsher" in body
    assert "`1 ▏ 0   2 ▏ 0   3 ████ 4   4 ████ 4`" in body


def test_calibration_of_a_role_without_scorecards(sandbox: Sandbox) -> None:
    make_loop(sandbox.app.db, sandbox.clock)
    sandbox.command("UHANA", "calibration Senior Backend Engineer")
    assert "nothing to calibrate" in json.dumps(sandbox.fake.ephemerals("UHANA")[-1].blocks)
