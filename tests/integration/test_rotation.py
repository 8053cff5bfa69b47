"""Fair rotation across a pool: least recent load first, limits respected, deterministic (both databases)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from bot.sandbox.harness import START, Sandbox
from hiring.panels.panels import SeatChoice
from hiring.panels.pools import PoolInput
from storage.models import Interview, Panel, Seat
from tests.factories import TEAM, make_booked_panel, make_candidate, make_person
from tests.loops import ADMIN, setup_loop

SIX = ["UJONAS", "ULEE", "UMIA", "UNOAH", "UPRIYA", "USAM"]
MANAGER = ADMIN


def engineer_seats(sandbox: Sandbox) -> Counter[str]:
    with sandbox.app.db.uow(TEAM) as uow:
        rows = uow.session.scalars(
            select(Seat.user_id)
            .join(Interview, Seat.interview_id == Interview.id)
            .where(Interview.interview_key.in_(["coding", "design"]), Seat.kind == "interviewer")
        )
        return Counter(rows)


def six_engineers(sandbox: Sandbox, *, daily: int = 2, weekly: int = 5) -> None:
    sandbox.app.services.pools.save(
        ADMIN,
        PoolInput(name="Six", kind="engineer", qualified=SIX, daily_limit=daily, weekly_limit=weekly),
    )


def save_drafted_panel(sandbox: Sandbox, candidate_id: int) -> dict[str, list[str]]:
    """Accept rotation's proposal for the candidate's onsite as it is (what a busy manager does)."""
    panels = sandbox.app.services.panels
    draft = panels.draft(MANAGER, candidate_id, "onsite")
    choices = {iv.key: SeatChoice(iv.interviewer_ids, iv.shadow_id) for iv in draft.interviews}
    assert panels.save(MANAGER, candidate_id, "onsite", choices) is not None
    return {iv.key: iv.interviewer_ids for iv in draft.interviews}


def test_over_several_panels_the_load_spreads_evenly(sandbox: Sandbox) -> None:
    role, first = setup_loop(sandbox, pools=False)
    six_engineers(sandbox)
    sandbox.app.services.pools.save(
        ADMIN, PoolInput(name="Managers", kind="hiring_manager", qualified=["UHANA"])
    )
    candidates = [first] + [
        make_candidate(sandbox.app.db, sandbox.clock, role, name=f"Candidate {n}", stage_key="onsite")
        for n in range(2, 7)
    ]
    for number, candidate in enumerate(candidates, start=1):
        chosen = save_drafted_panel(sandbox, candidate.id)
        # two interviews of two: four different people per loop
        assert len(set(chosen["coding"]) | set(chosen["design"])) == 4
        assert chosen["manager"] == ["UHANA"]
        load = engineer_seats(sandbox)
        spread = [load.get(u, 0) for u in SIX]
        assert max(spread) - min(spread) <= 1, (number, load)
    # six loops × four seats over six people: four each
    assert engineer_seats(sandbox) == Counter({u: 4 for u in SIX})


def test_suggestions_are_deterministic_and_break_ties_by_oldest_assignment(sandbox: Sandbox) -> None:
    role, candidate = setup_loop(sandbox, pools=False)
    six_engineers(sandbox)
    pools = sandbox.app.services.pools
    fresh = pools.suggest(TEAM, "engineer", 3)
    assert fresh.interviewer_ids == ["UJONAS", "ULEE", "UMIA"]  # nobody has load: by user id
    assert fresh.qualified == 6
    assert pools.suggest(TEAM, "engineer", 3) == fresh
    # ULEE then UJONAS get a seat (in that order): both now have load 1, UJONAS the newer one
    other = make_candidate(sandbox.app.db, sandbox.clock, role, name="Other", stage_key="onsite")
    make_booked_panel(
        sandbox.app.db,
        sandbox.clock,
        other,
        start=START + timedelta(days=1),
        interviewers={"coding": ["ULEE"], "design": ["UMIA", "UNOAH"], "manager": ["UHANA"]},
        status="ready",
    )
    make_booked_panel(
        sandbox.app.db,
        sandbox.clock,
        candidate,
        start=START + timedelta(days=2),
        interviewers={"coding": ["UJONAS"], "design": ["UPRIYA", "USAM"], "manager": ["UHANA"]},
        status="ready",
    )
    loads = pools.loads(TEAM, SIX)
    assert {u: load.recent for u, load in loads.items()} == dict.fromkeys(SIX, 1)
    assert loads["UJONAS"].last_seat > loads["ULEE"].last_seat
    assert pools.suggest(TEAM, "engineer", 6).interviewer_ids == [
        "ULEE",
        "UMIA",
        "UNOAH",
        "UJONAS",
        "UPRIYA",
        "USAM",
    ]
    assert pools.suggest(TEAM, "engineer", 2, exclude=["ULEE"]).interviewer_ids == ["UMIA", "UNOAH"]


def test_only_recent_live_interviews_count_as_load(sandbox: Sandbox) -> None:
    role, candidate = setup_loop(sandbox, pools=False)
    six_engineers(sandbox)
    old = make_candidate(sandbox.app.db, sandbox.clock, role, name="Long ago", stage_key="onsite")
    panel = make_booked_panel(
        sandbox.app.db,
        sandbox.clock,
        old,
        start=START - timedelta(days=31),
        interviewers={"coding": ["UJONAS", "ULEE"], "design": ["UMIA", "UNOAH"], "manager": ["UHANA"]},
    )
    cancelled = make_booked_panel(
        sandbox.app.db,
        sandbox.clock,
        candidate,
        start=START + timedelta(days=3),
        interviewers={"coding": ["UPRIYA", "USAM"], "design": ["UJONAS", "ULEE"], "manager": ["UHANA"]},
    )
    with sandbox.app.db.uow(TEAM) as uow:
        stored = uow.panels.get(cancelled.id)
        assert stored is not None
        for iv in stored.interviews:
            if iv.interview_key == "coding":
                iv.status = "cancelled"
        uow.commit()
    loads = sandbox.app.services.pools.loads(TEAM, SIX)
    assert {u: load.recent for u, load in loads.items()} == {
        "UJONAS": 1,  # the old loop is outside the 30 days; the cancelled coding interview not counted
        "ULEE": 1,
        "UMIA": 0,
        "UNOAH": 0,
        "UPRIYA": 0,
        "USAM": 0,
    }
    assert panel.id != cancelled.id


def test_daily_and_weekly_limits_are_respected_when_the_time_is_known(sandbox: Sandbox) -> None:
    role, candidate = setup_loop(sandbox, pools=False)
    six_engineers(sandbox, daily=1, weekly=2)
    make_person(sandbox.app.db, sandbox.clock, "UPRIYA", tz="Asia/Kolkata")
    tuesday = START + timedelta(days=1)  # Tue 24 Nov 08:00 UTC
    # USAM: two interviews on Tuesday; UPRIYA: Monday 20:00 UTC, which is Tuesday 01:30 in Kolkata
    make_booked_panel(
        sandbox.app.db,
        sandbox.clock,
        candidate,
        start=tuesday + timedelta(hours=2),
        interviewers={"coding": ["USAM"], "design": ["USAM"], "manager": ["UHANA"]},
    )
    other = make_candidate(sandbox.app.db, sandbox.clock, role, name="Other", stage_key="onsite")
    make_booked_panel(
        sandbox.app.db,
        sandbox.clock,
        other,
        start=START + timedelta(hours=12),
        interviewers={"coding": ["UPRIYA"], "design": ["UJONAS"], "manager": ["UHANA"]},
        stage_key="onsite",
    )
    pools = sandbox.app.services.pools
    monday = pools.suggest(TEAM, "engineer", 6, at=START + timedelta(hours=2))
    assert "UPRIYA" in monday.interviewer_ids  # still Monday in Kolkata
    # JONAS has one on Monday (21:00 UTC, his zone unknown), SAM two this week already
    assert monday.over_limit == ["UJONAS", "USAM"]
    tue = pools.suggest(TEAM, "engineer", 6, at=tuesday + timedelta(hours=6))
    assert {"USAM", "UPRIYA"} <= set(tue.over_limit)
    assert "USAM" not in tue.interviewer_ids and "UPRIYA" not in tue.interviewer_ids
    wednesday = pools.suggest(TEAM, "engineer", 6, at=tuesday + timedelta(days=1))
    assert wednesday.over_limit == ["USAM"]  # two this week already: the weekly limit
    next_monday = pools.suggest(TEAM, "engineer", 6, at=START + timedelta(days=7))
    assert next_monday.over_limit == [] and len(next_monday.interviewer_ids) == 6
    # without a time, limits do not apply (the panel is not booked yet)
    assert len(pools.suggest(TEAM, "engineer", 6).interviewer_ids) == 6


def test_shadow_suggestion_comes_from_shadow_members_with_least_load(sandbox: Sandbox) -> None:
    setup_loop(sandbox, pools=False)
    sandbox.app.services.pools.save(
        ADMIN,
        PoolInput(name="Eng", kind="engineer", qualified=["USAM", "ULEE"], shadow=["UNOAH", "UMIA"]),
    )
    suggestion = sandbox.app.services.pools.suggest(TEAM, "engineer", 1)
    assert (suggestion.interviewer_ids, suggestion.shadow_id, suggestion.qualified) == (["ULEE"], "UMIA", 2)
    assert sandbox.app.services.pools.suggest(TEAM, "engineer", 1, exclude=["UMIA"]).shadow_id == "UNOAH"
    assert sandbox.app.services.pools.suggest(TEAM, "director", 1).interviewer_ids == []
    with sandbox.app.db.uow(TEAM) as uow:
        assert uow.session.scalars(select(Panel)).all() == []


def test_a_pool_smaller_than_the_loop_suggests_nobody_for_two_interviews(sandbox: Sandbox) -> None:
    _, candidate = setup_loop(sandbox, pools=False)
    pools = sandbox.app.services.pools
    pools.save(ADMIN, PoolInput(name="Three", kind="engineer", qualified=["UJONAS", "ULEE", "UPRIYA"]))
    pools.save(ADMIN, PoolInput(name="Managers", kind="hiring_manager", qualified=["UHANA"]))
    draft = sandbox.app.services.panels.draft(MANAGER, candidate.id, "onsite")
    chosen = {iv.key: iv.interviewer_ids for iv in draft.interviews}
    # four seats from three people: the plan runs no session, so nobody sits two interviews (the
    # scheduler could not book that); design gets the one person left and the modal asks for more
    assert chosen["coding"] == ["UJONAS", "ULEE"]
    assert chosen["design"] == ["UPRIYA"]
    assert [iv.qualified for iv in draft.interviews] == [3, 3, 1]
