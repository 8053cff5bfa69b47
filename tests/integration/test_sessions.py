"""Seed 000's on-site (the public-sector plan) run as its team runs it: one panel of two senior
engineers for the technical and behavioural block, with breaks, then two team members. Through the
real HTTP endpoint and the Slack fake, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.sandbox.harness import Sandbox
from hiring.errors import InvalidInput
from hiring.panels.panels import SeatChoice
from hiring.panels.pools import PoolInput
from tests.factories import make_candidate, make_role
from tests.feedback_support import buttons, tick
from tests.loops import ADMIN
from tests.scheduling_support import (
    HANA,
    calendar_rows,
    click_option,
    enter_availability,
    interviews,
    open_options,
)

BLOCK = ["experience-mentoring", "scenarios", "code-review", "prioritisation", "service-design"]
PANEL = ["UJONAS", "USAM"]  # senior engineers (Berlin, London)
TEAM_MEMBERS = ["UDORA", "UMIA"]  # team members (London, Rome)


def _team(box: Sandbox, seniors: list[str] = PANEL) -> int:
    """A Newport team of four: two senior engineers (also team members) and two more team members;
    Grace Hopper at the on-site."""
    pools = box.app.services.pools
    pools.save(ADMIN, PoolInput(name="Senior engineers", kind="senior_engineer", qualified=seniors))
    pools.save(ADMIN, PoolInput(name="The team", kind="team_member", qualified=[*TEAM_MEMBERS, *PANEL]))
    role = make_role(box.app.db, box.clock)
    return make_candidate(box.app.db, box.clock, role, timezone="Europe/London", stage_key="onsite").id


def _users(view: dict[str, Any]) -> dict[str, list[str]]:
    return {
        b["block_id"][3:]: sorted(b["element"].get("initial_users", []))
        for b in view["blocks"]
        if str(b.get("block_id", "")).startswith("iv:")
    }


def test_the_panel_modal_suggests_one_panel_for_the_block_and_refuses_a_second_sitting(
    sandbox: Sandbox,
) -> None:
    _team(sandbox)
    sandbox.command("UHANA", "panel Grace Hopper")
    view = sandbox.fake.last_view("UHANA")
    assert view is not None
    suggested = _users(view)
    assert {k: suggested[k] for k in BLOCK} == dict.fromkeys(BLOCK, PANEL)
    assert suggested["meet-the-team"] == TEAM_MEMBERS
    reply = sandbox.submit("UHANA", {"iv:meet-the-team": ["USAM", "UMIA"]}, view=view)
    errors = reply.json()["errors"]
    assert list(errors) == ["iv:meet-the-team"]
    assert "Sam Smith already sits Experience and mentoring" in errors["iv:meet-the-team"]
    assert "unless the plan runs those interviews in one session" in errors["iv:meet-the-team"]
    assert sandbox.submit("UHANA", {}, view=view).status == 200


def test_seed_000_on_site_is_booked_for_one_panel_in_one_block_with_breaks(database_url: str) -> None:
    with Sandbox(database_url, google_rooms=["Room A", "Room B"]) as box:
        _team(box)
        box.command("UHANA", "panel Grace Hopper")
        assert box.submit("UHANA", {}, view=box.fake.last_view("UHANA")).status == 200
        day = (box.clock.now() + timedelta(days=1)).date().isoformat()
        enter_availability(box, [(day, "09:00", "17:00")])
        view = open_options(box)
        click_option(box, view)
        booked = interviews(box)
        assert [iv.interview_key for iv in booked] == [*BLOCK, "meet-the-team"]
        assert all(iv.status == "booked" and iv.start_at and iv.end_at for iv in booked)
        block = booked[:5]
        for iv in block:
            assert sorted(s.user_id for s in iv.seats if s.kind == "interviewer") == PANEL
        gaps = [(b.start_at - a.end_at) for a, b in itertools.pairwise(block)]  # type: ignore[operator]
        assert gaps == [timedelta(minutes=5)] * 4
        team = booked[5]
        assert sorted(s.user_id for s in team.seats if s.kind == "interviewer") == TEAM_MEMBERS
        assert team.start_at - block[-1].end_at >= timedelta(minutes=15)  # type: ignore[operator]
        assert team.end_at - block[0].start_at <= timedelta(minutes=180)  # type: ignore[operator]
        assert len({iv.room for iv in block}) == 1
        # Each interview keeps its own record and calendar event (its scorecard hangs off it).
        assert len({iv.id for iv in booked}) == 6 and len({iv.event_id for iv in booked}) == 6
        assert len(calendar_rows(box)) == 6
        # Grace can only do the day after now: the loop moves as a whole, the block still one sitting.
        events = {r.id for r in calendar_rows(box)}
        later = (box.clock.now() + timedelta(days=2)).date().isoformat()
        enter_availability(box, [(later, "09:00", "17:00")])
        moving = open_options(box, command="reschedule")
        click_option(box, moving)
        assert {r.id for r in calendar_rows(box)} == events  # the same events, moved
        booked = interviews(box)
        block, team = booked[:5], booked[5]
        assert {iv.start_at.date().isoformat() for iv in booked} == {later}  # type: ignore[union-attr]
        moved_gaps = [b.start_at - a.end_at for a, b in itertools.pairwise(block)]  # type: ignore[operator]
        assert moved_gaps == [timedelta(minutes=5)] * 4
        # After the on-site, each interviewer is asked for one scorecard per interview they sat.
        box.clock.set(team.end_at + timedelta(minutes=1))  # type: ignore[operator]
        tick(box)
        for user_id, sat in [*((u, block) for u in PANEL), *((u, [team]) for u in TEAM_MEMBERS)]:
            asked = [m for m in box.fake.dms(user_id) if "submit your" in m.text]
            values = sorted(buttons(m.blocks, "scorecard_open")[0]["value"] for m in asked)
            assert values == sorted(str(iv.id) for iv in sat), user_id
    assert not box.fake.block_errors


SENIORS = ["UJONAS", "UPRIYA", "USAM"]
TEAMMATES = ["UDORA", "UJONAS", "UMIA", "USAM"]
PAIRS = st.lists(st.sampled_from(SENIORS), min_size=2, max_size=2, unique=True)
PANELS = st.fixed_dictionaries(
    {
        **{k: PAIRS for k in BLOCK},
        "meet-the-team": st.one_of(
            st.just(TEAM_MEMBERS), st.lists(st.sampled_from(TEAMMATES), min_size=2, max_size=2, unique=True)
        ),
    }
)


def test_whatever_the_panel_modal_accepts_the_scheduler_books_or_explains(database_url: str) -> None:
    with Sandbox(database_url, google_rooms=["Room A"]) as box:
        candidate_id = _team(box, [*PANEL, "UPRIYA"])
        day = (box.clock.now() + timedelta(days=1)).date().isoformat()
        enter_availability(box, [(day, "09:00", "17:00")])
        services = box.app.services
        seen = {"refused": 0, "booked": 0, "explained": 0}

        @settings(
            max_examples=30,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        )
        @given(PANELS)
        def check(seats: dict[str, list[str]]) -> None:
            choices = {k: SeatChoice(v) for k, v in seats.items()}
            try:
                services.panels.save(HANA, candidate_id, "onsite", choices)
            except InvalidInput as refused:  # said next to the field, before saving
                assert refused.errors and all(k.startswith("iv:") for k in refused.errors)
                seen["refused"] += 1
                return
            found = services.scheduling.options(HANA, candidate_id)
            assert found.options or found.blocked
            seen["booked" if found.options else "explained"] += 1
            assert "one interview per loop" not in (found.blocked or "")
            for option in found.options:
                block = [s for s in option.slots if s.title != "Time with the team"]
                assert [b.start - a.end for a, b in itertools.pairwise(block)] == [timedelta(minutes=5)] * 4

        check()
        assert seen["refused"] and seen["booked"], seen
