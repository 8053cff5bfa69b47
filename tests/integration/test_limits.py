"""A person's own interview limits through Slack (`/interview limits [@person]`, the App Home's
button, the modal) and the effective limit booking applies: their own, else their pool's, else the
workspace default (both databases, through the real HTTP endpoint)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from bot.sandbox.harness import START, Sandbox
from hiring.panels.panels import SeatChoice
from hiring.panels.pools import PoolInput
from storage.models import AuditEvent, Person
from tests.factories import TEAM, make_booked_panel, make_candidate, make_role
from tests.loops import ADMIN, make_pools, setup_loop
from tests.scheduling_support import (
    HANA,
    click_option,
    enter_availability,
    interviews,
    open_options,
    setup_schedule,
)

TUESDAY = [("2026-11-24", "05:00", "12:00")]  # New York: 10:00–17:00 UTC


def person(sandbox: Sandbox, user_id: str) -> Person | None:
    with sandbox.app.db.uow(TEAM) as uow:
        return uow.people.get(user_id)


def limit_events(sandbox: Sandbox) -> list[AuditEvent]:
    with sandbox.app.db.uow(TEAM) as uow:
        return [e for e in uow.audit.all() if e.action == "person.limits"]


def blocks_by_id(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if "block_id" in b}


def open_limits(sandbox: Sandbox, who: str, args: str = "") -> dict[str, Any]:
    sandbox.command(who, f"limits {args}".strip())
    view = sandbox.fake.last_view(who)
    assert view is not None and view["callback_id"] == "limits_modal"
    return view


def test_anyone_sets_their_own_limits_audited_once_and_empty_goes_back_to_the_default(
    sandbox: Sandbox,
) -> None:
    view = open_limits(sandbox, "UOTTO")
    assert "2 a day (the workspace default)" in str(view["blocks"])
    assert "5 a week (the workspace default)" in str(view["blocks"])
    reply = sandbox.submit("UOTTO", {"daily_limit": "1", "weekly_limit": "3"})
    assert reply.status == 200 and reply.body == ""
    otto = person(sandbox, "UOTTO")
    assert otto is not None and (otto.daily_limit, otto.weekly_limit) == (1, 3)
    # Slack retrying the same submission (same view id) changes nothing more
    sandbox.submit("UOTTO", {"daily_limit": "4", "weekly_limit": "9"})
    [event] = limit_events(sandbox)
    assert (event.actor_id, event.subject_id, event.after) == ("UOTTO", "UOTTO", {"daily": 1, "weekly": 3})

    view = open_limits(sandbox, "UOTTO")
    fields = blocks_by_id(view)
    assert fields["daily_limit"]["element"]["initial_value"] == "1"
    assert "1 a day (set for this person)" in str(view["blocks"])
    sandbox.submit("UOTTO", {"daily_limit": "", "weekly_limit": ""})
    otto = person(sandbox, "UOTTO")
    assert otto is not None and (otto.daily_limit, otto.weekly_limit) == (None, None)
    assert "2 a day (the workspace default)" in str(open_limits(sandbox, "UOTTO")["blocks"])


def test_pool_members_see_their_pools_limits_and_their_own_win(sandbox: Sandbox) -> None:
    make_pools(sandbox, daily=3, weekly=6)
    view = open_limits(sandbox, "USAM")
    assert "3 a day (from their interviewer pool)" in str(view["blocks"])
    assert "Leave empty to keep their pool's (3)" in str(view["blocks"])
    sandbox.submit("USAM", {"daily_limit": "1", "weekly_limit": ""})
    text = str(open_limits(sandbox, "USAM")["blocks"])
    assert "1 a day (set for this person)" in text and "6 a week (from their interviewer pool)" in text


def test_setting_someone_elses_limits_needs_the_right_to_manage_pools(sandbox: Sandbox) -> None:
    make_role(sandbox.app.db, sandbox.clock)  # UHANA manages an open role
    sandbox.command("UOTTO", "limits <@USAM|sam>")
    assert sandbox.fake.last_view("UOTTO") is None
    assert "Only workspace admins and people who manage an open role" in str(sandbox.fake.ephemerals("UOTTO"))
    sandbox.command("UOTTO", "limits Sam")
    assert "Name one person with an @mention" in str(sandbox.fake.ephemerals("UOTTO"))

    view = open_limits(sandbox, "UHANA", "<@USAM|sam>")
    assert "<@USAM>'s interview limits" in str(view["blocks"])
    sandbox.submit("UHANA", {"daily_limit": "3", "weekly_limit": "8"})
    sam = person(sandbox, "USAM")
    assert sam is not None and (sam.daily_limit, sam.weekly_limit) == (3, 8)
    assert sam.display_name == "Sam Smith"  # refreshed from Slack after the ack
    [event] = limit_events(sandbox)
    assert (event.actor_id, event.subject_id, event.before) == ("UHANA", "USAM", None)


def test_bad_limits_are_shown_next_to_their_fields_and_nothing_is_saved(sandbox: Sandbox) -> None:
    open_limits(sandbox, "UOTTO")
    errors = sandbox.submit("UOTTO", {"daily_limit": "two", "weekly_limit": "99"}).json()["errors"]
    assert "not a whole number" in errors["daily_limit"]
    assert "between 1 and 40" in errors["weekly_limit"]
    errors = sandbox.submit("UOTTO", {"daily_limit": "4", "weekly_limit": "3"}).json()["errors"]
    assert errors == {"weekly_limit": "The weekly limit (3) can't be below the daily one (4)."}
    errors = sandbox.submit("UOTTO", {"daily_limit": "6", "weekly_limit": ""}).json()["errors"]
    assert errors == {"weekly_limit": "The weekly limit (5) can't be below the daily one (6)."}
    assert limit_events(sandbox) == []
    assert person(sandbox, "UOTTO") is None


def test_the_app_home_button_opens_my_limits(sandbox: Sandbox) -> None:
    assert sandbox.slack.open_home("USAM").status == 200
    sandbox.idle()
    home = sandbox.fake.home_tabs["USAM"]
    [button] = blocks_by_id(home)["limits"]["elements"]
    assert button["text"]["text"] == "Set my interview limits"
    sandbox.click("USAM", button["action_id"], button["value"], view=home, block_id="limits")
    view = sandbox.fake.last_view("USAM")
    assert view is not None and view["callback_id"] == "limits_modal"
    assert "Your interview limits" in str(view["blocks"])


def another_loop(sandbox: Sandbox, role_id: int, name: str, seats: dict[str, SeatChoice]) -> None:
    """A second candidate of the role at the video stage, with a saved panel."""
    with sandbox.app.db.uow(TEAM) as uow:
        role = uow.roles.get(role_id)
    assert role is not None
    email = name.split()[0].lower() + "@example.com"
    candidate = make_candidate(sandbox.app.db, sandbox.clock, role, name=name, stage_key="video", email=email)
    assert sandbox.app.services.panels.save(HANA, candidate.id, "video", seats) is not None


def book_tuesday(sandbox: Sandbox, name: str) -> dict[str, Any]:
    """Enter Tuesday as the candidate's availability and open the options; book the first if any."""
    enter_availability(sandbox, TUESDAY, candidate=name)
    view = open_options(sandbox, candidate=name)
    if "Nothing fits." not in str(view["blocks"]):
        click_option(sandbox, view)
    return view


def test_an_own_daily_limit_of_one_keeps_a_pool_member_to_one_loop_a_day(sandbox: Sandbox) -> None:
    loop = setup_schedule(sandbox)  # Sam codes in both loops; pools allow 2 a day
    another_loop(
        sandbox, loop.role_id, "Alan Turing", {"coding": SeatChoice(["USAM"]), "design": SeatChoice(["ULEE"])}
    )
    open_limits(sandbox, "USAM")
    sandbox.submit("USAM", {"daily_limit": "1", "weekly_limit": ""})
    book_tuesday(sandbox, "Grace Hopper")
    assert sum(1 for iv in interviews(sandbox) if iv.start_at is not None) == 2
    view = book_tuesday(sandbox, "Alan Turing")
    assert "Daily limit 1 reached for Sam Smith on Tue" in str(view["blocks"])
    assert sum(1 for iv in interviews(sandbox) if iv.start_at is not None) == 2


def test_someone_left_outside_every_pool_gets_the_default_limit(sandbox: Sandbox) -> None:
    """Dora sits three panels while in a guest pool allowing 5 a day, then leaves it: the default
    (2 a day) applies to her, where she used to have no limit at all."""
    pools = sandbox.app.services.pools
    guests = PoolInput(
        name="Guests", kind="engineer", qualified=["UDORA", "UOTTO"], daily_limit=5, weekly_limit=10
    )
    saved = pools.save(ADMIN, guests)
    assert saved is not None
    dora = {"coding": SeatChoice(["UDORA"]), "design": SeatChoice(["UJONAS"])}
    loop = setup_schedule(sandbox, seats=dora)
    another_loop(
        sandbox,
        loop.role_id,
        "Alan Turing",
        {"coding": SeatChoice(["UDORA"]), "design": SeatChoice(["ULEE"])},
    )
    another_loop(
        sandbox,
        loop.role_id,
        "Edsger Dijkstra",
        {"coding": SeatChoice(["UDORA"]), "design": SeatChoice(["USAM"])},
    )
    pools.save(ADMIN, replace(guests, qualified=["UOTTO"]), pool_id=saved.id)
    assert "2 a day (the workspace default)" in str(open_limits(sandbox, "UDORA")["blocks"])
    book_tuesday(sandbox, "Grace Hopper")
    book_tuesday(sandbox, "Alan Turing")
    assert sum(1 for iv in interviews(sandbox) if iv.start_at is not None) == 4
    view = book_tuesday(sandbox, "Edsger Dijkstra")
    assert "Daily limit 2 reached for Dora Director on Tue" in str(view["blocks"])
    assert sum(1 for iv in interviews(sandbox) if iv.start_at is not None) == 4


def test_rotation_skips_a_member_at_their_own_daily_limit(sandbox: Sandbox) -> None:
    _role, candidate = setup_loop(sandbox)  # the engineer pool allows 2 a day
    tuesday = START + timedelta(days=1)
    make_booked_panel(
        sandbox.app.db,
        sandbox.clock,
        candidate,
        start=tuesday + timedelta(hours=2),
        interviewers={"coding": ["USAM"], "design": ["UJONAS"], "manager": ["UHANA"]},
    )
    pools = sandbox.app.services.pools
    assert "USAM" not in pools.suggest(TEAM, "engineer", 4, at=tuesday + timedelta(hours=6)).over_limit
    open_limits(sandbox, "USAM")
    sandbox.submit("USAM", {"daily_limit": "1", "weekly_limit": ""})
    later = pools.suggest(TEAM, "engineer", 4, at=tuesday + timedelta(hours=6))
    assert later.over_limit == ["USAM"] and "USAM" not in later.interviewer_ids
